import type { NodeInfo } from './compact';
import { compareDistance, ID_LENGTH, randomIdWithPrefix, sharedPrefixBits } from './node-id';

/** Nodes a bucket holds (BEP 5's K). */
export const K = 8;
/** A node that has not answered or asked for this long is questionable (BEP 5). */
export const QUESTIONABLE_AFTER_MS = 15 * 60_000;
/** A bucket untouched for this long gets refreshed with a lookup inside its range (BEP 5). */
export const REFRESH_AFTER_MS = 15 * 60_000;
/** Failed queries in a row that make a node bad. */
const MAX_FAILURES = 2;

export type Liveness = 'good' | 'questionable' | 'bad';

interface Contact {
  readonly id: Buffer;
  readonly host: string;
  readonly port: number;
  /** Last answer to our query or query from it, after it once answered us. */
  lastSeen: number;
  failures: number;
}

interface Bucket {
  contacts: Contact[];
  /** Nodes waiting for a place: newest last, at most K. */
  replacements: Contact[];
  lastChanged: number;
}

/** What happened to a node offered to the table. */
export type InsertResult =
  | { readonly kind: 'added' | 'updated' | 'cached' | 'rejected' }
  /** The bucket is full of live-looking nodes: ping this questionable one; if it fails, the new node gets in. */
  | { readonly kind: 'ping'; readonly node: NodeInfo };

/**
 * A Kademlia routing table of buckets that split (BEP 5): bucket i holds nodes whose ids share
 * exactly i leading bits with ours; the last bucket holds the rest and is the only one that splits,
 * so the table is finest near our own id. It holds only nodes that answered a query of ours, at most
 * K per bucket and 160 buckets, so its memory is bounded whatever the network sends.
 */
export class RoutingTable {
  readonly #buckets: Bucket[];
  readonly #now: () => number;

  constructor(readonly ownId: Buffer, now: () => number = Date.now) {
    this.#now = now;
    this.#buckets = [{ contacts: [], replacements: [], lastChanged: now() }];
  }

  get size(): number {
    return this.#buckets.reduce((n, b) => n + b.contacts.length, 0);
  }

  liveness(contact: { lastSeen: number; failures: number }): Liveness {
    if (contact.failures >= MAX_FAILURES) return 'bad';
    return this.#now() - contact.lastSeen < QUESTIONABLE_AFTER_MS && contact.failures === 0 ? 'good' : 'questionable';
  }

  /** A node answered a query of ours (it is verified): add or refresh it. */
  heard(node: NodeInfo): InsertResult {
    if (node.id.length !== ID_LENGTH || node.id.equals(this.ownId)) return { kind: 'rejected' };
    const now = this.#now();
    for (;;) {
      const index = this.#indexOf(node.id);
      const bucket = this.#buckets[index]!;
      const known = bucket.contacts.find((c) => c.id.equals(node.id));
      if (known) {
        // An id that moved to another address is not trusted to be the same node.
        if (known.host !== node.host || known.port !== node.port) return { kind: 'rejected' };
        known.lastSeen = now;
        known.failures = 0;
        bucket.lastChanged = now;
        return { kind: 'updated' };
      }
      if (this.#addressTaken(node)) return { kind: 'rejected' };
      if (bucket.contacts.length < K) {
        bucket.contacts.push({ id: node.id, host: node.host, port: node.port, lastSeen: now, failures: 0 });
        bucket.replacements = bucket.replacements.filter((c) => !c.id.equals(node.id));
        bucket.lastChanged = now;
        return { kind: 'added' };
      }
      if (index === this.#buckets.length - 1 && this.#buckets.length < ID_LENGTH * 8) {
        this.#split();
        continue;
      }
      const bad = bucket.contacts.findIndex((c) => this.liveness(c) === 'bad');
      if (bad >= 0) {
        bucket.contacts[bad] = { id: node.id, host: node.host, port: node.port, lastSeen: now, failures: 0 };
        bucket.lastChanged = now;
        return { kind: 'added' };
      }
      this.#cache(bucket, { id: node.id, host: node.host, port: node.port, lastSeen: now, failures: 0 });
      const stale = bucket.contacts.find((c) => this.liveness(c) === 'questionable');
      return stale ? { kind: 'ping', node: info(stale) } : { kind: 'cached' };
    }
  }

  /** A node we know answered nothing: after MAX_FAILURES it is dropped for a cached replacement. */
  failed(id: Uint8Array): void {
    const bucket = this.#buckets[this.#indexOf(id)]!;
    const at = bucket.contacts.findIndex((c) => c.id.equals(id));
    if (at < 0) {
      bucket.replacements = bucket.replacements.filter((c) => !c.id.equals(id));
      return;
    }
    const contact = bucket.contacts[at]!;
    contact.failures++;
    if (contact.failures < MAX_FAILURES) return;
    const replacement = bucket.replacements.pop();
    if (replacement) bucket.contacts[at] = replacement;
    else bucket.contacts.splice(at, 1);
    bucket.lastChanged = this.#now();
  }

  /** The `count` non-bad nodes closest to `target`, closest first. */
  closest(target: Uint8Array, count: number = K): NodeInfo[] {
    const all: Contact[] = [];
    for (const bucket of this.#buckets) for (const c of bucket.contacts) if (this.liveness(c) !== 'bad') all.push(c);
    all.sort((a, b) => compareDistance(target, a.id, b.id));
    return all.slice(0, count).map(info);
  }

  /** Questionable nodes, to ping before they are trusted again. */
  questionable(): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const bucket of this.#buckets) for (const c of bucket.contacts) if (this.liveness(c) === 'questionable') out.push(info(c));
    return out;
  }

  /** For each bucket untouched for REFRESH_AFTER_MS, a random id inside its range to look up; marks them touched. */
  refreshTargets(): Buffer[] {
    const now = this.#now();
    const out: Buffer[] = [];
    this.#buckets.forEach((bucket, i) => {
      if (now - bucket.lastChanged < REFRESH_AFTER_MS) return;
      bucket.lastChanged = now;
      out.push(randomIdWithPrefix(this.ownId, i)); // shares exactly i bits: inside bucket i
    });
    return out;
  }

  /** Every node, good ones first: what is saved with the session. */
  nodes(): NodeInfo[] {
    const all = this.#buckets.flatMap((b) => b.contacts);
    all.sort((a, b) => b.lastSeen - a.lastSeen);
    return all.filter((c) => this.liveness(c) !== 'bad').map(info);
  }

  #indexOf(id: Uint8Array): number {
    return Math.min(sharedPrefixBits(this.ownId, id), this.#buckets.length - 1);
  }

  #addressTaken(node: NodeInfo): boolean {
    return this.#buckets.some((b) => b.contacts.some((c) => c.host === node.host && c.port === node.port));
  }

  #cache(bucket: Bucket, contact: Contact): void {
    bucket.replacements = bucket.replacements.filter((c) => !c.id.equals(contact.id) && !(c.host === contact.host && c.port === contact.port));
    bucket.replacements.push(contact);
    if (bucket.replacements.length > K) bucket.replacements.shift();
  }

  /** Splits the last bucket: nodes sharing one more bit with us move to a new last bucket. */
  #split(): void {
    const depth = this.#buckets.length - 1;
    const old = this.#buckets[depth]!;
    const near = (c: Contact) => sharedPrefixBits(this.ownId, c.id) > depth;
    const next: Bucket = { contacts: old.contacts.filter(near), replacements: old.replacements.filter(near), lastChanged: old.lastChanged };
    old.contacts = old.contacts.filter((c) => !near(c));
    old.replacements = old.replacements.filter((c) => !near(c));
    this.#buckets.push(next);
  }
}

function info(c: Contact): NodeInfo {
  return { id: c.id, host: c.host, port: c.port };
}
