import { ByteIndex } from './byte-index';

const NONE = Buffer.alloc(0);

/**
 * The peers of one address family in one swarm, packed slot by slot in one buffer, column after
 * column: compact address and port (6 or 18 bytes; first, so a reply's peer list is one or two
 * copies out of it), peer id (20), last announce (a double) and seeder flag (1), with an index
 * from the compact address to the slot. No object per peer, two allocations per list; a peer that
 * leaves is replaced by the last one.
 */
export class PeerList {
  /** Bytes of one compact entry: 6 (IPv4) or 18 (IPv6). */
  readonly size: 6 | 18;
  count = 0;
  /** Starts with the compact entries, slot after slot. */
  data: Buffer = NONE;
  #capacity = 0;
  readonly #index: ByteIndex;

  constructor(size: 6 | 18) {
    this.size = size;
    this.#index = new ByteIndex(size);
  }

  /** The slot of the peer whose compact entry is at `at` in `key`, or -1. */
  find(key: Buffer, at: number): number {
    return this.#index.get(key, at);
  }

  /** Adds a peer (its compact entry at `at` in `key`, its id at `idAt` in `id`); returns its slot. */
  add(key: Buffer, at: number, id: Buffer, idAt: number, seeder: boolean, now: number): number {
    const slot = this.count;
    if (slot === this.#capacity) this.#resize(Math.max(8, slot * 2));
    key.copy(this.data, slot * this.size, at, at + this.size);
    this.count++;
    this.update(slot, id, idAt, now);
    this.setSeeder(slot, seeder);
    this.#index.set(this.data, slot * this.size, slot);
    return slot;
  }

  /** The peer in `slot` announced again: its id (it may change) and the time. */
  update(slot: number, id: Buffer, idAt: number, now: number): void {
    // A loop, not Buffer#copy, which makes a view of the source for every ranged copy.
    const data = this.data;
    const at = this.#ids() + slot * 20;
    for (let i = 0; i < 20; i++) data[at + i] = id[idAt + i]!;
    data.writeDoubleLE(now, this.#seen() + slot * 8);
  }

  /** When the peer in `slot` last announced. */
  seenAt(slot: number): number {
    return this.data.readDoubleLE(this.#seen() + slot * 8);
  }

  isSeeder(slot: number): boolean {
    return this.data[this.#seeders() + slot] === 1;
  }

  setSeeder(slot: number, seeder: boolean): void {
    this.data[this.#seeders() + slot] = seeder ? 1 : 0;
  }

  /** The peer id in `slot`, as a view. */
  idOf(slot: number): Buffer {
    const at = this.#ids() + slot * 20;
    return this.data.subarray(at, at + 20);
  }

  /** Removes the peer in `slot`; the last peer takes its place. */
  remove(slot: number): void {
    const last = this.count - 1;
    this.#index.delete(this.data, slot * this.size);
    if (slot !== last) {
      this.#move(last, slot);
      this.#index.set(this.data, slot * this.size, slot);
    }
    this.count = last;
    // A swarm that shrank gives its memory back.
    if (last * 4 < this.#capacity && this.#capacity > 8) this.#resize(this.#capacity / 2);
  }

  #ids(capacity = this.#capacity): number {
    return capacity * this.size;
  }

  #seen(capacity = this.#capacity): number {
    return capacity * (this.size + 20);
  }

  #seeders(capacity = this.#capacity): number {
    return capacity * (this.size + 28);
  }

  #move(from: number, to: number): void {
    const d = this.data;
    const size = this.size;
    d.copy(d, to * size, from * size, from * size + size);
    d.copy(d, this.#ids() + to * 20, this.#ids() + from * 20, this.#ids() + from * 20 + 20);
    d.copy(d, this.#seen() + to * 8, this.#seen() + from * 8, this.#seen() + from * 8 + 8);
    d[this.#seeders() + to] = d[this.#seeders() + from]!;
  }

  #resize(capacity: number): void {
    const old = this.data;
    const n = this.count;
    const data = Buffer.alloc(capacity * (this.size + 29));
    old.copy(data, 0, 0, n * this.size);
    old.copy(data, this.#ids(capacity), this.#ids(), this.#ids() + n * 20);
    old.copy(data, this.#seen(capacity), this.#seen(), this.#seen() + n * 8);
    old.copy(data, this.#seeders(capacity), this.#seeders(), this.#seeders() + n);
    this.data = data;
    this.#capacity = capacity;
  }
}

/** from, to pairs of `windowRuns`: a window wraps at most once and skips one slot, so three stretches at most. */
const runs = new Int32Array(6);

/**
 * Picks a random window of `take` slots of `list` (random start, wrapping), never `skip` (the
 * requester's slot, or -1), as contiguous stretches in `runs`; returns how many stretches. A window
 * is as random as a client needs and costs a copy or two instead of `take` picks.
 */
function windowRuns(list: PeerList, skip: number, take: number): number {
  const n = list.count;
  let i = n <= take + 1 ? 0 : Math.floor(Math.random() * n);
  let taken = 0;
  let stretches = 0;
  while (taken < take) {
    let end = Math.min(n, i + (take - taken));
    if (skip >= i && skip < end) end = skip;
    if (end > i) {
      runs[stretches * 2] = i;
      runs[stretches * 2 + 1] = end;
      stretches++;
      taken += end - i;
      i = end;
    }
    if (i === skip) i++;
    if (i >= n) i = 0;
  }
  return stretches;
}

/** How many peers `writeCompactPeers` writes for `want`, leaving out the requester's slot `self` (-1: none). */
export function compactPeerCount(list: PeerList, self: number, want: number): number {
  return Math.max(0, Math.min(want, list.count - (self >= 0 ? 1 : 0)));
}

/** Writes up to `want` compact peers (never slot `self`) into `out` at `offset`; returns how many. */
export function writeCompactPeers(list: PeerList, self: number, want: number, out: Buffer, offset: number): number {
  const take = compactPeerCount(list, self, want);
  const size = list.size;
  let at = offset;
  for (let r = 0, n = windowRuns(list, self, take); r < n; r++) at += list.data.copy(out, at, runs[r * 2]! * size, runs[r * 2 + 1]! * size);
  return take;
}

/** Up to `want` slots (never `self`), for the dictionary model. */
export function samplePeers(list: PeerList, self: number, want: number): number[] {
  const out: number[] = [];
  for (let r = 0, n = windowRuns(list, self, compactPeerCount(list, self, want)); r < n; r++) {
    for (let i = runs[r * 2]!; i < runs[r * 2 + 1]!; i++) out.push(i);
  }
  return out;
}
