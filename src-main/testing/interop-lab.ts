// Test support: what every CLI interop file sets up the same way — a work folder, payloads with
// their torrents (made by mktorrent), one opentracker that knows them, and cleanup after each test
// and at the end. Call `useInteropLab` at the top of a test file; it registers the vitest hooks.
import { cp, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import type { Metainfo } from '../engine/metainfo/metainfo';
import { mktorrent, startOpentracker, type Tracker } from './clients';
import { freePort, stopAll, tempDir } from './processes';
import { writePayload } from './shoal-cli';

export interface LabTorrent {
  /** The folder the payload lies in (the seeder's data folder). */
  readonly dataDir: string;
  /** The payload itself: the single file, or the top folder of a multi-file torrent. */
  readonly payload: string;
  readonly torrent: string;
  readonly metainfo: Metainfo;
}

export interface TorrentSpec {
  /** Relative paths (all under one top name) to sizes of random content… */
  readonly files?: Readonly<Record<string, number>>;
  /** …or an existing file or folder, copied in. */
  readonly copyOf?: string;
  readonly pieceLengthLog2: number;
  /** Announce to the lab's tracker (default), or to nothing (a trackerless torrent). */
  readonly tracker?: boolean;
}

export interface InteropLab {
  /** The lab's work folder, set once `beforeAll` ran. */
  readonly work: string;
  /** The lab's opentracker announce URL (only when some torrent announces). */
  readonly trackerUrl: string;
  torrent(name: string): LabTorrent;
  /** Stops `thing` after the current test. */
  keep<T extends { stop(): Promise<void> }>(thing: T): T;
  /** A fresh folder removed after the current test. */
  scratch(label: string): Promise<string>;
}

/**
 * Makes the named torrents and starts opentracker for those that announce, before the file's
 * tests; stops what each test kept after it, and everything at the end.
 */
export function useInteropLab(prefix: string, specs: Readonly<Record<string, TorrentSpec>>): InteropLab {
  let work: { path: string; remove(): Promise<void> } | undefined;
  let tracker: Tracker | undefined;
  const torrents = new Map<string, LabTorrent>();
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    work = await tempDir(prefix);
    const port = await freePort();
    const announced: string[] = [];
    for (const [name, spec] of Object.entries(specs)) {
      const dataDir = join(work.path, `data-${name}`);
      const payload = await fillPayload(dataDir, spec);
      const announce = spec.tracker === false ? [] : [`http://127.0.0.1:${port}/announce`];
      const torrent = await mktorrent(payload, join(work.path, `${name}.torrent`), { announce, pieceLengthLog2: spec.pieceLengthLog2 });
      const metainfo = parseTorrent(await readFile(torrent));
      torrents.set(name, { dataDir, payload, torrent, metainfo });
      if (announce.length > 0) announced.push(metainfo.infoHashHex);
    }
    if (announced.length > 0) tracker = await startOpentracker(announced, port);
  }, 60_000);

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  afterAll(async () => {
    await tracker?.stop();
    await stopAll();
    await work?.remove();
  });

  return {
    get work(): string {
      if (!work) throw new Error('the interop lab is not set up yet (use it inside tests)');
      return work.path;
    },
    get trackerUrl(): string {
      if (!tracker) throw new Error('the interop lab has no tracker: no torrent announces');
      return tracker.httpUrl;
    },
    torrent(name) {
      const t = torrents.get(name);
      if (!t) throw new Error(`the interop lab has no torrent "${name}"`);
      return t;
    },
    keep(thing) {
      cleanups.push(() => thing.stop());
      return thing;
    },
    async scratch(label) {
      const dir = await tempDir(label);
      cleanups.push(() => dir.remove());
      return dir.path;
    },
  };
}

/** Writes or copies a spec's payload into `dataDir`; returns the payload's path. */
async function fillPayload(dataDir: string, spec: TorrentSpec): Promise<string> {
  if (spec.copyOf !== undefined) {
    const payload = join(dataDir, basename(spec.copyOf));
    await cp(spec.copyOf, payload, { recursive: true });
    return payload;
  }
  if (!spec.files) throw new Error('a torrent spec needs files or copyOf');
  await writePayload(dataDir, spec.files);
  return join(dataDir, Object.keys(spec.files)[0]!.split('/')[0]!);
}
