import { z } from 'zod';
import { limits } from './limits';

/** Plain data types shared by the engine and every front end. Numbers are bytes, bytes/s, ms since epoch, or counts. */

export const infoHashSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be an info-hash of 40 lowercase hex digits');

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

export const torrentStateSchema = z.enum(['checking', 'downloading', 'seeding', 'paused', 'queued', 'error', 'metadata']);

export const swarmSchema = z.object({
  seeders: count.nullable(),
  leechers: count.nullable(),
  completed: count.nullable(),
});

export const torrentSummarySchema = z.object({
  infoHash: infoHashSchema,
  name,
  length: count,
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
  savePath: path,
  queuePosition: count.nullable(),
});

export const generalInfoSchema = z.object({
  infoHash: infoHashSchema,
  name,
  savePath: path,
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

export const peerInfoSchema = z.object({
  /** Stable key across updates. */
  id: z.string().min(1).max(128),
  address: z.string().max(64),
  client: z.string().max(128),
  /** qBittorrent-style letters: D/d U/u O S I E X H T … */
  flags: z.string().max(32),
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

export const trackerStatusSchema = z.enum(['working', 'updating', 'not contacted', 'error', 'disabled']);

export const trackerInfoSchema = z.object({
  url: z.string().max(limits.pathLength),
  tier: count,
  status: trackerStatusSchema,
  message: text.nullable(),
  lastAnnounce: timestamp.nullable(),
  nextAnnounce: timestamp.nullable(),
  seeders: count.nullable(),
  leechers: count.nullable(),
  completed: count.nullable(),
});

export const globalStatsSchema = z.object({
  downRate: rate,
  upRate: rate,
  connectedPeers: count,
  /** Bytes free at the download folder, null when unknown. */
  freeSpace: count.nullable(),
  downloadDir: path,
});

export const themeSchema = z.enum(['system', 'light', 'dark']);

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
});

export type TorrentState = z.infer<typeof torrentStateSchema>;
export type SwarmInfo = z.infer<typeof swarmSchema>;
export type TorrentSummary = z.infer<typeof torrentSummarySchema>;
export type GeneralInfo = z.infer<typeof generalInfoSchema>;
export type PiecesInfo = z.infer<typeof piecesInfoSchema>;
export type PeerInfo = z.infer<typeof peerInfoSchema>;
export type FilePriority = z.infer<typeof filePrioritySchema>;
export type FileInfo = z.infer<typeof fileInfoSchema>;
export type TrackerStatus = z.infer<typeof trackerStatusSchema>;
export type TrackerInfo = z.infer<typeof trackerInfoSchema>;
export type GlobalStats = z.infer<typeof globalStatsSchema>;
export type Theme = z.infer<typeof themeSchema>;
export type Settings = z.infer<typeof settingsSchema>;
