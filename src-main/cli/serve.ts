import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ShoalError } from '../../src-shared/errors';
import { engineFromApi } from '../../src-shared/contract';
import { EngineSupervisor, type EngineConnection } from '../host/engine-supervisor';
import { startEngineWorker } from '../host/engine-worker';
import type { EngineWorkerData } from '../host/worker-data';
import { checkToken, generateToken } from '../serve/auth';
import { startServeServer } from '../serve/serve-server';
import type { Command } from './command';
import { discoveryOptions, discoveryOptionsHelp, discoverySettings, encryptionOptions, encryptionOptionsHelp, encryptionSetting } from './transfer-options';

const help = `usage: shoal serve [--host HOST] [--port PORT] [--token TOKEN] [--download-dir DIR] [--state-dir DIR]

Runs the engine headless and serves the web UI until interrupted (Ctrl-C or SIGTERM).
Open the printed address once: it carries the secret token, which the browser then keeps
as a cookie.

  --host HOST          address to listen on (default 127.0.0.1; only this machine)
  --port PORT          HTTP and WebSocket port (default 9080; 0 picks a free one)
  --token TOKEN        the secret (8+ letters, digits or . _ ~ -); default: a random one
  --download-dir DIR   where torrents are saved (default ~/Downloads)
  --state-dir DIR      where the session is kept (default $XDG_STATE_HOME/shoal or ~/.local/state/shoal)
${discoveryOptionsHelp}
${encryptionOptionsHelp}`;

export interface ServeDeps {
  /** Starts one engine (the worker thread in production, an in-process fake in tests). */
  startEngine(data: EngineWorkerData): EngineConnection;
  /** The built web UI. */
  rendererDir: string;
  /** Files that must exist before anything starts (the built UI, the engine worker bundle). */
  requiredFiles: string[];
  /** Resolves when the user asks to stop. */
  untilStopped(): Promise<void>;
  log(line: string): void;
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port <= 65535)) throw new ShoalError('invalid-input', `--port must be a whole number from 0 to 65535, not "${text}"`);
  return port;
}

async function ensureDir(dir: string, option: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    return dir;
  } catch (err) {
    throw new ShoalError('permission-denied', `cannot use ${dir} as ${option}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function defaultStateDir(): string {
  const xdg = process.env.XDG_STATE_HOME;
  return xdg ? join(xdg, 'shoal') : join(homedir(), '.local', 'state', 'shoal');
}

/** `shoal serve` with its collaborators injected, so tests can run it without a built worker. */
export function createServeCommand(deps: ServeDeps): Command {
  return {
    async run(argv) {
      let values;
      try {
        ({ values } = parseArgs({
          args: argv,
          options: {
            host: { type: 'string' },
            port: { type: 'string' },
            token: { type: 'string' },
            'download-dir': { type: 'string' },
            'state-dir': { type: 'string' },
            ...discoveryOptions,
            ...encryptionOptions,
            help: { type: 'boolean', short: 'h' },
          },
          strict: true,
          allowPositionals: false,
        }));
      } catch (err) {
        throw new ShoalError('invalid-input', `${(err as Error).message} (see 'shoal serve --help')`);
      }
      if (values.help) {
        deps.log(help);
        return 0;
      }
      const host = values.host ?? '127.0.0.1';
      const port = parsePort(values.port ?? '9080');
      const token = values.token === undefined ? generateToken() : checkToken(values.token);
      const peerSettings = { ...discoverySettings(values), ...encryptionSetting(values) };
      for (const file of deps.requiredFiles) {
        await access(file).catch(() => {
          throw new ShoalError('not-found', `shoal is not fully built (${file} is missing); run npm run build`);
        });
      }
      const data: EngineWorkerData = {
        downloadDir: await ensureDir(resolve(values['download-dir'] ?? join(homedir(), 'Downloads')), '--download-dir'),
        stateDir: await ensureDir(resolve(values['state-dir'] ?? defaultStateDir()), '--state-dir'),
        ...(values['download-dir'] !== undefined ? { downloadDirGiven: true } : {}),
      };

      let server: Awaited<ReturnType<typeof startServeServer>> | undefined;
      let gaveUp: (reason: string) => void = () => {};
      const failed = new Promise<string>((resolve) => (gaveUp = resolve));
      const supervisor = new EngineSupervisor({
        spawn: () => deps.startEngine(data),
        onRestarted: (reason) => {
          const message = `The engine stopped (${reason}) and was restarted; your torrents were restored from the saved session.`;
          console.error(`shoal serve: ${message}`);
          server?.publish({ name: 'notice', payload: { kind: 'engine-restarted', message } });
        },
        onGaveUp: (reason) => gaveUp(reason),
      });
      supervisor.start();
      try {
        // Set through the contract, so they are saved and a restarted engine keeps them.
        if (Object.keys(peerSettings).length > 0) await supervisor.invoke('setSettings', peerSettings);
        server = await startServeServer({ host, port, token, rendererDir: deps.rendererDir, engine: engineFromApi(supervisor), streams: supervisor.streams });
      } catch (err) {
        await supervisor.stop();
        throw err;
      }
      deps.log(`shoal serve: open ${server.loginUrl}`);

      const outcome = await Promise.race([deps.untilStopped().then(() => null), failed]);
      await server.close();
      await supervisor.stop();
      if (outcome === null) return 0;
      console.error(`error: the engine keeps stopping (${outcome}); shoal serve gave up`);
      return 1;
    },
  };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

// Bundled as dist/cli.js, beside dist/engine-worker.js and dist/renderer/.
const workerPath = fileURLToPath(new URL('./engine-worker.js', import.meta.url));
const rendererDir = fileURLToPath(new URL('./renderer/', import.meta.url));

export const command: Command = createServeCommand({
  // Like the app: port forwarding is on unless the settings turn it off.
  startEngine: (data) => startEngineWorker(workerPath, { ...data, portForwarding: true }),
  rendererDir,
  requiredFiles: [workerPath, join(rendererDir, 'index.html')],
  untilStopped: untilSignal,
  log: (line) => console.log(line),
});
