import { defaultTorrentOptions, type FilePriority, type TorrentOptions, type TorrentState } from '../../src-shared/contract';
import { asShoalError, ShoalError } from '../../src-shared/errors';
import { BandwidthLimiter, type TorrentBandwidth } from './bandwidth/bandwidth-limiter';
import { metainfoFromMagnet } from './metainfo/magnet-metadata';
import type { Metainfo } from './metainfo/metainfo';
import type { PiecePicker } from './picker/piece-picker';
import { planRename, type RenamedFile } from './storage/disk-names';
import type { MoveOps } from './storage/move-files';
import type { StreamWindow } from './stream/stream-window';
import type { ResumeData, Storage } from './storage/storage';
import type { PeerAddress } from './net/peer-address';
import type { Swarm } from './swarm/swarm';
import type { PeerSource, SwarmPeer } from './swarm/swarm-peer';
import type { BlockSender } from './swarm/trading';
import { magnetLinkOf, newMetadataPhase, newSwarm, newTorrentData } from './torrent-body';
import { TorrentData } from './torrent-data';
import type { TorrentInit } from './torrent-init';
import { TorrentLifetime, type TransferTotals } from './torrent-lifetime';
import { MetadataPhase } from './torrent-metadata';
import type { WebSeedRow } from './webseed/web-seeds';
import { meantToRun, pausedIn, type Phase } from './torrent-phase';
import { runAlone, type TaskHost } from './torrent-task-runner';
import type { Announcer } from './tracker/announcer';
import { TrackerWatch } from './tracker/tracker-watch';

/**
 * One torrent's life, from the moment it is added: a magnet link first fetches its metadata
 * with the torrent's swarm; then check what is on disk, download with the same swarm while
 * announcing, seed when complete; pause, resume and remove. The UI's views of it are built in
 * `torrent-views.ts`; the phases and their invariants are in STATE.md.
 */
export class Torrent {
  readonly infoHash: string;
  readonly addedAt: number;
  readonly swarm: Swarm;
  readonly bandwidth: TorrentBandwidth;
  completedAt: number | null = null;
  /** The name the user gave it in the list (null: its own); its files keep theirs. */
  displayName: string | null = null;
  error: string | null = null;
  /** Fraction of the on-disk check done while checking, of the bytes moved while moving. */
  checkProgress = 0;
  #savePath: string;
  #phase: Phase = { name: 'paused' };
  /** The metainfo and all built on it; for a magnet link, until its metadata arrives, that phase. */
  #body: TorrentData | MetadataPhase;
  /** Files to skip once a magnet's file list is known. */
  readonly #pendingSkips: readonly number[];
  #options: TorrentOptions = defaultTorrentOptions;
  readonly #life = new TorrentLifetime();
  /** The data on disk was checked once: what storage says it has is true. */
  #checked = false;
  #finishedSent = false;
  #resume: ResumeData | undefined;
  readonly #o: TorrentInit;
  readonly #trackers: TrackerWatch;
  /** What a check or a move run alone does to the torrent (see `runAlone`). */
  readonly #tasks: TaskHost = {
    phase: () => this.#phase,
    setPhase: (next) => this.#setPhase(next),
    assertIdle: () => this.assertIdle(),
    stopSwarm: () => this.swarm.stop(),
    stopAnnouncing: () => this.announcer.stop(),
    started: () => (this.checkProgress = 0),
    fail: (error) => this.#fail(error),
    trade: () => this.#trade(this.#known()),
  };

  constructor(options: TorrentInit) {
    this.#o = options;
    const from = 'metainfo' in options ? options.metainfo : options.magnet;
    this.infoHash = from.infoHashHex;
    this.#savePath = options.savePath;
    this.addedAt = options.addedAt ?? Date.now();
    this.bandwidth = options.bandwidth ?? new BandwidthLimiter().forTorrent();
    this.#trackers = new TrackerWatch({ changed: () => options.events.changed(this), log: (message) => options.events.log(this, message), failing: (problem) => options.events.trackerFailing?.(this, problem) });
    this.swarm = newSwarm(options, from, { needPeers: () => this.announcer.announceNow(), log: (message) => options.events.log(this, message) });
    if ('metainfo' in options) {
      this.#resume = options.resume;
      this.#pendingSkips = [];
      this.#body = this.#data(options.metainfo);
    } else {
      this.#pendingSkips = options.skipFiles ?? [];
      this.#body = newMetadataPhase(options, this.swarm, { received: (info) => this.#metadataReceived(info), changed: () => options.events.changed(this) });
    }
  }

  get state(): TorrentState {
    return this.#phase.name;
  }

  /** The metainfo is known (a magnet link's only once its metadata arrived). */
  get hasMetainfo(): boolean {
    return this.#body instanceof TorrentData;
  }

  /** The name shown: the user's (`displayName`), or the torrent's own (a magnet's: its link's until the metadata arrives). */
  get name(): string {
    return this.displayName ?? (this.#body instanceof TorrentData ? this.#body.metainfo.name : this.#body.name);
  }

  /** Files the user renamed on disk. */
  get renamedFiles(): readonly RenamedFile[] {
    return this.#body instanceof TorrentData ? this.#body.renamed : [];
  }

  /** Each file's path on disk, inside the torrent's folder. */
  get filePathsOnDisk(): readonly (readonly string[])[] {
    return this.#known().onDisk.files.map((f) => f.path);
  }

  /** Renames a file or folder on disk (see `planRename`, `TorrentData.rename`), trading stopped meanwhile; bad names are refused first. */
  renameFile(target: string, newName: string, persist: () => Promise<void>): Promise<void> {
    const data = this.#known();
    this.assertIdle();
    const plan = planRename(data.metainfo, data.renamed, this.#savePath, target, newName);
    return plan ? runAlone(this.#tasks, 'moving', () => data.rename(plan, this.#savePath, persist), 'carry-on') : Promise.resolve();
  }

  /** Bytes in all; before the metadata, what the magnet link says (`xl`), or 0. */
  get length(): number {
    return this.#body instanceof TorrentData ? this.#body.metainfo.length : (this.#body.magnet.length ?? 0);
  }

  /** The torrent as a magnet link: the one it was added with while its metadata is awaited, else one built from its metainfo. */
  get magnetLink(): string {
    return magnetLinkOf(this.#body);
  }

  /** The user's tiers of trackers from now on; refused before a magnet's metadata, whose link's trackers are its own. */
  setTrackers(tiers: readonly (readonly string[])[]): void {
    this.#known().announcer.setTiers(tiers);
  }

  get metainfo(): Metainfo {
    return this.#known().metainfo;
  }

  get picker(): PiecePicker<BlockSender> {
    return this.#known().picker;
  }

  get storage(): Storage {
    return this.#known().storage;
  }

  get streamWindow(): StreamWindow<BlockSender> {
    return this.#known().streamWindow;
  }

  get filePriorities(): FilePriority[] {
    return this.#known().filePriorities;
  }

  /** Files (by index) not to download: asked for with a magnet link, or set to 'skip' since. */
  get skipFiles(): readonly number[] {
    return this.#body instanceof TorrentData ? this.#body.skipped : this.#pendingSkips;
  }

  get announcer(): Announcer {
    return this.#body.announcer;
  }

  get savePath(): string {
    return this.#savePath;
  }

  /** The folder a move under way goes to; saved, so a restart can clean up after an interrupted move. */
  get movingTo(): string | null {
    return this.#phase.name === 'moving' ? this.#phase.task.movingTo : null;
  }

  /** Peers connected now, in either phase. */
  get peerCount(): number {
    return this.#body instanceof TorrentData ? this.#body.trading.peerCount : this.#body.peerCount;
  }

  /** The peers trading with us now (none before the metainfo is known). */
  get peers(): readonly SwarmPeer[] {
    return this.#body instanceof TorrentData ? this.#body.trading.peers : [];
  }

  /** The web seeds (BEP 19) and how each is doing; none before the metainfo is known. */
  get webSeeds(): readonly WebSeedRow[] {
    return this.#body instanceof TorrentData ? this.#body.trading.webSeeds.rows : [];
  }

  /** Addresses of peers to dial, heard of from `source`, whichever phase the torrent is in. */
  addPeers(addresses: readonly PeerAddress[], source: PeerSource): void {
    this.swarm.addPeers(addresses, source);
  }

  /** Stops serving at once (a share limit was reached): every peer choked, every queued request dropped. */
  chokeAll(): void {
    if (this.#body instanceof TorrentData) this.#body.trading.chokeAll();
  }

  /** Stopped by the user (or a share limit), as opposed to running, waiting in the queue or failed. */
  get paused(): boolean {
    return pausedIn(this.#phase);
  }

  /** Throws the sentence for the user while a check or a move is under way. */
  assertIdle(): void {
    const p = this.#phase;
    if ('task' in p) throw new ShoalError('invalid-input', `"${this.name}" is still ${p.name} its data; try again once that is done`);
  }

  /** Bytes uploaded, downloaded and wasted over the torrent's whole life, earlier sessions included. */
  get totals(): TransferTotals {
    return this.#life.totals(this.swarm.totals);
  }

  /** Takes over what earlier sessions counted (from the saved session), before the torrent starts. */
  carryOver(totals: TransferTotals, seedingSeconds: number): void {
    this.#life.carryOver(totals, seedingSeconds);
  }

  /** Seconds spent seeding, the current stretch included. */
  get seedingTime(): number {
    return this.#life.seedingTime;
  }

  /** Bytes of pieces not yet verified, wanted or not. */
  get bytesLeft(): number {
    return this.#known().bytesLeft;
  }

  /** Bytes verified. */
  get bytesDone(): number {
    return this.metainfo.length - this.bytesLeft;
  }

  /** The bytes of the files not skipped, and of the pieces they need, and of those left (see TorrentData). */
  get wanted(): { size: number; pieceBytes: number; left: number } {
    return this.#known().wanted;
  }

  get isComplete(): boolean {
    return this.#known().isComplete;
  }

  /** Starts (or resumes): fetch the metadata if it is not known, check the data once, then trade. */
  async start(): Promise<void> {
    const p = this.#phase;
    if (meantToRun(p)) return;
    this.error = null;
    this.#o.events.changed(this);
    const body = this.#body;
    if ('task' in p) {
      this.#phase = { ...p, then: 'run' }; // it trades once the task ends
    } else if (body instanceof MetadataPhase) {
      this.#setPhase({ name: 'metadata' });
      body.start();
    } else if (this.#checked) {
      this.#trade(body);
    } else {
      await runAlone(this.#tasks, 'checking', (signal) => this.#check(body, signal), 'fail', 'run').catch(() => undefined);
    }
  }

  /**
   * Hashes every piece again, the parts file's too; afterwards exactly the pieces on disk count and
   * the others are wanted again. Trading stops meanwhile and resumes if the torrent is meant to run.
   */
  recheck(): Promise<void> {
    const data = this.#known();
    this.#resume = undefined;
    return runAlone(this.#tasks, 'checking', (signal) => this.#check(data, signal), 'fail');
  }

  /**
   * Moves the data to the absolute folder `savePath`, keeping its layout, and reopens storage there.
   * `persist` saves the torrent: it is called with `movingTo` set before any file moves, and with
   * the new save path once every file is there, before the old copies are deleted; if either
   * fails, the data stays whole at the old place. On failure the torrent carries on where it was.
   */
  moveStorage(savePath: string, persist: () => Promise<void>, ops?: MoveOps): Promise<void> {
    const data = this.#known();
    const from = this.#savePath;
    return runAlone(
      this.#tasks,
      'moving',
      (signal, task) =>
        data.move({
          from,
          to: savePath,
          persist,
          movingTo: (dir) => (task.movingTo = dir),
          moved: () => {
            this.#savePath = savePath;
            this.#o.events.changed(this);
          },
          progress: (done, total) => this.#progress(done, total),
          signal,
          ...(ops ? { ops } : {}),
        }),
      'carry-on',
    );
  }

  /** Stops trading (or fetching the metadata); 'queued' says it waits for a slot in the queue rather than for the user. */
  async pause(as: 'paused' | 'queued' = 'paused'): Promise<void> {
    const p = this.#phase;
    if ('task' in p) {
      this.#phase = { ...p, then: as }; // the task finishes first; then the torrent stays stopped
      return;
    }
    if (p.name === as) return;
    this.#setPhase({ name: as });
    this.swarm.stop(p.name === 'metadata' ? 'paused' : undefined);
    await this.announcer.stop();
  }

  /** Stops everything and closes the files; with `deleteFiles`, removes the torrent's data too. */
  async remove(deleteFiles: boolean): Promise<void> {
    const p = this.#phase;
    if ('task' in p) {
      // A move cut short puts its files back first, so what is deleted (or kept) is whole.
      p.task.abort.abort();
      await p.task.done.catch(() => undefined);
    }
    this.swarm.stop();
    await this.announcer.stop();
    const body = this.#body;
    if (!(body instanceof TorrentData)) return;
    await body.storage.close();
    if (deleteFiles) await body.deleteFiles(this.#savePath);
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

  /** Changes some options; the others keep their values. Those of the picker wait for the metainfo. */
  setOptions(changes: Partial<TorrentOptions>): void {
    this.#options = { ...this.#options, ...changes };
    if (changes.speedLimit !== undefined) this.bandwidth.setLimit(changes.speedLimit);
    if (this.#body instanceof TorrentData) this.#body.applyOptions(changes);
  }

  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): void {
    this.#known()
      .setFilePriorities(changes)
      .catch((err: unknown) => this.#fail(asShoalError(err, 'io')));
    if (this.isComplete) this.#onComplete();
    else if (this.#phase.name === 'seeding') this.#setPhase({ name: 'downloading' });
  }

  /** The metainfo and all built on it, or the user's sentence while a magnet's metadata is awaited. */
  #known(): TorrentData {
    const body = this.#body;
    if (body instanceof MetadataPhase) throw new ShoalError('invalid-input', `"${body.name}" is still fetching its metadata; try again once it has arrived`);
    return body;
  }

  #data(metainfo: Metainfo): TorrentData {
    const o = this.#o;
    return newTorrentData(o, { metainfo, savePath: this.#savePath, swarm: this.swarm, bandwidth: this.bandwidth }, {
      complete: () => this.#onComplete(),
      storageError: (error) => this.#fail(error),
      log: (message) => o.events.log(this, message),
      uploaded: () => {
        o.events.changed(this);
        o.events.uploaded(this);
      },
      changed: () => o.events.changed(this),
      trackersChanged: () => this.#trackers.update(this.announcer),
      peers: (addresses) => this.addPeers(addresses, 'tracker'),
    });
  }

  /**
   * A magnet's info dictionary arrived: the torrent gets its metainfo, the options and skipped
   * files asked for so far, and waits as 'queued' for the queue to start it; the swarm dials the
   * same peers again once it trades.
   */
  #metadataReceived(info: Uint8Array): void {
    const phase = this.#body;
    if (!(phase instanceof MetadataPhase)) return;
    let data: TorrentData;
    try {
      data = this.#data(metainfoFromMagnet(phase.magnet, info));
    } catch (err) {
      this.#fail(asShoalError(err, 'invalid-torrent'));
      return;
    }
    phase.handOver();
    this.#body = data;
    this.setOptions(this.#options);
    const files = data.metainfo.files.length;
    const skip = this.#pendingSkips.filter((index) => index < files);
    if (skip.length > 0) this.setFilePriorities(skip.map((index) => ({ index, priority: 'skip' as const })));
    this.#setPhase({ name: 'queued' });
    this.#o.events.metadataArrived(
      this,
      this.#pendingSkips.filter((index) => index >= files),
    );
  }

  #trade(data: TorrentData): void {
    this.#finishedSent = data.isComplete;
    if (data.isComplete && this.completedAt === null) this.completedAt = Date.now();
    this.#setPhase({ name: data.isComplete ? 'seeding' : 'downloading' });
    this.swarm.start(data.trading);
    data.announcer.start();
  }

  async #check(data: TorrentData, signal: AbortSignal): Promise<void> {
    await data.check(this.#resume, (done, total) => this.#progress(done, total), signal);
    this.#resume = undefined;
    this.#checked = true;
  }

  /** A check's or a move's progress. */
  #progress(done: number, total: number): void {
    const progress = total > 0 ? done / total : 1;
    if (progress === this.checkProgress) return;
    this.checkProgress = progress;
    this.#o.events.changed(this);
  }

  #setPhase(next: Phase): void {
    this.#life.seeding(next.name === 'seeding');
    const changed = next.name !== this.#phase.name;
    this.#phase = next;
    if (!changed) return;
    // A seed asked for more files downloads again: its sleeping swarm asks the trackers for peers.
    this.swarm.wake();
    this.#o.events.changed(this);
  }

  #onComplete(): void {
    if (this.#phase.name === 'downloading') this.#setPhase({ name: 'seeding' });
    if (this.#finishedSent) return;
    this.#finishedSent = true;
    this.completedAt = Date.now();
    if (this.storage.have.complete) {
      this.#known().finish().catch((err: unknown) => this.#fail(asShoalError(err, 'io')));
      this.announcer.completed();
    }
    this.#o.events.finished(this);
  }

  /** Stops on an error the user must see; during a check or a move, once it ends. */
  #fail(error: ShoalError): void {
    const p = this.#phase;
    if (p.name === 'error' || ('then' in p && p.then === 'error')) return;
    this.error = error.message;
    if ('task' in p) {
      this.#phase = { ...p, then: 'error' }; // the task ends first
      this.#o.events.changed(this); // the row shows the message
    } else {
      this.#setPhase({ name: 'error' });
      this.swarm.stop();
      void this.announcer.stop();
    }
    this.#o.events.failed(this, error);
  }
}
