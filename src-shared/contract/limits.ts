/** Bumped on every incompatible change to the contract; both ends must agree at `hello`. */
export const PROTOCOL_VERSION = 2;

const MiB = 1024 * 1024;

/**
 * Upper bounds for everything that crosses a transport, so a hostile or buggy peer of the
 * transport cannot make the other end allocate without limit.
 */
export const limits = {
  /** A .torrent file; the largest public ones are a few MiB. */
  torrentBytes: 16 * MiB,
  magnetLength: 64 * 1024,
  pathLength: 4096,
  nameLength: 4096,
  /** Free text from the engine: tracker messages, torrent comments, error sentences. */
  textLength: 64 * 1024,
  /** info-hashes in one pause/resume/remove. */
  infoHashes: 100_000,
  torrents: 100_000,
  files: 1 << 20,
  pieces: 1 << 22,
  peers: 10_000,
  trackers: 1_000,
  trackerUrlLength: 2048,
  /** Samples in one speed history answer (5 min at 1 s, 30 min at 10 s). */
  historySamples: 600,
  /** Entries in the engine's log of notices. */
  logEntries: 1_000,
  /** One encoded message on the WebSocket: a maximal .torrent plus envelope. */
  messageBytes: 20 * MiB,
} as const;
