import type { SpeedLimit } from '../../../src-shared/contract';
import { BandwidthGate, WaitQueue } from './bandwidth-gate';
import { monotonicClock, TokenBucket, type Clock } from './token-bucket';

/**
 * The session's speed limits: a global bucket each way, and for each torrent its own bucket each
 * way in front of the global one (a byte passes both). Limits are bytes a second, 0 for none.
 */
export class BandwidthLimiter {
  readonly #down: TokenBucket;
  readonly #up: TokenBucket;
  readonly #now: Clock;
  /** One queue each way, as the global bucket is shared by every torrent. */
  readonly #downQueue = new WaitQueue();
  readonly #upQueue = new WaitQueue();

  constructor(options: { now?: Clock } = {}) {
    this.#now = options.now ?? monotonicClock;
    this.#down = new TokenBucket(0, { now: this.#now });
    this.#up = new TokenBucket(0, { now: this.#now });
  }

  setLimit(limit: SpeedLimit): void {
    const downChanged = setRate(this.#down, limit.down);
    const upChanged = setRate(this.#up, limit.up);
    if (downChanged) this.#downQueue.refresh();
    if (upChanged) this.#upQueue.refresh();
  }

  /** A torrent's pair of gates, unlimited until told otherwise. */
  forTorrent(): TorrentBandwidth {
    return new TorrentBandwidth({ bucket: this.#down, queue: this.#downQueue }, { bucket: this.#up, queue: this.#upQueue }, this.#now);
  }
}

/** One torrent's gates: `down` for what its peers send us, `up` for the blocks we send them. */
export class TorrentBandwidth {
  readonly down: BandwidthGate;
  readonly up: BandwidthGate;
  readonly #down: TokenBucket;
  readonly #up: TokenBucket;
  readonly #downQueue: WaitQueue;
  readonly #upQueue: WaitQueue;

  constructor(globalDown: GlobalWay, globalUp: GlobalWay, now: Clock) {
    this.#down = new TokenBucket(0, { now });
    this.#up = new TokenBucket(0, { now });
    this.#downQueue = globalDown.queue;
    this.#upQueue = globalUp.queue;
    this.down = new BandwidthGate([this.#down, globalDown.bucket], globalDown.queue);
    this.up = new BandwidthGate([this.#up, globalUp.bucket], globalUp.queue);
  }

  setLimit(limit: SpeedLimit): void {
    const downChanged = setRate(this.#down, limit.down);
    const upChanged = setRate(this.#up, limit.up);
    if (downChanged) this.#downQueue.refresh();
    if (upChanged) this.#upQueue.refresh();
  }
}

/** The global bucket one way and the queue of everyone waiting on it. */
interface GlobalWay {
  readonly bucket: TokenBucket;
  readonly queue: WaitQueue;
}

function setRate(bucket: TokenBucket, rate: number): boolean {
  if (bucket.rate === rate) return false;
  bucket.setRate(rate);
  return true;
}
