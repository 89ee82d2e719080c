// A plain-JS stand-in for `electron`, installed as node_modules/electron beside a freshly built
// app.js by app-bundle.test.ts. It records what the bundle asks for; driver.mjs reads `record`.
import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';

export const record = { windows: [], handlers: new Map(), quitCalls: 0, sandbox: false, csp: null };

class App extends EventEmitter {
  requestSingleInstanceLock() { return true; }
  enableSandbox() { record.sandbox = true; }
  setAppUserModelId() {}
  whenReady() { return Promise.resolve(); }
  isReady() { return true; }
  getPath(name) { return `${process.env.SMOKE_DIR}/${name}`; }
  getAppPath() { return process.env.SMOKE_DIR; }
  isDefaultProtocolClient() { return true; }
  setAsDefaultProtocolClient() { return true; }
  quit() { record.quitCalls += 1; }
  exit(code) { process.exit(code); }
}
export const app = new App();

class WebContents extends EventEmitter {
  sent = [];
  send(channel, payload) { this.sent.push({ channel, payload }); }
  setWindowOpenHandler(handler) { this.windowOpenHandler = handler; }
}

export class BrowserWindow extends EventEmitter {
  webContents = new WebContents();
  constructor(options) {
    super();
    this.options = options;
    record.windows.push(this);
  }
  loadFile(path) { this.loadedFile = path; return Promise.resolve(); }
  show() {}
  focus() {}
  isMinimized() { return false; }
  isDestroyed() { return false; }
}

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(listener) {
        listener({ responseHeaders: {} }, (response) => { record.csp = response.responseHeaders['Content-Security-Policy'][0]; });
      },
    },
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
  },
};

export const ipcMain = { handle(channel, handler) { record.handlers.set(channel, handler); } };
export const Menu = { buildFromTemplate: (template) => ({ template }), setApplicationMenu() {} };
export class Tray extends EventEmitter {
  setToolTip() {}
  setContextMenu() {}
  destroy() {}
}
export const nativeImage = { createFromPath: (path) => ({ path, dir: dirname(path) }) };
export class Notification extends EventEmitter {
  static isSupported() { return false; }
}
export const dialog = {};
export const shell = { openExternal() { return Promise.resolve(); } };
export default { app, BrowserWindow, session, ipcMain, Menu, Tray, nativeImage, Notification, dialog, shell };
