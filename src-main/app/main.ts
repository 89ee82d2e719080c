// Electron main entry, bundled to dist/app.js. Everything it does lives in startApp; this file
// only knows where the built files are.
import { app } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outsideAsar } from './asar-path';
import { startEngineWorker } from '../host/engine-worker';
import { startApp } from './start-app';

const distDir = fileURLToPath(new URL('.', import.meta.url));
const assetsDir = join(app.getAppPath(), 'assets');
const workerPath = outsideAsar(join(distDir, 'engine-worker.js'));

startApp({
  argv: process.argv,
  cwd: process.cwd(),
  platform: process.platform,
  paths: {
    preload: join(distDir, 'preload.cjs'),
    rendererHtml: join(distDir, 'renderer', 'index.html'),
    windowIcon: join(assetsDir, 'icon.png'),
    trayIcon: join(assetsDir, 'tray.png'),
  },
  // A home user's router should let peers in: port forwarding is on unless the settings turn it off.
  startEngine: (dirs) => startEngineWorker(workerPath, { ...dirs, portForwarding: true }),
}).catch((err: unknown) => {
  console.error('shoal: could not start', err);
  app.exit(1);
});
