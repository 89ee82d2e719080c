import { useEffect } from 'react';
import type { MenuAction } from '../global';
import { useShoalStore } from '../store/store';
import { useAdd } from './add/AddFlow';
import { dialogOpen } from './Dialog';
import { useTorrentActions } from './use-torrent-actions';

export type MenuSource = (handler: (action: MenuAction) => void) => () => void;

/** Carries out the application menu's commands that act on the renderer's selection or dialogs. */
export function MenuActions({ source }: { source: MenuSource }) {
  const add = useAdd();
  const actions = useTorrentActions();
  const store = useShoalStore();
  useEffect(
    () =>
      source((action) => {
        // One dialog at a time: a menu command waits until the open one closes.
        if (dialogOpen()) return;
        if (action === 'add-magnet') add.openMagnetDialog();
        else if (action === 'create-torrent') store.getState().setCreating(true);
        else if (action === 'open-settings') store.getState().setSettingsOpen(true);
        else if (action === 'remove-selected') actions.askRemove();
        else void actions.togglePause();
      }),
    [source, add, actions, store],
  );
  return null;
}
