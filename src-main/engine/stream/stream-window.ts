import type { Cancel, PieceDeadline, PiecePicker } from '../picker/piece-picker';

export interface StreamWindowOptions<P> {
  readonly picker: PiecePicker<P>;
  /** The picker took requests back (the window moved): tell the peers and refill their pipelines. */
  cancelled(cancels: readonly Cancel<P>[]): void;
  /** Bytes ahead of a reader that get deadlines. Default 4 MiB (at least two pieces). */
  readonly windowBytes?: number;
  /** The playback rate deadlines assume, bytes a second. Default 1 MB/s (8 Mbit/s video). */
  readonly bytesPerSecond?: number;
}

interface Reader {
  /** Torrent offset of the next byte the reader wants. */
  position: number;
  /** Torrent offset just past the file it reads: the window stops there. */
  end: number;
  /** When it last started or jumped, as a sequence number: the latest one is served first. */
  jumped: number;
}

const DEFAULT_WINDOW = 4 * 1024 * 1024;
const DEFAULT_RATE = 1_000_000;
/** Each reader that jumped less recently than another has its deadlines this much later (a player left it for a seek). */
const OLDER_READER_MS = 30_000;
/** The last reader gone, its window stays this long: a player closes a connection and opens the next. */
const LINGER_MS = 5_000;

/**
 * The playback positions of one torrent's streams and the deadlines they put on pieces: the
 * pieces in a window ahead of each reader are due at the rate media plays (the first one now),
 * so the picker asks for them first. A reader that jumps (a seek) moves its window at once and
 * the requests for pieces no reader needs any more are cancelled; a reader that goes away takes
 * its window with it.
 */
export class StreamWindow<P> {
  readonly #o: StreamWindowOptions<P>;
  readonly #readers = new Map<number, Reader>();
  readonly #windowBytes: number;
  readonly #rate: number;
  #jumps = 0;

  constructor(options: StreamWindowOptions<P>) {
    this.#o = options;
    this.#windowBytes = Math.max(options.windowBytes ?? DEFAULT_WINDOW, 2 * options.picker.pieceLength);
    this.#rate = options.bytesPerSecond ?? DEFAULT_RATE;
  }

  get readers(): number {
    return this.#readers.size;
  }

  /**
   * Reader `id` wants the bytes from torrent offset `position` on, in a file that ends at `end`. A
   * new reader, or one that jumps out of its window (a seek), is served before all others at once:
   * deadlines start afresh and requests for other pieces are taken back from the peers.
   */
  setPosition(id: number, position: number, end: number, now = Date.now()): void {
    const known = this.#readers.get(id);
    const pieceLength = this.#o.picker.pieceLength;
    // Within the same piece the window is the same: nothing to move.
    if (known && known.end === end && Math.floor(known.position / pieceLength) === Math.floor(position / pieceLength)) {
      known.position = position;
      return;
    }
    const jumped = !known || known.end !== end || position < known.position || position >= known.position + this.#windowBytes;
    this.#readers.set(id, { position, end, jumped: jumped ? ++this.#jumps : known.jumped });
    this.#apply(now, jumped);
  }

  /** The reader is gone (the player closed the connection, seeked elsewhere, or the stream ended). */
  remove(id: number, now = Date.now()): void {
    if (!this.#readers.delete(id)) return;
    if (this.#readers.size > 0) return this.#apply(now, false);
    setTimeout(() => {
      if (this.#readers.size === 0) this.#apply(Date.now(), false);
    }, LINGER_MS).unref();
  }

  #apply(now: number, afresh: boolean): void {
    const picker = this.#o.picker;
    const { pieceLength } = picker;
    const deadlines = new Map<number, number>();
    const readers = [...this.#readers.values()].sort((a, b) => b.jumped - a.jumped);
    readers.forEach(({ position, end }, rank) => {
      const last = Math.floor((Math.min(end, position + this.#windowBytes) - 1) / pieceLength);
      for (let index = Math.floor(position / pieceLength); index <= last; index++) {
        if (picker.have.has(index)) continue;
        // A piece already due keeps its time while the readers only move on, or it would never become late.
        const known = afresh ? undefined : picker.deadlineOf(index);
        const due = known ?? now + rank * OLDER_READER_MS + (Math.max(0, index * pieceLength - position) * 1000) / this.#rate;
        deadlines.set(index, Math.min(due, deadlines.get(index) ?? Infinity));
      }
    });
    const cancels = picker.setDeadlines([...deadlines].map(([index, deadline]): PieceDeadline => ({ index, deadline })));
    this.#o.cancelled(afresh ? [...cancels, ...picker.preempt()] : cancels);
  }
}
