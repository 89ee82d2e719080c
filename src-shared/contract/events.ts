import * as z from 'zod';
import { limits } from './limits';
import {
  fileInfoSchema,
  generalInfoSchema,
  globalStatsSchema,
  infoHashSchema,
  logEntrySchema,
  noticeKindSchema,
  peerInfoSchema,
  piecesInfoSchema,
  torrentSummarySchema,
  trackerInfoSchema,
} from './data';
import { errorCodes } from '../errors';
import { torrentPreviewSchema } from './commands';
import type { EventName } from './names';

/** Everything the engine pushes to front ends, as snapshots rather than per-change chatter. */
export const events = {
  /** ~2 Hz, only changed rows; `full: true` (every torrent, replacing what the client had) first after connect. */
  torrents: z.object({
    full: z.boolean(),
    changed: z.array(torrentSummarySchema).max(limits.torrents),
    removed: z.array(infoHashSchema).max(limits.torrents),
  }),
  /** 1 Hz. */
  stats: globalStatsSchema,
  /** ~1 Hz for the subscribed torrent; carries only the subscribed tab's field. */
  detail: z.object({
    infoHash: infoHashSchema,
    general: generalInfoSchema.optional(),
    pieces: piecesInfoSchema.optional(),
    peers: z.array(peerInfoSchema).max(limits.peers).optional(),
    files: z.array(fileInfoSchema).max(limits.files).optional(),
    trackers: z.array(trackerInfoSchema).max(limits.trackers).optional(),
  }),
  /** A happening; the engine's own carry their place in its log (`id`, `at`, the torrent's `name`). */
  notice: z.object({
    kind: noticeKindSchema,
    message: z.string().max(limits.textLength),
    infoHash: infoHashSchema.optional(),
    code: z.enum(errorCodes).optional(),
    id: logEntrySchema.shape.id.optional(),
    at: logEntrySchema.shape.at.optional(),
    name: logEntrySchema.shape.name,
  }),
  /** A `createTorrent` job's bytes hashed so far, a few times a second and once at the end. */
  createProgress: z.object({ jobId: z.string().max(64), hashed: z.int().min(0), total: z.int().min(0) }),
  /** A metadata fetch (`fetchMetadata`) changed: peers found, then the preview with its files, or the sentence saying why it failed. */
  metadata: z.object({
    infoHash: infoHashSchema,
    peers: z.int().min(0),
    preview: torrentPreviewSchema.nullable(),
    problem: z.string().max(limits.textLength).nullable(),
  }),
} as const satisfies { readonly [E in EventName]: z.ZodType };

export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** One event as a tagged value, for code that handles every kind (transports, relays). */
export type ShoalEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];
