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
  // With a fixed seed the run is the same every time (it finds the bug after 2,264 inputs): the
  // bound is on inputs, not seconds, so a busy machine cannot make it flaky.
  test('coverage guidance reaches a bug behind two byte comparisons, and saves the input that crashes', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'shoal-fuzz-test-'));
    const report = await runFuzz({ file: fixture('planted-bug'), seconds: 120, maxInputs: 10_000, seed: 1234, findingsDir: scratch });
    expect(report.finding?.kind).toBe('crash');
    expect(report.finding?.message).toContain('planted bug reached');
    expect(Buffer.from(report.finding!.input.subarray(0, 2)).toString('latin1')).toBe('FU');
    expect(await readFile(report.finding!.file)).toEqual(Buffer.from(report.finding!.input));
  }, 150_000);

  test("the code's own typed refusals are not findings", async () => {
    const report = await fuzzFixture('refusals', 1);
    expect(report.finding).toBeUndefined();
    expect(report.execs).toBeGreaterThan(100);
  }, 30_000);

  // Each fixture misbehaves on any input holding a byte over 0xf0.
  test.each([
    ['hang', 'hang', 'an input that never returns is stopped and named'],
    ['slow', 'slow', 'an input over its time budget is a finding'],
    ['memory-bomb', 'memory', 'an input that exhausts the heap budget is named'],
  ])('%s → %s: %s', async (fixtureName, kind) => {
    const report = await fuzzFixture(fixtureName, 20);
    expect(report.finding?.kind).toBe(kind);
    expect(report.finding!.input.some((byte) => byte > 0xf0)).toBe(true);
  }, 60_000);
});
