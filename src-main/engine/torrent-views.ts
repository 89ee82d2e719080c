import { join } from 'node:path';
import type { FileInfo, GeneralInfo, PeerInfo, PiecesInfo, SwarmInfo, TorrentSummary, TrackerInfo } from '../../src-shared/contract';
import { Bitfield } from '../../src-shared/bitfield';
import { shareRatio } from './policy/share-limits';
import type { Torrent } from './torrent';
import type { Labels } from './torrent-labels';
import { trackerProblem } from './tracker/tracker-watch';
import { clientFromPeerId } from './wire/peer-id';

/** What the contract shows of a torrent: built on demand, only for what the UI looks at. */

export function rates(t: Torrent, now = Date.now()): { down: number; up: number } {
  // Asked of every torrent every second: an idle one copies no peer list.
  if (t.peerCount === 0) return { down: 0, up: 0 };
  let down = 0;
  let up = 0;
  for (const p of t.peers) {
    down += p.conn.downloadRate(now);
    up += p.conn.uploadRate(now);
  }
  return { down, up };
}

/** The share ratio, as the share limits count it. */
export function ratio(t: Torrent): number {
  return shareRatio(t.totals, t.bytesDone);
}

function swarmHealth(t: Torrent): SwarmInfo {
  const health = t.announcer.health();
  return { seeders: health?.seeders ?? null, leechers: health?.leechers ?? null, completed: health?.downloaded ?? null };
}

/** What the session's policy adds to a row. */
export interface RowMarks {
  readonly stalled: boolean;
  readonly limitReached: boolean;
  readonly forced: boolean;
  readonly labels?: Labels;
}

const noMarks: RowMarks = { stalled: false, limitReached: false, forced: false };

export function summary(t: Torrent, queuePosition: number | null = null, marks: RowMarks = noMarks): TorrentSummary {
  if (!t.hasMetainfo) return metadataSummary(t);
  const r = rates(t);
  const busy = t.state === 'checking' || t.state === 'moving';
  const wanted = t.wanted;
  const left = wanted.left;
  // Progress counts only what the user wants: done with its wanted files is 100%.
  const progress = busy ? t.checkProgress : wanted.pieceBytes > 0 ? 1 - left / wanted.pieceBytes : 1;
  const peers = t.peers;
  return {
    infoHash: t.infoHash,
    name: t.name,
    length: t.metainfo.length,
    wanted: wanted.size,
    progress: Math.min(1, Math.max(0, progress)),
    state: t.state,
    downRate: r.down,
    upRate: r.up,
    downloaded: t.totals.downloaded,
    uploaded: t.totals.uploaded,
    ratio: ratio(t),
    eta: t.state === 'downloading' && r.down > 0 ? Math.ceil(left / r.down) : null,
    peers: { connected: peers.length, seeds: peers.filter((p) => p.isSeed).length },
    swarm: swarmHealth(t),
    addedAt: t.addedAt,
    error: t.error,
    trackerError: trackerProblem(t.announcer.statuses()),
    stalled: marks.stalled,
    limitReached: marks.limitReached,
    savePath: t.savePath,
    queuePosition,
    ...(marks.forced ? { forced: true } : {}),
    ...(marks.labels?.category ? { category: marks.labels.category } : {}),
    ...(marks.labels && marks.labels.tags.length > 0 ? { tags: [...marks.labels.tags] } : {}),
    ...trackerHostsOf(t),
  };
}

export function general(t: Torrent): GeneralInfo {
  if (!t.hasMetainfo) return metadataGeneral(t);
  const m = t.metainfo;
  return {
    infoHash: t.infoHash,
    version: m.version,
    infoHashV2: m.infoHashV2 ? Buffer.from(m.infoHashV2).toString('hex') : null,
    name: t.name,
    savePath: t.savePath,
    // A folder's files are below its name; a single file's path is its (maybe renamed) name.
    contentPath: join(t.savePath, m.multiFile ? m.name : t.filePathsOnDisk[0]![0]!),
    length: m.length,
    pieceLength: m.pieceLength,
    pieceCount: m.pieceCount,
    private: m.private,
    comment: m.comment ?? null,
    createdBy: m.createdBy ?? null,
    creationDate: m.creationDate ? Math.max(0, m.creationDate.getTime()) : null,
    addedAt: t.addedAt,
    completedAt: t.completedAt,
    downloaded: t.totals.downloaded,
    uploaded: t.totals.uploaded,
    wasted: t.totals.wasted,
    peersSeen: t.swarm.registry.seen,
    ratio: ratio(t),
    availability: t.picker.distributedCopies(),
    swarm: swarmHealth(t),
    magnet: t.magnetLink,
    seedingTime: t.seedingTime,
    options: t.options,
  };
}

/** A magnet's row before its metadata: what the link says, and zeros where nothing is known yet. */
function metadataSummary(t: Torrent): TorrentSummary {
  return {
    infoHash: t.infoHash,
    name: t.name,
    // The magnet's `xl` until the metadata tells the truth.
    length: t.length,
    wanted: t.length,
    progress: 0,
    state: t.state,
    downRate: 0,
    upRate: 0,
    downloaded: 0,
    uploaded: 0,
    ratio: 0,
    eta: null,
    peers: { connected: t.peerCount, seeds: 0 },
    swarm: swarmHealth(t),
    addedAt: t.addedAt,
    error: t.error,
    trackerError: trackerProblem(t.announcer.statuses()),
    stalled: false,
    limitReached: false,
    savePath: t.savePath,
    queuePosition: null,
  };
}

function metadataGeneral(t: Torrent): GeneralInfo {
  return {
    infoHash: t.infoHash,
    version: null,
    infoHashV2: null,
    name: t.name,
    savePath: t.savePath,
    contentPath: t.savePath,
    length: t.length,
    pieceLength: 0,
    pieceCount: 0,
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    addedAt: t.addedAt,
    completedAt: null,
    downloaded: 0,
    uploaded: 0,
    wasted: 0,
    ratio: 0,
    availability: 0,
    swarm: swarmHealth(t),
    magnet: t.magnetLink,
    seedingTime: 0,
    options: t.options,
  };
}

export function pieces(t: Torrent): PiecesInfo {
  const n = t.metainfo.pieceCount;
  const downloading = new Bitfield(n);
  const availability = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    availability[i] = Math.min(255, t.picker.availability(i));
  }
  for (const peer of t.peers) {
    for (const { block } of t.picker.requestsOf(peer)) downloading.set(block.index);
  }
  return { pieceCount: n, have: new Uint8Array(t.storage.have.bytes), downloading: downloading.bytes, availability };
}

export function peers(t: Torrent): PeerInfo[] {
  const now = Date.now();
  const n = t.metainfo.pieceCount;
  return t.peers.map((p) => {
    const c = p.conn;
    let flags = '';
    if (p.interested) flags += c.peerChoking ? 'd' : 'D';
    if (c.peerInterested) flags += c.amChoking ? 'u' : 'U';
    if (t.picker.isSnubbed(p)) flags += 'S';
    if (p.source === 'incoming') flags += 'I';
    if (p.source === 'tracker') flags += 'T';
    if (p.source === 'dht') flags += 'H'; // qBittorrent's letters: H DHT, X PEX, L local (LSD)
    if (p.source === 'pex') flags += 'X';
    if (p.source === 'lsd') flags += 'L';
    if (c.encryption !== 'none') flags += c.encryption === 'rc4' ? 'E' : 'e'; // qBittorrent's: encrypted traffic, encrypted handshake
    if (c.utp) flags += 'P'; // qBittorrent's letter for uTP
    return {
      id: p.key,
      address: p.key,
      client: c.peerHandshake ? clientFromPeerId(c.peerHandshake.peerId) : 'unknown',
      flags,
      encryption: c.encryption,
      transport: c.utp ? 'utp' : 'tcp',
      source: p.source,
      progress: n > 0 ? p.has.count / n : 0,
      downRate: c.downloadRate(now),
      upRate: c.uploadRate(now),
      downloaded: c.payloadReceived,
      uploaded: c.payloadSent,
    };
  });
}

export function files(t: Torrent): FileInfo[] {
  const m = t.metainfo;
  const have = t.storage.have;
  const paths = t.filePathsOnDisk;
  const out: FileInfo[] = [];
  m.files.forEach((file, index) => {
    if (file.pad) return;
    let done = 0;
    if (file.length > 0) {
      const end = file.offset + file.length;
      const first = Math.floor(file.offset / m.pieceLength);
      const last = Math.floor((end - 1) / m.pieceLength);
      for (let p = first; p <= last; p++) {
        if (!have.has(p)) continue;
        const start = p * m.pieceLength;
        done += Math.min(end, start + m.pieceLength) - Math.max(file.offset, start);
      }
    }
    out.push({
      index,
      path: paths[index]!.join('/'),
      length: file.length,
      progress: file.length > 0 ? done / file.length : have.complete ? 1 : 0,
      priority: t.filePriorities[index] ?? 'normal',
    });
  });
  return out;
}

/** Which trackerless sources are on in the settings. */
export interface DiscoverySwitches {
  readonly dht: boolean;
  readonly pex: boolean;
  readonly lsd: boolean;
}

const discoveryRows = [
  ['dht', '** [DHT] **'],
  ['pex', '** [PeX] **'],
  ['lsd', '** [LSD] **'],
] as const;

/** The Trackers tab's rows: trackers, web seeds, and with `discovery`, the DHT, PEX and LSD. */
export function trackers(t: Torrent, discovery?: DiscoverySwitches): TrackerInfo[] {
  const rows: TrackerInfo[] = t.announcer.statuses().map((s) => ({
    url: s.url,
    tier: s.tier,
    status: s.state === 'announcing' ? 'updating' : s.state === 'unsupported' ? 'disabled' : s.state,
    message: s.message ?? null,
    lastAnnounce: s.lastAnnounce ?? null,
    nextAnnounce: s.nextAnnounce ?? null,
    seeders: s.seeders ?? null,
    leechers: s.leechers ?? null,
    completed: s.completed ?? null,
  }));
  for (const w of t.webSeeds) {
    rows.push({ url: w.url, kind: 'web seed', tier: 0, status: w.state, message: w.message, lastAnnounce: null, nextAnnounce: null, seeders: null, leechers: null, completed: null });
  }
  if (!discovery) return rows;
  // The trackerless sources, as qBittorrent lists them: on or off, and the addresses each gave.
  const isPrivate = t.hasMetainfo && t.metainfo.private;
  for (const [kind, url] of discoveryRows) {
    const on = discovery[kind] && !isPrivate;
    const message = isPrivate ? 'not used for a private torrent' : on ? null : 'turned off in the settings';
    const peers = t.swarm.registry.countFrom(kind);
    rows.push({ url, kind, tier: 0, status: on ? 'working' : 'disabled', message, lastAnnounce: null, nextAnnounce: null, seeders: null, leechers: null, completed: null, peers });
  }
  return rows;
}

/** The hosts of a torrent's trackers, for the sidebar (absent when it has none). */
function trackerHostsOf(t: Torrent): { trackerHosts?: string[] } {
  const hosts = new Set<string>();
  for (const url of t.announcer.tiers.flat()) {
    try {
      hosts.add(new URL(url).hostname);
    } catch {
      // An unparsable URL has no host to filter by.
    }
  }
  return hosts.size > 0 ? { trackerHosts: [...hosts] } : {};
}
