import { setFlagsFromString } from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import { Session } from '../engine/session';
import { connectEnginePort } from '../transport/port-client';
import { serveEngineOnPort } from '../transport/port-server';
import { engineSessionOptions } from './engine-session-options';
import type { EngineConnection } from './engine-supervisor';
import type { EngineWorkerData } from './worker-data';
import { capYoungGeneration } from './young-generation-cap';

/** Per semi-space: the worker's 8 MB young generation bound, measured to hold peak RSS lowest. */
const YOUNG_SEMI_SPACE_MIB = 8;
/** How long a clean stop (trackers told, session saved) may take before the host gives up waiting. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Runs the engine on this thread, still over the contract (a MessageChannel, so requests are
 * validated and replies cloned as from a worker). For the headless commands that only drive the
 * engine: a second V8 isolate would cost tens of MiB and its start-up for nothing, since nothing
 * else on this thread needs to stay responsive. The app and `serve` keep the worker, where a UI
 * must not wait for the engine and a crashed engine can be restarted.
 */
export async function startEngineInProcess(data: EngineWorkerData): Promise<EngineConnection> {
  // The worker gets its young generation bounded by resourceLimits; this thread's isolate exists
  // already, so the bound is set through V8's growth instead (the same 8 MiB semi-spaces).
  capYoungGeneration(YOUNG_SEMI_SPACE_MIB);
  // A transfer's bookkeeping (request maps rehashed, handle recency) leaves a few MiB of garbage
  // in the old generation per GiB, which V8 lets grow to ~40 MiB before it collects: peak RSS
  // grew with the download's size (1 GiB 95 MiB, 4 GiB 118-126). Treating the heap as
  // memory-constrained (read at each collection, so it holds set now) collects it sooner and
  // gives back idle young space: 84 and 91 MiB, at the same CPU per GiB within the noise.
  setFlagsFromString('--optimize-for-size');
  const session = await Session.start(engineSessionOptions(data));
  const { port1, port2 } = new MessageChannel();
  const stopServing = serveEngineOnPort(session, port1);
  const api = connectEnginePort(port2);
  let stopped: ((why: string) => void) | undefined;
  const exited = new Promise<string>((resolve) => (stopped = resolve));
  let stopping: Promise<void> | undefined;
  return {
    api,
    streams: session.streams,
    exited,
    stop() {
      stopping ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS).unref()));
        await Promise.race([session.close().catch((err: unknown) => console.error(`engine: closing failed: ${String(err)}`)), grace]);
        clearTimeout(timer);
        stopServing();
        api.close();
        port1.close();
        port2.close();
        stopped?.('it was stopped');
      })();
      return stopping;
    },
  };
}
