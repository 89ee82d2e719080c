import * as z from 'zod';
import { limits } from './limits';
import type { CommandName } from './names';
import {
  absolutePathSchema,
  bytesSchema,
  filePrioritySchema,
  infoHashSchema,
  infoHashV2Schema,
  labelNameSchema,
  logEntrySchema,
  metaVersionSchema,
  settingsSchema,
  speedHistorySchema,
  speedSpanSchema,
  torrentOptionsSchema,
  trackerTiersSchema,
  trackerUrlSchema,
} from './data';

/**
 * Every command: its input (validated by the receiving end; unknown keys are refused, so a
 * typo never silently does nothing) and its output (unknown keys are stripped).
 */

const empty = z.strictObject({});
const done = z.object({});
const infoHashList = z.array(infoHashSchema).max(limits.infoHashes);
const fileIndex = z.int().min(0).max(limits.files - 1);
const torrentData = bytesSchema(limits.torrentBytes);
const magnetUri = z
  .string()
  .max(limits.magnetLength)
  .regex(/^magnet:\?/i, 'must be a magnet link starting with magnet:?');
const name = z.string().max(limits.nameLength);
const path = z.string().max(limits.pathLength);
/** Chosen by the caller of `createTorrent` to match its progress events and cancel it. */
const createJobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -');
const webSeedUrl = z
  .string()
  .max(limits.trackerUrlLength)
  .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'must be an http:// or https:// address without spaces');
/** A name the user gives a torrent: printable, no spaces at either end. */
const displayName = z
  .string()
  .min(1)
  .max(1000)
  .refine((n) => n.trim() === n && ![...n].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'must have no control characters and no spaces at either end');
/** One file or folder name; the engine checks separators, `.` and `..`. */
const fileName = z.string().min(1).max(255);
/** HOST:PORT or [IPv6]:PORT; the engine checks the form and says what is wrong. */
const peerAddress = z.string().min(1).max(300);

/** What the add dialog shows of a torrent before adding it. */
export const torrentPreviewSchema = z.object({
  infoHash: infoHashSchema,
  /** Null for a magnet link: its metadata tells. */
  version: metaVersionSchema.nullable(),
  /** The SHA-256 info-hash of a v2 or hybrid torrent (or the btmh a magnet carries), else null. */
  infoHashV2: infoHashV2Schema.nullable(),
  name,
  length: z.int().min(0).nullable(),
  /** Pad files left out; `index` is the file's number in the torrent, as skipFiles and setFilePriorities take it. */
  files: z.array(z.object({ index: fileIndex, path, length: z.int().min(0) })).max(limits.files),
  /** Its trackers in tier order, each once: what a duplicate can give the torrent already in the list. */
  trackers: z.array(z.string().max(limits.trackerUrlLength)).max(limits.trackers),
});

export const commands = {
  /** Sent first on every connection; a mismatched protocolVersion is refused with a 'protocol' error. */
  hello: {
    input: z.strictObject({ protocolVersion: z.int().min(0).max(1_000_000) }),
    output: z.object({ protocolVersion: z.int(), appVersion: z.string().max(64) }),
  },
  addTorrent: {
    input: z.strictObject({
      source: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('torrent'), data: torrentData, fileName: path.optional() }),
        z.strictObject({ kind: z.literal('magnet'), uri: magnetUri }),
      ]),
      savePath: absolutePathSchema.optional(),
      paused: z.boolean().optional(),
      /** Indexes of files not to download. */
      skipFiles: z.array(fileIndex).max(limits.files).optional(),
      /** A category in the settings; its save path applies unless `savePath` is given. */
      category: labelNameSchema.optional(),
      tags: z.array(labelNameSchema).max(100).optional(),
    }),
    output: z.object({ infoHash: infoHashSchema, name }),
  },
  /** Whether a folder can take downloads (exists or can be created, and is writable), and the free space there; nothing is created. */
  checkFolder: {
    input: z.strictObject({ path: z.string().max(limits.pathLength) }),
    output: z.object({ problem: z.string().max(limits.textLength).nullable(), freeSpace: z.number().min(0).nullable() }),
  },
  /** The add dialog's preview; for a magnet, what the link itself says (no files, maybe no length). */
  inspectTorrent: {
    input: z.union([z.strictObject({ data: torrentData }), z.strictObject({ uri: magnetUri })]),
    output: torrentPreviewSchema,
  },
  /**
   * Makes a .torrent of a file or folder on the engine's machine (hashed on every core), with
   * `createProgress` events under the caller's `jobId` until it ends; `cancelCreate` stops it.
   * The answer holds the .torrent and `savePath`, the folder that holds the data, so adding it
   * with that save path seeds it at once.
   */
  createTorrent: {
    input: z.strictObject({
      jobId: createJobId,
      path: absolutePathSchema,
      version: metaVersionSchema.optional(),
      /** Bytes per piece; absent: about 1,000-2,000 pieces. The engine says what is wrong with a bad one. */
      pieceLength: z.int().min(1).max(2 ** 30).optional(),
      trackers: trackerTiersSchema.optional(),
      webSeeds: z.array(webSeedUrl).max(limits.trackers).optional(),
      private: z.boolean().optional(),
      comment: z.string().max(limits.textLength).optional(),
      source: z.string().max(limits.nameLength).optional(),
    }),
    output: z.object({
      data: torrentData,
      infoHash: infoHashSchema,
      name,
      savePath: path,
      /** False when a name in it had to change to be safe on every system, so added at `savePath` it would not find that file. */
      seedsInPlace: z.boolean(),
      pieceLength: z.int().min(1),
      pieceCount: z.int().min(1),
    }),
  },
  /** Stops a `createTorrent` still hashing; it then fails with code 'cancelled'. Unknown or finished jobs: nothing to do. */
  cancelCreate: { input: z.strictObject({ jobId: createJobId }), output: done },
  /**
   * Fetches a magnet link's metadata (BEP 9) from its peers without adding it, so its files can be
   * chosen first: `metadata` events tell the peers found, then the files or why it failed (after
   * `timeoutSec`, 90 s if absent). Adding the magnet takes what was fetched; `cancelMetadata` ends
   * it and leaves nothing behind.
   */
  fetchMetadata: {
    input: z.strictObject({ uri: magnetUri, timeoutSec: z.int().min(1).max(3600).optional() }),
    output: z.object({ infoHash: infoHashSchema }),
  },
  cancelMetadata: { input: z.strictObject({ infoHash: infoHashSchema }), output: done },
  pause: { input: z.strictObject({ infoHashes: infoHashList }), output: done },
  resume: { input: z.strictObject({ infoHashes: infoHashList }), output: done },
  remove: { input: z.strictObject({ infoHashes: infoHashList, deleteFiles: z.boolean() }), output: done },
  setFilePriorities: {
    input: z.strictObject({
      infoHash: infoHashSchema,
      files: z.array(z.strictObject({ index: fileIndex, priority: filePrioritySchema })).max(limits.files),
    }),
    output: done,
  },
  /** Changes some of the torrents' options; the others keep theirs. */
  setTorrentOptions: {
    input: z.strictObject({ infoHashes: infoHashList, options: torrentOptionsSchema.partial().strict() }),
    output: done,
  },
  /** Moves torrents in the queue, keeping their order among themselves. */
  moveInQueue: {
    input: z.strictObject({ infoHashes: infoHashList, to: z.enum(['top', 'up', 'down', 'bottom']) }),
    output: done,
  },
  /** Checks the data on disk again, piece by piece. */
  recheck: { input: z.strictObject({ infoHashes: infoHashList }), output: done },
  /** Moves a torrent's data to another folder (state 'moving' meanwhile); an interrupted move leaves the data whole in one place. */
  moveStorage: { input: z.strictObject({ infoHash: infoHashSchema, savePath: absolutePathSchema }), output: done },
  /** Replaces a torrent's trackers (add, edit, remove, reorder tiers); a tracker kept keeps its state, one added is asked at once. */
  setTrackers: { input: z.strictObject({ infoHash: infoHashSchema, tiers: trackerTiersSchema }), output: done },
  /** Adds trackers to a torrent (each new one as a tier of its own, after its tiers), as for a duplicate added again; those it has are left. */
  addTrackers: {
    input: z.strictObject({ infoHash: infoHashSchema, urls: z.array(trackerUrlSchema).min(1).max(limits.trackers) }),
    output: z.object({ added: z.int().min(0) }),
  },
  /** Announces to every tracker of these torrents now, whatever their schedule. */
  reannounce: { input: z.strictObject({ infoHashes: infoHashList }), output: done },
  /** Starts torrents at once whatever the queue's limits (until paused, or resumed normally). */
  forceStart: { input: z.strictObject({ infoHashes: infoHashList }), output: done },
  /** The torrents as magnet links (with their trackers), in the order asked, for "Copy magnet link". */
  getMagnetLinks: {
    input: z.strictObject({ infoHashes: infoHashList }),
    output: z.object({ links: z.array(z.string().max(limits.magnetLength)).max(limits.infoHashes) }),
  },
  /** Dials a peer the user knows of (HOST:PORT) for these torrents, as qBittorrent's "Add peers". */
  addPeer: { input: z.strictObject({ infoHashes: infoHashList, address: peerAddress }), output: done },
  /** Disconnects the peer (HOST:PORT) and refuses it from now on in every torrent; kept in the settings' bannedPeers. */
  banPeer: { input: z.strictObject({ address: peerAddress }), output: done },
  /** Sets torrents' category (null: none) and adds or removes tags; the data stays where it is. */
  setLabels: {
    input: z.strictObject({
      infoHashes: infoHashList,
      category: labelNameSchema.nullable().optional(),
      addTags: z.array(labelNameSchema).max(100).optional(),
      removeTags: z.array(labelNameSchema).max(100).optional(),
    }),
    output: done,
  },
  /** Shows a torrent under another name in the list (its files keep theirs); null goes back to its own. */
  renameTorrent: { input: z.strictObject({ infoHash: infoHashSchema, name: displayName.nullable() }), output: done },
  /**
   * Renames one of a torrent's files or folders on disk, in the same folder: `path` as the Files
   * tab shows it ('/'-separated, inside the torrent's folder), `name` the new name alone. The
   * engine refuses a name with a separator, `.` or `..`, or one already taken.
   */
  renameFile: { input: z.strictObject({ infoHash: infoHashSchema, path: path.min(1), name: fileName }), output: done },
  /** Only the selected torrent's open tab streams `detail` events; null stops the stream. */
  subscribe: {
    input: z.strictObject({
      infoHash: infoHashSchema.nullable(),
      tab: z.enum(['general', 'pieces', 'peers', 'files', 'trackers']).nullable(),
    }),
    output: done,
  },
  getSettings: { input: empty, output: settingsSchema },
  setSettings: { input: settingsSchema.partial().strict(), output: settingsSchema },
  /**
   * A file to play while it downloads (a skipped one is wanted again): `url` is its stream, a
   * capability that needs no cookie and stops working when the torrent is removed. The engine
   * answers with a path; each host makes it absolute on its own stream server.
   */
  streamFile: {
    input: z.strictObject({ infoHash: infoHashSchema, fileIndex }),
    output: z.object({ url: z.string().max(limits.pathLength), name, length: z.int().min(0), mimeType: z.string().max(100) }),
  },
  /** Download and upload rates over the last 5 or 30 minutes, of the whole session (null) or one torrent. */
  getSpeedHistory: {
    input: z.strictObject({ infoHash: infoHashSchema.nullable(), span: speedSpanSchema }),
    output: speedHistorySchema,
  },
  /** The engine's last notices (errors, finished, share limits reached), oldest first; later ones come as `notice` events with higher ids. */
  getLog: {
    input: empty,
    output: z.object({ entries: z.array(logEntrySchema).max(limits.logEntries) }),
  },
} as const satisfies { readonly [C in CommandName]: { readonly input: z.ZodType; readonly output: z.ZodType } };

export type CommandInput<C extends CommandName> = z.infer<(typeof commands)[C]['input']>;
export type CommandOutput<C extends CommandName> = z.infer<(typeof commands)[C]['output']>;
export type TorrentPreview = z.infer<typeof torrentPreviewSchema>;
export type SubscriptionTab = NonNullable<CommandInput<'subscribe'>['tab']>;
