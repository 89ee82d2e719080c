import { app, dialog, type BrowserWindow } from 'electron';
import { resolve } from 'node:path';
import { readAppPrefs, writeAppPrefs } from './app-prefs';

/**
 * Asks once whether Shoal should open magnet links, unless it already does. The answer, yes or
 * no, is remembered so the question never comes back.
 */
export async function offerMagnetHandler(window: BrowserWindow, prefsPath: string): Promise<void> {
  if (app.isDefaultProtocolClient('magnet')) return;
  const prefs = await readAppPrefs(prefsPath);
  if (prefs.magnetHandlerAsked) return;
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    buttons: ['Open magnet links with Shoal', 'Not now'],
    defaultId: 0,
    cancelId: 1,
    message: 'Make Shoal the app for magnet links?',
    detail: 'Magnet links you click in a browser will then open in Shoal. You can change this later in your system settings.',
  });
  if (response === 0) registerMagnetHandler();
  await writeAppPrefs(prefsPath, { ...prefs, magnetHandlerAsked: true });
}

function registerMagnetHandler(): void {
  // Run unpackaged (`electron .`), the OS must be told which script to start as well.
  const script = process.argv[1];
  if (process.defaultApp && script !== undefined) {
    app.setAsDefaultProtocolClient('magnet', process.execPath, [resolve(script)]);
  } else {
    app.setAsDefaultProtocolClient('magnet');
  }
}
