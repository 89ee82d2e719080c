import * as z from 'zod';
import { limits } from './limits';

/** Plain data types shared by the engine and every front end. Numbers are bytes, bytes/s, ms since epoch, or counts. */

export const infoHashSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be an info-hash of 40 lowercase hex digits');
/** A BitTorrent v2 info-hash (BEP 52): the SHA-256 of the info dictionary. */
export const infoHashV2Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a v2 info-hash of 64 lowercase hex digits');
/** Which generations of BitTorrent a torrent is for: v1 (BEP 3), v2-only or hybrid (BEP 52). */
export const metaVersionSchema = z.enum(['v1', 'v2', 'hybrid']);

const count = z.int().min(0);
const rate = z.number().min(0);
const fraction = z.number().min(0).max(1);
const timestamp = z.int().min(0);
const name = z.string().max(limits.nameLength);
const path = z.string().max(limits.pathLength);
const text = z.string().max(limits.textLength);

/** A folder the user names for downloads: absolute (POSIX, drive or UNC), so it never depends on the engine's working directory. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(limits.pathLength)
  .refine((p) => !p.includes('\0'), 'must not contain NUL characters')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be an absolute path');

/** A byte array of at most `max` bytes. Checked by tag, not `instanceof`, so arrays from another realm (preload, worker) pass. */
export function bytesSchema(max: number) {
  return z.custom<Uint8Array>(
    (v) => Object.prototype.toString.call(v) === '[object Uint8Array]' && (v as Uint8Array).byteLength <= max,
    { message: `must be a byte array of at most ${max} bytes` },
  );
}

/** 'moving': the data is being moved to a new save folder; 'queued': waiting for a free slot in the queue. */
export const torrentStateSchema = z.enum(['checking', 'downloading', 'seeding', 'paused', 'queued', 'error', 'metadata', 'moving']);

export const swarmSchema = z.object({
  seeders: count.nullable(),
  leechers: count.nullable(),
  completed: count.nullable(),
});

/** A category's or a tag's name: what the sidebar lists. */
export const labelNameSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((n) => n.trim() === n && ![...n].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'must have no control characters and no spaces at either end');

export const torrentSummarySchema = z.object({
  infoHash: infoHashSchema,
  name,
  /** The whole torrent's size; `wanted` is what the user asked for. */
  length: count,
  /** Bytes of the files not skipped: the Size column. */
  wanted: count,
  /**
   * Verified share of the wanted data (done with its wanted files is 1); while 'checking', the
   * share checked; while 'moving', the share of bytes moved.
   */
  progress: fraction,
  state: torrentStateSchema,
  downRate: rate,
  upRate: rate,
  downloaded: count,
  uploaded: count,
  ratio: z.number().min(0),
  /** Seconds left, null when unknown or not downloading. */
  eta: count.nullable(),
  peers: z.object({ connected: count, seeds: count }),
  swarm: swarmSchema,
  addedAt: timestamp,
  error: text.nullable(),
  /** While no tracker works and one failed, why (one sentence); null otherwise. */
  trackerError: text.nullable(),
  /** Downloading, but nothing has come in for a while. */
  stalled: z.boolean(),
  /** Paused because it reached its share limits. */
  limitReached: z.boolean(),
  savePath: path,
  /** 1-based place in the session's queue order; null for a torrent outside it. */
  queuePosition: count.nullable(),
  /** Started with "force start": it runs whatever the queue's limits (absent: not forced). */
  forced: z.boolean().optional(),
  /** Its category (absent: none). */
  category: labelNameSchema.optional(),
  /** Its tags (absent: none). */
  tags: z.array(labelNameSchema).max(100).optional(),
  /** The hosts of its trackers, for the sidebar's tracker filter (absent: none). */
  trackerHosts: z.array(z.string().max(255)).max(limits.trackers).optional(),
});

/** Bytes per second each way; 0 means no limit. */
export const speedLimitSchema = z.object({
  down: z.int().min(0).max(2 ** 40),
  up: z.int().min(0).max(2 ** 40),
});

/** When the alternative speed limits apply by themselves: these days (0 = Sunday), from one minute of the day to another (wrapping past midnight when `to` < `from`). */
export const altSpeedScheduleSchema = z.object({
  enabled: z.boolean(),
  days: z.array(z.int().min(0).max(6)).max(7),
  fromMinute: z.int().min(0).max(1439),
  toMinute: z.int().min(0).max(1439),
});

export const shareLimitActionSchema = z.enum(['pause', 'remove', 'remove-with-files']);

/** When seeding stops. Each limit null means none; `match` says whether any reached limit or all set ones are needed. */
export const shareLimitsSchema = z.object({
  /** Uploaded ÷ size. */
  ratio: z.number().min(0).max(1_000_000).nullable(),
  /** Minutes spent seeding, across restarts (fractions allowed: `shoal seed --seed-time 0.25`). */
  seedingTimeMinutes: z.number().min(0).max(100_000_000).nullable(),
  /** Minutes seeding without uploading a byte (fractions allowed). */
  inactiveSeedingTimeMinutes: z.number().min(0).max(100_000_000).nullable(),
  match: z.enum(['any', 'all']),
  action: shareLimitActionSchema,
});

/** How many torrents trade at once; the rest wait as 'queued'. 0 means no limit. */
export const queueSettingsSchema = z.object({
  maxActiveDownloads: z.int().min(0).max(100_000),
  maxActiveSeeds: z.int().min(0).max(100_000),
  maxActiveTorrents: z.int().min(0).max(100_000),
  /** A torrent moving no data for this many minutes gives its slot away (0: never). */
  stalledMinutes: z.int().min(0).max(100_000),
});

/** What a user may set per torrent. */
export const torrentOptionsSchema = z.object({
  speedLimit: speedLimitSchema,
  /** null: the global share limits apply. */
  shareLimits: shareLimitsSchema.nullable(),
  sequential: z.boolean(),
  firstLastPiecesFirst: z.boolean(),
});

export const generalInfoSchema = z.object({
  /** The torrent's key: its SHA-1 info-hash, or for a v2-only torrent its SHA-256 cut to 40 digits. */
  infoHash: infoHashSchema,
  /** Null while a magnet's metadata has not arrived. */
  version: metaVersionSchema.nullable(),
  /** Null for v1 torrents (and until a magnet's metadata arrives). */
  infoHashV2: infoHashV2Schema.nullable(),
  name,
  savePath: path,
  /** Where its data is on disk: its file, or its top folder (the save folder until a magnet's metadata arrives). */
  contentPath: path,
  length: count,
  pieceLength: count,
  pieceCount: count.max(limits.pieces),
  private: z.boolean(),
  comment: text.nullable(),
  createdBy: text.nullable(),
  creationDate: timestamp.nullable(),
  addedAt: timestamp,
  completedAt: timestamp.nullable(),
  downloaded: count,
  uploaded: count,
  wasted: count,
  /** Distinct peer addresses learned of this session (trackers and incoming). */
  peersSeen: count.optional(),
  ratio: z.number().min(0),
  /** Distributed copies. */
  availability: z.number().min(0),
  swarm: swarmSchema,
  magnet: z.string().max(limits.magnetLength),
  /** Seconds spent seeding, across restarts. */
  seedingTime: count,
  options: torrentOptionsSchema,
});

export const piecesInfoSchema = z
  .object({
    pieceCount: count.max(limits.pieces),
    /** Bitfield in wire bit order (see src-shared/bitfield.ts). */
    have: bytesSchema(limits.pieces / 8),
    downloading: bytesSchema(limits.pieces / 8),
    /** One byte per piece: peers that have it, capped at 255. */
    availability: bytesSchema(limits.pieces),
  })
  .refine(
    (p) =>
      p.have.byteLength === Math.ceil(p.pieceCount / 8) &&
      p.downloading.byteLength === Math.ceil(p.pieceCount / 8) &&
      p.availability.byteLength === p.pieceCount,
    { message: 'bitfield and availability sizes must match pieceCount' },
  );

/** Where a peer was heard of: a tracker, the DHT, another peer's PEX, local discovery, its own dial, the magnet link, the user. */
export const peerSourceSchema = z.enum(['tracker', 'dht', 'pex', 'lsd', 'incoming', 'magnet', 'manual']);

export const peerInfoSchema = z.object({
  /** Stable key across updates. */
  id: z.string().min(1).max(128),
  address: z.string().max(64),
  client: z.string().max(128),
  /** qBittorrent-style letters: D/d U/u O S I E X H T … */
  flags: z.string().max(32),
  /** Protocol encryption (MSE): RC4 throughout, the handshake only (plaintext after), or none. */
  encryption: z.enum(['rc4', 'handshake', 'none']),
  /** TCP or uTP (BEP 29); absent from engines before uTP. */
  transport: z.enum(['tcp', 'utp']).optional(),
  source: peerSourceSchema,
  progress: fraction,
  downRate: rate,
  upRate: rate,
  downloaded: count,
  uploaded: count,
});

export const filePrioritySchema = z.enum(['skip', 'normal', 'high']);

export const fileInfoSchema = z.object({
  index: count,
  /** '/'-separated, relative to the torrent's folder. */
  path,
  length: count,
  progress: fraction,
  priority: filePrioritySchema,
});

/** A tracker Shoal can announce to (BEP 3 HTTP(S), BEP 15 UDP). */
export const trackerUrlSchema = z
  .string()
  .max(limits.trackerUrlLength)
  .regex(/^(https?|udp):\/\/[^\s/?#]+[^\s]*$/i, 'must be an http://, https:// or udp:// tracker address without spaces');
/** Tiers (BEP 12) in order, trackers in each; no tracker twice, no empty tier. */
export const trackerTiersSchema = z
  .array(z.array(trackerUrlSchema).min(1, 'a tier must have at least one tracker').max(limits.trackers))
  .max(limits.trackers)
  .refine((tiers) => tiers.flat().length <= limits.trackers, `at most ${limits.trackers} trackers`)
  .refine((tiers) => new Set(tiers.flat()).size === tiers.flat().length, 'each tracker may appear only once');

export const trackerStatusSchema = z.enum(['working', 'updating', 'not contacted', 'error', 'disabled']);

export const trackerInfoSchema = z.object({
  url: z.string().max(limits.pathLength),
  /**
   * A web seed (BEP 19) and the trackerless sources (DHT, PEX, LSD, as qBittorrent lists them) are
   * listed with the trackers; absent means a tracker.
   */
  kind: z.enum(['tracker', 'web seed', 'dht', 'pex', 'lsd']).optional(),
  tier: count,
  status: trackerStatusSchema,
  message: text.nullable(),
  lastAnnounce: timestamp.nullable(),
  nextAnnounce: timestamp.nullable(),
  seeders: count.nullable(),
  leechers: count.nullable(),
  completed: count.nullable(),
  /** Addresses this source gave us (the DHT, PEX and LSD rows). */
  peers: count.optional(),
});

/** Port forwarding on the home router (UPnP IGD, NAT-PMP): off, being tried, done, or why it failed. */
export const portForwardingStatusSchema = z.object({
  state: z.enum(['off', 'trying', 'mapped', 'failed']),
  /** The port peers outside reach us on, once mapped. */
  externalPort: z.int().min(1).max(65535).nullable(),
  /** The router's external address, once it said it. */
  externalAddress: z.string().max(45).nullable(),
  via: z.array(z.enum(['upnp', 'natpmp'])).max(2),
  /** Why mapping failed (each method's reason), when nothing is mapped. */
  reason: z.string().max(2000).nullable(),
});

/** Payload bytes moved each way. */
export const transferTotalsSchema = z.object({ downloaded: count, uploaded: count });

/**
 * What the session moved, and all sessions together (saved with the session; counted from the
 * first Shoal that kept it). An object so other figures of the whole session can join it.
 */
export const transferStatsSchema = z.object({
  session: transferTotalsSchema,
  allTime: transferTotalsSchema,
  /** When this session began. */
  sessionStartedAt: timestamp,
});

/** How far back a speed graph looks: 5 minutes (a sample a second) or 30 (a sample per 10 s, averaged). */
export const speedSpanSchema = z.enum(['5m', '30m']);

/** Rates each way, oldest first, one every `stepMs` ending at `endedAt`; shorter than the span until that long has passed. */
export const speedHistorySchema = z
  .object({
    stepMs: z.int().min(1).max(3_600_000),
    endedAt: timestamp,
    down: z.array(rate).max(limits.historySamples),
    up: z.array(rate).max(limits.historySamples),
  })
  .refine((h) => h.down.length === h.up.length, { message: 'down and up must have as many samples' });

/** Which kind of happening a notice tells. */
export const noticeKindSchema = z.enum(['torrent-finished', 'ratio-reached', 'engine-restarted', 'error', 'tracker-error']);

/** A notice as the engine's log keeps it: numbered in order, with its time and the torrent's name then. */
export const logEntrySchema = z.object({
  id: z.int().min(1),
  at: timestamp,
  kind: noticeKindSchema,
  message: text,
  infoHash: infoHashSchema.optional(),
  name: name.optional(),
});

/** The session's read cache for seeding: its budget (the `readCacheMiB` setting), what it holds, and its lookups. */
export const readCacheStatsSchema = z.object({
  budget: count,
  bytes: count,
  hits: count,
  misses: count,
});

export const globalStatsSchema = z.object({
  downRate: rate,
  upRate: rate,
  connectedPeers: count,
  /** Bytes free at the download folder, null when unknown. */
  freeSpace: count.nullable(),
  downloadDir: path,
  /** The alternative speed limits apply now (switched on by hand or by the schedule). */
  altSpeedActive: z.boolean(),
  /** Absent from engines before port forwarding existed. */
  portForwarding: portForwardingStatusSchema.optional(),
  /** Nodes in the DHT's routing table; null while the DHT is off (absent from engines before it). */
  dhtNodes: count.nullable().optional(),
  /** Bytes moved this session and all time (absent from engines before they were counted). */
  transfer: transferStatsSchema.optional(),
  /** Absent from engines before the read cache was one budget for the session. */
  readCache: readCacheStatsSchema.optional(),
});

/** A category: where its torrents are saved, and share limits for those without their own (null: the global ones). */
export const categorySchema = z.object({
  savePath: absolutePathSchema,
  shareLimits: shareLimitsSchema.nullable(),
});

export const themeSchema = z.enum(['system', 'light', 'dark']);

/** Protocol encryption (MSE/PE): try it and accept both, accept only encrypted peers, or plain only. */
export const encryptionModeSchema = z.enum(['prefer', 'require', 'off']);


export const settingsSchema = z.object({
  downloadDir: absolutePathSchema,
  /** 0 lets the engine pick a free port. */
  listenPort: z.int().min(0).max(65535),
  maxConnectionsPerTorrent: z.int().min(1).max(10_000),
  theme: themeSchema,
  /**
   * Seconds between announces whatever trackers ask (null or absent: follow the trackers). For
   * local swarms, where a seeder meets leechers that never dial out only by asking often.
   */
  announceInterval: z.int().min(1).max(86_400).nullable().optional(),
  /** Shoal's own HTTP and UDP tracker (both on `trackerPort`), for torrents its users create. */
  trackerEnabled: z.boolean().optional(),
  trackerPort: z.int().min(1).max(65535).optional(),
  speedLimit: speedLimitSchema,
  altSpeedLimit: speedLimitSchema,
  /** The alternative limits, switched on by hand (the schedule may also switch them on). */
  altSpeedEnabled: z.boolean(),
  altSpeedSchedule: altSpeedScheduleSchema,
  shareLimits: shareLimitsSchema,
  queue: queueSettingsSchema,
  /** The DHT (BEP 5) finds peers without trackers; on unless false. Private torrents never use it. */
  dht: z.boolean().optional(),
  /** Nodes the DHT starts from, `HOST:PORT` each; absent: the well-known public routers. */
  dhtBootstrap: z.array(z.string().min(1).max(300)).max(64).optional(),
  /** Protocol encryption with peers; absent: 'prefer'. */
  encryption: encryptionModeSchema.optional(),
  /** Peer exchange (BEP 11) with connected peers; on unless false. Private torrents never use it. */
  pex: z.boolean().optional(),
  /** uTP (BEP 29): dial peers over it first and accept it on the peer port's UDP side; on unless false. */
  utp: z.boolean().optional(),
  /** TCP with peers, both ways; on unless false (with it off, uTP only: incoming TCP is closed at once, as libtorrent does). */
  tcp: z.boolean().optional(),
  /** Local service discovery (BEP 14) by multicast on the local network; on unless false. Private torrents never use it. */
  lsd: z.boolean().optional(),
  /** Categories by name. */
  categories: z.record(labelNameSchema, categorySchema).optional(),
  /** Peers the user banned (HOST, or HOST:PORT on loopback), refused by every torrent. */
  bannedPeers: z.array(z.string().min(1).max(300)).max(10_000).optional(),
  /** Map the peer port on the router (UPnP IGD and NAT-PMP); absent: off (the app and `serve` start with it on). */
  portForwarding: z.boolean().optional(),
  /** A folder whose new .torrent files are added (null or absent: none). */
  watchDir: absolutePathSchema.nullable().optional(),
  /** What happens to a watched .torrent once added: moved to the watch folder's "done" subfolder (absent: this), or deleted. */
  watchAfterAdd: z.enum(['move', 'delete']).optional(),
  /** Torrents added without a save folder of their own download here, then move to theirs when complete (null or absent: none). */
  incompleteDir: absolutePathSchema.nullable().optional(),
  /** The read cache for seeding, in MiB, one budget for every torrent (absent: 64; 0: no cache). */
  readCacheMiB: z.int().min(0).max(16_384).optional(),
});

/** Defaults for the limits part of the settings: nothing limited, no share limit, qBittorrent's queue sizes. */
export const defaultLimitSettings = {
  speedLimit: { down: 0, up: 0 },
  altSpeedLimit: { down: 0, up: 0 },
  altSpeedEnabled: false,
  altSpeedSchedule: { enabled: false, days: [1, 2, 3, 4, 5], fromMinute: 8 * 60, toMinute: 20 * 60 },
  shareLimits: { ratio: null, seedingTimeMinutes: null, inactiveSeedingTimeMinutes: null, match: 'any', action: 'pause' },
  queue: { maxActiveDownloads: 3, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 5 },
} as const satisfies Pick<Settings, 'speedLimit' | 'altSpeedLimit' | 'altSpeedEnabled' | 'altSpeedSchedule' | 'shareLimits' | 'queue'>;

export const defaultTorrentOptions: TorrentOptions = {
  speedLimit: { down: 0, up: 0 },
  shareLimits: null,
  sequential: false,
  firstLastPiecesFirst: false,
};

export type TorrentState = z.infer<typeof torrentStateSchema>;
export type SwarmInfo = z.infer<typeof swarmSchema>;
export type TorrentSummary = z.infer<typeof torrentSummarySchema>;
export type GeneralInfo = z.infer<typeof generalInfoSchema>;
export type MetaVersionName = z.infer<typeof metaVersionSchema>;
export type PiecesInfo = z.infer<typeof piecesInfoSchema>;
export type PeerInfo = z.infer<typeof peerInfoSchema>;
export type PeerSourceName = z.infer<typeof peerSourceSchema>;
export type FilePriority = z.infer<typeof filePrioritySchema>;
export type FileInfo = z.infer<typeof fileInfoSchema>;
export type TrackerStatus = z.infer<typeof trackerStatusSchema>;
export type TrackerInfo = z.infer<typeof trackerInfoSchema>;
export type GlobalStats = z.infer<typeof globalStatsSchema>;
export type TransferTotals = z.infer<typeof transferTotalsSchema>;
export type TransferStats = z.infer<typeof transferStatsSchema>;
export type SpeedSpan = z.infer<typeof speedSpanSchema>;
export type SpeedHistory = z.infer<typeof speedHistorySchema>;
export type NoticeKind = z.infer<typeof noticeKindSchema>;
export type LogEntry = z.infer<typeof logEntrySchema>;
export type ReadCacheFigures = z.infer<typeof readCacheStatsSchema>;
export type PortForwardingStatus = z.infer<typeof portForwardingStatusSchema>;
export type Theme = z.infer<typeof themeSchema>;
export type EncryptionMode = z.infer<typeof encryptionModeSchema>;
export type PeerEncryption = PeerInfo['encryption'];
export type Settings = z.infer<typeof settingsSchema>;
export type Category = z.infer<typeof categorySchema>;
export type SpeedLimit = z.infer<typeof speedLimitSchema>;
export type AltSpeedSchedule = z.infer<typeof altSpeedScheduleSchema>;
export type ShareLimitAction = z.infer<typeof shareLimitActionSchema>;
export type ShareLimits = z.infer<typeof shareLimitsSchema>;
export type QueueSettings = z.infer<typeof queueSettingsSchema>;
export type TorrentOptions = z.infer<typeof torrentOptionsSchema>;
