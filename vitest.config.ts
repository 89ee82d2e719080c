import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './src-main/tools/vitest-summary.ts'],
    projects: [
      {
        test: {
          name: 'node',
          include: ['src-main/**/*.test.ts', 'src-shared/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        // Coverage-guided fuzzing of every parser (src-main/testing/fuzz/README.md).
        test: {
          name: 'fuzz',
          include: ['src-main/testing/fuzz/*.fuzz.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          // A dialog test types into many fields through jsdom: 2-3 s alone, past 5 s when the two
          // cores also run the interop files beside it.
          testTimeout: 20_000,
        },
      },
    ],
  },
});
