// Worker entry: one Session for all torrents, served over the worker's port with the contract.
import { parentPort, workerData } from 'node:worker_threads';
import { serveEngineOnPort } from '../transport/port-server';
import { Session } from '../engine/session';
import { terminalLine } from './terminal-text';
import { workerDataSchema } from './worker-data';

if (!parentPort) throw new Error('worker-entry.ts runs only as a worker thread');
const port = parentPort;
const data = workerDataSchema.parse(workerData);
const session = await Session.start({
  downloadDir: data.downloadDir,
  ...(data.stateDir !== undefined ? { stateDir: data.stateDir } : {}),
  ...(data.downloadDirGiven ? { downloadDirGiven: true } : {}),
  ...(data.listenPort !== undefined ? { listenPort: data.listenPort } : {}),
  ...(data.portForwarding ? { portForwarding: true } : {}),
  // Log lines quote tracker URLs, peers' reasons and names: escaped, as everything for a terminal.
  log: (line) => console.error(terminalLine(line)),
});
serveEngineOnPort(session, port);
data.control?.once('message', () => {
  void session.close().finally(() => process.exit(0));
});
