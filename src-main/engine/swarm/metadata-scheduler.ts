import { isShoalError } from '../../../src-shared/errors';
import { MAX_METADATA_SIZE, METADATA_PIECE_SIZE, MetadataAssembler } from '../wire/ut-metadata';

/** Pieces of failed attempts kept for judging: four 16 MiB metadata sets at most. */
const MAX_SUSPECT_PIECES = 4 * (MAX_METADATA_SIZE / METADATA_PIECE_SIZE);

export interface MetadataSchedulerOptions {
  /** A request unanswered this long goes to another peer (the slow one may still answer). */
  readonly requestTimeoutMs?: number;
  /** After a reject or a timeout, the peer is not asked that piece again for this long. */
  readonly cooldownMs?: number;
  /** Requests out with one peer at once: small, so the pieces spread over several peers. */
  readonly perPeer?: number;
  readonly now?: () => number;
}

/** One request to send: metadata piece `piece` of peer `peer`. */
export interface MetadataRequest {
  readonly peer: string;
  readonly piece: number;
}

/** What a received piece led to. */
export interface MetadataOutcome {
  /** The verified info dictionary, once complete. */
  readonly info?: Uint8Array;
  /** Peers shown to have sent bad data: drop and ban them. */
  readonly liars: readonly string[];
}

/**
 * Which metadata piece (BEP 9) to ask of which peer, and whom to blame when the pieces do not
 * hash to the info-hash. Plain logic, no sockets: the fetch feeds it what peers say.
 *
 * BEP 9 pieces carry no hash of their own, so a bad piece only shows when the whole fails. A
 * failure with one sender convicts it. With several senders, their pieces are kept and the next
 * attempts take every piece from one peer at a time; a failed single-peer attempt convicts that
 * peer, and a verified one convicts every earlier sender whose piece differs from it.
 */
export class MetadataScheduler {
  readonly #infoHash: Uint8Array;
  readonly #infoHashV2: Uint8Array | undefined;
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  readonly #perPeer: number;
  readonly #now: () => number;
  /** Live peers and the metadata size each announced. */
  readonly #sizes = new Map<string, number>();
  readonly #outstanding = new Map<number, { peer: string; at: number }>();
  /** `peer|piece` → when that peer may be asked that piece again. */
  readonly #cooldown = new Map<string, number>();
  /** Who sent each piece of the current attempt, and a copy of what they sent. */
  readonly #senders = new Map<number, { peer: string; data: Uint8Array }>();
  /** Requests each peer let time out: the single source is the peer with fewest. */
  readonly #timeouts = new Map<string, number>();
  /** Pieces of failed attempts, by sender, judged once the metadata verifies. */
  readonly #suspect: { peer: string; piece: number; data: Uint8Array }[] = [];
  #assembler: MetadataAssembler | undefined;
  /** After a failure with several senders: the one peer the current attempt takes pieces from. */
  #singleSource: string | null | undefined;

  /** `infoHashV2`: a btmh link's SHA-256 info-hash (BEP 52), which the metadata must match too. */
  constructor(infoHash: Uint8Array, options: MetadataSchedulerOptions = {}, infoHashV2?: Uint8Array) {
    this.#infoHash = infoHash;
    this.#infoHashV2 = infoHashV2;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#cooldownMs = options.cooldownMs ?? 5_000;
    this.#perPeer = options.perPeer ?? 2;
    this.#now = options.now ?? Date.now;
  }

  /** Metadata pieces received of the current attempt, and how many there are (0 while unknown). */
  get progress(): { received: number; total: number } {
    const a = this.#assembler;
    return a ? { received: a.pieceCount - a.missing().length, total: a.pieceCount } : { received: 0, total: 0 };
  }

  /** A peer that offers the metadata (`metadata_size` in its extended handshake). */
  addPeer(peer: string, size: number): void {
    this.#sizes.set(peer, size);
  }

  /** A peer left: what it had outstanding goes to others. */
  removePeer(peer: string): void {
    this.#sizes.delete(peer);
    for (const [piece, out] of this.#outstanding) if (out.peer === peer) this.#outstanding.delete(piece);
    if (this.#singleSource === peer) this.#singleSource = null;
  }

  /** Requests to send now; requests that timed out are handed to other peers. */
  next(): MetadataRequest[] {
    const now = this.#now();
    for (const [piece, out] of this.#outstanding) {
      if (now - out.at < this.#timeoutMs) continue;
      this.#outstanding.delete(piece);
      this.#cooldown.set(`${out.peer}|${piece}`, now + this.#cooldownMs);
      this.#timeouts.set(out.peer, (this.#timeouts.get(out.peer) ?? 0) + 1);
      if (this.#singleSource === out.peer) this.#singleSource = null;
    }
    const assembler = this.#ensureAssembler();
    if (!assembler) return [];
    const load = new Map<string, number>();
    for (const out of this.#outstanding.values()) load.set(out.peer, (load.get(out.peer) ?? 0) + 1);
    const candidates = [...this.#sizes].filter(([, size]) => size === assembler.size).map(([peer]) => peer);
    if (this.#singleSource === null) {
      const timeouts = (peer: string): number => this.#timeouts.get(peer) ?? 0;
      this.#singleSource = candidates.reduce<string | null>((best, p) => (best === null || timeouts(p) < timeouts(best) ? p : best), null);
    }
    const allowed = this.#singleSource ? candidates.filter((p) => p === this.#singleSource) : candidates;
    const requests: MetadataRequest[] = [];
    for (const piece of assembler.missing()) {
      if (this.#outstanding.has(piece)) continue;
      let best: string | undefined;
      for (const peer of allowed) {
        const busy = load.get(peer) ?? 0;
        if (busy >= this.#perPeer || (this.#cooldown.get(`${peer}|${piece}`) ?? 0) > now) continue;
        if (best === undefined || busy < (load.get(best) ?? 0)) best = peer;
      }
      if (best === undefined) continue;
      load.set(best, (load.get(best) ?? 0) + 1);
      this.#outstanding.set(piece, { peer: best, at: now });
      requests.push({ peer: best, piece });
    }
    return requests;
  }

  /** The peer has no such piece for us (now): ask someone else. */
  rejected(peer: string, piece: number): void {
    if (this.#outstanding.get(piece)?.peer === peer) this.#outstanding.delete(piece);
    this.#cooldown.set(`${peer}|${piece}`, this.#now() + this.#cooldownMs);
  }

  /** A `data` message. A piece of the wrong size or a total that lies about the size convicts its sender. */
  received(peer: string, piece: number, totalSize: number, data: Uint8Array): MetadataOutcome {
    const assembler = this.#assembler;
    if (this.#outstanding.get(piece)?.peer === peer) this.#outstanding.delete(piece);
    if (!assembler || totalSize !== this.#sizes.get(peer)) return { liars: [peer] };
    if (totalSize !== assembler.size) return { liars: [] }; // an answer from before a size switch
    const expected = piece === assembler.pieceCount - 1 ? assembler.size - piece * METADATA_PIECE_SIZE : METADATA_PIECE_SIZE;
    if (piece >= assembler.pieceCount || data.length !== expected) return { liars: [peer] };
    if (!assembler.missing().includes(piece)) return { liars: [] }; // a late duplicate
    this.#senders.set(piece, { peer, data: new Uint8Array(data) }); // a copy: `data` may be a view of a reused buffer
    try {
      const info = assembler.add(piece, data, totalSize);
      return info ? { info, liars: this.#judgeSuspects(info) } : { liars: [] };
    } catch (err) {
      if (!isShoalError(err)) throw err;
      return { liars: this.#failedAttempt() };
    }
  }

  /**
   * The assembler for the size most live peers announce, rebuilt (losing its pieces) only when
   * another size has more: one peer lying about the size cannot hold the fetch to itself.
   */
  #ensureAssembler(): MetadataAssembler | undefined {
    const votes = new Map<number, number>();
    for (const size of this.#sizes.values()) votes.set(size, (votes.get(size) ?? 0) + 1);
    let best: number | undefined;
    for (const [size, n] of votes) if (best === undefined || n > votes.get(best)!) best = size;
    // No peer offers it right now: keep what was fetched for when they come back.
    if (best === undefined || (this.#assembler && (votes.get(this.#assembler.size) ?? 0) >= votes.get(best)!)) return this.#assembler;
    this.#assembler = new MetadataAssembler(this.#infoHash, best, this.#infoHashV2);
    this.#senders.clear();
    this.#outstanding.clear();
    return this.#assembler;
  }

  /** The whole did not hash right (the assembler has already dropped every piece). */
  #failedAttempt(): string[] {
    const senders = new Set([...this.#senders.values()].map((s) => s.peer));
    const pieces = [...this.#senders];
    this.#senders.clear();
    this.#outstanding.clear();
    if (senders.size === 1) {
      const [only] = senders;
      this.#sizes.delete(only!);
      if (this.#singleSource === only) this.#singleSource = null;
      return [only!];
    }
    // Keep what each sent, to compare with the verified metadata later; one source from now on.
    for (const [piece, { peer, data }] of pieces) this.#suspect.push({ peer, piece, data });
    // Bounded: peers that keep leaving mid-attempt must not grow it without end.
    if (this.#suspect.length > MAX_SUSPECT_PIECES) this.#suspect.splice(0, this.#suspect.length - MAX_SUSPECT_PIECES);
    this.#singleSource = null;
    return [];
  }

  #judgeSuspects(info: Uint8Array): string[] {
    const liars = new Set<string>();
    for (const { peer, piece, data } of this.#suspect) {
      const good = info.subarray(piece * METADATA_PIECE_SIZE, piece * METADATA_PIECE_SIZE + data.length);
      if (!Buffer.from(good).equals(data)) liars.add(peer);
    }
    return [...liars];
  }
}
