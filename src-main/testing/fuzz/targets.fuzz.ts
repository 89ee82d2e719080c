// Every fuzz target for a short while on each CI run (npm test); `npm run fuzz` runs them longer
// and keeps the new inputs in the corpus.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeFinding, fuzzRoot, runFuzz, targetFiles, targetName } from './run-fuzz';

const seconds = Number(process.env.SHOAL_FUZZ_SECONDS ?? 4);
const keepNewInputs = process.env.SHOAL_FUZZ_KEEP === '1';

describe('fuzz targets', async () => {
  for (const file of await targetFiles()) {
    const name = targetName(file);
    test(`${name}: ${seconds} s of coverage-guided inputs, no crash, no input over its time or memory budget`, async () => {
      const report = await runFuzz({ file, seconds, corpusDir: join(fuzzRoot, 'corpus', name), keepNewInputs });
      console.log(`fuzz ${name}: ${report.execs} inputs, ${report.features} coverage features, corpus ${report.seeds} → ${report.corpus}`);
      expect(report.finding, describeFinding(report)).toBeUndefined();
      expect(report.execs).toBeGreaterThan(0);
    }, (seconds + 60) * 1000);
  }
});
