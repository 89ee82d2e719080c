/**
 * The shell's own open and save dialogs for the create-torrent dialog, and the file manager
 * showing a torrent's data: not engine commands (the
 * engine never sees the user's desktop), so they travel on channels of their own, named here
 * for both main and preload.
 */
export const nativeFilesChannels = {
  chooseSource: 'shoal:native:choose-source',
  saveTorrent: 'shoal:native:save-torrent',
  showInFolder: 'shoal:native:show-in-folder',
} as const;

export type SourceKind = 'file' | 'folder';

export function isSourceKind(value: unknown): value is SourceKind {
  return value === 'file' || value === 'folder';
}
