// Worker side of a fuzz run: loads one target bundle, replays the corpus, then mutates for the
// time given, keeping inputs that reach blocks no earlier input reached.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { CoverageProbe } from './coverage';
import { mutate, Rng } from './mutate';
import { isRefusal, type FuzzTarget } from './target';
import { defaultBudget, publishInput, type WorkerInput, type WorkerReport } from './fuzz-protocol';

const input = workerData as WorkerInput;
const post = (report: WorkerReport) => parentPort!.postMessage(report);

const targetUrl = pathToFileURL(input.bundle).href;
const target = ((await import(targetUrl)) as { default: FuzzTarget }).default;
const maxBytes = target.maxInputBytes ?? defaultBudget.maxInputBytes;
const maxMs = target.maxMsPerInput ?? defaultBudget.maxMsPerInput;
const dictionary = (target.dictionary ?? []).map((word) => Uint8Array.from(word, (c) => c.charCodeAt(0) & 0xff));
const rng = new Rng(input.seed);
const probe = await CoverageProbe.start(targetUrl);
const baselineRss = process.memoryUsage.rss();
const corpus: Uint8Array[] = [];
let execs = 0;

/** Runs one input; returns false (after reporting) when it is a finding. */
async function run(data: Uint8Array): Promise<boolean> {
  publishInput(input.shared, data);
  const started = performance.now();
  try {
    const pending = target.fuzz(data);
    if (pending) await pending;
  } catch (err) {
    if (!isRefusal(target, err)) {
      post({ type: 'finding', kind: 'crash', input: data, message: err instanceof Error ? (err.stack ?? err.message) : String(err), execs });
      return false;
    }
  } finally {
    publishInput(input.shared, undefined);
  }
  const took = performance.now() - started;
  execs++;
  if (took > maxMs) {
    post({ type: 'finding', kind: 'slow', input: data, message: `one input took ${Math.round(took)} ms (budget ${maxMs} ms)`, execs });
    return false;
  }
  // External memory (Buffers) is outside the heap limit the worker runs under: check it by RSS now and then.
  if (execs % 64 === 0) {
    const grown = (process.memoryUsage.rss() - baselineRss) / 2 ** 20;
    if (grown > (target.maxHeapMb ?? defaultBudget.maxHeapMb)) {
      post({ type: 'finding', kind: 'memory', input: data, message: `the process grew by ${Math.round(grown)} MiB`, execs });
      return false;
    }
  }
  return true;
}

async function main(): Promise<void> {
  for (const seed of input.corpus) {
    if (!(await run(seed))) return;
    if ((await probe.takeNew()) > 0 || corpus.length === 0) corpus.push(seed);
  }
  if (corpus.length === 0) corpus.push(new Uint8Array(0));
  const seeds = corpus.length;
  const ctx = { rng, maxBytes, dictionary, other: () => rng.pick(corpus) };
  const deadline = performance.now() + input.seconds * 1000;
  while (performance.now() < deadline && execs < input.maxInputs) {
    const candidate = mutate(rng.pick(corpus), ctx);
    if (!(await run(candidate))) return;
    if ((await probe.takeNew()) > 0) {
      corpus.push(candidate);
      post({ type: 'new-input', input: candidate });
    }
  }
  await probe.stop();
  post({ type: 'done', execs, corpus: corpus.length, seeds, features: probe.size });
}

await main();
