import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, PROTOCOL_VERSION } from '../../src-shared/contract';
import { fakeSummary } from '../testing/summary-row';
import { ShoalError } from '../../src-shared/errors';
import type { IpcReply } from './bridge';
import { menuActionChannel } from './menu-actions';
import { nativeFilesChannels } from './native-files-channels';
import { startApp, type AppDeps } from './start-app';
import { FakeEngine } from '../host/testing/fake-engine';
import type { StreamSource } from '../engine/stream/stream-source';
import {
  fake,
  FakeBrowserWindow,
  FakeEvent,
  FakeMenu,
  FakeNotification,
  FakeTray,
  FakeWebFrame,
} from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).electronModule);

let dir: string;
let engines: FakeEngine[];

beforeEach(async () => {
  fake.reset();
  dir = await mkdtemp(join(tmpdir(), 'shoal-app-'));
  fake.app.paths = { userData: join(dir, 'user-data'), downloads: join(dir, 'downloads') };
  await mkdir(join(dir, 'user-data'));
  engines = [];
});

afterEach(async () => {
  // Quitting stops the engine and closes the app's stream server (once only, however often asked).
  fake.app.emit('before-quit', new FakeEvent());
  await vi.waitFor(() => expect(fake.app.quitCalls).toBeGreaterThan(0));
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const rendererHtml = '/opt/shoal/resources/app/dist/renderer/index.html';

function deps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    argv: ['/opt/shoal/shoal'],
    cwd: dir,
    platform: 'linux',
    paths: {
      preload: '/opt/shoal/resources/app/dist/preload.cjs',
      rendererHtml,
      windowIcon: '/opt/shoal/resources/app/assets/icon.png',
      trayIcon: '/opt/shoal/resources/app/assets/tray.png',
    },
    startEngine: () => {
      const engine = Object.assign(new FakeEngine(), { streams: clipSource });
      engines.push(engine);
      return engine;
    },
    restartPolicy: { restartDelayMs: 1, maxRestarts: 2, windowMs: 60_000 },
    ...overrides,
  };
}

function onlyWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1);
  return FakeBrowserWindow.instances[0]!;
}

function engine(): FakeEngine {
  const current = engines.at(-1);
  if (!current) throw new Error('no engine started');
  return current;
}

/** Calls a command channel the way Electron would for a page in `frameUrl`. */
async function invokeFromPage(
  window: FakeBrowserWindow,
  name: string,
  input: unknown,
  frameUrl = window.webContents.mainFrame.url,
): Promise<IpcReply> {
  const handler = fake.ipcMain.handlers.get(`shoal:cmd:${name}`);
  if (!handler) throw new Error(`no handler for ${name}`);
  return (await handler({ sender: window.webContents, senderFrame: new FakeWebFrame(frameUrl) }, input)) as IpcReply;
}

async function writeTorrent(name: string, bytes: number[]): Promise<Uint8Array> {
  const data = Uint8Array.from(bytes);
  await writeFile(join(dir, name), data);
  return data;
}

/** One file, `clip.webm`, behind the capability `clipKey`. */
const clipKey = 'k'.repeat(43);
const clip = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
const clipSource: StreamSource = {
  open: async (target) => {
    if (!('capability' in target) || target.capability !== clipKey) throw new ShoalError('not-found', 'no such stream');
    return { handle: 1, name: 'clip.webm', length: clip.length, mimeType: 'video/webm' };
  },
  read: async (_handle, offset, length) => clip.subarray(offset, offset + length),
  close: () => undefined,
};

/** The app's answer to the page's streamFile for clip.webm: its absolute address. */
async function streamClip(window: FakeBrowserWindow): Promise<string> {
  engine().replies.streamFile = () => ({ url: `/stream/cap/${clipKey}/clip.webm`, name: 'clip.webm', length: clip.length, mimeType: 'video/webm' });
  const reply = await invokeFromPage(window, 'streamFile', { infoHash: 'b'.repeat(40), fileIndex: 0 });
  if (!reply.ok) throw new Error(reply.error.message);
  return (reply.output as { url: string }).url;
}

const magnet = `magnet:?xt=urn:btih:${'c'.repeat(40)}&dn=example`;

describe('startApp', { timeout: 5_000 }, () => {
  it('creates the window isolated, sandboxed, without Node, loading the bundled page', async () => {
    await startApp(deps());
    const window = onlyWindow();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/opt/shoal/resources/app/dist/preload.cjs',
    });
    expect(window.loadedFile).toBe(rendererHtml);
    expect(fake.app.sandboxEnabled).toBe(true);
  });

  it('gives Windows the app id that notifications need', async () => {
    await startApp(deps({ platform: 'win32' }));
    expect(fake.app.appUserModelId).toBe('app.shoal.desktop');
  });

  it('blocks navigation, redirects, webviews and new windows', async () => {
    await startApp(deps());
    const contents = onlyWindow().webContents;
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = new FakeEvent();
      contents.emit(name, event, 'https://evil.example/');
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('applies a strict CSP to every response (media from our stream server alone) and denies every permission', async () => {
    await startApp(deps());
    const listener = fake.session.headersListener;
    expect(listener).not.toBeNull();
    let headers: Record<string, string[]> | undefined;
    listener!({ responseHeaders: { 'X-Other': ['kept'] } }, (response) => (headers = response.responseHeaders));
    expect(headers?.['X-Other']).toEqual(['kept']);
    const csp = headers?.['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // The one remote source is the exact origin of the server the app's stream addresses name.
    const streamOrigin = new URL(await streamClip(onlyWindow())).origin;
    expect(streamOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const directives = csp.split(';').map((d) => d.trim());
    expect(directives.filter((d) => d.startsWith('media-src'))).toEqual([`media-src 'self' ${streamOrigin}`]);
    const others = directives.filter((d) => !d.startsWith('media-src')).join('; ');
    expect(others).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
    expect(csp).not.toMatch(/unsafe-(inline|eval)|https:|\*/);

    let granted: boolean | undefined;
    fake.session.permissionRequestHandler!({}, 'media', (answer) => (granted = answer));
    expect(granted).toBe(false);
    expect(fake.session.permissionCheckHandler!({}, 'notifications')).toBe(false);
  });

  it('adds .torrent files and magnet links from argv, reading the file bytes', async () => {
    const data = await writeTorrent('first.torrent', [100, 52, 58, 105, 110, 102, 111, 101]);
    await mkdir(join(dir, 'sub'));
    const nested = Uint8Array.from([1, 2, 3, 255]);
    await writeFile(join(dir, 'sub', 'Second.TORRENT'), nested);
    await startApp(
      deps({ argv: ['/opt/shoal/shoal', '--no-sandbox', 'first.torrent', join(dir, 'sub', 'Second.TORRENT'), magnet, 'notes.txt'] }),
    );
    await vi.waitFor(() => expect(engine().inputsOf('addTorrent')).toHaveLength(3));
    const inputs = engine().inputsOf('addTorrent');
    expect(inputs).toContainEqual({ source: { kind: 'torrent', data, fileName: 'first.torrent' } });
    expect(inputs).toContainEqual({ source: { kind: 'torrent', data: nested, fileName: 'Second.TORRENT' } });
    expect(inputs).toContainEqual({ source: { kind: 'magnet', uri: magnet } });
  });

  it('adds what a second instance was started with, relative to its folder, and shows the window', async () => {
    await mkdir(join(dir, 'elsewhere'));
    const data = Uint8Array.from([9, 8, 7]);
    await writeFile(join(dir, 'elsewhere', 'other.torrent'), data);
    await startApp(deps());
    const window = onlyWindow();
    const shownBefore = window.shown;
    fake.app.emit('second-instance', new FakeEvent(), ['/opt/shoal/shoal', 'other.torrent', magnet], join(dir, 'elsewhere'), {});
    await vi.waitFor(() => expect(engine().inputsOf('addTorrent')).toHaveLength(2));
    expect(engine().inputsOf('addTorrent')).toEqual(
      expect.arrayContaining([
        { source: { kind: 'torrent', data, fileName: 'other.torrent' } },
        { source: { kind: 'magnet', uri: magnet } },
      ]),
    );
    expect(window.shown).toBeGreaterThan(shownBefore);
    expect(window.focused).toBeGreaterThan(0);
  });

  it('keeps open-file and open-url from before ready, then adds them', async () => {
    const data = await writeTorrent('early.torrent', [4, 5, 6]);
    fake.app.readyAtOnce = false;
    const started = startApp(deps());
    const fileEvent = new FakeEvent();
    const urlEvent = new FakeEvent();
    fake.app.emit('open-file', fileEvent, join(dir, 'early.torrent'));
    fake.app.emit('open-url', urlEvent, magnet);
    fake.app.emit('open-url', new FakeEvent(), 'https://not-a-magnet.example/');
    expect(fileEvent.defaultPrevented).toBe(true);
    expect(urlEvent.defaultPrevented).toBe(true);
    expect(engines).toHaveLength(0);
    fake.app.becomeReady();
    await started;
    await vi.waitFor(() => expect(engine().inputsOf('addTorrent')).toHaveLength(2));
    expect(engine().inputsOf('addTorrent')).toEqual([
      { source: { kind: 'torrent', data, fileName: 'early.torrent' } },
      { source: { kind: 'magnet', uri: magnet } },
    ]);
  });

  it('handles open-file and open-url while running', async () => {
    const data = await writeTorrent('late.torrent', [7, 7, 7]);
    await startApp(deps());
    fake.app.emit('open-file', new FakeEvent(), join(dir, 'late.torrent'));
    fake.app.emit('open-url', new FakeEvent(), magnet);
    await vi.waitFor(() => expect(engine().inputsOf('addTorrent')).toHaveLength(2));
    expect(engine().inputsOf('addTorrent')).toEqual(
      expect.arrayContaining([
        { source: { kind: 'torrent', data, fileName: 'late.torrent' } },
        { source: { kind: 'magnet', uri: magnet } },
      ]),
    );
  });

  it('tells the page, once it listens, why a file could not be added', async () => {
    await startApp(deps({ argv: ['/opt/shoal/shoal', 'missing.torrent'] }));
    engine().replies.addTorrent = () => {
      throw new ShoalError('invalid-torrent', 'the file is not a torrent');
    };
    const data = await writeTorrent('bad.torrent', [1]);
    fake.app.emit('open-file', new FakeEvent(), join(dir, 'bad.torrent'));
    await vi.waitFor(() => expect(engine().inputsOf('addTorrent')).toEqual([{ source: { kind: 'torrent', data, fileName: 'bad.torrent' } }]));
    const window = onlyWindow();
    // Nothing is sent before the page says hello: it would be lost.
    expect(window.webContents.sentOn(channels.event('notice'))).toEqual([]);
    expect(await invokeFromPage(window, 'hello', { protocolVersion: PROTOCOL_VERSION })).toMatchObject({ ok: true });
    const notices = window.webContents.sentOn(channels.event('notice'));
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'error', code: 'not-found', message: expect.stringContaining('missing.torrent') }),
        expect.objectContaining({ kind: 'error', code: 'invalid-torrent', message: expect.stringContaining('not a torrent') }),
      ]),
    );
  });

  it('quits at once when another instance holds the lock', async () => {
    fake.app.gotLock = false;
    expect(await startApp(deps())).toBe(false);
    expect(fake.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(engines).toHaveLength(0);
  });
});

describe('IPC relay', { timeout: 5_000 }, () => {
  it('forwards valid commands from our page to the engine and answers with its output', async () => {
    await startApp(deps());
    const window = onlyWindow();
    const input = { infoHashes: ['b'.repeat(40)] };
    expect(await invokeFromPage(window, 'pause', input)).toEqual({ ok: true, output: {} });
    expect(engine().inputsOf('pause')).toEqual([input]);
  });

  it("answers streamFile with the engine's capability path on the app's loopback stream server, which serves its ranges", async () => {
    await startApp(deps());
    const url = await streamClip(onlyWindow());
    expect(engine().inputsOf('streamFile')).toEqual([{ infoHash: 'b'.repeat(40), fileIndex: 0 }]);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/stream/cap/${clipKey}/clip\\.webm$`));
    const response = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(clip.subarray(10, 20));
    // Capability addresses only: the same server refuses any other key.
    expect((await fetch(url.replace(clipKey, 'x'.repeat(43)))).status).toBe(404);
  });

  it('hands our stream address, opened by the page as a new window, to mpv on PATH or else to the OS, and nothing else', async () => {
    await startApp(deps());
    const window = onlyWindow();
    const url = await streamClip(window);
    const open = (address: string): unknown => window.webContents.windowOpenHandler?.({ url: address });

    const noPlayers = join(dir, 'no-players');
    await mkdir(noPlayers);
    vi.stubEnv('PATH', noPlayers);
    expect(open(url)).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fake.shell.openedExternally).toEqual([url]));

    // A page asking for any other address gets no player and no browser.
    const port = new URL(url).port;
    for (const other of ['https://evil.example/', `http://127.0.0.1:${port}/stream/abc/0`, `${url}?x=1`, url.replace(`:${port}`, `:${Number(port) + 1}`), 'file:///etc/passwd']) {
      expect(open(other)).toEqual({ action: 'deny' });
    }
    expect(await invokeFromPage(window, 'hello', { protocolVersion: PROTOCOL_VERSION })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(window.webContents.sentOn(channels.event('notice'))).toHaveLength(5));
    expect(fake.shell.openedExternally).toEqual([url]);

    const players = join(dir, 'players');
    await mkdir(players);
    const played = join(dir, 'played.txt');
    await writeFile(join(players, 'mpv'), `#!/bin/sh\nprintf '%s' "$1" > '${played}'\n`, { mode: 0o755 });
    vi.stubEnv('PATH', `${noPlayers}:${players}`);
    open(url);
    await vi.waitFor(async () => expect(await readFile(played, 'utf8').catch(() => '')).toBe(url));
    expect(fake.shell.openedExternally).toEqual([url]);
  });

  it('refuses invalid input before the engine sees it', async () => {
    await startApp(deps());
    const window = onlyWindow();
    const reply = await invokeFromPage(window, 'pause', { infoHashes: ['not-a-hash'] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const extra = await invokeFromPage(window, 'remove', { infoHashes: [], deleteFiles: true, rmrf: '/' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(engine().inputsOf('pause')).toEqual([]);
    expect(engine().inputsOf('remove')).toEqual([]);
  });

  it('refuses commands from any page but ours, and from subframes', async () => {
    await startApp(deps());
    const window = onlyWindow();
    const input = { infoHashes: [] };
    for (const url of ['https://evil.example/', 'file:///tmp/evil.html', 'data:text/html,x']) {
      expect(await invokeFromPage(window, 'resume', input, url), url).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    const handler = fake.ipcMain.handlers.get(channels.command('resume'))!;
    const subframe = new FakeWebFrame(window.webContents.mainFrame.url);
    subframe.parent = new FakeWebFrame(window.webContents.mainFrame.url);
    expect(await handler({ sender: window.webContents, senderFrame: subframe }, input)).toMatchObject({ ok: false });
    expect(await handler({ sender: window.webContents, senderFrame: null }, input)).toMatchObject({ ok: false });
    expect(engine().inputsOf('resume')).toEqual([]);
    // The same page with a hash route is still ours.
    expect(await invokeFromPage(window, 'resume', input, `${window.webContents.mainFrame.url}#/settings`)).toEqual({
      ok: true,
      output: {},
    });
  });

  it('carries engine errors as code and sentence', async () => {
    await startApp(deps());
    engine().replies.remove = () => {
      throw new ShoalError('not-found', 'no such torrent');
    };
    const reply = await invokeFromPage(onlyWindow(), 'remove', { infoHashes: ['d'.repeat(40)], deleteFiles: false });
    expect(reply).toEqual({ ok: false, error: { code: 'not-found', message: 'no such torrent' } });
  });

  it('replays the full torrent list on hello and then streams engine events', async () => {
    await startApp(deps());
    const window = onlyWindow();
    const row = fakeSummary({ infoHash: '1'.repeat(40) });
    engine().emit('torrents', { full: true, changed: [row, fakeSummary({ infoHash: '2'.repeat(40) })], removed: [] });
    engine().emit('torrents', { full: false, changed: [], removed: ['2'.repeat(40)] });
    expect(window.webContents.sentOn(channels.event('torrents'))).toEqual([]);
    const hello = await invokeFromPage(window, 'hello', { protocolVersion: PROTOCOL_VERSION });
    expect(hello).toMatchObject({ ok: true, output: { protocolVersion: PROTOCOL_VERSION } });
    expect(window.webContents.sentOn(channels.event('torrents'))).toEqual([{ full: true, changed: [row], removed: [] }]);
    const stats = { downRate: 1, upRate: 2, connectedPeers: 3, freeSpace: null, downloadDir: '/d', altSpeedActive: false };
    engine().emit('stats', stats);
    expect(window.webContents.sentOn(channels.event('stats'))).toEqual([stats]);
    expect(await invokeFromPage(window, 'hello', { protocolVersion: 999 })).toMatchObject({
      ok: false,
      error: { code: 'protocol' },
    });
  });
});

describe('engine supervision', { timeout: 5_000 }, () => {
  it('restarts a crashed engine, tells the page, and resubscribes', async () => {
    await startApp(deps());
    const window = onlyWindow();
    await invokeFromPage(window, 'hello', { protocolVersion: PROTOCOL_VERSION });
    const subscription = { infoHash: 'e'.repeat(40), tab: 'peers' as const };
    await invokeFromPage(window, 'subscribe', subscription);
    engines[0]!.crash();
    await vi.waitFor(() => expect(engines).toHaveLength(2));
    await vi.waitFor(() => expect(engines[1]!.inputsOf('subscribe')).toEqual([subscription]));
    expect(window.webContents.sentOn(channels.event('notice'))).toContainEqual(
      expect.objectContaining({ kind: 'engine-restarted' }),
    );
    // The new engine's events reach the page through the same relay.
    const stats = { downRate: 5, upRate: 6, connectedPeers: 7, freeSpace: 8, downloadDir: '/d', altSpeedActive: false };
    engines[1]!.emit('stats', stats);
    expect(window.webContents.sentOn(channels.event('stats'))).toEqual([stats]);
  });

  it('gives up after too many crashes and says so', async () => {
    await startApp(deps());
    const window = onlyWindow();
    await invokeFromPage(window, 'hello', { protocolVersion: PROTOCOL_VERSION });
    for (let crashes = 1; crashes <= 3; crashes++) {
      engines.at(-1)!.crash();
      if (crashes < 3) await vi.waitFor(() => expect(engines).toHaveLength(crashes + 1));
    }
    await vi.waitFor(() =>
      expect(window.webContents.sentOn(channels.event('notice'))).toContainEqual(
        expect.objectContaining({ kind: 'error', message: expect.stringContaining('keeps stopping') }),
      ),
    );
    expect(engines).toHaveLength(3);
    expect(await invokeFromPage(window, 'pause', { infoHashes: [] })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('stops the engine before quitting', async () => {
    await startApp(deps());
    const event = new FakeEvent();
    fake.app.emit('before-quit', event);
    expect(event.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(1));
    expect(engine().stopped).toBe(true);
    const again = new FakeEvent();
    fake.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });
});

describe('desktop integration', { timeout: 5_000 }, () => {
  it('has a menu whose accelerators open files natively and forward actions to the page', async () => {
    const data = await writeTorrent('picked.torrent', [3, 1, 4]);
    await startApp(deps());
    const menu = fake.applicationMenu as FakeMenu;
    expect(menu.item('Open Torrent…').accelerator).toBe('CmdOrCtrl+O');
    expect(menu.item('Add Magnet Link…').accelerator).toBe('CmdOrCtrl+U');
    expect(menu.item('Pause / Resume').accelerator).toBe('Space');
    expect(menu.item('Remove…').accelerator).toBe('Delete');

    fake.dialog.openResult = { canceled: false, filePaths: [join(dir, 'picked.torrent')] };
    menu.item('Open Torrent…').click!();
    await vi.waitFor(() =>
      expect(engine().inputsOf('addTorrent')).toEqual([{ source: { kind: 'torrent', data, fileName: 'picked.torrent' } }]),
    );
    expect(fake.dialog.openDialogs[0]).toMatchObject({ filters: [{ extensions: ['torrent'] }, expect.anything()] });

    menu.item('Add Magnet Link…').click!();
    menu.item('Create Torrent…').click!();
    menu.item('Pause / Resume').click!();
    menu.item('Remove…').click!();
    expect(onlyWindow().webContents.sentOn(menuActionChannel)).toEqual([
      'add-magnet',
      'create-torrent',
      'toggle-pause-selected',
      'remove-selected',
    ]);
  });

  it("opens the OS's dialogs for the create dialog: a folder to share, then where the .torrent is written; only for our own page", async () => {
    await startApp(deps());
    const window = onlyWindow();
    await window.loadFile(rendererHtml);
    const call = (channel: string, frameUrl: string, ...args: unknown[]) =>
      fake.ipcMain.handlers.get(channel)!({ sender: window.webContents, senderFrame: new FakeWebFrame(frameUrl) }, ...args) as Promise<IpcReply>;
    const page = window.webContents.mainFrame.url;

    fake.dialog.openResult = { canceled: false, filePaths: [join(dir, 'album')] };
    await expect(call(nativeFilesChannels.chooseSource, page, 'folder')).resolves.toEqual({ ok: true, output: join(dir, 'album') });
    expect(fake.dialog.openDialogs.at(-1)).toMatchObject({ properties: ['openDirectory'] });
    await expect(call(nativeFilesChannels.chooseSource, page, 'disk')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call(nativeFilesChannels.chooseSource, 'https://evil.example/', 'file')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    fake.dialog.openResult = { canceled: true, filePaths: [] };
    await expect(call(nativeFilesChannels.chooseSource, page, 'file')).resolves.toEqual({ ok: true, output: null });

    const data = Uint8Array.from([100, 101]);
    fake.dialog.saveResult = { canceled: false, filePath: join(dir, 'album.torrent') };
    await expect(call(nativeFilesChannels.saveTorrent, page, data, 'album.torrent')).resolves.toEqual({ ok: true, output: join(dir, 'album.torrent') });
    expect(fake.dialog.saveDialogs.at(-1)).toMatchObject({ defaultPath: 'album.torrent' });
    expect(new Uint8Array(await readFile(join(dir, 'album.torrent')))).toEqual(data);
    await expect(call(nativeFilesChannels.saveTorrent, page, data, '../x.torrent')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call(nativeFilesChannels.saveTorrent, page, 'not bytes', 'a.torrent')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    fake.dialog.saveResult = { canceled: false, filePath: join(dir, 'missing', 'a.torrent') };
    await expect(call(nativeFilesChannels.saveTorrent, page, data, 'a.torrent')).resolves.toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it("shows a torrent's data in the OS's file manager for our own page, given a full path", async () => {
    await startApp(deps());
    const window = onlyWindow();
    await window.loadFile(rendererHtml);
    const call = (frameUrl: string, path: unknown) =>
      fake.ipcMain.handlers.get(nativeFilesChannels.showInFolder)!({ sender: window.webContents, senderFrame: new FakeWebFrame(frameUrl) }, path) as Promise<IpcReply>;
    const page = window.webContents.mainFrame.url;
    await expect(call(page, '/home/me/Downloads/album')).resolves.toEqual({ ok: true, output: null });
    await expect(call(page, 'relative/album')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call(page, 42)).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call('https://evil.example/', '/etc')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(fake.shell.shownInFolder).toEqual(['/home/me/Downloads/album']);
  });

  it('shows global rates in the tray tooltip', async () => {
    await startApp(deps());
    const tray = FakeTray.instances[0]!;
    engine().emit('stats', { downRate: 1.5 * 1024 * 1024, upRate: 2048, connectedPeers: 12, freeSpace: null, downloadDir: '/d', altSpeedActive: false });
    expect(tray.tooltip).toContain('1.5 MiB/s');
    expect(tray.tooltip).toContain('2.0 KiB/s');
    expect(tray.tooltip).toContain('12 peers');
  });

  it('notifies when a download completes', async () => {
    await startApp(deps());
    engine().emit('notice', { kind: 'torrent-finished', message: 'Ubuntu ISO finished downloading', infoHash: 'f'.repeat(40) });
    engine().emit('notice', { kind: 'ratio-reached', message: 'ratio reached' });
    expect(FakeNotification.instances.map((n) => n.options.body)).toEqual(['Ubuntu ISO finished downloading']);
    expect(FakeNotification.instances[0]!.shown).toBe(true);
  });

  it('offers once to open magnet links, and remembers the answer', async () => {
    await startApp(deps());
    fake.dialog.messageBoxResponse = 0;
    onlyWindow().webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(fake.app.protocolClientSetCalls).toHaveLength(1));
    expect(fake.app.protocolClientSetCalls[0]![0]).toBe('magnet');

    // A later start, even if the OS forgot the association, does not ask again.
    await vi.waitFor(async () => {
      const { readAppPrefs } = await import('./app-prefs');
      expect(await readAppPrefs(join(dir, 'user-data', 'shell-prefs.json'))).toEqual({ magnetHandlerAsked: true });
    });
    const userData = fake.app.paths;
    fake.reset();
    fake.app.paths = userData;
    await startApp(deps());
    onlyWindow().webContents.emit('did-finish-load');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.dialog.messageBoxes).toHaveLength(0);
  });

  it('does not ask when Shoal already opens magnet links', async () => {
    await startApp(deps());
    fake.app.defaultProtocolClient = true;
    onlyWindow().webContents.emit('did-finish-load');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.dialog.messageBoxes).toHaveLength(0);
  });
});
