// Test support: an HTTP tracker that only records who announced what (no peers given), so a test
// can tell that an announce arrived, and which event it carried.
import { startHttpServer } from './http-server';

export interface RecordedAnnounce {
  /** 40 lowercase hex digits. */
  readonly infoHash: string;
  /** '' for a regular announce. */
  readonly event: string;
}

export interface RecordingTracker {
  /** `http://127.0.0.1:<port>/announce`. */
  readonly url: string;
  readonly announces: readonly RecordedAnnounce[];
  stop(): Promise<void>;
}

/** The bytes of a query value as sent: %XX escapes and plain characters. */
function rawBytes(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(value.charCodeAt(i));
  }
  return Buffer.from(out);
}

export async function startRecordingTracker(intervalSec = 1800): Promise<RecordingTracker> {
  const announces: RecordedAnnounce[] = [];
  const server = await startHttpServer((req, res) => {
    const query = (req.url ?? '').split('?')[1] ?? '';
    const params = new Map(query.split('&').map((pair) => [pair.split('=')[0]!, pair.split('=')[1] ?? ''] as const));
    announces.push({ infoHash: rawBytes(params.get('info_hash') ?? '').toString('hex'), event: params.get('event') ?? '' });
    res.end(`d8:intervali${intervalSec}e5:peers0:e`);
  });
  return { url: `${server.origin}/announce`, announces, stop: () => server.stop() };
}
