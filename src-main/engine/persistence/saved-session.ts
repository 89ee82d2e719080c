import * as z from 'zod';
import {
  absolutePathSchema,
  filePrioritySchema,
  infoHashSchema,
  labelNameSchema,
  settingsSchema,
  shareLimitsSchema,
  torrentOptionsSchema,
  transferTotalsSchema,
} from '../../../src-shared/contract/data';
import { limits } from '../../../src-shared/contract/limits';

/**
 * The saved session's current shape (version 2). Older versions are brought here by
 * `migrations.ts`; every file is validated after migrating, so a hand-edited or damaged file is
 * refused whole rather than half-used.
 */
export const CURRENT_VERSION = 2;

const displayNameSchema = z.string().min(1).max(1000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const fileStampSchema = z.object({ size: count, mtimeMs: z.number().min(0) });

export const savedResumeSchema = z.object({
  /** Verified pieces, bitfield bytes in wire order, base64. */
  have: base64(limits.pieces / 8),
  files: z.array(fileStampSchema.nullable()).max(limits.files),
});

export const savedTorrentSchema = z.object({
  version: z.literal(CURRENT_VERSION),
  infoHash: infoHashSchema,
  savePath: absolutePathSchema,
  /** The user paused it (a torrent that stopped on an error is restored running, to try again). */
  paused: z.boolean(),
  priorities: z.array(filePrioritySchema).max(limits.files),
  options: torrentOptionsSchema,
  totals: z.object({ uploaded: count, downloaded: count, wasted: count }),
  seedingSeconds: count,
  addedAt: count,
  completedAt: count.nullable(),
  /** null: nothing verified yet worth trusting; the data is checked in full. */
  resume: savedResumeSchema.nullable(),
  /** A move to this folder had started and not finished: its partial copy is removed on restore. */
  movingTo: absolutePathSchema.optional(),
  category: labelNameSchema.optional(),
  tags: z.array(labelNameSchema).max(100).optional(),
  /** Started with "force start": it runs whatever the queue's limits. */
  forced: z.literal(true).optional(),
  /** The trackers the user set in place of the metainfo's, tier by tier; absent while unedited. */
  trackers: z.array(z.array(z.string().max(limits.trackerUrlLength)).max(limits.trackers)).max(limits.trackers).optional(),
  /** The user resumed it past these share limits: it seeds on until the limits that apply change. */
  limitsWaived: shareLimitsSchema.optional(),
  /** The name the user gave it in the list. */
  name: displayNameSchema.optional(),
  /** Files the user renamed on disk: index and new path inside the torrent's folder (storage checks each path again). */
  renamed: z
    .array(z.object({ index: count.max(limits.files - 1), path: z.array(z.string().min(1).max(255)).min(1).max(256) }))
    .max(limits.files)
    .optional(),
});

export const savedMagnetSchema = z.object({
  kind: z.literal('magnet'),
  uri: z.string().max(limits.magnetLength).regex(/^magnet:\?/i),
  savePath: absolutePathSchema,
  paused: z.boolean(),
  addedAt: count,
  /** Set before the metadata arrived; absent in files from before they were kept (defaults then). */
  options: torrentOptionsSchema.optional(),
  skipFiles: z.array(count.max(limits.files - 1)).max(limits.files).optional(),
  category: labelNameSchema.optional(),
  tags: z.array(labelNameSchema).max(100).optional(),
  name: displayNameSchema.optional(),
});

export const savedIndexSchema = z.object({
  version: z.literal(CURRENT_VERSION),
  settings: settingsSchema.partial(),
  /** Bytes every session moved, removed torrents' too (absent in files from before it was kept). */
  allTime: transferTotalsSchema.optional(),
  /** Queue order: the list order. */
  torrents: z
    .array(z.discriminatedUnion('kind', [z.object({ kind: z.literal('torrent'), infoHash: infoHashSchema }), savedMagnetSchema]))
    .max(limits.torrents),
});

export type SavedTorrent = z.infer<typeof savedTorrentSchema>;
export type SavedMagnet = z.infer<typeof savedMagnetSchema>;
export type SavedIndex = z.infer<typeof savedIndexSchema>;
