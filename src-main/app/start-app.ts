import { app, BrowserWindow, ipcMain, Menu, session } from 'electron';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isShoalError, reasonOf } from '../../src-shared/errors';
import { appId } from './app-id';
import { buildAppMenu } from './app-menu';
import { EngineSupervisor, type EngineConnection, type SupervisorOptions } from '../host/engine-supervisor';
import { startStreamServer } from '../host/stream-server';
import { openInExternalPlayer } from './external-player';
import { notifyFinished } from './finished-notification';
import { offerMagnetHandler } from './magnet-handler-offer';
import { registerNativeFiles } from './native-files';
import { chooseTorrentFiles } from './open-dialog';
import { addTorrentInput, classifyOpenArg, targetsFromArgv, type OpenTarget } from './open-targets';
import { RendererRelay } from './renderer-relay';
import { hardenSession } from './security';
import { RateTray } from './tray';
import { createMainWindow } from './window';

export interface AppPaths {
  preload: string;
  rendererHtml: string;
  windowIcon: string;
  trayIcon: string;
}

export interface AppDeps {
  argv: readonly string[];
  cwd: string;
  platform: NodeJS.Platform;
  paths: AppPaths;
  /** Starts one engine; called again after each crash, with the same folders. */
  startEngine(dirs: { stateDir: string; downloadDir: string }): EngineConnection;
  restartPolicy?: Pick<SupervisorOptions, 'maxRestarts' | 'windowMs' | 'restartDelayMs'>;
}

/**
 * The Electron shell: one instance, one hardened window, the engine in a supervised worker, and
 * every way the OS hands us a torrent (argv, second instance, open-file, open-url, the open
 * dialog) leading to `addTorrent`. Resolves to false when another instance already runs (the
 * OS arguments then went to that one, as `second-instance`).
 */
export async function startApp(deps: AppDeps): Promise<boolean> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  // Every renderer sandboxed, whatever a window's own options say.
  app.enableSandbox();
  // Windows shows notifications only for an app with this id (the same as the installer's).
  if (deps.platform === 'win32') app.setAppUserModelId(appId);

  // macOS may deliver open-file / open-url before `ready`: keep them until the engine runs.
  // Later ones are added one after another, so torrents queue in the order they were given.
  const early: OpenTarget[] = [];
  let window: BrowserWindow | null = null;
  let open: ((target: OpenTarget) => Promise<void>) | null = null;
  let opening = Promise.resolve();
  const request = (target: OpenTarget): void => {
    const run = open;
    if (run) opening = opening.then(() => run(target));
    else early.push(target);
  };
  app.on('open-file', (event, path) => {
    event.preventDefault();
    request({ kind: 'torrent-file', path });
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = classifyOpenArg(url, deps.cwd);
    if (target?.kind === 'magnet') request(target);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const target of targetsFromArgv(argv, workingDirectory)) request(target);
    showWindow();
  });

  await app.whenReady();

  const userData = app.getPath('userData');
  const engine = new EngineSupervisor({
    ...deps.restartPolicy,
    spawn: () => deps.startEngine({ stateDir: userData, downloadDir: app.getPath('downloads') }),
    onRestarted: () => {
      relay.notify({
        kind: 'engine-restarted',
        message: 'The engine stopped unexpectedly and was restarted; your torrents were restored.',
      });
      relay.resubscribe().catch((err: unknown) => console.error(`shoal: resubscribe failed: ${String(err)}`));
    },
    onGaveUp: (reason) => {
      relay.notify({
        kind: 'error',
        code: 'internal',
        message: `The engine keeps stopping (${reason}), so Shoal stopped restarting it. Restart Shoal to try again.`,
      });
    },
  });
  // The page's player and external players stream from loopback only, by capability address;
  // the CSP names this server's exact origin and no other.
  const streamServer = await startStreamServer(engine.streams);
  hardenSession(session.defaultSession, streamServer.origin);
  const relay = new RendererRelay(engine, pathToFileURL(deps.paths.rendererHtml).href, (path) => streamServer.urlOf(path));
  relay.register(ipcMain);
  registerNativeFiles(ipcMain, { window: () => window, isOwnPage: (event) => relay.isOwnPage(event) });
  engine.start();

  // "Open in external player" is a link the page opens in a new window: ours refuse that, and a
  // stream address of our own goes to mpv, VLC or the OS instead.
  const openRequested = (url: string): void => {
    openInExternalPlayer(url, streamServer.origin, { searchPath: process.env.PATH ?? '', platform: deps.platform }).catch((err: unknown) => {
      relay.notify({ kind: 'error', code: 'internal', message: `Could not open an external player: ${reasonOf(err)}` });
    });
  };

  function createWindow(): BrowserWindow {
    const created = createMainWindow({
      preloadPath: deps.paths.preload,
      rendererHtmlPath: deps.paths.rendererHtml,
      iconPath: deps.paths.windowIcon,
      onOpenRequest: openRequested,
    });
    relay.attach(created);
    created.on('closed', () => {
      if (window === created) window = null;
    });
    window = created;
    return created;
  }

  function showWindow(): void {
    if (!app.isReady()) return;
    const shown = window ?? createWindow();
    if (shown.isMinimized()) shown.restore();
    shown.show();
    shown.focus();
  }

  open = async (target) => {
    try {
      await engine.invoke('addTorrent', await addTorrentInput(target));
    } catch (err) {
      const what = target.kind === 'magnet' ? 'the magnet link' : basename(target.path);
      relay.notify({
        kind: 'error',
        code: isShoalError(err) ? err.code : 'internal',
        message: `Could not add ${what}: ${reasonOf(err)}`,
      });
    }
  };

  const first = createWindow();
  first.webContents.once('did-finish-load', () => {
    offerMagnetHandler(first, join(userData, 'shell-prefs.json')).catch((err: unknown) => {
      console.error(`shoal: could not offer to open magnet links: ${String(err)}`);
    });
  });

  Menu.setApplicationMenu(
    buildAppMenu(
      {
        openTorrentFiles: () => {
          void chooseTorrentFiles(window).then((paths) => {
            for (const path of paths) request({ kind: 'torrent-file', path });
          });
        },
        rendererAction: (action) => relay.menuAction(action),
      },
      deps.platform,
    ),
  );

  const tray = new RateTray(deps.paths.trayIcon, { showWindow, quit: () => app.quit() });
  engine.on('stats', (stats) => tray.update(stats));
  engine.on('notice', (notice) => notifyFinished(notice, showWindow));

  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });
  let engineStopped = false;
  app.on('before-quit', (event) => {
    if (engineStopped) return;
    event.preventDefault();
    void Promise.allSettled([engine.stop(), streamServer.close()]).finally(() => {
      engineStopped = true;
      tray.destroy();
      app.quit();
    });
  });

  for (const target of [...targetsFromArgv(deps.argv, deps.cwd), ...early.splice(0)]) request(target);

  return true;
}
