import { randomBytes } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { HttpTrackerClient, type HttpTrackerOptions } from './http-tracker-client';
import { UdpTrackerClient, type UdpTrackerOptions } from './udp-tracker-client';
import type { PeerAddress } from '../net/peer-address';
import type { AnnounceEventName, AnnounceReply, AnnounceRequest, ScrapeReply, TrackerClient } from './tracker-types';

/** The least time between an answer and an early announce, when the tracker gives no `min interval`. */
const MIN_EARLY_GAP_SEC = 30;
/** At most one announce pulled forward (`announceNow`) in this long. */
const EARLY_ANNOUNCE_EVERY_MS = 10 * 60_000;
/** A tracker silent this long no longer keeps the next ones (and tiers) waiting. */
const FALL_THROUGH_MS = 3000;

export interface TransferStats {
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
}

export interface AnnouncerOptions {
  /** Announce tiers (BEP 12), as in `Metainfo.trackers`. */
  readonly tiers: readonly (readonly string[])[];
  readonly infoHash: Uint8Array;
  /**
   * A hybrid torrent's other swarm (BEP 52): its v2 info-hash cut to 20 bytes, announced beside
   * `infoHash` to the same trackers with the same event, so v1 and v2 peers both find us. The
   * rows show `infoHash`'s answers; the other's peers are taken too.
   */
  readonly alsoInfoHash?: () => Uint8Array | undefined;
  readonly peerId: Uint8Array;
  /** Our listening port. */
  readonly port: number;
  /** The port to tell trackers when it differs from `port`: the router's external one once mapped. */
  readonly announcePort?: () => number | null;
  /** Our IPv6 side, asked at each announce: whether we take IPv6 peers, and our global address if any. */
  readonly ipv6?: () => IPv6Reach;
  /** Peers asked for per announce (default 50). */
  readonly numwant?: number;
  readonly stats: () => TransferStats;
  /** Complete for the wanted files but not all of them (BEP 21): regular announces say `paused`. */
  readonly partialSeed?: () => boolean;
  /** Peers from every successful announce (not deduplicated). */
  readonly onPeers?: (peers: PeerAddress[]) => void;
  /** Called whenever `statuses()` may have changed. */
  readonly onChange?: () => void;
  /** After every tracker failed, retry in base·2^n (default 30 s), capped at `maxRetryMs` (30 min). */
  readonly retryBaseMs?: number;
  readonly maxRetryMs?: number;
  /**
   * Announce every this many seconds whatever the tracker asks (aria2's --bt-tracker-interval):
   * in a local swarm a seeder only meets leechers that never dial out by asking often.
   */
  readonly intervalOverrideSec?: number;
  /** `stop()` waits this long at most for `stopped` announces (default 5 s). */
  readonly stopTimeoutMs?: number;
  readonly http?: HttpTrackerOptions;
  /** Default here: 3 retries, so a silent UDP tracker holds its tier for under 4 minutes, not an hour. */
  readonly udp?: UdpTrackerOptions;
  /** Makes the client for one URL (tests inject fakes); undefined means "not supported". */
  readonly clientFor?: (url: string) => TrackerClient | undefined;
}

export interface IPv6Reach {
  /** The peer port takes IPv6 connections. */
  readonly listening: boolean;
  /** A global IPv6 address of this machine, told to HTTP trackers (BEP 7). */
  readonly address?: string;
}

export type TrackerState = 'not contacted' | 'announcing' | 'working' | 'error' | 'unsupported';

/** One row of the UI's Trackers tab. Times are ms since the epoch. */
export interface TrackerStatus {
  readonly url: string;
  readonly tier: number;
  readonly state: TrackerState;
  /** Human text: the last error, or the tracker's warning. */
  readonly message?: string;
  readonly lastAnnounce?: number;
  readonly nextAnnounce?: number;
  readonly peers?: number;
  readonly seeders?: number;
  readonly leechers?: number;
  readonly completed?: number;
}

export interface SwarmHealth {
  readonly seeders: number;
  readonly leechers: number;
  readonly downloaded?: number;
}

interface Entry {
  readonly url: string;
  /** Changes when the user reorders the tiers. */
  tier: number;
  readonly client: TrackerClient | undefined;
  state: TrackerState;
  message?: string;
  lastAnnounce?: number;
  /** When counts were last updated (announce or scrape): newer wins ties for swarm health. */
  countsAt?: number;
  peers?: number;
  seeders?: number;
  leechers?: number;
  completed?: number;
  trackerId?: string;
  /** This tracker has our `started`, so it is owed a `stopped`. */
  started: boolean;
  /** A request to it is under way (perhaps from an earlier round, still retrying). */
  asking: boolean;
}

/**
 * Announces one torrent to its trackers. BEP 12: each tier is shuffled once, tried in order, a
 * tracker that answers moves to the front of its tier, and the first tier that answers wins.
 * `started` goes first to each tracker, `completed` once, `stopped` on stop (bounded wait); the
 * next announce follows the tracker's interval, or a backoff after failures.
 */
export class Announcer {
  readonly #options: AnnouncerOptions;
  readonly #make: (url: string, tier: number) => Entry;
  #tiers: Entry[][];
  readonly #key = randomBytes(4).readUInt32BE(0);
  #timer: NodeJS.Timeout | undefined;
  #nextAnnounce: number | undefined;
  #minIntervalMs = 0;
  #lastSuccess = 0;
  /** When the last early announce (asked for by `announceNow`) went or is due to go out. */
  #lastEarly = -Infinity;
  #earlyWanted = false;
  #failures = 0;
  #running: Promise<void> | undefined;
  #again = false;
  #completedPending = false;
  #completedSent = false;
  #active = false;
  #abort = new AbortController();

  constructor(options: AnnouncerOptions) {
    this.#options = options;
    const make =
      options.clientFor ??
      ((url: string) => {
        if (/^https?:\/\//i.test(url)) return new HttpTrackerClient(url, options.http);
        if (/^udp:\/\//i.test(url)) return new UdpTrackerClient(url, { maxRetries: 3, ...options.udp });
        return undefined;
      });
    this.#make = (url, tier) => {
      let client: TrackerClient | undefined;
      try {
        client = make(url);
      } catch {
        client = undefined;
      }
      return { url, tier, client, state: client ? 'not contacted' : 'unsupported', started: false, asking: false };
    };
    this.#tiers = options.tiers.map((urls, tier) => shuffle(urls.map((url) => this.#make(url, tier))));
  }

  /** The tiers as they stand: the user's order of tiers, each tier in the order BEP 12 tries it now. */
  get tiers(): string[][] {
    return this.#tiers.map((tier) => tier.map((e) => e.url));
  }

  /**
   * The user edited the trackers. A tracker kept keeps its state; one removed that had our
   * `started` is told `stopped` (best effort, bounded); one added is asked at once while we
   * announce, so the user sees it answer without waiting for the next round.
   */
  setTiers(tiers: readonly (readonly string[])[]): void {
    const old = new Map(this.#tiers.flat().map((e) => [e.url, e]));
    const added: Entry[] = [];
    this.#tiers = tiers.map((urls, tier) =>
      urls.map((url) => {
        const kept = old.get(url);
        old.delete(url);
        if (kept) {
          kept.tier = tier;
          return kept;
        }
        const entry = this.#make(url, tier);
        added.push(entry);
        return entry;
      }),
    );
    const gone = [...old.values()].filter((e) => e.started && e.client);
    if (gone.length > 0) void this.#sendStopped(gone);
    if (this.#active) {
      for (const entry of added) if (entry.client) void this.#ask(entry, { won: true });
    }
    this.#changed();
  }

  /**
   * The user asked to announce now: every tracker of every tier is asked at once, whatever the
   * schedule (a click, not a loop, so the politeness of `announceNow` does not apply).
   */
  reannounce(): void {
    if (!this.#active) return;
    const round = { won: false };
    for (const entry of this.#tiers.flat()) if (entry.client && !entry.asking) void this.#ask(entry, round);
  }

  /** Begins announcing (`started` first). */
  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#abort = new AbortController();
    this.#trigger();
  }

  /** The download finished: tell the tracker once, now. */
  completed(): void {
    if (this.#completedSent || this.#completedPending) return;
    this.#completedPending = true;
    if (this.#active) this.#trigger();
  }

  /**
   * The engine wants peers: pull the next announce forward, politely. It waits for the tracker's
   * `min interval` (at least 30 s) after the last answer, and at most one announce in ten minutes
   * is pulled forward, so a torrent short of peers (it asks on every swarm tick) costs a tracker
   * that gave no `min interval` one extra announce, not one a second. Before the first answer,
   * and while failures back off, the schedule stands as it is.
   */
  announceNow(): void {
    if (!this.#active) return;
    if (this.#running) {
      this.#earlyWanted = true; // decided once the announce under way has answered
      return;
    }
    if (this.#lastSuccess === 0) return;
    const override = this.#options.intervalOverrideSec !== undefined;
    const earliest = Math.max(this.#lastSuccess + this.#minIntervalMs, override ? 0 : this.#lastEarly + EARLY_ANNOUNCE_EVERY_MS);
    if (this.#nextAnnounce !== undefined && this.#nextAnnounce <= earliest) return;
    this.#lastEarly = Math.max(earliest, Date.now());
    this.#schedule(earliest - Date.now());
  }

  /**
   * Stops announcing and sends `stopped` to every tracker that had `started`, waiting at most
   * `stopTimeoutMs`. `quietly` skips the `stopped`: another announcer carries on for the same
   * peer (a magnet's metadata fetch handing over to its torrent).
   */
  async stop(options: { quietly?: boolean } = {}): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#nextAnnounce = undefined;
    this.#abort.abort();
    await this.#running?.catch(() => undefined);
    const owed = options.quietly ? [] : this.#tiers.flat().filter((e) => e.started && e.client);
    await this.#sendStopped(owed);
  }

  /** Tells these trackers `stopped`, waiting at most `stopTimeoutMs`. */
  async #sendStopped(owed: readonly Entry[]): Promise<void> {
    if (owed.length === 0) return;
    const limitMs = this.#options.stopTimeoutMs ?? 5000;
    const limit = AbortSignal.timeout(limitMs);
    let timer: NodeJS.Timeout | undefined;
    // The bound holds even for a client that ignores the abort signal.
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    const stopped = Promise.all(
      owed.map(async (entry) => {
        entry.started = false;
        const request = this.#request(entry, 'stopped');
        const also = this.#options.alsoInfoHash?.();
        // Best effort: the tracker forgets us after its timeout anyway.
        await Promise.all([request, ...(also ? [{ ...request, infoHash: also }] : [])].map((r) => entry.client!.announce(r, limit).catch(() => undefined)));
      }),
    );
    await Promise.race([stopped, deadline]);
    clearTimeout(timer);
    this.#changed();
  }

  /** Scrapes the trackers in tier order until one answers; its counts feed `statuses()` and `health()`. */
  async scrape(): Promise<ScrapeReply | undefined> {
    for (const tier of this.#tiers) {
      for (const entry of tier) {
        if (!entry.client) continue;
        try {
          const reply = await entry.client.scrape(this.#options.infoHash, this.#abort.signal.aborted ? undefined : this.#abort.signal);
          entry.seeders = reply.complete;
          entry.leechers = reply.incomplete;
          entry.completed = reply.downloaded;
          entry.countsAt = Date.now();
          this.#changed();
          return reply;
        } catch {
          // Scrape is optional for trackers; try the next one.
        }
      }
    }
    return undefined;
  }

  statuses(): TrackerStatus[] {
    const out: TrackerStatus[] = [];
    for (const tier of this.#tiers) {
      for (const e of tier) {
        out.push({
          url: e.url,
          tier: e.tier,
          state: e.state,
          ...(e.message !== undefined && { message: e.message }),
          ...(e.lastAnnounce !== undefined && { lastAnnounce: e.lastAnnounce }),
          // Only trackers that are in rotation get a time; later tiers are asked only if these fail.
          ...(this.#nextAnnounce !== undefined && (e.state === 'working' || e.state === 'error') && { nextAnnounce: this.#nextAnnounce }),
          ...(e.peers !== undefined && { peers: e.peers }),
          ...(e.seeders !== undefined && { seeders: e.seeders }),
          ...(e.leechers !== undefined && { leechers: e.leechers }),
          ...(e.completed !== undefined && { completed: e.completed }),
        });
      }
    }
    return out;
  }

  /** The best-informed answer: the tracker that sees the most peers (newest on ties). */
  health(): SwarmHealth | undefined {
    let best: Entry | undefined;
    for (const e of this.#tiers.flat()) {
      if (e.seeders === undefined || e.leechers === undefined) continue;
      const size = e.seeders + e.leechers;
      const bestSize = best ? best.seeders! + best.leechers! : -1;
      if (size > bestSize || (size === bestSize && (e.countsAt ?? 0) > (best!.countsAt ?? 0))) best = e;
    }
    if (!best) return undefined;
    return { seeders: best.seeders!, leechers: best.leechers!, ...(best.completed !== undefined && { downloaded: best.completed }) };
  }

  #trigger(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#cycle().finally(() => {
      this.#running = undefined;
      if (this.#again && this.#active) {
        this.#again = false;
        this.#trigger();
      } else if (this.#earlyWanted) {
        this.#earlyWanted = false;
        this.announceNow();
      }
    });
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#nextAnnounce = Date.now() + delayMs;
    this.#timer = setTimeout(() => this.#trigger(), Math.max(0, delayMs));
    this.#timer.unref();
  }

  /**
   * One announce round. Trackers are asked in BEP 12 order, but one that has not answered within
   * `FALL_THROUGH_MS` no longer holds up the rest (a silent UDP tracker retries for minutes): the
   * round moves on and the slow request carries on beside it. The first answer wins the round;
   * a later one still counts for its tracker and brings its peers.
   */
  async #cycle(): Promise<void> {
    this.#nextAnnounce = undefined;
    const round = { won: false };
    const slow: Promise<boolean>[] = [];
    for (const tier of this.#tiers) {
      for (const entry of [...tier]) {
        if (round.won || !this.#active) return;
        if (!entry.client || entry.asking) continue;
        const answered = this.#ask(entry, round);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), FALL_THROUGH_MS)));
        const first = await Promise.race([answered, late]);
        clearTimeout(timer);
        if (first === true) return;
        if (first === 'late') slow.push(answered);
      }
    }
    // Every tracker failed or is slow: the slow ones may still answer.
    if (slow.length > 0 && (await firstTrue(slow))) return;
    if (round.won || !this.#active) return;
    // Every tracker failed: back off.
    const delay = Math.min((this.#options.retryBaseMs ?? 30_000) * 2 ** this.#failures, this.#options.maxRetryMs ?? 1_800_000);
    this.#failures = Math.min(this.#failures + 1, 30);
    this.#schedule(delay);
    this.#changed();
  }

  /** Announces to one tracker; true if it answered (and its answer was taken in). */
  async #ask(entry: Entry, round: { won: boolean }): Promise<boolean> {
    const event = this.#eventFor(entry);
    entry.state = 'announcing';
    entry.asking = true;
    this.#changed();
    let reply: AnnounceReply;
    const request = this.#request(entry, event);
    this.#announceAlso(entry, request);
    try {
      reply = await entry.client!.announce(request, this.#abort.signal);
    } catch (err) {
      if (!this.#active) return false;
      entry.state = 'error';
      entry.message = err instanceof ShoalError ? err.message : 'The tracker request failed.';
      this.#changed();
      return false;
    } finally {
      entry.asking = false;
    }
    if (!this.#active) return false;
    this.#took(entry, event, reply);
    if (!round.won) {
      round.won = true;
      this.#scheduleAfter(reply);
    }
    // BEP 12: a tracker that answers moves to the front of its tier (if the user has not removed it meanwhile).
    const now = this.#tierOf(entry);
    if (now) {
      now.splice(now.indexOf(entry), 1);
      now.unshift(entry);
    }
    this.#changed();
    return true;
  }

  #tierOf(entry: Entry): Entry[] | undefined {
    return this.#tiers.find((tier) => tier.includes(entry));
  }

  /** The same announce for a hybrid's other info-hash, beside the main one; its peers only are taken. */
  #announceAlso(entry: Entry, request: AnnounceRequest): void {
    const also = this.#options.alsoInfoHash?.();
    if (!also) return;
    entry.client!.announce({ ...request, infoHash: also }, this.#abort.signal).then(
      (reply) => {
        if (this.#active && reply.peers.length > 0) this.#options.onPeers?.(reply.peers);
      },
      () => undefined, // the main announce's row tells how the tracker is doing
    );
  }

  #eventFor(entry: Entry): AnnounceEventName {
    if (!entry.started) return 'started';
    if (this.#completedPending) return 'completed';
    return this.#options.partialSeed?.() ? 'paused' : 'none';
  }

  /** Takes in one tracker's answer: its row, its peers, and whether `completed` is still owed. */
  #took(entry: Entry, event: AnnounceEventName, reply: AnnounceReply): void {
    const now = Date.now();
    entry.started = true;
    // A tracker that learns of us after completion needs no `completed`: its `started` told it left=0.
    if (event === 'completed' || (event === 'started' && this.#completedPending && this.#options.stats().left === 0)) {
      this.#completedPending = false;
      this.#completedSent = true;
    }
    entry.state = 'working';
    entry.lastAnnounce = now;
    entry.peers = reply.peers.length;
    if (reply.warning !== undefined) entry.message = reply.warning;
    else delete entry.message;
    if (reply.trackerId !== undefined) entry.trackerId = reply.trackerId;
    if (reply.complete !== undefined) entry.seeders = reply.complete;
    if (reply.incomplete !== undefined) entry.leechers = reply.incomplete;
    if (reply.downloaded !== undefined) entry.completed = reply.downloaded;
    if (reply.complete !== undefined || reply.incomplete !== undefined) entry.countsAt = now;
    if (reply.peers.length > 0) this.#options.onPeers?.(reply.peers);
  }

  /** The round's first answer sets when to announce next. */
  #scheduleAfter(reply: AnnounceReply): void {
    this.#failures = 0;
    this.#lastSuccess = Date.now();
    // Guard against trackers that ask for absurdly short or long intervals.
    const override = this.#options.intervalOverrideSec;
    const interval = override ?? Math.min(Math.max(reply.interval, 10), 6 * 3600);
    this.#minIntervalMs = override !== undefined ? override * 1000 : Math.min(Math.max(reply.minInterval ?? 0, MIN_EARLY_GAP_SEC), interval) * 1000;
    this.#schedule(interval * 1000);
    // `completed` still owed (the download finished during a `started`): announce again at once.
    if (this.#completedPending) this.#again = true;
  }

  #request(entry: Entry, event: AnnounceEventName): AnnounceRequest {
    const stats = this.#options.stats();
    const ipv6 = this.#options.ipv6?.();
    return {
      infoHash: this.#options.infoHash,
      peerId: this.#options.peerId,
      port: this.#options.announcePort?.() ?? this.#options.port,
      uploaded: stats.uploaded,
      downloaded: stats.downloaded,
      left: stats.left,
      event,
      numwant: event === 'stopped' ? 0 : (this.#options.numwant ?? 50),
      key: this.#key,
      ...(entry.trackerId !== undefined && { trackerId: entry.trackerId }),
      ...(ipv6?.listening && { ipv6Peers: true, ...(ipv6.address !== undefined && { ipv6: ipv6.address }) }),
    };
  }

  #changed(): void {
    this.#options.onChange?.();
  }
}

/** Resolves true as soon as one of `answers` does, false once all have resolved false. */
function firstTrue(answers: readonly Promise<boolean>[]): Promise<boolean> {
  return new Promise((resolve) => {
    let left = answers.length;
    for (const a of answers) {
      void a.then((ok) => {
        if (ok) resolve(true);
        else if (--left === 0) resolve(false);
      });
    }
  });
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
