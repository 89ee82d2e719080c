/** A one-line progress bar redrawn in place on a terminal. */
export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the line so what follows starts clean. */
  finish(): void;
}

interface Terminal {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

// Redrawing faster than the eye reads only costs CPU that hashing could use.
const redrawMs = 100;

/** Returns undefined when `stream` is not a terminal: scripts and logs get no escape codes. */
export function terminalProgressBar(stream: Terminal, label: string, now: () => number = Date.now): ProgressBar | undefined {
  if (!stream.isTTY) return undefined;
  const started = now();
  let last = -Infinity;
  return {
    update(done, total) {
      const t = now();
      if (t - last < redrawMs && done < total) return;
      last = t;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const seconds = (t - started) / 1000;
      const rate = seconds > 0 ? `${(done / seconds / 2 ** 20).toFixed(1)} MiB/s` : '';
      const tail = ` ${(fraction * 100).toFixed(0).padStart(3)}%  ${rate}`;
      const width = Math.max(10, Math.min(50, (stream.columns ?? 80) - label.length - tail.length - 4));
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}\x1b[K`);
    },
    finish() {
      stream.write('\r\x1b[K');
    },
  };
}
