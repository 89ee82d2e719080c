/**
 * A recording stand-in for the `electron` module, for tests run with
 * `vi.mock('electron', async () => (await import('./testing/fake-electron')).electronModule)`.
 * It records what the shell asks of Electron and lets a test fire the events Electron would.
 */
import { EventEmitter } from 'node:events';

/** An event object with the one method the shell calls on it. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly mainFrame = new FakeWebFrame('');

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Payloads sent on one channel, oldest first. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter((m) => m.channel === channel).map((m) => m.payload);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedFile: string | null = null;
  shown = 0;
  focused = 0;
  destroyed = false;

  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadFile(path: string): Promise<void> {
    this.loadedFile = path;
    this.webContents.mainFrame.url = new URL(`file://${path}`).href;
    return Promise.resolve();
  }
  show(): void {
    this.shown += 1;
  }
  focus(): void {
    this.focused += 1;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  gotLock = true;
  quitCalls = 0;
  ready = false;
  paths: Record<string, string> = {};
  defaultProtocolClient = false;
  protocolClientSetCalls: unknown[][] = [];
  #readyResolve: (() => void) | null = null;
  #readyPromise: Promise<void> = new Promise((resolve) => (this.#readyResolve = resolve));
  /** When false, `whenReady` waits for `becomeReady()`, to test what arrives before ready. */
  readyAtOnce = true;

  sandboxEnabled = false;
  appUserModelId: string | null = null;

  enableSandbox(): void {
    if (this.ready) throw new Error('app.enableSandbox must be called before ready');
    this.sandboxEnabled = true;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  quit(): void {
    this.quitCalls += 1;
  }
  exit(): void {}
  whenReady(): Promise<void> {
    if (this.readyAtOnce) this.becomeReady();
    return this.#readyPromise;
  }
  becomeReady(): void {
    this.ready = true;
    this.#readyResolve?.();
  }
  isReady(): boolean {
    return this.ready;
  }
  getPath(name: string): string {
    const path = this.paths[name];
    if (path === undefined) throw new Error(`fake app.getPath: no path for ${name}`);
    return path;
  }
  getAppPath(): string {
    return this.paths.appPath ?? '/app';
  }
  isDefaultProtocolClient(): boolean {
    return this.defaultProtocolClient;
  }
  setAsDefaultProtocolClient(...args: unknown[]): boolean {
    this.protocolClientSetCalls.push(args);
    this.defaultProtocolClient = true;
    return true;
  }
}

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, IpcHandler>();
  handle(channel: string, handler: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
}

interface HeadersDetails {
  responseHeaders?: Record<string, string[]>;
}

class FakeSession {
  headersListener: ((details: HeadersDetails, callback: (response: HeadersDetails) => void) => void) | null = null;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null =
    null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: FakeSession['headersListener']): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export interface FakeMenuItem {
  label?: string;
  role?: string;
  accelerator?: string;
  registerAccelerator?: boolean;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

export class FakeMenu {
  constructor(readonly template: FakeMenuItem[]) {}
  /** Every item with a label, depth first. */
  items(): FakeMenuItem[] {
    const walk = (items: FakeMenuItem[]): FakeMenuItem[] => items.flatMap((i) => [i, ...walk(i.submenu ?? [])]);
    return walk(this.template);
  }
  item(label: string): FakeMenuItem {
    const found = this.items().find((i) => i.label === label);
    if (!found) throw new Error(`no menu item '${label}'`);
    return found;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  contextMenu: FakeMenu | null = null;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu): void {
    this.contextMenu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static isSupported(): boolean {
    return true;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

class FakeDialog {
  openResult: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  messageBoxResponse = 1;
  readonly messageBoxes: unknown[] = [];
  readonly openDialogs: unknown[] = [];
  saveResult: { canceled: boolean; filePath?: string } = { canceled: true };
  readonly saveDialogs: unknown[] = [];
  showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    this.saveDialogs.push(args.at(-1));
    return Promise.resolve(this.saveResult);
  }
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.openDialogs.push(args.at(-1));
    return Promise.resolve(this.openResult);
  }
  showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    this.messageBoxes.push(args.at(-1));
    return Promise.resolve({ response: this.messageBoxResponse, checkboxChecked: false });
  }
}

class FakeShell {
  readonly openedExternally: string[] = [];
  readonly shownInFolder: string[] = [];
  showItemInFolder(path: string): void {
    this.shownInFolder.push(path);
  }
  openExternal(url: string): Promise<void> {
    this.openedExternally.push(url);
    return Promise.resolve();
  }
}

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  /** What main answers; tests replace it. */
  answer: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, output: {} });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve(this.answer(channel, ...args));
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  }
}

/** All recorded state; `reset()` before each test. */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  session: new FakeSession(),
  dialog: new FakeDialog(),
  shell: new FakeShell(),
  ipcRenderer: new FakeIpcRenderer(),
  contextBridge: new FakeContextBridge(),
  applicationMenu: null as FakeMenu | null,
  /** A fresh ipcRenderer only, keeping what the preload exposed when it was imported. */
  resetRenderer(): void {
    fake.ipcRenderer = new FakeIpcRenderer();
  },
  reset(): void {
    fake.app = new FakeApp();
    fake.ipcMain = new FakeIpcMain();
    fake.session = new FakeSession();
    fake.dialog = new FakeDialog();
    fake.shell = new FakeShell();
    fake.ipcRenderer = new FakeIpcRenderer();
    fake.contextBridge = new FakeContextBridge();
    fake.applicationMenu = null;
    FakeBrowserWindow.instances = [];
    FakeTray.instances = [];
    FakeNotification.instances = [];
  },
};

/**
 * The module object handed to vi.mock. Getters, so a module that imported `app` before a
 * `fake.reset()` still reaches the current fake.
 */
export const electronModule = {
  get app() {
    return fake.app;
  },
  get ipcMain() {
    return fake.ipcMain;
  },
  get session() {
    return { defaultSession: fake.session };
  },
  get dialog() {
    return fake.dialog;
  },
  get shell() {
    return fake.shell;
  },
  get ipcRenderer() {
    return fake.ipcRenderer;
  },
  get contextBridge() {
    return fake.contextBridge;
  },
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: {
    buildFromTemplate: (template: FakeMenuItem[]) => new FakeMenu(template),
    setApplicationMenu: (menu: FakeMenu | null) => {
      fake.applicationMenu = menu;
    },
  },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
};
