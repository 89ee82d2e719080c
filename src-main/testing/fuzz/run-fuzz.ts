import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForNode } from '../bundle';
import { createShared, defaultBudget, runningInput, type FindingKind, type WorkerInput, type WorkerReport } from './fuzz-protocol';
import type { FuzzTarget } from './target';

export const fuzzRoot = new URL('.', import.meta.url).pathname;
const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface FuzzOptions {
  /** The target's TypeScript file (default export: a FuzzTarget). */
  readonly file: string;
  readonly seconds: number;
  /** Stop after this many inputs even if time is left. */
  readonly maxInputs?: number;
  /** Starting inputs, one per file; new inputs are written here when `keepNewInputs`. */
  readonly corpusDir?: string;
  readonly keepNewInputs?: boolean;
  /** Where an input that fails is written (default fuzz-findings/<target>/ in the repository). */
  readonly findingsDir?: string;
  readonly seed?: number;
}

export interface Finding {
  readonly kind: FindingKind;
  readonly message: string;
  readonly input: Uint8Array;
  readonly file: string;
}

export interface FuzzReport {
  readonly target: string;
  readonly execs: number;
  readonly seeds: number;
  readonly corpus: number;
  readonly features: number;
  readonly newInputs: number;
  readonly finding?: Finding;
}

/** The targets in targets/: one file each. */
export async function targetFiles(): Promise<string[]> {
  const names = await readdir(join(fuzzRoot, 'targets'));
  return names.filter((name) => name.endsWith('.ts')).sort().map((name) => join(fuzzRoot, 'targets', name));
}

export function targetName(file: string): string {
  return basename(file).replace(/\.ts$/, '');
}

/**
 * Bundles the target on its own (so coverage is read from its code only), runs it in a worker with
 * its heap budget, and watches the worker: an input running past twice its time budget is a hang
 * (the worker is stopped and the input saved), a worker out of memory names the input it was on.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const name = targetName(options.file);
  const scratch = await mkdtemp(join(tmpdir(), `shoal-fuzz-${name}-`));
  try {
    const bundle = join(scratch, `${name}.mjs`);
    const workerBundle = join(scratch, 'fuzz-worker.mjs');
    await Promise.all([bundleForNode(options.file, bundle), bundleForNode(join(fuzzRoot, 'fuzz-worker.ts'), workerBundle)]);
    const target = ((await import(pathToFileURL(bundle).href)) as { default: FuzzTarget }).default;
    const corpus = options.corpusDir ? await readCorpus(options.corpusDir) : [];
    const shared = createShared();
    const workerInput: WorkerInput = { bundle, corpus, seconds: options.seconds, maxInputs: options.maxInputs ?? Infinity, seed: options.seed ?? Date.now() >>> 0, shared };
    const worker = new Worker(workerBundle, {
      workerData: workerInput,
      resourceLimits: { maxOldGenerationSizeMb: target.maxHeapMb ?? defaultBudget.maxHeapMb },
    });
    const hangMs = 2 * (target.maxMsPerInput ?? defaultBudget.maxMsPerInput) + 1000;
    let newInputs = 0;
    const writes: Promise<unknown>[] = [];
    const outcome = await new Promise<{ done?: Extract<WorkerReport, { type: 'done' }>; finding?: Omit<Finding, 'file'>; execs?: number }>((resolve) => {
      const watchdog = setInterval(() => {
        const running = runningInput(shared);
        if (running && Date.now() - running.since > hangMs) {
          void worker.terminate();
          resolve({ finding: { kind: 'hang', input: running.input, message: `one input ran for more than ${hangMs} ms` } });
        }
      }, 250);
      const finish = (value: Parameters<typeof resolve>[0]) => {
        clearInterval(watchdog);
        resolve(value);
      };
      worker.on('message', (report: WorkerReport) => {
        if (report.type === 'done') finish({ done: report });
        else if (report.type === 'finding') finish({ finding: { kind: report.kind, input: report.input, message: report.message }, execs: report.execs });
        else {
          newInputs++;
          if (options.keepNewInputs && options.corpusDir) writes.push(writeInput(options.corpusDir, report.input));
        }
      });
      worker.on('error', (err) => {
        const running = runningInput(shared) ?? { input: new Uint8Array(0) };
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish({ finding: { kind: oom ? 'memory' : 'crash', input: running.input, message: err.stack ?? err.message } });
      });
      worker.on('exit', (code) => finish({ finding: { kind: 'crash', input: new Uint8Array(0), message: `the worker exited (${code}) before reporting` } }));
    });
    await worker.terminate();
    await Promise.all(writes);
    const base = { target: name, execs: outcome.done?.execs ?? outcome.execs ?? 0, seeds: outcome.done?.seeds ?? 0, corpus: outcome.done?.corpus ?? 0, features: outcome.done?.features ?? 0, newInputs };
    if (!outcome.finding) return base;
    const file = await writeInput(options.findingsDir ?? join(repoRoot, 'fuzz-findings', name), outcome.finding.input, `${outcome.finding.kind}-`);
    return { ...base, finding: { ...outcome.finding, file } };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One line for a failing run: what happened, where the input is, and the input itself when short. */
export function describeFinding(report: FuzzReport): string {
  const finding = report.finding;
  if (!finding) return `${report.target}: no finding`;
  const shown = finding.input.length <= 512 ? ` input (base64): ${Buffer.from(finding.input).toString('base64')}` : '';
  return `${report.target}: ${finding.kind} — ${finding.message}\nsaved as ${finding.file}.${shown}`;
}

async function readCorpus(dir: string): Promise<Uint8Array[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return Promise.all(names.sort().map(async (name) => new Uint8Array(await readFile(join(dir, name)))));
}

async function writeInput(dir: string, input: Uint8Array, prefix = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${prefix}${createHash('sha1').update(input).digest('hex').slice(0, 16)}`);
  await writeFile(file, input);
  return file;
}
