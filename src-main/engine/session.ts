import type { CommandInput, CommandOutput, EngineApi, Settings, ShoalEvent } from '../../src-shared/contract';
import { dhtTargets, lsdTargets } from './discovery-targets';
import { BusyTorrents, atRest } from './busy-torrents';
import { ListFeed } from './list-feed';
import { listRows } from './list-rows';
import { MetadataFetches } from './metadata-fetches';
import { NoticeLog } from './notice-log';
import { SessionMeters } from './session-meters';
import { skeyLookup } from './mse/receiver';
import { preview } from './metainfo/preview';
import { restoredSettings, SessionPersistence } from './session-persistence';
import { restoreSession } from './session-restore';
import { SessionPolicy } from './policy/session-policy';
import { checkFolder } from './storage/folder-check';
import { ReadCachePool } from './storage/read-cache';
import { changedSettings, checkSettingsChange, checkTransports, initialSettings, prepareSettingFolders, readCacheBytes, type SessionOptions } from './session-settings';
import { DEFAULT_TRACKER_PORT, SessionSockets } from './session-sockets';
import { StatusFeed } from './status-feed';
import { SessionStreams } from './session-streams';
import { startMove, startRecheck, type TaskHooks } from './torrent-tasks';
import { afterIncompleteChange } from './incomplete-folder';
import type { Torrent } from './torrent';
import { TorrentAdding } from './torrent-adding';
import { findAny, findWithMetainfo, torrentByWireName, wireNames } from './torrent-lookup';
import { TorrentActions } from './torrent-actions';
import { TorrentCreator } from './torrent-creator';
import { sessionTorrentEvents, shareLimitReached, type SessionTorrentHooks } from './torrent-events';
import { WatchFolder } from './watch-folder';
import { generatePeerId } from './wire/peer-id';

/**
 * The engine's face: every torrent, the listening socket, settings, and the event stream the
 * contract promises (list summaries at a steady rate with only changed rows; details only for
 * the subscribed torrent and tab).
 */
export class Session implements EngineApi {
  readonly peerId = generatePeerId();
  /** Every torrent, magnet links still fetching their metadata too. */
  readonly #torrents = new Map<string, Torrent>();
  readonly #listeners = new Set<(event: ShoalEvent) => void>();
  /** The torrent list: the whole of it for a new front end, then the rows marked as changed. */
  readonly #feed = new ListFeed({
    ...listRows({ torrents: this.#torrents, policy: () => this.#policy, labels: () => this.#actions.labels }),
    send: (payload) => this.#emit({ name: 'torrents', payload }),
    marked: (infoHash) => this.#busy.add(infoHash),
  });
  /** The torrents the once-a-second passes visit: not those at rest. */
  readonly #busy = new BusyTorrents(this.#torrents, (t) => atRest(t, this.#meters, this.#policy));
  #settings: Settings;
  /** Rates for the speed graphs and bytes moved, read once a second. */
  readonly #meters = new SessionMeters();
  /** The last notices, for a front end that connects later. */
  readonly #log = new NoticeLog();
  /** The peer port's external side on the router, once mapped. */
  #externalPort: number | null = null;
  readonly #sockets: SessionSockets;
  /** Every torrent's read cache under one budget, the `readCacheMiB` setting. */
  readonly #readCache = new ReadCachePool(readCacheBytes(undefined));
  /** Stats and the subscribed torrent's detail, once a second. */
  readonly #status = new StatusFeed({
    torrents: this.#torrents,
    busy: () => this.#busy.values(),
    meters: this.#meters,
    downloadDir: () => this.#settings.downloadDir,
    altSpeedActive: () => this.#policy.altSpeedActive(),
    portForwarding: () => this.#sockets.forwarding,
    dhtNodes: () => this.#sockets.dhtNodes,
    readCache: () => {
      const { budget, bytes, hits, misses } = this.#readCache.stats;
      return { budget, bytes, hits, misses };
    },
    discovery: () => ({ dht: this.#settings.dht !== false, pex: this.#settings.pex !== false, lsd: this.#settings.lsd !== false }),
    heard: () => this.#listeners.size > 0,
    emit: (event) => this.#emit(event),
  });
  /** Files read while they download (HTTP streams, through the host). */
  readonly streams = new SessionStreams({
    torrent: (infoHash) => this.#torrents.get(infoHash),
    unskip: (t, index) => void this.setFilePriorities({ infoHash: t.infoHash, files: [{ index, priority: 'normal' }] }),
  });
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #o: SessionOptions;
  /** Queue, share limits and speed limits. */
  readonly #policy: SessionPolicy<Torrent> = new SessionPolicy<Torrent>({
    settings: () => this.#settings,
    torrents: this.#torrents,
    busy: () => this.#busy.values(),
    shareLimitReached: (t, action) => shareLimitReached(this.#heard, t, action),
    categoryLimits: (infoHash) => this.#actions.labels.shareLimits(infoHash),
    stalledChanged: (t) => this.#feed.mark(t.infoHash),
  });
  readonly #actions: TorrentActions = new TorrentActions({
    find: (h) => findWithMetainfo(this.#torrents, h),
    findAny: (h) => findAny(this.#torrents, h),
    all: () => this.#torrents.values(),
    policy: this.#policy,
    feed: this.#feed,
    saveSoon: () => this.#persist?.soon(),
    saveNow: () => this.#persist?.required() ?? Promise.resolve(),
    settle: () => this.#settle(),
    settings: () => this.#settings,
    saveBanned: (bannedPeers) => this.setSettings({ bannedPeers }),
  });
  /** New .torrent files in the watch folder are added. */
  readonly #watch = new WatchFolder({
    settings: () => this.#settings,
    add: (data, fileName) => this.addTorrent({ source: { kind: 'torrent', data, fileName } }),
    notice: (payload) => this.#emit({ name: 'notice', payload }),
    log: (line) => this.#o.log?.(line),
  });
  /** Torrents made from files on this machine, for the create dialog. */
  readonly #creator = new TorrentCreator({
    progress: (payload) => this.#emit({ name: 'createProgress', payload }),
    log: (line) => this.#o.log?.(line),
  });
  /** Magnets whose metadata is fetched before they are added (the add dialog's file list). */
  readonly #fetches = new MetadataFetches({
    create: (magnet) => this.#adding.create({ magnet, savePath: this.#settings.downloadDir }),
    inList: (infoHash) => this.#torrents.has(infoHash),
    emit: (payload) => this.#emit({ name: 'metadata', payload }),
  });
  /** The saved session; absent when nothing is saved. */
  #persist: SessionPersistence | undefined;
  /** Around a recheck or a move of a torrent's data. */
  readonly #tasks: TaskHooks = {
    ended: (t) => {
      if (this.#has(t)) this.#settle();
    },
    save: () => this.#persist?.required() ?? Promise.resolve(),
    current: (t) => this.#has(t),
    notice: (payload) => this.#emit({ name: 'notice', payload }),
    log: (line) => this.#o.log?.(line),
  };
  /** What the session does when its torrents finish, fail, change, get their metadata or reach their share limits. */
  readonly #heard: SessionTorrentHooks = {
    settings: () => this.#settings,
    policy: this.#policy,
    feed: this.#feed,
    labels: this.#actions.labels,
    tasks: this.#tasks,
    has: (t) => this.#has(t),
    notice: (payload) => this.#emit({ name: 'notice', payload }),
    log: (line) => this.#o.log?.(line),
    saveSoon: () => this.#persist?.soon(),
    settle: () => this.#settle(),
    remove: (infoHash, deleteFiles) => this.remove({ infoHashes: [infoHash], deleteFiles }),
    fetches: this.#fetches,
  };
  /** New torrents, from a .torrent or a magnet link. */
  readonly #adding: TorrentAdding;

  private constructor(options: SessionOptions) {
    this.#o = options;
    this.#sockets = new SessionSockets({
      // An incoming peer goes to the torrent its handshake names, if its swarm runs now (it fetches the metadata or trades).
      route: (infoHash, socket, received) => (torrentByWireName(this.#torrents, infoHash) ?? this.#fetches.torrent(infoHash))?.swarm.accept(socket, received) ?? false,
      takesTcp: () => this.#settings.tcp !== false,
      targets: () => dhtTargets(this.#torrents, this.#fetches.torrents()),
      lsdTargets: () => lsdTargets(this.#torrents),
      ...(options.listenHost !== undefined ? { host: options.listenHost } : {}),
      ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
      encryption: {
        mode: () => this.#settings.encryption ?? 'prefer',
        lookup: skeyLookup(() => wireNames(this.#torrents)),
        ...(options.log ? { log: options.log } : {}),
      },
      ...(options.log ? { log: options.log } : {}),
      forwarding: (status) => this.#forwardingChanged(status.externalPort),
    });
    this.#settings = initialSettings(options);
    this.#adding = new TorrentAdding({
      torrents: this.#torrents,
      peerId: this.peerId,
      listenPort: () => this.listenPort,
      externalPort: () => this.#externalPort,
      sockets: this.#sockets,
      readCache: this.#readCache,
      settings: () => this.#settings,
      policy: this.#policy,
      feed: this.#feed,
      labels: this.#actions.labels,
      applyBans: (t) => this.#actions.applyBans(t),
      saveSoon: () => this.#persist?.soon(),
      takeFetched: (infoHash) => this.#fetches.take(infoHash),
      events: sessionTorrentEvents(this.#heard),
    });
  }

  /** Starts a session listening for peers. A port in use rejects with ShoalError 'port-in-use'. */
  static async start(options: SessionOptions): Promise<Session> {
    const session = new Session(options);
    const persist = options.stateDir !== undefined ? new SessionPersistence({ stateDir: options.stateDir, ...(options.log ? { log: options.log } : {}), notice: (payload) => session.#emit({ name: 'notice', payload }) }) : undefined;
    session.#persist = persist;
    const saved = await persist?.load();
    if (saved) session.#settings = restoredSettings(session.#settings, saved.settings, { downloadDir: options.downloadDirGiven === true, listenPort: options.listenPort !== undefined });
    session.#readCache.resize(readCacheBytes(session.#settings.readCacheMiB));
    session.#sockets.applyUtp(session.#settings.utp !== false); // taken up once the UDP side is bound
    await session.#sockets.listen(session.#settings.listenPort, options.listenPort !== undefined, options.log);
    session.#settings.listenPort = session.listenPort;
    await session.#sockets.applyDht(session.#settings.dht !== false, session.#settings.dhtBootstrap);
    if (session.#settings.portForwarding) await session.#sockets.applyPortForwarding(true);
    await session.#sockets.applyLsd(session.#settings.lsd !== false);
    if (persist && saved) await restoreSession(persist, saved, { torrents: session.#torrents, settings: () => session.#settings, meters: session.#meters, adding: session.#adding, policy: session.#policy, labels: session.#actions.labels, sockets: session.#sockets });
    for (const notice of persist?.startupNotices ?? []) session.#log.add(notice, undefined);
    session.#timers.push(
      setInterval(() => session.#feed.flush(), options.listIntervalMs ?? 500),
      setInterval(() => {
        session.#meters.sample(session.#busy.values());
        void session.#status.tick();
        session.#policy.tick();
        session.#busy.settle();
      }, 1000),
      setInterval(() => void session.#watch.scan(), 2000),
      // The schedule is in whole minutes.
      setInterval(() => session.#policy.applySpeedLimits(), 60_000),
    );
    session.#policy.applySpeedLimits();
    return session;
  }

  get listenPort(): number {
    return this.#sockets.port;
  }

  torrent(infoHash: string): Torrent | undefined {
    return this.#torrents.get(infoHash);
  }

  /** Stops every torrent (announcing `stopped`), closes files and the listening socket. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#creator.cancelAll();
    this.#persist?.stop();
    await this.#fetches.close();
    await Promise.all([...this.#torrents.values()].map((t) => t.remove(false)));
    await this.#sockets.close();
    // Last, so the files are closed and the totals final.
    await this.#persist?.now();
  }

  /** Saves the session now (tests, and the CLI before it exits). */
  async save(): Promise<void> {
    await this.#persist?.now();
  }

  // --- commands ----------------------------------------------------------------------------

  addTorrent(input: CommandInput<'addTorrent'>): Promise<CommandOutput<'addTorrent'>> {
    return this.#adding.add(input);
  }

  readonly fetchMetadata = async (input: CommandInput<'fetchMetadata'>) => this.#fetches.start(input);

  async cancelMetadata(input: CommandInput<'cancelMetadata'>): Promise<CommandOutput<'cancelMetadata'>> {
    await this.#fetches.cancel(input.infoHash);
    return {};
  }

  checkFolder(input: CommandInput<'checkFolder'>): Promise<CommandOutput<'checkFolder'>> {
    return checkFolder(input.path);
  }

  async inspectTorrent(input: CommandInput<'inspectTorrent'>): Promise<CommandOutput<'inspectTorrent'>> {
    return preview(input);
  }

  async pause(input: CommandInput<'pause'>): Promise<CommandOutput<'pause'>> {
    const found = findAny(this.#torrents, input.infoHashes);
    for (const t of found) this.#policy.leave(t.infoHash);
    const paused = Promise.all(found.map((t) => t.pause()));
    this.#policy.applyQueue();
    await paused;
    this.#feed.flush();
    this.#persist?.soon();
    return {};
  }

  async resume(input: CommandInput<'resume'>): Promise<CommandOutput<'resume'>> {
    for (const t of findAny(this.#torrents, input.infoHashes)) {
      // A magnet fetching its metadata is outside the queue until its metadata arrives.
      if (t.hasMetainfo) this.#policy.resumedByHand(t);
      else void t.start();
      this.#feed.mark(t.infoHash); // a forced one is forced no more
    }
    this.#settle();
    return {};
  }

  async remove(input: CommandInput<'remove'>): Promise<CommandOutput<'remove'>> {
    const found = findAny(this.#torrents, input.infoHashes);
    for (const t of found) {
      this.#torrents.delete(t.infoHash);
      this.#feed.remove(t.infoHash);
      this.#status.forget(t.infoHash);
      this.#meters.forget(t);
      this.#actions.labels.forget(t.infoHash);
      this.streams.forget(t.infoHash);
      for (const moved of this.#policy.forget(t.infoHash)) this.#feed.mark(moved);
    }
    const removed = Promise.all(found.map((t) => t.remove(input.deleteFiles)));
    this.#policy.applyQueue();
    await removed;
    this.#feed.flush();
    this.#persist?.soon();
    return {};
  }

  async setFilePriorities(input: CommandInput<'setFilePriorities'>): Promise<CommandOutput<'setFilePriorities'>> {
    const [torrent] = findWithMetainfo(this.#torrents, [input.infoHash]);
    torrent!.setFilePriorities(input.files);
    this.#persist?.soon();
    return {};
  }

  async setTorrentOptions(input: CommandInput<'setTorrentOptions'>): Promise<CommandOutput<'setTorrentOptions'>> {
    for (const t of findAny(this.#torrents, input.infoHashes)) {
      t.setOptions(input.options);
      // Its share limits may have changed: the policy's tick looks at it again.
      this.#busy.add(t.infoHash);
    }
    this.#persist?.soon();
    return {};
  }

  async moveInQueue(input: CommandInput<'moveInQueue'>): Promise<CommandOutput<'moveInQueue'>> {
    for (const moved of this.#policy.move(findWithMetainfo(this.#torrents, input.infoHashes).map((t) => t.infoHash), input.to)) this.#feed.mark(moved);
    this.#settle();
    return {};
  }

  async recheck(input: CommandInput<'recheck'>): Promise<CommandOutput<'recheck'>> {
    startRecheck(findWithMetainfo(this.#torrents, input.infoHashes), this.#tasks);
    this.#feed.flush();
    return {};
  }

  async moveStorage(input: CommandInput<'moveStorage'>): Promise<CommandOutput<'moveStorage'>> {
    startMove(findWithMetainfo(this.#torrents, [input.infoHash])[0]!, input.savePath, this.#tasks);
    this.#feed.flush();
    return {};
  }

  readonly createTorrent = (input: CommandInput<'createTorrent'>) => this.#creator.create(input);
  readonly cancelCreate = (input: CommandInput<'cancelCreate'>) => this.#creator.cancel(input);
  readonly setTrackers = (input: CommandInput<'setTrackers'>) => this.#actions.setTrackers(input);
  readonly addTrackers = (input: CommandInput<'addTrackers'>) => this.#actions.addTrackers(input);
  readonly reannounce = (input: CommandInput<'reannounce'>) => this.#actions.reannounce(input);
  readonly forceStart = (input: CommandInput<'forceStart'>) => this.#actions.forceStart(input);
  readonly getMagnetLinks = (input: CommandInput<'getMagnetLinks'>) => this.#actions.getMagnetLinks(input);
  readonly addPeer = (input: CommandInput<'addPeer'>) => this.#actions.addPeer(input);
  readonly banPeer = (input: CommandInput<'banPeer'>) => this.#actions.banPeer(input);
  readonly setLabels = (input: CommandInput<'setLabels'>) => this.#actions.setLabels(input);
  readonly renameTorrent = (input: CommandInput<'renameTorrent'>) => this.#actions.renameTorrent(input);
  readonly renameFile = (input: CommandInput<'renameFile'>) => this.#actions.renameFile(input);

  async subscribe(input: CommandInput<'subscribe'>): Promise<CommandOutput<'subscribe'>> {
    this.#status.subscribe(input.infoHash, input.tab);
    return {};
  }

  async getSettings(): Promise<CommandOutput<'getSettings'>> {
    return { ...this.#settings };
  }

  async setSettings(input: CommandInput<'setSettings'>): Promise<CommandOutput<'setSettings'>> {
    checkSettingsChange(input);
    checkTransports(changedSettings(this.#settings, input));
    await prepareSettingFolders(input, changedSettings(this.#settings, input));
    if (input.listenPort !== undefined && input.listenPort !== this.#settings.listenPort) await this.#sockets.movePort(input.listenPort, this.#settings.listenPort);
    await this.#sockets.applyTracker(input.trackerEnabled ?? this.#settings.trackerEnabled ?? false, input.trackerPort ?? this.#settings.trackerPort ?? DEFAULT_TRACKER_PORT);
    const dhtChanged = input.dht !== undefined || input.dhtBootstrap !== undefined || input.listenPort !== undefined;
    const before = this.#settings;
    this.#settings = changedSettings(this.#settings, input);
    // Share limits may apply to every torrent now.
    this.#busy.addAll();
    for (const t of this.#torrents.values()) {
      const to = t.hasMetainfo ? afterIncompleteChange(before, this.#settings, t.savePath, t.isComplete, this.#actions.labels.savePath(this.#actions.labels.of(t.infoHash).category ?? undefined)) : undefined;
      // One checking or moving now stays where it is; the user can move it.
      if (to !== undefined && t.state !== 'checking' && t.state !== 'moving') startMove(t, to, this.#tasks);
    }
    if (dhtChanged) await this.#sockets.applyDht(this.#settings.dht !== false, this.#settings.dhtBootstrap);
    if (input.portForwarding !== undefined || input.listenPort !== undefined) await this.#sockets.applyPortForwarding(this.#settings.portForwarding === true);
    await this.#sockets.applyLsd(this.#settings.lsd !== false);
    this.#sockets.applyUtp(this.#settings.utp !== false);
    this.#readCache.resize(readCacheBytes(this.#settings.readCacheMiB));
    this.#policy.applyQueue();
    this.#persist?.soon();
    this.#policy.applySpeedLimits();
    return { ...this.#settings };
  }

  readonly streamFile = (input: CommandInput<'streamFile'>) => this.streams.address(input.infoHash, input.fileIndex);

  async getSpeedHistory(input: CommandInput<'getSpeedHistory'>): Promise<CommandOutput<'getSpeedHistory'>> {
    if (input.infoHash !== null) findAny(this.#torrents, [input.infoHash]);
    return this.#meters.history(input.infoHash, input.span);
  }

  async getLog(): Promise<CommandOutput<'getLog'>> {
    return { entries: this.#log.entries() };
  }

  onEvent(listener: (event: ShoalEvent) => void): () => void {
    this.#listeners.add(listener);
    // The contract: a new listener hears the whole list first, after onEvent returns.
    queueMicrotask(() => {
      if (!this.#listeners.has(listener)) return;
      listener({ name: 'torrents', payload: this.#feed.full() });
      for (const notice of this.#persist?.startupNotices ?? []) listener({ name: 'notice', payload: notice });
    });
    return () => this.#listeners.delete(listener);
  }

  // --- internals ---------------------------------------------------------------------------

  /** Trackers hear a new external port from the router at once (within their minimum interval). */
  #forwardingChanged(externalPort: number | null): void {
    if (externalPort === null || externalPort === this.#externalPort) return;
    this.#externalPort = externalPort;
    for (const t of this.#torrents.values()) t.announcer.announceNow();
  }

  /** Still in the session: not removed (or replaced) meanwhile. */
  #has(t: Torrent): boolean {
    return this.#torrents.get(t.infoHash) === t;
  }

  /** Torrents came, went or changed state: the queue lets the right ones run, the list goes out, the session is saved soon. */
  #settle(): void {
    this.#policy.applyQueue();
    this.#feed.flush();
    this.#persist?.soon();
  }

  #emit(event: ShoalEvent): void {
    if (event.name === 'notice') {
      const about = event.payload.infoHash === undefined ? undefined : this.#torrents.get(event.payload.infoHash)?.name;
      event = { name: 'notice', payload: this.#log.add(event.payload, about) };
    }
    for (const listener of this.#listeners) listener(event);
  }
}
