/**
 * A generated engine for the UI bench and screenshots: 1,000 torrents whose rates and progress
 * change every second, and full details (100,000-piece map, peers, files, trackers) for whatever
 * the UI subscribes to. Deterministic (seeded), so runs are comparable.
 */
import { defaultLimitSettings, defaultTorrentOptions, type DetailTab, type EventPayload, type FileInfo, type PeerInfo, type Settings, type TorrentState, type TorrentSummary, type TrackerInfo } from '../src/api/contract';
import { FakeApi } from '../src/testing/fake-api';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['debian', 'ubuntu', 'fedora', 'arch', 'mint', 'blender', 'open', 'movie', 'sintel', 'tears', 'steel', 'big', 'buck', 'bunny', 'archive', 'dataset', 'wikipedia', 'dump', 'podcast', 'season', 'lecture', 'kernel', 'source', 'photos', 'album', 'live', 'iso', 'netinst', 'amd64', 'arm64'];
const clients = ['qBittorrent 4.6.5', 'Transmission 4.0.6', 'aria2 1.37.0', 'libtorrent 2.0.10', 'Deluge 2.1.1', 'Shoal 0.1.0', 'rTorrent 0.9.8'];
const states: TorrentState[] = ['downloading', 'downloading', 'downloading', 'seeding', 'seeding', 'paused', 'queued', 'checking', 'error', 'metadata'];
const MiB = 1024 * 1024;

export const benchPieceCount = 100_000;

export interface DemoFeed {
  api: FakeApi;
  torrents: readonly TorrentSummary[];
  /** Emits the first full snapshot and starts the 1 Hz updates. */
  start(): void;
  stop(): void;
}

export function createDemoFeed(count = 1000, settings: Settings = { downloadDir: '/home/you/Downloads', listenPort: 51413, maxConnectionsPerTorrent: 80, theme: 'system', ...defaultLimitSettings }): DemoFeed {
  const random = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const now = Date.now();
  const torrents: TorrentSummary[] = [];
  for (let i = 0; i < count; i++) {
    const state = pick(states);
    const length = Math.floor((0.05 + random() * random() * 40) * 1024 * MiB);
    const progress = state === 'seeding' ? 1 : state === 'metadata' ? 0 : Math.min(0.999, random());
    const name = `${pick(words)}-${pick(words)}-${1 + Math.floor(random() * 30)}.${Math.floor(random() * 10)}${random() < 0.5 ? '-' + pick(words) : ''}`;
    const seeders = Math.floor(random() * 400);
    torrents.push({
      infoHash: (i * 2654435761 + 0x1234567).toString(16).padStart(8, '0').repeat(5).slice(0, 40),
      name,
      length,
      wanted: length,
      progress,
      state,
      downRate: 0,
      upRate: 0,
      downloaded: Math.floor(length * progress),
      uploaded: Math.floor(length * random() * 2),
      ratio: random() * 3,
      eta: null,
      peers: { connected: Math.floor(random() * 50), seeds: Math.floor(random() * 20) },
      swarm: { seeders, leechers: Math.floor(random() * 300), completed: seeders * 3 },
      addedAt: now - Math.floor(random() * 90 * 86400_000),
      error: state === 'error' ? 'No space left on the download disk.' : null,
      trackerError: null,
      stalled: false,
      limitReached: false,
      savePath: settings.downloadDir,
      queuePosition: i + 1,
    });
  }

  const api = new FakeApi();
  let subscription: { infoHash: string | null; tab: DetailTab | null } = { infoHash: null, tab: null };
  let currentSettings = settings;
  api.respond('getSettings', () => currentSettings);
  api.respond('setSettings', (input) => (currentSettings = { ...currentSettings, ...input }));
  api.respond('subscribe', (input) => {
    subscription = input;
    queueMicrotask(sendDetail);
    return {};
  });
  api.respond('inspectTorrent', () => ({
    infoHash: 'c9e15763f722f23e98a29decdfae341b98d53056',
    version: 'v1',
    infoHashV2: null,
    name: 'debian-12.5.0-amd64-netinst.iso',
    length: 659 * MiB,
    files: [{ index: 0, path: 'debian-12.5.0-amd64-netinst.iso', length: 659 * MiB }],
    trackers: [],
  }));

  // The pieces map of the subscribed torrent: have grows, a window is in flight, availability varies.
  const pieceBytes = Math.ceil(benchPieceCount / 8);
  let haveUpTo = Math.floor(benchPieceCount * 0.37);
  const availability = new Uint8Array(benchPieceCount);
  // Availability varies smoothly along the torrent, with one stretch only a single peer has.
  for (let i = 0; i < benchPieceCount; i++) {
    const wave = 12 + 10 * Math.sin(i / 4000) + 6 * Math.sin(i / 370);
    availability[i] = i >= 61_000 && i < 62_500 ? 1 : Math.max(2, Math.round(wave + random() * 4));
  }

  function piecesNow(): EventPayload<'detail'>['pieces'] {
    const have = new Uint8Array(pieceBytes);
    const downloading = new Uint8Array(pieceBytes);
    const set = (bits: Uint8Array, i: number) => (bits[i >> 3]! |= 0x80 >> (i & 7));
    for (let i = 0; i < haveUpTo; i++) if ((i * 7919) % 23 !== 0) set(have, i);
    for (let i = haveUpTo; i < Math.min(benchPieceCount, haveUpTo + 400); i++) if (i % 5 === 0) set(downloading, i);
    for (let i = haveUpTo + 20_000; i < haveUpTo + 22_000 && i < benchPieceCount; i++) set(have, i);
    haveUpTo = Math.min(benchPieceCount, haveUpTo + 250);
    return { pieceCount: benchPieceCount, have, downloading, availability };
  }

  function peersNow(): PeerInfo[] {
    return Array.from({ length: 24 }, (_, i) => ({
      id: `peer-${i}`,
      address: `10.${i}.${(i * 37) % 255}.${(i * 91) % 255}:${6881 + i}`,
      client: clients[i % clients.length]!,
      flags: ['D I E', 'd U T', 'D U X E', 'O H', 'U I', 'D T'][i % 6]!.replaceAll(' ', ''),
      encryption: i % 6 === 0 || i % 6 === 2 ? ('rc4' as const) : ('none' as const),
      source: (['incoming', 'tracker', 'pex', 'dht', 'incoming', 'tracker'] as const)[i % 6]!,
      progress: (i * 0.137) % 1,
      downRate: i % 3 === 0 ? Math.floor(random() * 3 * MiB) : 0,
      upRate: i % 4 === 0 ? Math.floor(random() * 400 * 1024) : 0,
      downloaded: i * 13 * MiB,
      uploaded: i * 3 * MiB,
    }));
  }

  function filesOf(t: TorrentSummary): FileInfo[] {
    const parts = [
      ['disc 1/01 - opening.flac', 0.08],
      ['disc 1/02 - the river.flac', 0.12],
      ['disc 1/03 - shoals.flac', 0.1],
      ['disc 2/01 - harbour lights.flac', 0.15],
      ['disc 2/02 - undertow.flac', 0.2],
      ['extras/booklet.pdf', 0.05],
      ['extras/cover.jpg', 0.01],
      ['README.txt', 0.29],
    ] as const;
    return parts.map(([path, share], index) => ({
      index,
      path: `${t.name}/${path}`,
      length: Math.floor(t.length * share),
      progress: Math.min(1, t.progress * (1 + index * 0.15)),
      priority: index === 6 ? 'skip' : index < 2 ? 'high' : 'normal',
    }));
  }

  function trackersNow(): TrackerInfo[] {
    return [
      { url: 'udp://tracker.example.org:6969/announce', tier: 0, status: 'working', message: null, lastAnnounce: Date.now() - 95_000, nextAnnounce: Date.now() + 1_705_000, seeders: 312, leechers: 57, completed: 4410 },
      { url: 'https://tracker.example.net/announce', tier: 1, status: 'updating', message: null, lastAnnounce: Date.now() - 1_800_000, nextAnnounce: null, seeders: 120, leechers: 33, completed: 1203 },
      { url: 'http://old.example.com:8080/announce', tier: 2, status: 'error', message: 'Connection refused', lastAnnounce: Date.now() - 60_000, nextAnnounce: Date.now() + 240_000, seeders: null, leechers: null, completed: null },
    ];
  }

  function sendDetail(): void {
    const { infoHash, tab } = subscription;
    const t = torrents.find((x) => x.infoHash === infoHash);
    if (!t || tab === null) return;
    const ev: EventPayload<'detail'> = { infoHash: t.infoHash };
    if (tab === 'general')
      ev.general = {
        infoHash: t.infoHash,
        version: 'v1',
        infoHashV2: null,
        name: t.name,
        savePath: t.savePath,
        contentPath: `${t.savePath}/${t.name}`,
        length: t.length,
        pieceLength: 4 * MiB,
        pieceCount: Math.ceil(t.length / (4 * MiB)),
        private: false,
        comment: 'Generated by the Shoal UI bench.',
        createdBy: 'mktorrent 1.1',
        creationDate: t.addedAt - 86400_000,
        addedAt: t.addedAt,
        completedAt: t.progress >= 1 ? t.addedAt + 3600_000 : null,
        downloaded: t.downloaded,
        uploaded: t.uploaded,
        wasted: 3 * MiB,
        ratio: t.ratio,
        availability: 12.437,
        swarm: t.swarm,
        magnet: `magnet:?xt=urn:btih:${t.infoHash}&dn=${encodeURIComponent(t.name)}`,
        seedingTime: t.progress >= 1 ? 7200 : 0,
        options: defaultTorrentOptions,
      };
    else if (tab === 'pieces') ev.pieces = piecesNow();
    else if (tab === 'peers') ev.peers = peersNow();
    else if (tab === 'files') ev.files = filesOf(t);
    else ev.trackers = trackersNow();
    api.emit('detail', ev);
  }

  function tick(): void {
    // Every torrent changes every second: the worst case for the list (the engine sends only changed rows).
    const changed: TorrentSummary[] = [];
    let down = 0;
    let up = 0;
    for (let i = 0; i < torrents.length; i++) {
      const t = torrents[i]!;
      const active = t.state === 'downloading' || t.state === 'seeding';
      const downRate = t.state === 'downloading' ? Math.floor(random() * 8 * MiB) : 0;
      const upRate = active ? Math.floor(random() * 900 * 1024) : 0;
      const progress = t.state === 'downloading' ? Math.min(0.999, t.progress + downRate / Math.max(1, t.length)) : t.progress;
      const next: TorrentSummary = {
        ...t,
        downRate,
        upRate,
        progress,
        downloaded: Math.floor(t.length * progress),
        eta: downRate > 0 ? Math.round(((1 - progress) * t.length) / downRate) : null,
        peers: active ? { connected: Math.floor(random() * 60), seeds: Math.floor(random() * 25) } : t.peers,
      };
      torrents[i] = next;
      changed.push(next);
      down += downRate;
      up += upRate;
    }
    api.emit('torrents', { full: false, changed, removed: [] });
    api.emit('stats', { downRate: down, upRate: up, connectedPeers: 2345, freeSpace: 412 * 1024 * 1024 * 1024, downloadDir: currentSettings.downloadDir, altSpeedActive: currentSettings.altSpeedEnabled });
    sendDetail();
  }

  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    api,
    torrents,
    start() {
      api.emit('torrents', { full: true, changed: [...torrents], removed: [] });
      tick();
      timer = setInterval(tick, 1000);
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
