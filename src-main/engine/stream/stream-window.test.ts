import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PiecePicker, type Cancel } from '../picker/piece-picker';
import { StreamWindow } from './stream-window';

const PIECE = 32 * 1024;
const NOW = 5_000_000;

function setup() {
  const picker = new PiecePicker<string>({ pieceCount: 40, pieceLength: PIECE, lastPieceLength: PIECE, randomFirstPieces: 0, random: () => 0.5 });
  picker.peerHaveAll('seed');
  const cancelled: Cancel<string>[][] = [];
  const window = new StreamWindow({ picker, cancelled: (c) => cancelled.push([...c]), windowBytes: 4 * PIECE, bytesPerSecond: PIECE });
  const due = () => Array.from({ length: 40 }, (_, i) => picker.deadlineOf(i)).flatMap((d, i) => (d === undefined ? [] : [[i, d - NOW]]));
  return { picker, window, cancelled, due };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('StreamWindow', () => {
  it('puts deadlines on the pieces ahead of a reader, the first due now, then one a piece at the assumed rate', () => {
    const { window, due } = setup();
    window.setPosition(1, 10, 40 * PIECE, NOW);
    expect(due()).toEqual([
      [0, 0],
      [1, ((PIECE - 10) * 1000) / PIECE],
      [2, ((2 * PIECE - 10) * 1000) / PIECE],
      [3, ((3 * PIECE - 10) * 1000) / PIECE],
      // The window's last bytes fall in piece 4.
      [4, ((4 * PIECE - 10) * 1000) / PIECE],
    ]);
  });

  it('stops at the end of the file and skips pieces already verified', () => {
    const { picker, window, due } = setup();
    picker.pieceVerified(11);
    window.setPosition(1, 10 * PIECE, 12 * PIECE + 100, NOW);
    expect(due().map(([i]) => i)).toEqual([10, 12]);
  });

  it('keeps a piece’s deadline as the reader moves within the window, so it can become late', () => {
    const { window, due } = setup();
    window.setPosition(1, 0, 40 * PIECE, NOW);
    window.setPosition(1, PIECE, 40 * PIECE, NOW + 3000);
    expect(due()).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 3000],
      [4, 3000 + 3000],
    ]);
  });

  it('a seek moves the window at once and cancels what was asked for the old one; a reader gone takes its window along', () => {
    const { picker, window, cancelled, due } = setup();
    window.setPosition(1, 0, 40 * PIECE, NOW);
    const asked = picker.pick('seed', 4, NOW);
    expect(new Set(asked.map((r) => r.index))).toEqual(new Set([0, 1]));
    window.setPosition(1, 30 * PIECE, 40 * PIECE, NOW + 100);
    expect(due().map(([i]) => i)).toEqual([30, 31, 32, 33]);
    expect(cancelled.at(-1)!.map((c) => [c.peer, c.block.index, c.block.begin])).toEqual(asked.map((r) => ['seed', r.index, r.begin]));
    expect(picker.pick('seed', 1, NOW + 100)[0]!.index).toBe(30);
    // Two readers: both windows; one leaves, only the other's stays.
    window.setPosition(2, 0, 40 * PIECE, NOW + 200);
    expect(due().map(([i]) => i)).toEqual([0, 30, 1, 31, 2, 32, 3, 33].sort((a, b) => a - b));
    window.remove(1, NOW + 300);
    expect(due().map(([i]) => i)).toEqual([0, 1, 2, 3]);
    // The last reader gone, its window stays a moment: a player closes one connection to open the next.
    window.remove(2, NOW + 300);
    expect(window.readers).toBe(0);
    expect(due().map(([i]) => i)).toEqual([0, 1, 2, 3]);
    vi.advanceTimersByTime(5_000);
    expect(due()).toEqual([]);
  });

  it('a stream that starts or jumps takes back the requests for other pieces, and is served before readers left behind', () => {
    const { picker, window, cancelled, due } = setup();
    // Rarest first had filled the peer's queue before anyone played.
    const before = picker.pick('seed', 6, NOW);
    window.setPosition(1, 20 * PIECE, 40 * PIECE, NOW);
    // All of them, the window's own too (they were asked in rarest order): asked again, earliest deadline first.
    expect(cancelled.at(-1)!.map((c) => `${c.block.index}/${c.block.begin}`).sort()).toEqual(before.map((r) => `${r.index}/${r.begin}`).sort());
    expect(picker.outstanding('seed')).toBe(0);
    expect(picker.pick('seed', 3, NOW).map((r) => r.index)).toEqual([20, 20, 21]);
    // A second reader (a seek whose old connection stays open): its window comes first.
    window.setPosition(2, 5 * PIECE, 40 * PIECE, NOW + 10);
    const byPiece = new Map(due().map(([i, d]) => [i!, d!] as const));
    expect(byPiece.get(5)!).toBeLessThan(byPiece.get(21)!);
    expect(byPiece.get(8)!).toBeLessThan(byPiece.get(21)!);
  });
});
