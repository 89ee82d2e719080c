// Worker entry: one Session for all torrents, served over the worker's port with the contract.
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { serveEngineOnPort } from '../transport/port-server';
import { Session } from './session';

const dataSchema = z.object({
  stateDir: z.string().min(1),
  downloadDir: z.string().min(1),
  listenPort: z.int().min(0).max(65535).optional(),
});

if (!parentPort) throw new Error('worker.ts runs only as a worker thread');
const port = parentPort;
const data = dataSchema.parse(workerData);
const session = await Session.start({
  downloadDir: data.downloadDir,
  ...(data.listenPort !== undefined ? { listenPort: data.listenPort } : {}),
  log: (line) => console.error(line),
});
serveEngineOnPort(session, port);
