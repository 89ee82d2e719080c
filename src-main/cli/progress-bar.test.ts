import { describe, expect, it } from 'vitest';
import { terminalProgressBar } from './progress-bar';

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 60, write: (s: string) => writes.push(s) } };
}

describe('terminalProgressBar', () => {
  it('stays silent when the stream is not a terminal', () => {
    const { stream } = fakeTerminal(false);
    expect(terminalProgressBar(stream, 'x')).toBeUndefined();
  });

  it('draws in place, throttles redraws, always draws the end and clears the line', () => {
    const { writes, stream } = fakeTerminal(true);
    let clock = 0;
    const bar = terminalProgressBar(stream, 'hashing', () => clock)!;
    clock = 1000;
    bar.update(2 ** 20, 4 * 2 ** 20);
    clock = 1050;
    bar.update(2 * 2 ** 20, 4 * 2 ** 20); // within 100 ms: skipped
    bar.update(4 * 2 ** 20, 4 * 2 ** 20); // the end: drawn anyway
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\rhashing \[#+-+\] {2}25% {2}1\.0 MiB\/s/);
    expect(writes[0]!.endsWith('\x1b[K')).toBe(true);
    expect(writes[1]).toMatch(/^\rhashing \[#+\] 100% /);
    expect(writes[2]).toBe('\r\x1b[K');
  });
});
