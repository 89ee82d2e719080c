import { hashBytes, leafCount, pieceHeight, proofTop, verifyHashes } from '../merkle';
import type { MerklePieces } from '../storage/merkle-pieces';
import type { PieceLayout } from '../storage/layout';
import type { HashRef } from '../wire/messages';
import { MAX_HASHES_PER_REQUEST, treeHeight } from './hash-server';
import type { SwarmPeer } from './swarm-peer';

export interface HashFetcherOptions {
  readonly merkle: MerklePieces;
  readonly layout: PieceLayout;
  /** A file's piece layer arrived and checked out against its root. */
  layerKnown(file: number): void;
  /** The blocks of a failed piece that the tree proves wrong, by sender key. */
  culprits(piece: number, senders: readonly string[]): void;
  log(message: string): void;
}

/** What a request out with a peer is for. */
type Purpose =
  | { readonly kind: 'layer'; readonly file: number; readonly chunk: number }
  | { readonly kind: 'blame'; readonly piece: number };

interface Outstanding {
  readonly peer: SwarmPeer;
  readonly ref: HashRef;
  readonly purpose: Purpose;
  readonly sentAt: number;
}

/** A failed piece waiting for its leaf hashes: ours from disk, and who sent each block (its latest failure's). */
interface Blame {
  ours: Uint8Array;
  senders: ReadonlyMap<number, string>;
  /** Peers that rejected the request or left before answering. */
  readonly tried: Set<SwarmPeer>;
  asked: boolean;
}

/** Requests out with one peer at most, as libtorrent keeps them. */
const PER_PEER = 2;
const TIMEOUT_MS = 30_000;
/** Failed pieces waiting to be judged at once; older ones are left to smart ban. */
const MAX_BLAMES = 32;

/**
 * Asks v2 peers (BEP 52) for hashes we lack: the piece layers a magnet's metadata does not carry,
 * 512 hashes a request with the proof up to the file's root; and the leaf hashes of a piece that
 * failed, which show the 16 KiB blocks that were wrong and so who sent them. Every answer is
 * checked against a hash we already trust before it is used.
 */
export class HashFetcher {
  readonly #o: HashFetcherOptions;
  readonly #outstanding: Outstanding[] = [];
  /** Files whose piece layer is being fetched: the layer as far as it came, and the chunks still missing. */
  readonly #layers = new Map<number, { readonly buffer: Uint8Array; readonly missing: Set<number>; readonly refused: Map<number, Set<SwarmPeer>> }>();
  readonly #blames = new Map<number, Blame>();

  constructor(options: HashFetcherOptions) {
    this.#o = options;
    for (const file of options.merkle.missingLayers()) {
      const pieces = this.#piecesIn(file);
      const chunks = Math.ceil(pieces / MAX_HASHES_PER_REQUEST);
      this.#layers.set(file, { buffer: new Uint8Array(pieces * hashBytes), missing: new Set(Array.from({ length: chunks }, (_, i) => i)), refused: new Map() });
    }
  }

  /** Every piece layer is known: pieces of every file can be checked. */
  get layersComplete(): boolean {
    return this.#layers.size === 0;
  }

  /**
   * A piece failed: judge its blocks by their leaf hashes once a v2 peer sends them. `ours` are
   * the leaf hashes of the piece as it is on disk, `senders` who sent each block (by index).
   */
  blame(piece: number, ours: Uint8Array, senders: ReadonlyMap<number, string>): void {
    const height = this.#pieceNodeHeight(piece);
    if (height === 0) {
      // The piece is one leaf: its node is that leaf's hash, so its one data block was wrong.
      const sender = senders.get(0);
      if (sender !== undefined) this.#o.culprits(piece, [sender]);
      return;
    }
    const known = this.#blames.get(piece);
    if (known) {
      // Failed again before the leaves came: judge the latest attempt with the request already out.
      known.ours = ours;
      known.senders = senders;
      return;
    }
    if (this.#blames.size >= MAX_BLAMES) this.#blames.delete(this.#blames.keys().next().value!);
    this.#blames.set(piece, { ours, senders, tried: new Set(), asked: false });
  }

  /** Sends what can be asked of these peers now. */
  fill(peers: Iterable<SwarmPeer>, now = Date.now()): void {
    this.#expire(now);
    if (this.#layers.size === 0 && this.#blames.size === 0) return;
    for (const peer of peers) {
      if (!peer.conn.protocolV2 || !peer.conn.isOpen) continue;
      while (this.#outstandingOf(peer) < PER_PEER) {
        const next = this.#nextFor(peer);
        if (!next) break;
        this.#outstanding.push({ peer, ref: next.ref, purpose: next.purpose, sentAt: now });
        peer.conn.sendHashRequest(next.ref);
      }
    }
  }

  /**
   * The peer answered with hashes; false if they do not prove out. An answer we no longer wait
   * for (timed out, or never asked) is ignored.
   */
  received(peer: SwarmPeer, ref: HashRef, hashes: Uint8Array): boolean {
    const request = this.#take(peer, ref);
    if (!request) return true;
    const { purpose } = request;
    if (purpose.kind === 'layer') return this.#layerChunk(purpose.file, purpose.chunk, ref, hashes);
    return this.#judge(purpose.piece, ref, hashes);
  }

  /** The peer will not answer `ref`: ask someone else. */
  rejected(peer: SwarmPeer, ref: HashRef): void {
    const request = this.#take(peer, ref);
    if (!request) return;
    this.#giveBack(request);
  }

  /** The peer left: what it was asked goes back to be asked elsewhere. */
  peerLeft(peer: SwarmPeer): void {
    for (let i = this.#outstanding.length - 1; i >= 0; i--) {
      const request = this.#outstanding[i]!;
      if (request.peer !== peer) continue;
      this.#outstanding.splice(i, 1);
      this.#giveBack(request);
    }
  }

  #giveBack({ peer, purpose }: Outstanding): void {
    if (purpose.kind === 'layer') {
      const layer = this.#layers.get(purpose.file);
      if (!layer) return;
      layer.missing.add(purpose.chunk);
      let refused = layer.refused.get(purpose.chunk);
      if (!refused) layer.refused.set(purpose.chunk, (refused = new Set()));
      refused.add(peer);
    } else {
      const blame = this.#blames.get(purpose.piece);
      if (!blame) return;
      blame.asked = false;
      blame.tried.add(peer);
    }
  }

  #nextFor(peer: SwarmPeer): { ref: HashRef; purpose: Purpose } | undefined {
    for (const [piece, blame] of this.#blames) {
      if (blame.asked || blame.tried.has(peer) || !peer.has.has(piece)) continue;
      blame.asked = true;
      return { ref: this.#leafRef(piece), purpose: { kind: 'blame', piece } };
    }
    for (const [file, layer] of this.#layers) {
      for (const chunk of layer.missing) {
        if (layer.refused.get(chunk)?.has(peer)) continue;
        layer.missing.delete(chunk);
        return { ref: this.#layerRef(file, chunk), purpose: { kind: 'layer', file, chunk } };
      }
    }
    return undefined;
  }

  /** Piece-layer hashes `chunk * 512` on, with the uncles up to the file's root. */
  #layerRef(file: number, chunk: number): HashRef {
    const { layout, merkle } = this.#o;
    const base = pieceHeight(layout.pieceLength);
    const height = treeHeight(layout.fileLength(file));
    const index = chunk * MAX_HASHES_PER_REQUEST;
    let count = 2;
    while (count < Math.min(MAX_HASHES_PER_REQUEST, this.#piecesIn(file) - index)) count *= 2;
    return { piecesRoot: merkle.root(file)!, base, index, count, proofLayers: height - base - 1 };
  }

  /** A piece's leaf hashes, proved up to the piece's node (which we trust). */
  #leafRef(piece: number): HashRef {
    const { merkle } = this.#o;
    const height = this.#pieceNodeHeight(piece);
    const count = 2 ** height;
    return { piecesRoot: merkle.root(merkle.fileOf(piece))!, base: 0, index: merkle.indexInFile(piece) * count, count, proofLayers: height - 1 };
  }

  #layerChunk(file: number, chunk: number, ref: HashRef, hashes: Uint8Array): boolean {
    const layer = this.#layers.get(file);
    const { merkle, layout } = this.#o;
    if (!layer) return true; // already complete: a late duplicate
    if (!verifyHashes(merkle.root(file)!, treeHeight(layout.fileLength(file)), ref, hashes)) {
      layer.missing.add(chunk);
      return false;
    }
    const start = ref.index * hashBytes;
    layer.buffer.set(hashes.subarray(0, Math.min(ref.count * hashBytes, layer.buffer.length - start)), start);
    if (layer.missing.size > 0 || this.#outstanding.some((r) => r.purpose.kind === 'layer' && r.purpose.file === file)) return true;
    this.#layers.delete(file);
    if (!merkle.setLayer(file, layer.buffer)) {
      this.#o.log(`the piece layer of file ${file + 1} assembled from peers does not match its root`);
      return false;
    }
    this.#o.layerKnown(file);
    return true;
  }

  #judge(piece: number, ref: HashRef, hashes: Uint8Array): boolean {
    const blame = this.#blames.get(piece);
    if (!blame) return true;
    const { merkle } = this.#o;
    const top = proofTop(ref, hashes);
    const expected = merkle.expected(piece);
    if (!top || !expected || top.height !== this.#pieceNodeHeight(piece) || top.index !== merkle.indexInFile(piece) || !Buffer.from(top.hash).equals(expected)) {
      blame.asked = false;
      return false;
    }
    this.#blames.delete(piece);
    const culprits = new Set<string>();
    const leaves = leafCount(merkle.dataBytes(piece));
    for (let leaf = 0; leaf < leaves; leaf++) {
      const at = leaf * hashBytes;
      if (Buffer.compare(blame.ours.subarray(at, at + hashBytes), hashes.subarray(at, at + hashBytes)) === 0) continue;
      const sender = blame.senders.get(leaf);
      if (sender !== undefined) culprits.add(sender);
    }
    if (culprits.size > 0) this.#o.culprits(piece, [...culprits]);
    return true;
  }

  /** Height of the node a piece is checked against: the piece layer, or a one-piece file's root. */
  #pieceNodeHeight(piece: number): number {
    const { merkle, layout } = this.#o;
    const file = merkle.fileOf(piece);
    return merkle.needsLayer(file) ? pieceHeight(layout.pieceLength) : treeHeight(layout.fileLength(file));
  }

  #piecesIn(file: number): number {
    const pieces = this.#o.layout.piecesOfFile(file)!;
    return pieces.last - pieces.first + 1;
  }

  #outstandingOf(peer: SwarmPeer): number {
    let n = 0;
    for (const r of this.#outstanding) if (r.peer === peer) n++;
    return n;
  }

  #take(peer: SwarmPeer, ref: HashRef): Outstanding | undefined {
    const i = this.#outstanding.findIndex((r) => r.peer === peer && sameRef(r.ref, ref));
    return i < 0 ? undefined : this.#outstanding.splice(i, 1)[0];
  }

  #expire(now: number): void {
    for (let i = this.#outstanding.length - 1; i >= 0; i--) {
      const request = this.#outstanding[i]!;
      if (now - request.sentAt < TIMEOUT_MS) continue;
      this.#outstanding.splice(i, 1);
      this.#giveBack(request);
    }
  }
}

function sameRef(a: HashRef, b: HashRef): boolean {
  return a.base === b.base && a.index === b.index && a.count === b.count && a.proofLayers === b.proofLayers && Buffer.compare(a.piecesRoot, b.piecesRoot) === 0;
}
