import { createHash } from 'node:crypto';

/**
 * Finds the peer that sent bad data when several peers contributed to a piece that failed its
 * hash check: the failed piece's blocks are fingerprinted by sender, and once the piece passes,
 * every sender whose block differs from the good one is the culprit (libtorrent's "smart ban").
 * Costs nothing while pieces pass.
 */
export class SmartBan {
  /** piece → block index → sender key → SHA-1 of what that sender sent. */
  readonly #suspect = new Map<number, Map<number, Map<string, string>>>();
  readonly #maxPieces: number;

  constructor(maxPieces = 64) {
    this.#maxPieces = maxPieces;
  }

  /** Records who sent which bytes of a failed piece. `blocks[i]` is block i as it was on disk. */
  failed(piece: number, senders: ReadonlyMap<number, string>, blocks: readonly Uint8Array[]): void {
    let byBlock = this.#suspect.get(piece);
    if (!byBlock) {
      if (this.#suspect.size >= this.#maxPieces) {
        const oldest = this.#suspect.keys().next().value;
        if (oldest !== undefined) this.#suspect.delete(oldest);
      }
      byBlock = new Map();
      this.#suspect.set(piece, byBlock);
    }
    for (const [block, sender] of senders) {
      const data = blocks[block];
      if (!data) continue;
      let bySender = byBlock.get(block);
      if (!bySender) byBlock.set(block, (bySender = new Map()));
      bySender.set(sender, sha1(data));
    }
  }

  isSuspect(piece: number): boolean {
    return this.#suspect.has(piece);
  }

  /** The piece now passed with `blocks`: returns the senders whose earlier bytes differed. */
  passed(piece: number, blocks: readonly Uint8Array[]): string[] {
    const byBlock = this.#suspect.get(piece);
    if (!byBlock) return [];
    this.#suspect.delete(piece);
    const culprits = new Set<string>();
    for (const [block, bySender] of byBlock) {
      const data = blocks[block];
      if (!data) continue;
      const good = sha1(data);
      for (const [sender, hash] of bySender) if (hash !== good) culprits.add(sender);
    }
    return [...culprits];
  }
}

function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}
