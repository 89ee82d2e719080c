import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../testing/processes';
import { useQuietTorrents } from '../testing/quiet-torrent';
import { buildV2Torrent } from '../testing/v2-torrent';
import { bencode } from './bencode';
import { parseTorrent } from './metainfo/parse-torrent';
import { dhtTargets, lsdTargets } from './discovery-targets';
import type { Torrent } from './torrent';

const dirs: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await d.remove();
});
const torrents = useQuietTorrents();

async function running(hybrid: boolean): Promise<Torrent> {
  const parts = buildV2Torrent({ name: 'x', pieceLength: 16_384, files: [{ path: ['a'], data: new Uint8Array(40_000).fill(3) }], hybrid });
  const dir = await tempDir('targets');
  dirs.push(dir);
  const t = torrents.start(parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers })), dir.path);
  await waitFor('the torrent to run', () => (t.state === 'downloading' ? true : undefined), 10_000, 20);
  return t;
}

describe('DHT and LSD targets', () => {
  it('looks a hybrid up and announces it under both its hashes in the DHT (BEP 52), once on the local network', async () => {
    const hybrid = await running(true);
    const v2only = await running(false);
    const map = new Map([hybrid, v2only].map((t) => [t.infoHash, t]));
    const v2 = Buffer.from(hybrid.metainfo.infoHashV2!.subarray(0, 20)).toString('hex');
    expect([...dhtTargets(map)].map((t) => [t.infoHash, t.announce])).toEqual([
      [hybrid.infoHash, true],
      [v2, true],
      [v2only.infoHash, true],
    ]);
    expect([...lsdTargets(map)].map((t) => t.infoHash)).toEqual([hybrid.infoHash, v2only.infoHash]);
  });
});
