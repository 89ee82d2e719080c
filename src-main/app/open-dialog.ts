import { dialog, type BrowserWindow } from 'electron';

/** The native "open" dialog for .torrent files; an empty list when the user cancels. */
export async function chooseTorrentFiles(window: BrowserWindow | null): Promise<string[]> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open torrent files',
    buttonLabel: 'Add',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Torrent files', extensions: ['torrent'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}
