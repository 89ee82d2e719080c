import http from 'node:http';
import https from 'node:https';
import type { Metainfo } from '../metainfo/metainfo';
import type { BlockRequest } from '../picker/piece-geometry';
import { fetchRange, type ReadGate } from './range-fetch';
import { planRuns, type Run } from './range-plan';
import { WebSeedError } from './range-response';
import { WebSeed, type WebSeedState } from './web-seed';
import { webSeedBase, webSeedFileUrl } from './web-seed-url';
import { reasonOf } from '../../../src-shared/errors';

/** The picker as web seeds use it: the same one, and the same ledger, as the peers'. */
export interface WebSeedPicker {
  readonly blocksPerPiece: number;
  addPeer(seed: WebSeed): void;
  peerHaveAll(seed: WebSeed): void;
  peerGone(seed: WebSeed): void;
  pick(seed: WebSeed, max: number): BlockRequest[];
  requestTimedOut(seed: WebSeed, block: BlockRequest): void;
}

export interface WebSeedsOptions {
  readonly metainfo: Metainfo;
  readonly picker: WebSeedPicker;
  /** The download speed limit. */
  readonly gate: ReadGate;
  /** A buffer for one block (the trading's pool); handed over with `deliver`. */
  acquire(length: number): Uint8Array;
  /** A block arrived: the same path as a peer's block (ledger, disk, hash check, blame). */
  deliver(seed: WebSeed, index: number, begin: number, block: Uint8Array): void;
  log(message: string): void;
  /** Runs under way at once per web seed (its connections). Default 2. */
  readonly connectionsPerSeed?: number;
  readonly idleTimeoutMs?: number;
  readonly maxRedirects?: number;
}

/** One row of the Trackers tab for a web seed. */
export interface WebSeedRow {
  readonly url: string;
  readonly state: WebSeedState;
  readonly message: string | null;
  readonly downloaded: number;
}

/** Blocks asked of a web seed at once: a whole piece, or at least 1 MiB of small pieces in a row. */
const MIN_RUN_BLOCKS = 64;

/**
 * A torrent's web seeds (BEP 19, GetRight style) beside its peers: each asks the shared picker
 * for blocks like a peer that has every piece, fetches them as ranged HTTP(S) requests, and hands
 * them to the trading's block path, so hashes, waste and blame are the peers' own.
 */
export class WebSeeds {
  readonly #o: WebSeedsOptions;
  readonly #seeds: WebSeed[] = [];
  /** Made when the seeds start: a torrent without web seeds (most) keeps no agents. */
  #agents: { http: http.Agent; https: https.Agent } | undefined;
  #abort: AbortController | undefined;
  #paused = false;
  /** Bodies waiting for the disk to drain. */
  readonly #parked = new Set<() => void>();
  /** The speed limit, and the disk backlog: a body is read only while both allow. */
  readonly #gate: ReadGate = {
    consume: (bytes) => this.#o.gate.consume(bytes) && !this.#paused,
    wait: (resume) => {
      if (this.#paused) this.#parked.add(resume);
      else this.#o.gate.wait(resume);
    },
    cancel: (resume) => {
      this.#parked.delete(resume);
      this.#o.gate.cancel(resume);
    },
  };

  constructor(options: WebSeedsOptions) {
    this.#o = options;
    const seen = new Set<string>();
    for (const url of options.metainfo.urlList) {
      try {
        const seed = new WebSeed(webSeedBase(url));
        if (seen.has(seed.key)) continue;
        seen.add(seed.key);
        this.#seeds.push(seed);
      } catch (err) {
        options.log(reasonOf(err));
      }
    }
  }

  get rows(): WebSeedRow[] {
    return this.#seeds.map((s) => ({ url: s.key, state: s.state, message: s.message, downloaded: s.downloaded }));
  }

  /** The web seed known by `key` (its URL), if it is one. */
  byKey(key: string): WebSeed | undefined {
    return this.#seeds.find((s) => s.key === key);
  }

  start(): void {
    if (this.#abort || this.#seeds.length === 0) return;
    this.#abort = new AbortController();
    const sockets = this.#o.connectionsPerSeed ?? 2;
    this.#agents = { http: new http.Agent({ keepAlive: true, maxSockets: sockets }), https: new https.Agent({ keepAlive: true, maxSockets: sockets }) };
    for (const seed of this.#seeds) this.#join(seed);
    this.fill();
  }

  /** Every run is cut short; their blocks go back to the picker. */
  stop(): void {
    const abort = this.#abort;
    if (!abort) return;
    this.#abort = undefined;
    abort.abort();
    for (const seed of this.#seeds) this.#o.picker.peerGone(seed);
    this.#agents?.http.destroy();
    this.#agents?.https.destroy();
    this.#agents = undefined;
  }

  /** Data from the seed failed its hash check: blamed like a peer, it is dropped. */
  blame(seed: WebSeed, why: string): void {
    if (seed.dropped) return;
    seed.drop(why);
    this.#left(seed);
  }

  /** Too much is waiting for the disk: bodies stop being read and no run starts until it drains. */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (paused) return;
    const parked = [...this.#parked];
    this.#parked.clear();
    for (const resume of parked) resume();
    this.fill();
  }

  /** Starts runs on every web seed with a free connection and nothing against it now. */
  fill(): void {
    const abort = this.#abort;
    if (!abort || this.#paused) return;
    const now = Date.now();
    const perSeed = this.#o.connectionsPerSeed ?? 2;
    const max = Math.max(this.#o.picker.blocksPerPiece, MIN_RUN_BLOCKS);
    for (const seed of this.#seeds) {
      while (seed.ready(now) && seed.active < perSeed) {
        const blocks = this.#o.picker.pick(seed, max);
        if (blocks.length === 0) break;
        seed.active++;
        void this.#run(seed, planRuns(blocks, this.#o.metainfo.pieceLength, this.#o.metainfo.files), AbortSignal.any([abort.signal, seed.signal]));
      }
    }
  }

  #join(seed: WebSeed): void {
    if (seed.dropped) return;
    this.#o.picker.addPeer(seed);
    this.#o.picker.peerHaveAll(seed);
  }

  #left(seed: WebSeed): void {
    this.#o.log(`web seed ${seed.key} ${seed.message ?? 'dropped'}`);
    this.#o.picker.peerGone(seed);
  }

  async #run(seed: WebSeed, runs: Run[], signal: AbortSignal): Promise<void> {
    const pending = runs.flatMap((r) => r.blocks);
    let delivered = 0;
    try {
      for (const run of runs) {
        await this.#fetchRun(seed, run, signal, () => delivered++);
      }
      if (!signal.aborted) seed.succeeded();
    } catch (err) {
      if (signal.aborted) return;
      // What was not delivered goes back to the pool for peers and the other web seeds.
      for (const block of pending.slice(delivered)) this.#o.picker.requestTimedOut(seed, block);
      const reason = err instanceof WebSeedError ? err.message : `failed: ${reasonOf(err)}`;
      const retryAfterMs = err instanceof WebSeedError ? err.retryAfterMs : undefined;
      if (seed.failed(reason, Date.now(), retryAfterMs)) this.#left(seed);
      else this.#o.log(`web seed ${seed.key} ${seed.message ?? reason}`);
    } finally {
      seed.active--;
      if (!signal.aborted) this.fill();
    }
  }

  /** Fetches a run's bytes file by file, cutting them into blocks as they come. */
  async #fetchRun(seed: WebSeed, run: Run, signal: AbortSignal, onBlock: () => void): Promise<void> {
    const m = this.#o.metainfo;
    let b = 0;
    let block: Uint8Array | undefined;
    let filled = 0;
    const take = (bytes: Uint8Array): void => {
      let at = 0;
      while (at < bytes.length && !signal.aborted) {
        const want = run.blocks[b]!;
        block ??= this.#o.acquire(want.length);
        const n = Math.min(want.length - filled, bytes.length - at);
        block.set(bytes.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === want.length) {
          seed.downloaded += want.length;
          this.#o.deliver(seed, want.index, want.begin, block);
          onBlock();
          block = undefined;
          filled = 0;
          b++;
        }
      }
    };
    const agents = this.#agents;
    if (agents === undefined) return; // stopped before the run began
    for (const span of run.spans) {
      if (span.pad) {
        take(new Uint8Array(span.length)); // BEP 47: pad bytes are zeros and not on the server
        continue;
      }
      await fetchRange({
        url: webSeedFileUrl(seed.base, m, span.file),
        start: span.offset,
        length: span.length,
        agents,
        signal,
        idleTimeoutMs: this.#o.idleTimeoutMs ?? 20_000,
        maxRedirects: this.#o.maxRedirects ?? 5,
        gate: this.#gate,
        onData: take,
      });
    }
  }
}
