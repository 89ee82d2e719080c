// Worker entry: one Session for all torrents, served over the worker's port with the contract.
import { parentPort, workerData } from 'node:worker_threads';
import { serveEngineOnPort } from '../transport/port-server';
import { serveStreamsOnPort } from '../transport/stream-port';
import { Session } from '../engine/session';
import { engineSessionOptions } from './engine-session-options';
import { collectWhenQuiet } from './quiet-collector';
import { workerDataSchema } from './worker-data';

if (!parentPort) throw new Error('worker-entry.ts runs only as a worker thread');
const port = parentPort;
const data = workerDataSchema.parse(workerData);
const session = await Session.start(engineSessionOptions(data));
serveEngineOnPort(session, port);
if (data.streams) serveStreamsOnPort(session.streams, data.streams);
// An engine at rest allocates too little for V8 to collect what a busy stretch left behind.
collectWhenQuiet();
data.control?.once('message', () => {
  void session.close().finally(() => process.exit(0));
});
