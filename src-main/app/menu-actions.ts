/**
 * Menu commands the renderer carries out itself, because they act on its selection or open its
 * own dialogs. The contract has no event for these (they never come from the engine), so the
 * shell carries them on one channel of its own, defined here for both main and preload.
 */
export const menuActions = ['add-magnet', 'create-torrent', 'open-settings', 'remove-selected', 'toggle-pause-selected'] as const;

export type MenuAction = (typeof menuActions)[number];

export const menuActionChannel = 'shoal:menu';

export function isMenuAction(value: unknown): value is MenuAction {
  return typeof value === 'string' && (menuActions as readonly string[]).includes(value);
}
