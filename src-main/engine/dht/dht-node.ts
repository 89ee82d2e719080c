import { isIPv6 } from 'node:net';
import type { PeerAddress } from '../net/peer-address';
import { AddressGuard } from './address-guard';
import type { NodeInfo } from './compact';
import { ExternalAddress } from './external-address';
import { encodeError, encodeResponse, ERROR_METHOD_UNKNOWN, ERROR_PROTOCOL, type KrpcError, type Message, type Response } from './krpc';
import { lookup, type LookupResult } from './lookup';
import { bep42Id, bep42Valid, ID_LENGTH, randomId } from './node-id';
import { ipBytes } from '../net/ip-bytes';
import { PeerStore } from './peer-store';
import { Rpc, type OutgoingQuery } from './rpc';
import { K, RoutingTable } from './routing-table';
import { TokenSecrets } from './tokens';

/** Maintenance runs this often: refresh stale buckets, ping questionable nodes, expire peers. */
const MAINTENANCE_MS = 30_000;
/** Pings checking on new or questionable nodes at once; more wait for the next chance. */
const MAX_CHECK_PINGS = 16;
/** How long a lookup waits for a node's verifying ping before asking it again anyway. */
const REASK_WAIT_MS = 500;
/** Nodes awaited that way at once. */
const MAX_AWAITING_PING = 64;
/** Lookups run one after another when the table is empty and a bootstrap is already under way. */
const MIN_BOOTSTRAP_GAP_MS = 30_000;

export interface DhtNodeOptions {
  readonly send: (bytes: Buffer, to: PeerAddress) => void;
  /** Our node id; absent: a random one, replaced by a BEP 42 id once our external address is known. */
  readonly id?: Buffer;
  /** Routers and nodes to start from (names are resolved with `resolve`). */
  readonly bootstrap: readonly PeerAddress[];
  /** Nodes saved from the last run, tried before the bootstrap list. */
  readonly savedNodes?: readonly NodeInfo[];
  readonly resolve?: (host: string) => Promise<string[]>;
  /** The socket reaches IPv6 nodes too (BEP 32): we ask for and serve `nodes6`. */
  readonly ipv6?: boolean;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/**
 * One BEP 5 DHT node: answers queries (ping, find_node, get_peers, announce_peer; anything else is
 * error 204), keeps a routing table of nodes that answered us, and runs lookups and announces for
 * the session. Datagrams come in through `receive`; replies go out through `send`.
 */
export class DhtNode {
  #id: Buffer;
  #table: RoutingTable;
  readonly #rpc: Rpc;
  readonly #tokens: TokenSecrets;
  readonly #store: PeerStore;
  readonly #guard: AddressGuard;
  readonly #external = new ExternalAddress();
  readonly #o: DhtNodeOptions;
  readonly #timer: NodeJS.Timeout;
  #checkPings = 0;
  /** Lookups waiting for a node's verifying ping before asking it again: "host:port" → wake-ups. */
  readonly #awaitingPing = new Map<string, (() => void)[]>();
  #lastBootstrap = -Infinity;
  #bootstrapping: Promise<void> | undefined;
  #closed = false;

  constructor(options: DhtNodeOptions) {
    this.#o = options;
    const now = options.now ?? Date.now;
    this.#id = options.id?.length === ID_LENGTH ? Buffer.from(options.id) : randomId();
    this.#table = new RoutingTable(this.#id, now);
    this.#tokens = new TokenSecrets(now);
    this.#store = new PeerStore(now);
    this.#guard = new AddressGuard(now);
    this.#rpc = new Rpc({
      send: options.send,
      onQuery: (message, from) => this.#onQuery(message, from),
      onBadMessage: (err, from, size) => this.#onBadMessage(err, from, size),
    });
    this.#timer = setInterval(() => this.#maintain(), MAINTENANCE_MS);
    this.#timer.unref();
  }

  get id(): Buffer {
    return this.#id;
  }

  get nodeCount(): number {
    return this.#table.size;
  }

  /** Queries sent since start. */
  get queriesSent(): number {
    return this.#rpc.sent;
  }

  /** Nodes worth saving for the next run, best first. */
  nodes(): NodeInfo[] {
    return this.#table.nodes();
  }

  /** A datagram for the DHT arrived from `from`. */
  receive(bytes: Uint8Array, from: PeerAddress): void {
    if (!this.#closed) this.#rpc.receive(bytes, from);
  }

  /** Fills the routing table from saved nodes and the bootstrap list; resolves when the first lookup ends. */
  bootstrap(): Promise<void> {
    this.#bootstrapping ??= this.#bootstrap().finally(() => {
      this.#bootstrapping = undefined;
    });
    return this.#bootstrapping;
  }

  /** Looks up peers for `infoHash`; `onPeers` hears them as they come. */
  async getPeers(infoHash: Buffer, onPeers?: (peers: PeerAddress[]) => void): Promise<LookupResult> {
    // Peers announced to this very node count too (in a small network we may be the closest node).
    const stored = this.#store.get(infoHash.toString('hex'));
    if (stored.length > 0) onPeers?.(stored);
    if (this.#table.size === 0) await this.bootstrap();
    const found = await this.#lookup(infoHash, { method: 'get_peers', infoHash }, onPeers);
    const known = new Set(found.peers.map((p) => `${p.host}:${p.port}`));
    return { ...found, peers: [...found.peers, ...stored.filter((p) => !known.has(`${p.host}:${p.port}`))] };
  }

  /**
   * Looks up peers for `infoHash` and announces us (peer port `port`) to the closest nodes that
   * gave a token. Resolves with the peers found and how many nodes took the announce.
   */
  async announce(infoHash: Buffer, port: number, onPeers?: (peers: PeerAddress[]) => void): Promise<{ peers: PeerAddress[]; announced: number }> {
    const found = await this.getPeers(infoHash, onPeers);
    const results = await Promise.all(
      found.closest
        .filter((n) => n.token)
        .map((n) =>
          this.#query(n, { method: 'announce_peer', infoHash, port, impliedPort: false, token: n.token! }).then(
            () => true,
            () => false,
          ),
        ),
    );
    return { peers: found.peers, announced: results.filter(Boolean).length };
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#rpc.close();
  }

  async #bootstrap(): Promise<void> {
    this.#lastBootstrap = (this.#o.now ?? Date.now)();
    const seeds: NodeInfo[] = [...(this.#o.savedNodes ?? [])];
    const routers = await this.#resolveAll(this.#o.bootstrap);
    // A router's id is unknown until it answers a ping; its answer puts it in the table.
    const pinged = await Promise.all(routers.map((r) => this.#query(r, { method: 'ping' }).then((a) => ({ ...r, id: a.id }), () => undefined)));
    for (const node of pinged) if (node) seeds.push(node);
    if (seeds.length === 0 || this.#closed) return;
    await this.#lookup(this.#id, { method: 'find_node', target: this.#id }, undefined, seeds);
  }

  async #resolveAll(addresses: readonly PeerAddress[]): Promise<PeerAddress[]> {
    const out: PeerAddress[] = [];
    await Promise.all(
      addresses.map(async (a) => {
        if (ipBytes(a.host)) {
          out.push(a);
          return;
        }
        try {
          for (const host of (await this.#o.resolve?.(a.host)) ?? []) if (this.#o.ipv6 || !isIPv6(host)) out.push({ host, port: a.port });
        } catch {
          this.#o.log?.(`DHT: cannot resolve bootstrap node ${a.host}`);
        }
      }),
    );
    return out;
  }

  #lookup(target: Buffer, query: OutgoingQuery, onPeers?: (peers: PeerAddress[]) => void, seeds?: readonly NodeInfo[]): Promise<LookupResult> {
    return lookup({
      target,
      ownId: this.#id,
      seeds: [...this.#table.closest(target, 2 * K), ...(seeds ?? [])],
      ask: (node) => this.#ask(node, query),
      ...(onPeers ? { onPeers } : {}),
    });
  }

  /**
   * One lookup step. A node that has not verified us yet answers without nodes or values (see
   * #reply) and pings us; once we answered its ping, we ask again.
   */
  async #ask(node: NodeInfo, query: OutgoingQuery): Promise<Response | undefined> {
    const first = await this.#query(node, query).catch(() => undefined);
    if (!first || !withheld(first.response)) return first?.response;
    const key = `${node.host}:${node.port}`;
    if (this.#awaitingPing.size >= MAX_AWAITING_PING) return first.response;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, REASK_WAIT_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      const waiting = this.#awaitingPing.get(key) ?? [];
      waiting.push(done);
      this.#awaitingPing.set(key, waiting);
    });
    this.#awaitingPing.delete(key);
    const again = await this.#query(node, query).catch(() => undefined);
    return again?.response ?? first.response;
  }

  /** Sends a query; the answer verifies the node and puts it in the routing table. */
  async #query(to: NodeInfo | PeerAddress, query: OutgoingQuery): Promise<{ id: Buffer; response: Response }> {
    const want = this.#o.ipv6 && (query.method === 'find_node' || query.method === 'get_peers') ? { want: { v4: true, v6: true } } : {};
    try {
      const answer = await this.#rpc.query(to, this.#id, { ...query, ...want });
      this.#guard.verify(to.host, to.port);
      this.#heard({ id: answer.id, host: to.host, port: to.port });
      if (answer.ip) this.#learnAddress(to, answer.ip);
      return answer;
    } catch (err) {
      if ('id' in to) this.#table.failed(to.id);
      throw err;
    }
  }

  #heard(node: NodeInfo): void {
    const result = this.#table.heard(node);
    if (result.kind === 'ping') this.#checkPing(result.node);
  }

  /** Pings a node to learn whether it is alive (a questionable one, or one that queried us). */
  #checkPing(node: PeerAddress): void {
    if (this.#checkPings >= MAX_CHECK_PINGS || this.#closed) return;
    this.#checkPings++;
    this.#query(node, { method: 'ping' })
      .catch(() => undefined)
      .finally(() => this.#checkPings--);
  }

  #onQuery(message: Extract<Message, { y: 'q' }>, from: PeerAddress): void {
    if (!this.#guard.allow(from.host, from.port)) return;
    const { t, query } = message;
    // An asker whose address is not verified yet is pinged: its answer proves the address and adds it.
    const verified = this.#guard.verified(from.host, from.port);
    if (!verified && !message.readOnly) this.#checkPing(from);
    const family = isIPv6(from.host) && !from.host.startsWith('::ffff:') ? 6 : 4;
    switch (query.method) {
      case 'ping': {
        this.#reply(t, from, {}, verified, message);
        const waiting = this.#awaitingPing.get(`${from.host}:${from.port}`);
        if (waiting) setImmediate(() => waiting.forEach((wake) => wake()));
        return;
      }
      case 'find_node':
      case 'get_peers': {
        const target = query.method === 'find_node' ? query.target : query.infoHash;
        const want = query.want ?? { v4: family === 4, v6: family === 6 };
        const response: { nodes?: NodeInfo[]; nodes6?: NodeInfo[]; values?: PeerAddress[]; token?: Buffer } = {};
        if (want.v4) response.nodes = this.#table.closest(target, 2 * K).filter((n) => !isIPv6(n.host)).slice(0, K);
        if (want.v6 && this.#o.ipv6) response.nodes6 = this.#table.closest(target, 2 * K).filter((n) => isIPv6(n.host)).slice(0, K);
        if (query.method === 'get_peers') {
          response.token = this.#tokens.issue(from.host);
          const values = this.#store.get(query.infoHash.toString('hex')).filter((p) => isIPv6(p.host) === (family === 6));
          if (values.length > 0) response.values = values;
        }
        return this.#reply(t, from, response, verified, message);
      }
      case 'announce_peer': {
        if (!this.#tokens.valid(from.host, query.token)) return this.#error(t, from, ERROR_PROTOCOL, 'bad token', message.size);
        this.#store.add(query.infoHash.toString('hex'), { host: from.host, port: query.impliedPort ? from.port : query.port });
        return this.#reply(t, from, {}, verified, message);
      }
      case 'unknown':
        return this.#error(t, from, ERROR_METHOD_UNKNOWN, 'Method Unknown', message.size);
    }
  }

  #onBadMessage(err: KrpcError, from: PeerAddress, size: number): void {
    if (err.queryTid && this.#guard.allow(from.host, from.port)) this.#error(err.queryTid, from, ERROR_PROTOCOL, 'Protocol Error', size);
  }

  /**
   * Sends a reply. To an address that has not proved it receives there, the reply may be no larger
   * than the query (no amplification): past that it carries no nodes or values, only the token (the
   * asker was pinged, and asks again once it answered), or it is not sent at all.
   */
  #reply(t: Buffer, to: PeerAddress, response: Response, verified: boolean, query: { readonly size: number }): void {
    let bytes = encodeResponse(t, this.#id, to, response);
    if (!verified && bytes.length > query.size) {
      const withheld: Response = { ...(response.token ? { token: response.token } : {}), ...(response.nodes ? { nodes: [] } : {}) };
      bytes = encodeResponse(t, this.#id, to, withheld, true);
      if (bytes.length > query.size) return;
    }
    this.#o.send(bytes, to);
  }

  /** An error reply, under the same no-amplification rule as any reply (`size`: the query's). */
  #error(t: Buffer, to: PeerAddress, code: number, text: string, size: number): void {
    const bytes = encodeError(t, code, text);
    if (!this.#guard.verified(to.host, to.port) && bytes.length > size) return;
    this.#o.send(bytes, to);
  }

  /**
   * BEP 42: once enough nodes agree on our external address and our id does not fit it, take an
   * id that does, and carry the routing table over to it.
   */
  #learnAddress(voter: PeerAddress, named: PeerAddress): void {
    const address = this.#external.vote(voter, named);
    const bytes = address ? ipBytes(address) : undefined;
    if (!bytes || bep42Valid(this.#id, bytes)) return;
    const id = bep42Id(bytes.length === 16 ? bytes.subarray(0, 8) : bytes);
    this.#o.log?.(`DHT: our address is ${address}; node id now ${id.toString('hex')} (BEP 42)`);
    const old = this.#table;
    this.#id = id;
    this.#table = new RoutingTable(id, this.#o.now ?? Date.now);
    for (const node of old.nodes()) this.#table.heard(node);
  }

  #maintain(): void {
    if (this.#closed) return;
    this.#store.expire();
    const now = (this.#o.now ?? Date.now)();
    if (this.#table.size === 0) {
      if (now - this.#lastBootstrap >= MIN_BOOTSTRAP_GAP_MS) void this.bootstrap();
      return;
    }
    for (const node of this.#table.questionable().slice(0, MAX_CHECK_PINGS)) this.#checkPing(node);
    for (const target of this.#table.refreshTargets().slice(0, 4)) void this.#lookup(target, { method: 'find_node', target });
  }
}

/** An answer without nodes or values: what a node gives an asker it has not verified yet. */
function withheld(response: Response): boolean {
  return !response.values?.length && !response.nodes?.length && !response.nodes6?.length;
}
