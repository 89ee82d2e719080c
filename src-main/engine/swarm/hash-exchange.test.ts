import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/bitfield';
import { buildTorrent } from '../../testing/build-torrent';
import { leafHashes, pieceLayerFromLeaves, rootFromLeaves, verifyHashes } from '../merkle';
import { MerklePieces, type FileTreeHashes } from '../storage/merkle-pieces';
import { Storage } from '../storage/storage';
import type { HashRef } from '../wire/messages';
import { HashFetcher } from './hash-fetcher';
import { HashServer } from './hash-server';
import type { SwarmPeer } from './swarm-peer';

const pieceLength = 64 * 1024;
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-hashes-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A seeding storage of a file of 1,100 pieces (more than one request's 512), a 40 KB file and a 3-leaf file. */
async function seed() {
  const big = 1100 * pieceLength - 5000;
  const { metainfo, content } = buildTorrent({
    name: 'v2',
    pieceLength,
    files: [
      { path: ['big'], length: big },
      { path: ['.pad', '1'], length: 5000, pad: true },
      { path: ['small'], length: 40_000 },
    ],
  });
  const trees: FileTreeHashes[] = metainfo.files.map((f) => {
    if (f.pad) return {};
    const leaves = leafHashes(content.subarray(f.offset, f.offset + f.length));
    return { piecesRoot: rootFromLeaves(leaves), ...(f.length > pieceLength && { pieceLayer: pieceLayerFromLeaves(leaves, pieceLength) }) };
  });
  await fs.mkdir(path.join(dir, 'v2'));
  await fs.writeFile(path.join(dir, 'v2', 'big'), content.subarray(0, big));
  await fs.writeFile(path.join(dir, 'v2', 'small'), content.subarray(big + 5000));
  const storage = Storage.open(metainfo, dir);
  await storage.check();
  const merkle = new MerklePieces(storage.layout, trees);
  return { storage, merkle, trees, content, server: new HashServer(merkle, () => storage, metainfo.files.length) };
}

/** A v2 peer that has every piece, whose requests are answered by `server` through `answer`. */
function peer(pieceCount: number, sent: HashRef[]): SwarmPeer {
  const has = new Bitfield(pieceCount);
  has.setAll();
  return { has, conn: { protocolV2: true, isOpen: true, sendHashRequest: (ref: HashRef) => sent.push(ref) } } as unknown as SwarmPeer;
}

describe('BEP 52 hash requests between two of our own', () => {
  it('fetches a piece layer of 1,100 hashes in requests of at most 512, each proved up to the root', async () => {
    const { storage, merkle: seeded, trees, server } = await seed();
    const leecher = new MerklePieces(storage.layout, trees.map(({ piecesRoot }) => ({ piecesRoot })));
    const known: number[] = [];
    const fetcher = new HashFetcher({ merkle: leecher, layout: storage.layout, layerKnown: (f) => known.push(f), culprits: () => undefined, log: () => undefined });
    const sent: HashRef[] = [];
    const p = peer(storage.layout.pieceCount, sent);
    while (!fetcher.layersComplete) {
      fetcher.fill([p]);
      expect(sent.length).toBeGreaterThan(0);
      for (const ref of sent.splice(0)) {
        expect(ref.count).toBeLessThanOrEqual(512);
        const hashes = await server.answer(ref);
        expect(hashes).toBeDefined();
        expect(fetcher.received(p, ref, hashes!)).toBe(true);
      }
    }
    expect(known).toEqual([0]);
    expect(leecher.layer(0)).toEqual(seeded.layer(0));
    await storage.close();
  });

  it('refuses hashes that do not prove out, and answers nonsense requests with a reject', async () => {
    const { storage, trees, server } = await seed();
    const leecher = new MerklePieces(storage.layout, trees.map(({ piecesRoot }) => ({ piecesRoot })));
    const fetcher = new HashFetcher({ merkle: leecher, layout: storage.layout, layerKnown: () => undefined, culprits: () => undefined, log: () => undefined });
    const sent: HashRef[] = [];
    const p = peer(storage.layout.pieceCount, sent);
    fetcher.fill([p]);
    const ref = sent[0]!;
    const hashes = Uint8Array.from((await server.answer(ref))!);
    hashes[hashes.length - 1]! ^= 1; // the last uncle
    expect(fetcher.received(p, ref, hashes)).toBe(false);
    const root = trees[0]!.piecesRoot!;
    expect(await server.answer({ piecesRoot: root, base: 4, index: 1, count: 2, proofLayers: 0 })).toBeUndefined(); // index not a multiple of count
    expect(await server.answer({ piecesRoot: root, base: 4, index: 0, count: 3, proofLayers: 0 })).toBeUndefined(); // not a power of two
    expect(await server.answer({ piecesRoot: root, base: 4, index: 0, count: 1024, proofLayers: 0 })).toBeUndefined(); // more than 512
    expect(await server.answer({ piecesRoot: new Uint8Array(32), base: 4, index: 0, count: 2, proofLayers: 0 })).toBeUndefined(); // no such file
    expect(await server.answer({ piecesRoot: root, base: 4, index: 2048, count: 2, proofLayers: 0 })).toBeUndefined(); // past the layer
    await storage.close();
  });

  it('names the sender of the one bad 16 KiB block of a failed piece, from the leaf hashes another peer sends', async () => {
    const { storage, merkle, content, server } = await seed();
    const culprits: string[][] = [];
    const fetcher = new HashFetcher({ merkle, layout: storage.layout, layerKnown: () => undefined, culprits: (_, who) => culprits.push([...who]), log: () => undefined });
    const piece = 7;
    const bad = Buffer.from(content.subarray(piece * pieceLength, (piece + 1) * pieceLength));
    bad[2 * 16_384 + 100]! ^= 0xff; // block 2
    const senders = new Map([0, 1, 2, 3].map((b) => [b, b === 2 ? 'liar' : `honest${b}`]));
    fetcher.blame(piece, leafHashes(bad), senders);
    const sent: HashRef[] = [];
    const p = peer(storage.layout.pieceCount, sent);
    fetcher.fill([p]);
    expect(sent).toEqual([{ piecesRoot: merkle.root(0), base: 0, index: piece * 4, count: 4, proofLayers: 1 }]);
    expect(fetcher.received(p, sent[0]!, (await server.answer(sent[0]!))!)).toBe(true);
    expect(culprits).toEqual([['liar']]);
    await storage.close();
  });

  it('reads at most two pieces at once for leaf ranges: a third request meanwhile is rejected', async () => {
    const { storage, merkle, server } = await seed();
    const leaves = (piece: number) => ({ piecesRoot: merkle.root(0)!, base: 0, index: piece * 4, count: 4, proofLayers: 1 });
    const answers = await Promise.all([server.answer(leaves(1)), server.answer(leaves(2)), server.answer(leaves(3))]);
    expect(answers.map((a) => a !== undefined)).toEqual([true, true, false]);
    expect(await server.answer(leaves(3))).toBeDefined();
    await storage.close();
  });

  it('serves leaf hashes with uncles up to the root, and those of a file smaller than a piece', async () => {
    const { storage, merkle, server } = await seed();
    const fetcher = new HashFetcher({ merkle, layout: storage.layout, layerKnown: () => undefined, culprits: () => undefined, log: () => undefined });
    // The whole proof: two leaves of piece 9, up to the root of the big file's tree.
    const deep = { piecesRoot: merkle.root(0)!, base: 0, index: 9 * 4 + 2, count: 2, proofLayers: 12 };
    const hashes = await server.answer(deep);
    expect(hashes).toBeDefined();
    expect(verifyHashes(merkle.root(0)!, 13, deep, hashes!)).toBe(true);
    // The small file (3 leaves, one piece): its leaves prove up to its root.
    const small = { piecesRoot: merkle.root(2)!, base: 0, index: 0, count: 4, proofLayers: 1 };
    expect(verifyHashes(merkle.root(2)!, 2, small, (await server.answer(small))!)).toBe(true);
    expect(fetcher.layersComplete).toBe(true);
    await storage.close();
  });
});
