import { lstat, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Bitfield } from '../../src-shared/bitfield';
import type { FilePriority, TorrentOptions } from '../../src-shared/contract';
import { isShoalError, ShoalError } from '../../src-shared/errors';
import { errnoCode, fileError } from './fs/file-errors';
import type { TorrentBandwidth } from './bandwidth/bandwidth-limiter';
import type { Metainfo } from './metainfo/metainfo';
import { fileEdgePieces } from './picker/file-edges';
import { PiecePicker } from './picker/piece-picker';
import { onDisk, type RenamedFile, type RenamePlan } from './storage/disk-names';
import { moveFiles, torrentFilePairs, type MovedFiles, type MoveOps } from './storage/move-files';
import type { ReadCachePool } from './storage/read-cache';
import { Storage, type ResumeData } from './storage/storage';
import { StreamWindow } from './stream/stream-window';
import type { PeerAddress } from './net/peer-address';
import type { Swarm } from './swarm/swarm';
import { SwarmPeer } from './swarm/swarm-peer';
import { Trading, type BlockSender } from './swarm/trading';
import { Announcer, type IPv6Reach } from './tracker/announcer';

export interface TorrentDataInit {
  readonly metainfo: Metainfo;
  readonly savePath: string;
  /** Files the user renamed on disk (saved with the session). */
  readonly renamed?: readonly RenamedFile[];
  readonly swarm: Swarm;
  readonly bandwidth: TorrentBandwidth;
  readonly peerId: Uint8Array;
  readonly listenPort: number;
  /** The router's external port once mapped, for trackers. */
  readonly announcePort?: () => number | null;
  readonly ipv6?: () => IPv6Reach;
  readonly announceIntervalSec?: number;
  readonly pex?: () => boolean;
  readonly readCache?: ReadCachePool;
  readonly events: TorrentDataEvents;
}

export interface TorrentDataEvents {
  /** Every wanted piece is verified. */
  complete(): void;
  storageError(error: ShoalError): void;
  log(message: string): void;
  uploaded(): void;
  /** What the row shows of the swarm changed. */
  changed(): void;
  /** The trackers' statuses may have changed. */
  trackersChanged(): void;
  peers(addresses: PeerAddress[]): void;
}

/** How a move goes: `persist` saves the torrent, `movingTo` and `moved` tell where the data is. */
export interface MoveSteps {
  readonly from: string;
  readonly to: string;
  persist(): Promise<void>;
  /** The folder being copied to until the copy is whole, then null. */
  movingTo(dir: string | null): void;
  /** Every file is at `to`: the torrent's save path is that from now on. */
  moved(): void;
  progress(done: number, total: number): void;
  readonly signal: AbortSignal;
  readonly ops?: MoveOps;
}

const PRIORITY_VALUE: Record<FilePriority, number> = { skip: 0, normal: 1, high: 4 };

/**
 * What a torrent has once its metainfo is known (from the start, or once a magnet's metadata
 * arrives), and the work on it: storage, the picker, trading and the announcer; the check, the
 * move, file priorities, deleting the files.
 */
export class TorrentData {
  /** Replaced once, when a magnet's piece layers (BEP 52) have all come from peers, so they are saved and survive a move. */
  metainfo: Metainfo;
  readonly picker: PiecePicker<BlockSender>;
  readonly trading: Trading;
  /** Where streams read: the pieces they need soon get deadlines. */
  readonly streamWindow: StreamWindow<BlockSender>;
  readonly announcer: Announcer;
  readonly filePriorities: FilePriority[];
  #storage: Storage;
  readonly #readCache: ReadCachePool | undefined;
  #wanted: { size: number; pieceBytes: number };
  #renamed: readonly RenamedFile[];
  /** Storage's end-of-download work (see `finish`); settled, or never started. */
  #finishing: Promise<void> = Promise.resolve();

  /** Opens storage (checking every path stays inside the save folder) and builds the rest on it. */
  constructor(o: TorrentDataInit) {
    const m = o.metainfo;
    this.metainfo = m;
    this.filePriorities = m.files.map(() => 'normal');
    this.#wanted = { size: m.files.reduce((sum, f) => sum + (f.pad ? 0 : f.length), 0), pieceBytes: m.length };
    this.#readCache = o.readCache;
    this.#renamed = o.renamed ?? [];
    this.#storage = this.#openStorage(o.savePath);
    this.picker = new PiecePicker<BlockSender>({
      pieceCount: m.pieceCount,
      pieceLength: m.pieceLength,
      lastPieceLength: m.lastPieceLength,
      // A web seed's rate is not measured here: it gets a stream's pieces only while no peer delivers.
      rateOf: (sender) => (sender instanceof SwarmPeer ? sender.conn.downloadRate() : 0),
    });
    this.trading = new Trading({ swarm: o.swarm, metainfo: m, storage: this.#storage, picker: this.picker, bandwidth: o.bandwidth, ...(o.pex ? { pex: o.pex } : {}), events: { ...o.events, layersKnown: () => this.#takeLayers() } });
    this.streamWindow = new StreamWindow({ picker: this.picker, cancelled: (cancels) => this.trading.cancelled(cancels) });
    this.announcer = new Announcer({
      tiers: m.trackers,
      infoHash: m.infoHash,
      alsoInfoHash: () => o.swarm.otherInfoHash,
      peerId: o.peerId,
      port: o.listenPort,
      ...(o.announcePort ? { announcePort: o.announcePort } : {}),
      ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
      ...(o.announceIntervalSec !== undefined ? { intervalOverrideSec: o.announceIntervalSec } : {}),
      stats: () => ({ uploaded: o.swarm.totals.uploaded, downloaded: o.swarm.totals.downloaded, left: this.bytesLeft }),
      partialSeed: () => this.isComplete && !this.#storage.have.complete,
      onPeers: (peers) => o.events.peers(peers),
      onChange: () => o.events.trackersChanged(),
    });
  }

  get storage(): Storage {
    return this.#storage;
  }

  /**
   * Every piece is verified: storage makes the empty files and cuts leftovers to size. A move or
   * rename (the incomplete folder's move starts at this moment) waits for it, or it would close
   * the files under it or make the empty files at the old place.
   */
  finish(): Promise<void> {
    const finishing = this.#storage.finish();
    this.#finishing = finishing.catch(() => undefined);
    return finishing;
  }

  /** Files the user renamed on disk. */
  get renamed(): readonly RenamedFile[] {
    return this.#renamed;
  }

  /** The metainfo with the files named as they are on disk. */
  get onDisk(): Metainfo {
    return onDisk(this.metainfo, this.#renamed);
  }

  #takeLayers(): void {
    const merkle = this.#storage.merkle;
    if (!merkle) return;
    const m = this.metainfo;
    this.metainfo = { ...m, files: m.files.map((f, i) => (f.pieceLayer === undefined && merkle.layer(i) ? { ...f, pieceLayer: merkle.layer(i)! } : f)) };
  }

  /**
   * Bytes of pieces not yet verified, wanted or not: what trackers are told is left, so a partial
   * seed (BEP 21) is not counted as a seed.
   */
  get bytesLeft(): number {
    const m = this.metainfo;
    const have = this.#storage.have;
    if (have.complete) return 0;
    // Counting per piece keeps this exact for the short last piece.
    const left = (m.pieceCount - have.count) * m.pieceLength;
    return have.has(m.pieceCount - 1) ? left : left - (m.pieceLength - m.lastPieceLength);
  }

  /**
   * What the user asked for: `size`, the bytes of the files not skipped (the list's Size column);
   * `pieceBytes`, the bytes of the pieces they need (a piece shared with a skipped file counts
   * whole), and `left`, those not yet verified: progress and the ETA count these, so a torrent done
   * with its wanted files is at 100%.
   */
  get wanted(): { size: number; pieceBytes: number; left: number } {
    const m = this.metainfo;
    const last = m.pieceCount - 1;
    let left = this.picker.wantedRemaining * m.pieceLength;
    if (last >= 0 && !this.#storage.have.has(last) && this.picker.priority(last) > 0) left -= m.pieceLength - m.lastPieceLength;
    return { ...this.#wanted, left };
  }

  get isComplete(): boolean {
    return this.picker.wantedRemaining === 0;
  }

  /** Files (by index) set to 'skip'. */
  get skipped(): number[] {
    return this.filePriorities.flatMap((priority, i) => (priority === 'skip' ? [i] : []));
  }

  /** The options the picker follows. */
  applyOptions(changes: Partial<TorrentOptions>): void {
    if (changes.sequential !== undefined) this.picker.sequential = changes.sequential;
    if (changes.firstLastPiecesFirst !== undefined) {
      const m = this.metainfo;
      this.picker.setBoosted(changes.firstLastPiecesFirst ? fileEdgePieces(m.files, m.pieceLength) : []);
    }
  }

  /** Sets file priorities (all checked before any is applied, so a bad index changes nothing); storage learns the skipped files in the background. */
  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): Promise<void> {
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
    this.#wanted = wantedBytes(m, this.filePriorities, piecePriority);
    const written = this.#storage.setSkippedFiles(this.skipped);
    this.trading.refreshInterest();
    return written;
  }

  /** Storage at `dir` (checking every path stays inside it), reading through the session's cache budget. */
  #openStorage(dir: string, have?: Bitfield): Storage {
    return Storage.open(this.onDisk, dir, { ...(have ? { have } : {}), ...(this.#readCache ? { readCache: this.#readCache } : {}) });
  }

  /** Hashes the data on disk (trusting `resume` where the files did not change); the picker wants what is missing. */
  async check(resume: ResumeData | undefined, progress: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
    const have = resume ? await this.#storage.resume(resume, progress, signal) : await this.#storage.check(progress, signal);
    this.picker.resetTo(have);
  }

  /**
   * Moves the files to `to` keeping their layout, and reopens storage there. `persist` runs with
   * `movingTo` set before any file moves, and again once every file is there, before the old
   * copies are deleted; if either fails, the data stays whole at the old place.
   */
  async move(s: MoveSteps): Promise<void> {
    await this.#finishing;
    const old = this.#storage;
    // Opening checks every path stays inside the new folder before anything moves.
    const next = this.#openStorage(s.to, old.have);
    await old.close();
    let moved: MovedFiles;
    s.movingTo(s.to);
    try {
      await s.persist();
      moved = await moveFiles({ files: torrentFilePairs(this.onDisk, s.from, s.to), fromDir: s.from, toDir: s.to, onProgress: s.progress, signal: s.signal, ...(s.ops ? { ops: s.ops } : {}) });
    } catch (err) {
      s.movingTo(null);
      await this.#useStorage(this.#openStorage(s.from, old.have));
      throw err;
    }
    s.movingTo(null);
    s.moved();
    await this.#useStorage(next);
    // Until the new place is saved, a restart goes back to the old one: copied sources stay until then.
    await s.persist().catch((err: unknown) => {
      const code = isShoalError(err) ? err.code : 'io';
      throw new ShoalError(code, `the data is now in ${s.to}, but saving that failed; until a save succeeds, a restart brings it back to ${s.from}`);
    });
    await moved.commit();
  }

  /**
   * Renames a file or folder on disk as `plan` says and reopens storage under the new names; what
   * is verified stays verified. `persist` saves the new names; if it fails, the old name comes back.
   * A file or folder already at the new place (one the torrent does not know) is never replaced.
   */
  async rename(plan: RenamePlan, savePath: string, persist: () => Promise<void>): Promise<void> {
    await this.#finishing;
    const old = this.#storage;
    const before = this.#renamed;
    await old.close();
    const reopen = () => this.#useStorage(this.#openStorage(savePath, old.have));
    try {
      if ((await presence(plan.to)) !== 'absent') throw new ShoalError('already-exists', `${plan.to} already exists; choose another name`);
      // A file not written yet has nothing on disk to rename; storage creates it under the new name.
      if ((await presence(plan.from)) === 'present') await rename(plan.from, plan.to).catch((err: unknown) => Promise.reject(fileError(err, 'writing', plan.from)));
    } catch (err) {
      await reopen();
      throw err;
    }
    this.#renamed = plan.renamed;
    await reopen();
    try {
      await persist();
    } catch (err) {
      await this.#storage.close();
      await rename(plan.to, plan.from).catch(() => undefined);
      this.#renamed = before;
      await reopen();
      throw err;
    }
  }

  /** Deletes the torrent's files and parts file, then the folders it made while they are empty. */
  async deleteFiles(savePath: string): Promise<void> {
    const root = resolve(savePath);
    const storage = this.#storage;
    for (const path of [...storage.filePaths, storage.partsPath]) await rm(path, { force: true });
    // Deepest first, and only inside the save path.
    const dirs = new Set<string>();
    for (const path of storage.filePaths) {
      for (let d = dirname(path); d.startsWith(root + sep); d = dirname(d)) dirs.add(d);
    }
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => undefined);
  }

  /** Reads and writes go through `storage` from now on; pieces in progress start over. */
  async #useStorage(storage: Storage): Promise<void> {
    this.#storage = storage;
    this.trading.useStorage(storage);
    const skipped = this.skipped;
    if (skipped.length > 0) await storage.setSkippedFiles(skipped);
    this.picker.resetTo(storage.have);
  }
}

/** Whether something (a file, a folder, a link) is at `file`. */
async function presence(file: string): Promise<'present' | 'absent'> {
  try {
    await lstat(file);
    return 'present';
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'absent';
    throw fileError(err, 'opening', file);
  }
}

function wantedBytes(m: Metainfo, priorities: readonly FilePriority[], piecePriority: Uint8Array): { size: number; pieceBytes: number } {
  let size = 0;
  m.files.forEach((file, i) => {
    if (!file.pad && priorities[i] !== 'skip') size += file.length;
  });
  let pieceBytes = 0;
  for (let p = 0; p < m.pieceCount; p++) if (piecePriority[p]! > 0) pieceBytes += p === m.pieceCount - 1 ? m.lastPieceLength : m.pieceLength;
  return { size, pieceBytes };
}
