// The real engine worker (dist/engine-worker.js) that crashes once, `crashAfterMs` after it
// starts, while the file `crashFlag` exists (it removes the file first, so its successor lives).
import { existsSync, rmSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

await import(workerData.engine);
if (existsSync(workerData.crashFlag)) {
  rmSync(workerData.crashFlag);
  setTimeout(() => {
    throw new Error('engine exploded');
  }, workerData.crashAfterMs);
}
