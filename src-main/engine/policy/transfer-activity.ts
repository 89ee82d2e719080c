import type { TorrentState } from '../../../src-shared/contract';
import type { ShareTotals } from './share-limits';

/** What activity needs to see of a torrent. */
export interface ActivitySource {
  readonly infoHash: string;
  readonly state: TorrentState;
  readonly totals: ShareTotals;
}

interface Sample {
  running: boolean;
  seeding: boolean;
  moved: number;
  uploaded: number;
  downloaded: number;
  /** When data last moved either way, or when the torrent (re)started. */
  lastMovedAt: number;
  /** When data last came in, or when the torrent (re)started. */
  lastInAt: number;
  /** When the current stretch of seeding without uploading began; null when not seeding. */
  idleSeedingSince: number | null;
}

const RUNNING: ReadonlySet<TorrentState> = new Set(['checking', 'downloading', 'seeding']);

/**
 * When each torrent last moved data, from its totals sampled about once a second: the queue's
 * "stalled" and the share limits' inactive seeding time both come from here.
 */
export class TransferActivity {
  readonly #samples = new Map<string, Sample>();

  sample(t: ActivitySource, now: number): void {
    const running = RUNNING.has(t.state);
    const seeding = t.state === 'seeding';
    const { uploaded, downloaded } = t.totals;
    const moved = uploaded + downloaded;
    const prev = this.#samples.get(t.infoHash);
    if (!prev) {
      this.#samples.set(t.infoHash, { running, seeding, moved, uploaded, downloaded, lastMovedAt: now, lastInAt: now, idleSeedingSince: seeding ? now : null });
      return;
    }
    // A torrent let in (again) gets the whole stalled time before it counts as stalled.
    if ((running && !prev.running) || moved !== prev.moved) prev.lastMovedAt = now;
    if ((running && !prev.running) || downloaded !== prev.downloaded) prev.lastInAt = now;
    if (!seeding) prev.idleSeedingSince = null;
    else if (!prev.seeding || uploaded !== prev.uploaded || prev.idleSeedingSince === null) prev.idleSeedingSince = now;
    prev.running = running;
    prev.seeding = seeding;
    prev.moved = moved;
    prev.uploaded = uploaded;
    prev.downloaded = downloaded;
  }

  /** Running (past its check) and moving no data for `minutes`; 0 minutes means never. */
  stalled(t: ActivitySource, minutes: number, now: number): boolean {
    const s = this.#samples.get(t.infoHash);
    if (minutes <= 0 || !s || (t.state !== 'downloading' && t.state !== 'seeding')) return false;
    return now - s.lastMovedAt >= minutes * 60_000;
  }

  /** Downloading, and no data came in for `ms`: the list says "Stalled". */
  downloadStalled(t: ActivitySource, ms: number, now: number): boolean {
    const s = this.#samples.get(t.infoHash);
    return t.state === 'downloading' && s !== undefined && now - s.lastInAt >= ms;
  }

  /** Seconds seeding since the last byte went up (or since seeding began); 0 when not seeding. */
  inactiveSeedingSeconds(infoHash: string, now: number): number {
    const since = this.#samples.get(infoHash)?.idleSeedingSince ?? null;
    return since === null ? 0 : Math.max(0, (now - since) / 1000);
  }

  forget(infoHash: string): void {
    this.#samples.delete(infoHash);
  }
}
