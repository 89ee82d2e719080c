import { describe, expect, it, vi } from 'vitest';
import { runCli } from './run';

describe('runCli', () => {
  it('refuses an unknown command with exit status 1 and names it', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await runCli(['frobnicate'])).toBe(1);
    expect(stderr.mock.calls[0]?.[0]).toMatch(/^error: unknown command 'frobnicate'/);
    stderr.mockRestore();
  });

  it('prints usage and fails when no command is given', async () => {
    const stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli([])).toBe(1);
    expect(stdout.mock.calls[0]?.[0]).toMatch(/^usage: shoal <command>/);
    stdout.mockRestore();
  });
});
