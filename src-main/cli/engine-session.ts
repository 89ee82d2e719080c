import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { StreamSource } from '../engine/stream/stream-source';
import { defaultLimitSettings, PROTOCOL_VERSION, type CommandInput, type CommandOutput, type FileInfo, type EncryptionMode, type EventPayload, type GeneralInfo, type ShareLimits, type ShoalApi, type SpeedLimit, type TorrentSummary } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { startEngineInProcess } from '../host/engine-in-process';
import type { EngineConnection } from '../host/engine-supervisor';
import { TorrentListReplay } from '../host/torrent-list-replay';
import type { DiscoverySettings } from './transfer-options';

export interface EngineSessionOptions {
  /** A .torrent file's path, or a magnet link. */
  readonly target: string;
  readonly saveDir: string;
  readonly listenPort?: number;
  readonly announceInterval?: number;
  /** Global speed limits, bytes a second (0: none). */
  readonly speedLimit?: SpeedLimit;
  /** Keep the session here, and pick up what an earlier run saved; absent: nothing is saved. */
  readonly stateDir?: string;
  /** Indexes of files not to download. */
  readonly skipFiles?: readonly number[];
  /** Share limits for the session (the CLI's `--seed-ratio`, `--seed-time`). */
  readonly shareLimits?: ShareLimits;
  /** The peer discovery settings `--no-dht`, `--dht-bootstrap`, `--no-pex` and `--no-lsd` ask for, and `--no-utp`. */
  readonly discovery?: DiscoverySettings;
  /** Protocol encryption, from `--encryption`. */
  readonly encryption?: EncryptionMode;
  /** Map the peer port on the router (`--port-forwarding`). */
  readonly portForwarding?: boolean;
}

/**
 * The headless commands' way into the engine: the same contract the app uses, with
 * one torrent added, its summary row and general details followed as they arrive.
 */
export class EngineSession {
  row: TorrentSummary | undefined;
  general: GeneralInfo | undefined;
  /** The engine stopped the torrent at its share limits. */
  shareLimitReached = false;
  readonly infoHash: string;
  readonly #addedAs: string;
  readonly #engine: EngineConnection;
  readonly #api: ShoalApi;
  readonly #waiters = new Set<() => void>();
  #notice: EventPayload<'notice'> | undefined;
  #engineGone: string | undefined;
  /** Bytes the torrent had downloaded (over all runs) when this run first saw its row. */
  #downloadedBefore: number | undefined;

  private constructor(engine: EngineConnection, infoHash: string, name: string) {
    this.#engine = engine;
    this.#api = engine.api;
    this.infoHash = infoHash;
    this.#addedAs = name;
  }

  /** The torrent's name: a magnet's turns from its `dn` (or info-hash) into the real one once the metadata is in. */
  get name(): string {
    return this.row?.name ?? this.#addedAs;
  }

  /** Starts the engine, applies the options and adds the torrent. */
  static async start(options: EngineSessionOptions): Promise<EngineSession> {
    const source = await readSource(options.target);
    const saveDir = resolve(options.saveDir);
    // The engine runs on this thread (see startEngineInProcess). Port 0 first: the port the user
    // asked for is then taken through the contract, which answers "already in use" as a clean error.
    const engine = await startEngineInProcess({
      downloadDir: saveDir,
      downloadDirGiven: true,
      listenPort: 0,
      ...(options.stateDir !== undefined ? { stateDir: resolve(options.stateDir) } : {}),
    });
    // Rows come only when they change: a torrent restored from the state folder may have
    // reached its final state (seeding) before it is added below, and never change again.
    const rows = new TorrentListReplay();
    const stopRows = engine.api.on('torrents', (update) => rows.apply(update));
    try {
      const api = engine.api;
      await api.invoke('hello', { protocolVersion: PROTOCOL_VERSION });
      await api.invoke('setSettings', {
        ...(options.listenPort !== undefined ? { listenPort: options.listenPort } : {}),
        ...(options.announceInterval !== undefined ? { announceInterval: options.announceInterval } : {}),
        ...(options.speedLimit !== undefined ? { speedLimit: options.speedLimit } : {}),
        ...options.discovery,
        ...(options.encryption !== undefined ? { encryption: options.encryption } : {}),
        ...(options.portForwarding !== undefined ? { portForwarding: options.portForwarding } : {}),
      });
      const skip = options.skipFiles ?? [];
      const added = await api.invoke('addTorrent', { source, savePath: saveDir, ...(skip.length > 0 ? { skipFiles: [...skip] } : {}) }).catch(async (err: unknown) => {
        // Restored from the state folder by an earlier run: carry on with it where it was.
        if (!(err instanceof ShoalError && err.code === 'already-exists')) throw err;
        const known = await api.invoke('inspectTorrent', source.kind === 'magnet' ? { uri: source.uri } : { data: source.data });
        if (skip.length > 0) await api.invoke('setFilePriorities', { infoHash: known.infoHash, files: skip.map((index) => ({ index, priority: 'skip' as const })) });
        // Resuming past the limits would keep it seeding for good (the engine's rule for a
        // resume by hand); this run's limits apply to it afresh instead, set just below.
        if (options.shareLimits !== undefined) await api.invoke('setSettings', { shareLimits: defaultLimitSettings.shareLimits });
        await api.invoke('resume', { infoHashes: [known.infoHash] });
        return { infoHash: known.infoHash, name: known.name };
      });
      if (options.shareLimits !== undefined) await api.invoke('setSettings', { shareLimits: options.shareLimits });
      const session = new EngineSession(engine, added.infoHash, added.name);
      session.#follow(rows.snapshot().changed.find((row) => row.infoHash === added.infoHash));
      stopRows();
      await api.invoke('subscribe', { infoHash: added.infoHash, tab: 'general' });
      return session;
    } catch (err) {
      stopRows();
      await engine.stop();
      throw err;
    }
  }

  /** The engine's files for HTTP streams. */
  get streams(): StreamSource {
    const streams = this.#engine.streams;
    if (!streams) throw new ShoalError('internal', 'this engine streams no files');
    return streams;
  }

  /** The torrent's files, once its metadata is known (a magnet's arrives from peers first). */
  async files(): Promise<FileInfo[]> {
    await this.until((row) => row.state !== 'metadata');
    const files = new Promise<FileInfo[]>((resolveFiles) => {
      const off = this.#api.on('detail', (detail) => {
        if (detail.infoHash !== this.infoHash || !detail.files) return;
        off();
        resolveFiles(detail.files);
      });
    });
    await this.#api.invoke('subscribe', { infoHash: this.infoHash, tab: 'files' });
    return files;
  }

  /** A file's stream: its capability path (see the `streamFile` command). */
  streamFile(fileIndex: number): Promise<CommandOutput<'streamFile'>> {
    return this.#api.invoke('streamFile', { infoHash: this.infoHash, fileIndex });
  }

  /** Bytes downloaded by this run (0 when the data was complete before it began). */
  get downloadedThisRun(): number {
    return (this.row?.downloaded ?? 0) - (this.#downloadedBefore ?? 0);
  }

  /** Resolves once the share limits paused the torrent (its row then has the final totals). */
  untilShareLimit(): Promise<TorrentSummary> {
    return this.until((row) => this.shareLimitReached && row.state === 'paused');
  }

  /** Resolves once `done` holds for the torrent's row; rejects if the torrent fails or the engine dies. */
  until(done: (row: TorrentSummary) => boolean): Promise<TorrentSummary> {
    return new Promise((resolvePromise, reject) => {
      const check = (): void => {
        if (this.#engineGone !== undefined) {
          this.#waiters.delete(check);
          reject(new ShoalError('internal', `the engine stopped: ${this.#engineGone}`));
        } else if (this.row?.state === 'error') {
          this.#waiters.delete(check);
          reject(new ShoalError('io', this.#notice?.message ?? this.row.error ?? 'the torrent failed'));
        } else if (this.row && done(this.row)) {
          this.#waiters.delete(check);
          resolvePromise(this.row);
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Stops the engine cleanly: trackers hear `stopped`, and the session is saved when it has a state folder. */
  async stop(): Promise<void> {
    await this.#engine.stop();
  }

  #follow(known: TorrentSummary | undefined): void {
    const wake = (): void => {
      for (const waiter of [...this.#waiters]) waiter();
    };
    const take = (row: TorrentSummary): void => {
      this.row = row;
      this.#downloadedBefore ??= row.downloaded;
    };
    if (known) take(known);
    this.#api.on('torrents', (update) => {
      const row = update.changed.find((r) => r.infoHash === this.infoHash);
      if (row) take(row);
      wake();
    });
    this.#api.on('detail', (detail) => {
      if (detail.infoHash === this.infoHash && detail.general) this.general = detail.general;
    });
    this.#api.on('notice', (notice) => {
      if (notice.infoHash === this.infoHash && notice.kind === 'error') this.#notice = notice;
      if (notice.infoHash === this.infoHash && notice.kind === 'ratio-reached') this.shareLimitReached = true;
      wake();
    });
    void this.#engine.exited.then((why) => {
      this.#engineGone = why;
      wake();
    });
  }
}

/** What `addTorrent` takes for a .torrent path or a magnet link (checked by the engine). */
async function readSource(target: string): Promise<CommandInput<'addTorrent'>['source']> {
  if (/^magnet:/i.test(target)) return { kind: 'magnet', uri: target };
  const data = await readFile(target).catch((err: NodeJS.ErrnoException) => {
    throw new ShoalError(err.code === 'ENOENT' ? 'not-found' : 'io', `cannot read ${target}: ${err.code ?? err.message}`);
  });
  return { kind: 'torrent', data: new Uint8Array(data), fileName: basename(target) };
}
