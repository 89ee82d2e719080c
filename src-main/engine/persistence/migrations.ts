import * as z from 'zod';
import { defaultTorrentOptions } from '../../../src-shared/contract/data';
import { ShoalError } from '../../../src-shared/errors';
import { CURRENT_VERSION } from './saved-session';

/**
 * Each step takes a file of version N to version N + 1. A step validates the shape it expects, so
 * a damaged old file fails here with a clear message instead of turning into a wrong new one.
 */
type Step = (old: unknown) => unknown;

// Version 1 kept the totals flat, had no per-torrent options or seeding time, listed torrents by
// info-hash only (no magnets), and stored resume data as two loose fields.
const v1Torrent = z.object({
  version: z.literal(1),
  infoHash: z.string(),
  savePath: z.string(),
  paused: z.boolean(),
  priorities: z.array(z.string()),
  uploaded: z.number(),
  downloaded: z.number(),
  addedAt: z.number(),
  completedAt: z.number().nullable(),
  have: z.string().nullable(),
  fileStamps: z.array(z.object({ size: z.number(), mtimeMs: z.number() }).nullable()).nullable(),
});

const v1Index = z.object({ version: z.literal(1), settings: z.record(z.string(), z.unknown()), torrents: z.array(z.string()) });

const torrentSteps: Record<number, Step> = {
  1: (old) => {
    const { uploaded, downloaded, have, fileStamps, ...rest } = v1Torrent.parse(old);
    return {
      ...rest,
      version: 2,
      options: defaultTorrentOptions,
      totals: { uploaded, downloaded, wasted: 0 },
      seedingSeconds: 0,
      resume: have !== null && fileStamps !== null ? { have, files: fileStamps } : null,
    };
  },
};

const indexSteps: Record<number, Step> = {
  1: (old) => {
    const v1 = v1Index.parse(old);
    return { version: 2, settings: v1.settings, torrents: v1.torrents.map((infoHash) => ({ kind: 'torrent', infoHash })) };
  },
};

export const migrateTorrent = (raw: unknown): unknown => migrate(raw, torrentSteps);
export const migrateIndex = (raw: unknown): unknown => migrate(raw, indexSteps);

function migrate(raw: unknown, steps: Record<number, Step>): unknown {
  let value = raw;
  for (;;) {
    const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new ShoalError('invalid-input', 'it has no valid version number');
    }
    if (version === CURRENT_VERSION) return value;
    if (version > CURRENT_VERSION) throw new ShoalError('invalid-input', `it was written by a newer Shoal (version ${version})`);
    const step = steps[version];
    if (!step) throw new ShoalError('invalid-input', `no way to read its version ${version}`);
    value = step(value);
  }
}
