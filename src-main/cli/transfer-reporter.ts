import type { EngineSession } from './engine-session';
import { terminalText } from '../host/terminal-text';
import { formatBytes, progressBarLine, statusLine } from './transfer-status';

export type ReportMode = 'terminal' | 'lines' | 'json';

interface Output {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** How often each mode reports: a terminal redraws often, logs get a line every few seconds. */
const EVERY_MS: Record<ReportMode, number> = { terminal: 250, lines: 5000, json: 1000 };

/** JSON lines go to stdout; progress for people goes to stderr, as a bar on a terminal. */
export function reportTarget(json: boolean): { mode: ReportMode; out: NodeJS.WriteStream } {
  if (json) return { mode: 'json', out: process.stdout };
  return { mode: process.stderr.isTTY ? 'terminal' : 'lines', out: process.stderr };
}

/** Prints the torrent's progress until stopped; returns the function that stops it. */
export function startReporting(session: EngineSession, mode: ReportMode, out: Output): () => void {
  const timer = setInterval(() => {
    const row = session.row;
    if (!row) return;
    if (mode === 'json') {
      out.write(
        `${JSON.stringify({
          type: 'progress',
          state: row.state,
          progress: row.progress,
          downloaded: row.downloaded,
          uploaded: row.uploaded,
          downRate: row.downRate,
          upRate: row.upRate,
          peers: row.peers.connected,
          eta: row.eta,
          ratio: row.ratio,
        })}\n`,
      );
    } else if (mode === 'terminal') {
      out.write(`\r${progressBarLine(row, out.columns ?? 80)}\x1b[K`);
    } else {
      out.write(`${terminalText(session.name)}: ${statusLine(row)}\n`);
    }
  }, EVERY_MS[mode]);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (mode === 'terminal') out.write('\r\x1b[K');
  };
}

/** The closing report: bytes moved, wasted, peers seen, time taken. */
export function printSummary(session: EngineSession, mode: ReportMode, out: Output, startedAt: number): void {
  const row = session.row;
  const general = session.general;
  const seconds = (Date.now() - startedAt) / 1000;
  const summary = {
    type: 'summary',
    infoHash: session.infoHash,
    name: session.name,
    state: row?.state ?? 'unknown',
    length: row?.length ?? 0,
    downloaded: row?.downloaded ?? 0,
    uploaded: row?.uploaded ?? 0,
    wasted: general?.wasted ?? 0,
    peersSeen: general?.peersSeen ?? 0,
    ratio: row?.ratio ?? 0,
    seconds: Math.round(seconds * 100) / 100,
  };
  if (mode === 'json') {
    out.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  out.write(
    `${terminalText(session.name)}: ${summary.state}, downloaded ${formatBytes(summary.downloaded)}, uploaded ${formatBytes(summary.uploaded)}, ` +
      `wasted ${formatBytes(summary.wasted)}, ${summary.peersSeen} peers seen, ${summary.seconds.toFixed(1)} s\n`,
  );
}
