import { BrowserWindow } from 'electron';
import { hardenWebContents } from './security';

export interface MainWindowOptions {
  preloadPath: string;
  rendererHtmlPath: string;
  iconPath: string;
  /** Hears the address of every window the page asks for (each is refused). */
  onOpenRequest(url: string): void;
}

/**
 * The one application window. The renderer is treated as untrusted: isolated, sandboxed, no
 * Node, and it may only talk to `window.shoal` from the preload.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 400,
    title: 'Shoal',
    icon: options.iconPath,
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents, options.onOpenRequest);
  // Showing only once painted avoids a white flash.
  window.once('ready-to-show', () => window.show());
  window.loadFile(options.rendererHtmlPath).catch((err: unknown) => {
    console.error(`shoal: could not load the window: ${String(err)}`);
  });
  return window;
}
