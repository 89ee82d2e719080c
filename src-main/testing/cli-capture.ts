// Test support: `runCli` in-process with what it prints captured, and a scratch folder for the
// file's tests. Call `useCliCapture` at the top of a test file; it registers the vitest hooks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { runCli } from '../cli/run';

export interface CliCapture {
  /** The scratch folder, set once `beforeAll` ran. */
  readonly dir: string;
  /** Lines to console.log and console.error, and raw writes to stderr (progress bars), of the last run; emptied in place at each run. */
  readonly stdout: string[];
  readonly stderr: string[];
  readonly terminal: string[];
  /** Runs `shoal …argv`; resolves to its exit status. */
  run(...argv: string[]): Promise<number>;
}

export function useCliCapture(prefix: string): CliCapture {
  let dir: string | undefined;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const terminal: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  return {
    get dir(): string {
      if (!dir) throw new Error('the CLI capture is not set up yet (use it inside tests)');
      return dir;
    },
    stdout,
    stderr,
    terminal,
    async run(...argv) {
      for (const lines of [stdout, stderr, terminal]) lines.length = 0;
      vi.spyOn(console, 'log').mockImplementation((line: string) => void stdout.push(line));
      vi.spyOn(console, 'error').mockImplementation((line: string) => void stderr.push(line));
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => terminal.push(String(chunk)) > 0);
      return runCli(argv);
    },
  };
}
