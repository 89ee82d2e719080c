import { dialog, shell, type BrowserWindow, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import { writeFile } from 'node:fs/promises';
import { limits } from '../../src-shared/contract/limits';
import { absolutePathSchema, toWireError } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import type { IpcReply } from './bridge';
import { isSourceKind, nativeFilesChannels } from './native-files-channels';
import { fileError } from '../engine/fs/file-errors';

export interface NativeFilesHost {
  window(): BrowserWindow | null;
  /** Only our own page may open dialogs (the same check as for commands). */
  isOwnPage(event: IpcMainInvokeEvent): boolean;
}

/**
 * Answers the page's requests for the OS's open dialog (a file or folder to make a torrent of),
 * save dialog (where the .torrent goes, written here) and file manager (a torrent's data shown in
 * its folder). Everything from the page is checked.
 */
export function registerNativeFiles(ipcMain: IpcMain, host: NativeFilesHost): void {
  const answer =
    (run: (...args: unknown[]) => Promise<unknown>) =>
    async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcReply> => {
      try {
        if (!host.isOwnPage(event)) throw new ShoalError('invalid-input', 'dialogs are only opened for the Shoal window');
        return { ok: true, output: await run(...args) };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    };

  ipcMain.handle(
    nativeFilesChannels.chooseSource,
    answer(async (kind) => {
      if (!isSourceKind(kind)) throw new ShoalError('invalid-input', 'choose a file or a folder');
      const options: Electron.OpenDialogOptions = {
        title: kind === 'file' ? 'Choose a file to share' : 'Choose a folder to share',
        buttonLabel: 'Choose',
        properties: [kind === 'file' ? 'openFile' : 'openDirectory'],
      };
      const window = host.window();
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    }),
  );

  ipcMain.handle(
    nativeFilesChannels.saveTorrent,
    answer(async (data, fileName) => {
      if (!(data instanceof Uint8Array) || data.byteLength > limits.torrentBytes) throw new ShoalError('invalid-input', 'the torrent must be bytes of at most 16 MiB');
      if (typeof fileName !== 'string' || fileName.length > 255 || /[/\\\0]/.test(fileName)) throw new ShoalError('invalid-input', 'the file name must be a plain name');
      const options: Electron.SaveDialogOptions = { title: 'Save the torrent', defaultPath: fileName, filters: [{ name: 'Torrent files', extensions: ['torrent'] }] };
      const window = host.window();
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return null;
      await writeFile(result.filePath, data).catch((err: unknown) => {
        throw fileError(err, 'writing', result.filePath);
      });
      return result.filePath;
    }),
  );

  ipcMain.handle(
    nativeFilesChannels.showInFolder,
    answer(async (path) => {
      const parsed = absolutePathSchema.safeParse(path);
      if (!parsed.success) throw new ShoalError('invalid-input', 'the path to show must be a full path');
      // Opens the folder holding it, with it selected; a path not there (yet) opens nothing.
      shell.showItemInFolder(parsed.data);
      return null;
    }),
  );
}
