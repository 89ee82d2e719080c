import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CommandInput, CommandOutput, EventPayload } from '../../src-shared/contract';
import { limits } from '../../src-shared/contract/limits';
import { ShoalError } from '../../src-shared/errors';
import { createTorrent } from './metainfo/create';
import type { Metainfo } from './metainfo/metainfo';
import { parseTorrent } from './metainfo/parse-torrent';
import { filePaths } from './storage/paths';

export interface TorrentCreatorHooks {
  progress(payload: EventPayload<'createProgress'>): void;
  log?(line: string): void;
}

/** Jobs hashing at once: each already uses every core, so more would only share them. */
const maxJobs = 2;
/** Progress events at most this often per job (the last one always goes out). */
const progressEveryMs = 250;

/**
 * The `createTorrent` and `cancelCreate` commands: the CLI's `shoal create` engine, run for a
 * front end, with progress events under the caller's job id and a cancel by that id.
 */
export class TorrentCreator {
  readonly #jobs = new Map<string, AbortController>();
  readonly #h: TorrentCreatorHooks;

  constructor(hooks: TorrentCreatorHooks) {
    this.#h = hooks;
  }

  async create(input: CommandInput<'createTorrent'>): Promise<CommandOutput<'createTorrent'>> {
    const { jobId } = input;
    if (basename(resolve(input.path)) === '') throw new ShoalError('invalid-input', 'Choose a file or folder to share, not the whole disk.');
    if (this.#jobs.has(jobId)) throw new ShoalError('already-exists', 'A torrent is already being created under this job id.');
    if (this.#jobs.size >= maxJobs) throw new ShoalError('invalid-input', `${maxJobs} torrents are being created already; wait for one to finish.`);
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    let sentAt = 0;
    try {
      const data = await createTorrent(input.path, {
        version: input.version ?? 'v1',
        ...(input.pieceLength !== undefined && { pieceLength: input.pieceLength }),
        trackers: input.trackers ?? [],
        webSeeds: input.webSeeds ?? [],
        private: input.private ?? false,
        ...(input.comment && { comment: input.comment }),
        ...(input.source && { source: input.source }),
        signal: controller.signal,
        onProgress: (hashed, total) => {
          const now = Date.now();
          if (hashed < total && now - sentAt < progressEveryMs) return;
          sentAt = now;
          this.#h.progress({ jobId, hashed, total });
        },
      });
      if (data.byteLength > limits.torrentBytes) {
        throw new ShoalError(
          'invalid-input',
          `The torrent would be ${Math.ceil(data.byteLength / 2 ** 20)} MiB, more than the ${limits.torrentBytes / 2 ** 20} MiB a torrent may be; choose a larger piece size.`,
        );
      }
      const m = parseTorrent(data);
      const savePath = dirname(resolve(input.path));
      this.#h.log?.(`created a torrent of ${input.path}: ${m.name}, ${m.pieceCount} pieces`);
      return { data, infoHash: m.infoHashHex, name: m.name, savePath, seedsInPlace: await foundInPlace(m, savePath), pieceLength: m.pieceLength, pieceCount: m.pieceCount };
    } catch (err) {
      if (controller.signal.aborted) throw new ShoalError('cancelled', 'Creating the torrent was cancelled.');
      throw err;
    } finally {
      this.#jobs.delete(jobId);
    }
  }

  async cancel(input: CommandInput<'cancelCreate'>): Promise<CommandOutput<'cancelCreate'>> {
    this.#jobs.get(input.jobId)?.abort();
    return {};
  }

  /** The session closes: nothing keeps hashing. */
  cancelAll(): void {
    for (const controller of this.#jobs.values()) controller.abort();
  }
}

/**
 * Whether the torrent, added with `savePath`, finds its files where they are: not when a name had
 * to change to be safe on every system (a ':' or a trailing dot), for then it would download them
 * under the new name instead of seeding.
 */
async function foundInPlace(m: Metainfo, savePath: string): Promise<boolean> {
  const paths = filePaths(m, savePath);
  for (const [i, file] of m.files.entries()) {
    if (file.pad) continue;
    const found = await stat(paths[i]!).catch(() => undefined);
    if (!found?.isFile() || found.size !== file.length) return false;
  }
  return true;
}
