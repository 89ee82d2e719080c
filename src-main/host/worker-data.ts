import { MessagePort } from 'node:worker_threads';
import * as z from 'zod';

/** What the engine worker receives as `workerData`; the worker checks it on arrival. */
export const workerDataSchema = z.object({
  /** Where the engine keeps and restores its session (Electron's userData folder); absent: nothing is saved (a one-off CLI download). */
  stateDir: z.string().min(1).optional(),
  /** The download folder to use until the user picks one in the settings. */
  downloadDir: z.string().min(1),
  /** `downloadDir` was named on the command line, so it wins over the saved setting. */
  downloadDirGiven: z.boolean().optional(),
  /** Port for peers; absent: 6881, or any free port when that one is taken. */
  listenPort: z.int().min(0).max(65535).optional(),
  /** Map the peer port on the router until saved settings say otherwise (the app and `serve`: on). */
  portForwarding: z.boolean().optional(),
  /** A message here asks for a clean exit: torrents stopped, the session saved. */
  control: z.instanceof(MessagePort).optional(),
  /** Where the host reads files for its HTTP streams (`serveStreamsOnPort`). */
  streams: z.instanceof(MessagePort).optional(),
});

/** What a host passes to `startEngineWorker` (it adds the control port itself). */
export type EngineWorkerData = Omit<z.input<typeof workerDataSchema>, 'control' | 'streams'>;
