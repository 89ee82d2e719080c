// Worker entry: one Session for all torrents, served over the worker's port with the contract.
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { serveEngineOnPort } from '../transport/port-server';
import { Session } from '../engine/session';

const dataSchema = z.object({
  /** Absent: nothing is saved (a one-off CLI download). */
  stateDir: z.string().min(1).optional(),
  downloadDir: z.string().min(1),
  downloadDirGiven: z.boolean().optional(),
  listenPort: z.int().min(0).max(65535).optional(),
  /** A message here asks for a clean exit: torrents stopped, the session saved. */
  control: z.instanceof(MessagePort).optional(),
});

if (!parentPort) throw new Error('worker-entry.ts runs only as a worker thread');
const port = parentPort;
const data = dataSchema.parse(workerData);
const session = await Session.start({
  downloadDir: data.downloadDir,
  ...(data.stateDir !== undefined ? { stateDir: data.stateDir } : {}),
  ...(data.downloadDirGiven ? { downloadDirGiven: true } : {}),
  ...(data.listenPort !== undefined ? { listenPort: data.listenPort } : {}),
  log: (line) => console.error(line),
});
serveEngineOnPort(session, port);
data.control?.once('message', () => {
  void session.close().finally(() => process.exit(0));
});
