import { rm, rmdir } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { defaultTorrentOptions, type FilePriority, type TorrentOptions, type TorrentState } from '../../src-shared/contract';
import { isShoalError, ShoalError } from '../../src-shared/errors';
import { BandwidthLimiter, type TorrentBandwidth } from './bandwidth/bandwidth-limiter';
import type { Metainfo } from './metainfo/metainfo';
import { fileEdgePieces } from './picker/file-edges';
import { PiecePicker } from './picker/piece-picker';
import { moveFiles, torrentFilePairs, type MovedFiles, type MoveOps } from './storage/move-files';
import { Storage, type ResumeData } from './storage/storage';
import { Swarm } from './swarm/swarm';
import type { PeerAddress } from './swarm/peer-registry';
import type { PeerSource, SwarmPeer } from './swarm/swarm-peer';
import { Trading } from './swarm/trading';
import { Announcer } from './tracker/announcer';

/** Where a torrent's data goes and how it meets peers: the same for a magnet still fetching its metadata. */
export interface TradingInit {
  readonly savePath: string;
  readonly peerId: Uint8Array;
  readonly listenPort: number;
  readonly maxConnections: number;
  /** Seconds between announces whatever trackers ask; undefined follows the trackers. */
  readonly announceIntervalSec?: number;
  readonly addedAt?: number;
}

export interface TorrentInit extends TradingInit {
  readonly metainfo: Metainfo;
  /** Saved verified pieces and file stamps: the first check trusts them where the files did not change. */
  readonly resume?: ResumeData;
  /** The torrent's speed limits from the session's limiter; unlimited and on its own if absent. */
  readonly bandwidth?: TorrentBandwidth;
  readonly events: TorrentEvents;
}

export interface TorrentEvents {
  /** Every wanted piece is verified (sent once per download). */
  finished(torrent: Torrent): void;
  /** The torrent stopped on an error the user must see (disk full, no permission, …). */
  failed(torrent: Torrent, error: ShoalError): void;
  log(torrent: Torrent, message: string): void;
  /** A block went out to a peer: share limits are checked as upload happens, not on a tick. */
  uploaded(torrent: Torrent): void;
  /** Something the torrent's list row shows changed (state, progress, totals, peers, trackers' counts, save folder). */
  changed(torrent: Torrent): void;
}

export interface TransferTotals {
  readonly uploaded: number;
  readonly downloaded: number;
  readonly wasted: number;
}

const PRIORITY_VALUE: Record<FilePriority, number> = { skip: 0, normal: 1, high: 4 };

/**
 * One torrent's life: check what is on disk, download with the swarm while announcing, seed when
 * complete; pause, resume and remove. The UI's views of it are built in `torrent-views.ts`.
 */
export class Torrent {
  readonly metainfo: Metainfo;
  readonly infoHash: string;
  readonly addedAt: number;
  readonly picker: PiecePicker<SwarmPeer>;
  readonly swarm: Swarm;
  readonly announcer: Announcer;
  readonly bandwidth: TorrentBandwidth;
  readonly filePriorities: FilePriority[];
  completedAt: number | null = null;
  error: string | null = null;
  /** Fraction of the on-disk check done while checking, of the bytes moved while moving. */
  checkProgress = 0;
  #savePath: string;
  #storage: Storage;
  readonly #trading: Trading;
  /** A check or a move under way: the torrent does not trade until it ends. */
  #task: { readonly done: Promise<void>; readonly abort: AbortController } | null = null;
  /** What the torrent shows after a task when it is not to run: paused by the user or waiting in the queue. */
  #stoppedAs: 'paused' | 'queued' = 'paused';
  #movingTo: string | null = null;
  #options: TorrentOptions = defaultTorrentOptions;
  /** Transfer totals from earlier sessions, which this session's add to. */
  #earlier: TransferTotals = { uploaded: 0, downloaded: 0, wasted: 0 };
  /** Seeding time before the current seeding stretch, and when that stretch began. */
  #seedingMsBefore = 0;
  #seedingSince: number | null = null;
  #state: TorrentState = 'paused';
  #checked = false;
  #running = false;
  #finishedSent = false;
  #resume: ResumeData | undefined;
  readonly #o: TorrentInit;
  readonly #trackerErrors = new Map<string, string>();
  /** The trackers' counts last told as a change; most tracker answers leave them as they were. */
  #healthSeen = '';

  constructor(options: TorrentInit) {
    this.#o = options;
    const m = options.metainfo;
    this.metainfo = m;
    this.infoHash = m.infoHashHex;
    this.#savePath = options.savePath;
    this.addedAt = options.addedAt ?? Date.now();
    this.#resume = options.resume;
    this.filePriorities = m.files.map(() => 'normal');
    // Opening storage checks every path stays inside the save folder.
    this.#storage = Storage.open(m, options.savePath);
    this.picker = new PiecePicker({ pieceCount: m.pieceCount, pieceLength: m.pieceLength, lastPieceLength: m.lastPieceLength });
    this.bandwidth = options.bandwidth ?? new BandwidthLimiter().forTorrent();
    this.swarm = new Swarm({
      infoHash: m.infoHash,
      peerId: options.peerId,
      listenPort: options.listenPort,
      maxConnections: options.maxConnections,
      events: {
        needPeers: () => this.announcer.announceNow(),
        log: (message) => options.events.log(this, message),
      },
    });
    this.#trading = new Trading({
      swarm: this.swarm,
      metainfo: m,
      storage: this.storage,
      picker: this.picker,
      bandwidth: this.bandwidth,
      events: {
        complete: () => this.#onComplete(),
        storageError: (error) => this.#fail(error),
        log: (message) => options.events.log(this, message),
        uploaded: () => {
          options.events.changed(this);
          options.events.uploaded(this);
        },
        changed: () => options.events.changed(this),
      },
    });
    this.announcer = new Announcer({
      tiers: m.trackers,
      infoHash: m.infoHash,
      peerId: options.peerId,
      port: options.listenPort,
      ...(options.announceIntervalSec !== undefined ? { intervalOverrideSec: options.announceIntervalSec } : {}),
      stats: () => ({
        uploaded: this.swarm.totals.uploaded,
        downloaded: this.swarm.totals.downloaded,
        left: this.bytesLeft,
      }),
      onPeers: (peers) => this.addPeers(peers, 'tracker'),
      onChange: () => {
        this.#healthChanged();
        this.#logTrackerErrors();
      },
    });
  }

  get state(): TorrentState {
    return this.#state;
  }

  get savePath(): string {
    return this.#savePath;
  }

  get storage(): Storage {
    return this.#storage;
  }

  /** The folder a move under way goes to; saved, so a restart can clean up after an interrupted move. */
  get movingTo(): string | null {
    return this.#movingTo;
  }

  /** The peers trading with us now. */
  get peers(): readonly SwarmPeer[] {
    return this.#trading.peers;
  }

  /** Addresses of peers to dial, heard of from `source`, whichever phase the torrent is in. */
  addPeers(addresses: readonly PeerAddress[], source: PeerSource): void {
    this.swarm.addPeers(addresses, source);
  }

  /** Stops serving at once (a share limit was reached): every peer choked, every queued request dropped. */
  chokeAll(): void {
    this.#trading.chokeAll();
  }

  /** Stopped by the user (or a share limit), as opposed to running, waiting in the queue or failed. */
  get paused(): boolean {
    return this.#task ? !this.#running && this.#stoppedAs === 'paused' : this.#state === 'paused';
  }

  /** Throws the sentence for the user while a check or a move is under way. */
  assertIdle(): void {
    if (this.#task) {
      throw new ShoalError('invalid-input', `"${this.metainfo.name}" is still ${this.#state === 'moving' ? 'moving' : 'checking'} its data; try again once that is done`);
    }
  }

  /** Bytes uploaded, downloaded and wasted over the torrent's whole life, earlier sessions included. */
  get totals(): TransferTotals {
    const now = this.swarm.totals;
    const e = this.#earlier;
    return { uploaded: e.uploaded + now.uploaded, downloaded: e.downloaded + now.downloaded, wasted: e.wasted + now.wasted };
  }

  /** Takes over what earlier sessions counted (from the saved session), before the torrent starts. */
  carryOver(totals: TransferTotals, seedingSeconds: number): void {
    this.#earlier = { ...totals };
    this.#seedingMsBefore = seedingSeconds * 1000;
  }

  /** Seconds spent seeding, the current stretch included. */
  get seedingTime(): number {
    const current = this.#seedingSince === null ? 0 : Date.now() - this.#seedingSince;
    return Math.floor((this.#seedingMsBefore + current) / 1000);
  }

  /** Bytes of wanted pieces not yet verified. */
  get bytesLeft(): number {
    const m = this.metainfo;
    const have = this.storage.have;
    if (have.complete) return 0;
    // Counting per piece keeps this exact for the short last piece.
    const left = (m.pieceCount - have.count) * m.pieceLength;
    return have.has(m.pieceCount - 1) ? left : left - (m.pieceLength - m.lastPieceLength);
  }

  /** Bytes verified. */
  get bytesDone(): number {
    return this.metainfo.length - this.bytesLeft;
  }

  get isComplete(): boolean {
    return this.picker.wantedRemaining === 0;
  }

  /** Starts (or resumes): check the data once, then trade. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.error = null;
    this.#o.events.changed(this);
    if (this.#task) return; // it trades once the task ends
    if (this.#checked) this.#trade();
    else await this.#exclusive('checking', (signal) => this.#check(signal), 'fail').catch(() => undefined);
  }

  /**
   * Hashes every piece again, the parts file's too; afterwards exactly the pieces on disk count and
   * the others are wanted again. Trading stops meanwhile and resumes if the torrent is meant to run.
   */
  recheck(): Promise<void> {
    this.#resume = undefined;
    return this.#exclusive('checking', (signal) => this.#check(signal), 'fail');
  }

  /**
   * Moves the data to the absolute folder `savePath`, keeping its layout, and reopens storage there.
   * `persist` saves the torrent: it is called with `movingTo` set before any file moves, and with
   * the new save path once every file is there, before the old copies are deleted; if either
   * fails, the data stays whole at the old place. On failure the torrent carries on where it was.
   */
  moveStorage(savePath: string, persist: () => Promise<void>, ops?: MoveOps): Promise<void> {
    return this.#exclusive('moving', (signal) => this.#move(savePath, persist, signal, ops), 'carry-on');
  }

  /** Stops trading; 'queued' says it waits for a slot in the queue rather than for the user. */
  async pause(as: 'paused' | 'queued' = 'paused'): Promise<void> {
    if (this.#task) {
      // The task finishes first; then the torrent stays stopped.
      this.#running = false;
      this.#stoppedAs = as;
      return;
    }
    if (!this.#running && this.#state === as) return;
    this.#running = false;
    this.#setState(as);
    this.swarm.stop();
    await this.announcer.stop();
  }

  /** Stops everything and closes the files; with `deleteFiles`, removes the torrent's data too. */
  async remove(deleteFiles: boolean): Promise<void> {
    this.#running = false;
    const task = this.#task;
    if (task) {
      // A move cut short puts its files back first, so what is deleted (or kept) is whole.
      task.abort.abort();
      await task.done.catch(() => undefined);
    }
    this.swarm.stop();
    await this.announcer.stop();
    await this.storage.close();
    if (deleteFiles) await this.#deleteData();
  }

  /**
   * What to save for fast resume: the saved data not yet used, the verified pieces once the data
   * was checked, and null before that (an unchecked torrent's empty bitfield must never be
   * trusted, or a restart would skip its data on disk).
   */
  async resumeData(): Promise<ResumeData | null> {
    if (this.#resume) return this.#resume;
    return this.#checked ? this.storage.resumeData() : null;
  }

  get options(): TorrentOptions {
    return this.#options;
  }

  /** Changes some options; the others keep their values. */
  setOptions(changes: Partial<TorrentOptions>): void {
    this.#options = { ...this.#options, ...changes };
    if (changes.speedLimit !== undefined) this.bandwidth.setLimit(changes.speedLimit);
    if (changes.sequential !== undefined) this.picker.sequential = changes.sequential;
    if (changes.firstLastPiecesFirst !== undefined) {
      const m = this.metainfo;
      this.picker.setBoosted(changes.firstLastPiecesFirst ? fileEdgePieces(m.files, m.pieceLength) : []);
    }
  }

  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): void {
    // All checked before any is applied, so a bad index changes nothing.
    const bad = changes.find(({ index }) => index >= this.filePriorities.length);
    if (bad) throw new ShoalError('invalid-input', `the torrent has no file ${bad.index + 1}`);
    for (const { index, priority } of changes) this.filePriorities[index] = priority;
    const m = this.metainfo;
    const piecePriority = new Uint8Array(m.pieceCount);
    m.files.forEach((file, i) => {
      if (file.pad || file.length === 0) return;
      const value = PRIORITY_VALUE[this.filePriorities[i]!];
      const first = Math.floor(file.offset / m.pieceLength);
      const last = Math.floor((file.offset + file.length - 1) / m.pieceLength);
      // A piece shared by several files is wanted if any of them is.
      for (let p = first; p <= last; p++) if (value > piecePriority[p]!) piecePriority[p] = value;
    });
    this.picker.setPriorities(piecePriority);
    const skipped = this.filePriorities.flatMap((priority, i) => (priority === 'skip' ? [i] : []));
    this.storage.setSkippedFiles(skipped).catch((err: unknown) => this.#fail(isShoalError(err) ? err : new ShoalError('io', String(err))));
    this.#trading.refreshInterest();
    if (this.isComplete) this.#onComplete();
    else if (this.#state === 'seeding') this.#setState('downloading');
  }

  #trade(): void {
    this.#finishedSent = this.isComplete;
    if (this.isComplete && this.completedAt === null) this.completedAt = Date.now();
    this.#setState(this.isComplete ? 'seeding' : 'downloading');
    this.swarm.start(this.#trading);
    this.announcer.start();
  }

  /**
   * Runs a check or a move alone: trading stops, the state shows the task, and afterwards the
   * torrent trades again if it is meant to run (the user or the queue may start or pause it
   * meanwhile). A failed check stops the torrent on the error; a failed move carries on as before.
   */
  async #exclusive(state: 'checking' | 'moving', work: (signal: AbortSignal) => Promise<void>, onFailure: 'fail' | 'carry-on'): Promise<void> {
    this.assertIdle();
    const abort = new AbortController();
    // A torrent not running now (paused, queued, failed) comes back stopped; pause() may change that meanwhile.
    this.#stoppedAs = this.#state === 'queued' ? 'queued' : 'paused';
    this.swarm.stop();
    this.#setState(state);
    this.checkProgress = 0;
    const done = (async () => {
      await this.announcer.stop();
      await work(abort.signal);
    })();
    this.#task = { done, abort };
    try {
      await done;
    } catch (err) {
      this.#task = null;
      const verb = state === 'moving' ? 'Moving' : 'Checking';
      const error = isShoalError(err) ? err : new ShoalError('io', `${verb} the data failed: ${err instanceof Error ? err.message : String(err)}.`);
      if (abort.signal.aborted) throw error;
      if (onFailure === 'fail') this.#fail(error);
      else this.#afterTask();
      throw error;
    }
    this.#task = null;
    if (!abort.signal.aborted) this.#afterTask();
  }

  #afterTask(): void {
    if (this.#running) this.#trade();
    else this.#setState(this.#stoppedAs);
  }

  async #check(signal: AbortSignal): Promise<void> {
    const progress = (done: number, total: number): void => this.#progress(done, total);
    const resume = this.#resume;
    const have = resume ? await this.storage.resume(resume, progress, signal) : await this.storage.check(progress, signal);
    this.#resume = undefined;
    this.picker.resetTo(have);
    this.#checked = true;
  }

  async #move(savePath: string, persist: () => Promise<void>, signal: AbortSignal, ops: MoveOps | undefined): Promise<void> {
    const from = this.#savePath;
    const old = this.#storage;
    // Opening checks every path stays inside the new folder before anything moves.
    const next = Storage.open(this.metainfo, savePath, { have: old.have });
    await old.close();
    let moved: MovedFiles;
    this.#movingTo = savePath;
    try {
      await persist();
      const progress = (done: number, total: number): void => this.#progress(done, total);
      moved = await moveFiles({ files: torrentFilePairs(this.metainfo, from, savePath), fromDir: from, toDir: savePath, onProgress: progress, signal, ...(ops ? { ops } : {}) });
    } catch (err) {
      this.#movingTo = null;
      await this.#useStorage(Storage.open(this.metainfo, from, { have: old.have }));
      throw err;
    }
    this.#movingTo = null;
    this.#savePath = savePath;
    this.#o.events.changed(this);
    await this.#useStorage(next);
    // Until the new place is saved, a restart goes back to the old one: copied sources stay until then.
    await persist().catch((err: unknown) => {
      const code = isShoalError(err) ? err.code : 'io';
      throw new ShoalError(code, `the data is now in ${savePath}, but saving that failed; until a save succeeds, a restart brings it back to ${from}`);
    });
    await moved.commit();
  }

  /** Reads and writes go through `storage` from now on; pieces in progress start over. */
  async #useStorage(storage: Storage): Promise<void> {
    this.#storage = storage;
    this.#trading.useStorage(storage);
    const skipped = this.filePriorities.flatMap((priority, i) => (priority === 'skip' ? [i] : []));
    if (skipped.length > 0) await storage.setSkippedFiles(skipped);
    this.picker.resetTo(storage.have);
  }

  /** A check's or a move's progress. */
  #progress(done: number, total: number): void {
    const progress = total > 0 ? done / total : 1;
    if (progress === this.checkProgress) return;
    this.checkProgress = progress;
    this.#o.events.changed(this);
  }

  #setState(next: TorrentState): void {
    if (next === 'seeding' && this.#seedingSince === null) this.#seedingSince = Date.now();
    if (next !== 'seeding' && this.#seedingSince !== null) {
      this.#seedingMsBefore += Date.now() - this.#seedingSince;
      this.#seedingSince = null;
    }
    if (next === this.#state) return;
    this.#state = next;
    this.#o.events.changed(this);
  }

  #onComplete(): void {
    if (this.#state === 'downloading') this.#setState('seeding');
    if (this.#finishedSent) return;
    this.#finishedSent = true;
    this.completedAt = Date.now();
    if (this.storage.have.complete) {
      this.storage.finish().catch((err: unknown) => this.#fail(isShoalError(err) ? err : new ShoalError('io', String(err))));
      this.announcer.completed();
    }
    this.#o.events.finished(this);
  }

  #healthChanged(): void {
    const h = this.announcer.health();
    const seen = h ? `${h.seeders} ${h.leechers} ${h.downloaded}` : '';
    if (seen === this.#healthSeen) return;
    this.#healthSeen = seen;
    this.#o.events.changed(this);
  }

  /** Says once per new message when a tracker fails, so a dead tracker is visible, not silent. */
  #logTrackerErrors(): void {
    for (const status of this.announcer.statuses()) {
      const said = this.#trackerErrors.get(status.url);
      if (status.state === 'error' && status.message && status.message !== said) {
        this.#trackerErrors.set(status.url, status.message);
        this.#o.events.log(this, `tracker ${status.url}: ${status.message}`);
      } else if (status.state === 'working' && said !== undefined) {
        this.#trackerErrors.delete(status.url);
        this.#o.events.log(this, `tracker ${status.url} answers again`);
      }
    }
  }

  #fail(error: ShoalError): void {
    if (this.#state === 'error') return;
    // The row shows the message; #setState below marks it changed.
    this.error = error.message;
    this.#running = false;
    this.#setState('error');
    this.swarm.stop();
    void this.announcer.stop();
    this.#o.events.failed(this, error);
  }

  async #deleteData(): Promise<void> {
    const root = resolve(this.savePath);
    for (const path of [...this.storage.filePaths, this.storage.partsPath]) await rm(path, { force: true });
    // Remove the folders the torrent made, deepest first, only while empty and inside the save path.
    const dirs = new Set<string>();
    for (const path of this.storage.filePaths) {
      for (let d = dirname(path); d.startsWith(root + sep); d = dirname(d)) dirs.add(d);
    }
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => undefined);
  }
}
