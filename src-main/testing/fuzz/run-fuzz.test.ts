import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fuzzRoot, runFuzz } from './run-fuzz';

const fixture = (name: string) => join(fuzzRoot, 'fixtures', `${name}.ts`);
let scratch: string | undefined;

afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

async function fuzzFixture(name: string, seconds: number) {
  scratch = await mkdtemp(join(tmpdir(), 'shoal-fuzz-test-'));
  return runFuzz({ file: fixture(name), seconds, seed: 1234, findingsDir: scratch });
}

describe('runFuzz', () => {
  test('coverage guidance reaches a bug behind three byte comparisons, and saves the input that crashes', async () => {
    const report = await fuzzFixture('planted-bug', 30);
    expect(report.finding?.kind).toBe('crash');
    expect(report.finding?.message).toContain('planted bug reached');
    expect(Buffer.from(report.finding!.input.subarray(0, 3)).toString('latin1')).toBe('FUZ');
    expect(await readFile(report.finding!.file)).toEqual(Buffer.from(report.finding!.input));
  }, 60_000);

  test("the code's own typed refusals are not findings", async () => {
    const report = await fuzzFixture('refusals', 1);
    expect(report.finding).toBeUndefined();
    expect(report.execs).toBeGreaterThan(100);
  }, 30_000);

  test('an input that never returns is stopped and named as a hang', async () => {
    const report = await fuzzFixture('hang', 20);
    expect(report.finding?.kind).toBe('hang');
    expect(report.finding!.input.some((byte) => byte > 0xf0)).toBe(true);
  }, 60_000);

  test('an input over its time budget is a finding', async () => {
    const report = await fuzzFixture('slow', 20);
    expect(report.finding?.kind).toBe('slow');
    expect(report.finding!.input.some((byte) => byte > 0xf0)).toBe(true);
  }, 60_000);

  test('an input that exhausts the heap budget is named as a memory finding', async () => {
    const report = await fuzzFixture('memory-bomb', 20);
    expect(report.finding?.kind).toBe('memory');
    expect(report.finding!.input.some((byte) => byte > 0xf0)).toBe(true);
  }, 60_000);
});
