/**
 * Choking (BEP 3 tit-for-tat): every 10 s the peers that give us the most (or, when seeding, take
 * the most) get the regular upload slots; every 30 s one more interested peer, picked at random,
 * gets the optimistic slot so newcomers can prove themselves. Pure logic: the swarm applies the
 * decisions to connections.
 */
export interface ChokeCandidate {
  readonly id: string;
  /** The peer wants data from us. */
  readonly interested: boolean;
  /** Payload bytes/s we receive from it. */
  readonly downRate: number;
  /** Payload bytes/s we send to it. */
  readonly upRate: number;
  /** Connected for less than one optimistic period: three times as likely to be picked. */
  readonly isNew: boolean;
  /** It has every piece: a seed never needs our upload slots while we download. */
  readonly isSeed: boolean;
}

export interface ChokerOptions {
  /** Regular upload slots. */
  readonly slots: number;
  /** Rounds (of `rechoke`) between optimistic unchoke rotations. */
  readonly optimisticEvery: number;
  readonly random?: () => number;
}

export class Choker {
  readonly #slots: number;
  readonly #optimisticEvery: number;
  readonly #random: () => number;
  #round = 0;
  #optimistic: string | null = null;

  constructor(options: ChokerOptions) {
    this.#slots = options.slots;
    this.#optimisticEvery = options.optimisticEvery;
    this.#random = options.random ?? Math.random;
  }

  get optimistic(): string | null {
    return this.#optimistic;
  }

  /**
   * One choke round. Returns the ids to keep unchoked; every other peer is choked.
   * `seeding` ranks by what we upload to a peer, since nothing comes back from leechers.
   */
  rechoke(candidates: readonly ChokeCandidate[], seeding: boolean): Set<string> {
    const interested = candidates.filter((c) => c.interested && !(c.isSeed && !seeding));
    const rate = seeding ? (c: ChokeCandidate) => c.upRate : (c: ChokeCandidate) => c.downRate;
    const ranked = [...interested].sort((a, b) => rate(b) - rate(a));
    const unchoked = new Set(ranked.slice(0, this.#slots).map((c) => c.id));

    const rotate = this.#round % this.#optimisticEvery === 0;
    this.#round++;
    const current = this.#optimistic;
    const stillValid = current !== null && interested.some((c) => c.id === current) && !unchoked.has(current);
    if (rotate || !stillValid) this.#optimistic = this.#pickOptimistic(interested.filter((c) => !unchoked.has(c.id)));
    if (this.#optimistic !== null) unchoked.add(this.#optimistic);
    return unchoked;
  }

  #pickOptimistic(pool: readonly ChokeCandidate[]): string | null {
    let total = 0;
    for (const c of pool) total += c.isNew ? 3 : 1;
    if (total === 0) return null;
    let point = this.#random() * total;
    for (const c of pool) {
      point -= c.isNew ? 3 : 1;
      if (point < 0) return c.id;
    }
    return pool[pool.length - 1]!.id;
  }
}
