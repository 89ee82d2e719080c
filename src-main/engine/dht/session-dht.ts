import { lookup as dnsLookup } from 'node:dns/promises';
import type { PeerUdpSocket } from '../net/peer-udp-socket';
import type { PeerAddress } from '../net/peer-address';
import { DEFAULT_BOOTSTRAP, parseDhtNode } from './bootstrap-list';
import { DhtAnnouncer } from './dht-announcer';
import { DhtNode } from './dht-node';
import { loadDhtState, saveDhtState } from './saved-nodes';
import { reasonOf } from '../../../src-shared/errors';

/** A torrent the DHT looks up peers for. */
export interface DhtTarget {
  readonly infoHash: string;
  /** Announce our peer port (we have the metadata and trade); otherwise only look for peers. */
  readonly announce: boolean;
  addPeers(peers: readonly PeerAddress[]): void;
}

/** How often the session's torrents are matched with the DHT's lookups. */
const SYNC_MS = 1000;
/** How often the routing table is saved (and at close). */
const SAVE_MS = 5 * 60_000;

/**
 * The session's DHT: one node on the UDP side of the peer port, its saved routing table, and the
 * lookups and announces of the torrents `targets` names (public ones only: the session leaves
 * private torrents out, BEP 27). The first lookup bootstraps the node.
 */
export class SessionDht {
  readonly #socket: PeerUdpSocket;
  readonly #node: DhtNode;
  readonly #announcer: DhtAnnouncer;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #o: SessionDhtOptions;
  /** The targets being looked up, by info-hash. */
  readonly #tracked = new Map<string, DhtTarget>();
  #closed = false;

  private constructor(socket: PeerUdpSocket, node: DhtNode, o: SessionDhtOptions) {
    this.#socket = socket;
    this.#node = node;
    this.#o = o;
    this.#announcer = new DhtAnnouncer(node, () => socket.port);
    socket.on('dht', (bytes, from) => node.receive(bytes, from));
    const sync = setInterval(() => this.#sync(), SYNC_MS);
    const save = setInterval(() => void this.#save(), SAVE_MS);
    sync.unref();
    save.unref();
    this.#timers.push(sync, save);
  }

  /** Starts on the UDP side of the peer port (`socket`, which the session owns) and loads the saved nodes. */
  static async start(o: SessionDhtOptions): Promise<SessionDht> {
    const socket = o.socket;
    const saved = o.stateDir !== undefined ? await loadDhtState(o.stateDir, o.log) : { nodes: [] };
    const node = new DhtNode({
      send: (bytes, to) => socket.send(bytes, to),
      ...(saved.id ? { id: saved.id } : {}),
      bootstrap: (o.bootstrap ?? DEFAULT_BOOTSTRAP).map(parseDhtNode),
      savedNodes: saved.nodes,
      resolve: async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address),
      ipv6: socket.ipv6,
      ...(o.log ? { log: o.log } : {}),
    });
    const dht = new SessionDht(socket, node, o);
    dht.#sync();
    return dht;
  }

  get nodeCount(): number {
    return this.#node.nodeCount;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#announcer.close();
    this.#node.close();
    this.#socket.off('dht');
    await this.#save();
  }

  #sync(): void {
    const wanted = new Map<string, DhtTarget>();
    for (const target of this.#o.targets()) wanted.set(target.infoHash, target);
    for (const infoHash of this.#tracked.keys()) {
      if (!wanted.has(infoHash)) {
        this.#announcer.untrack(infoHash);
        this.#tracked.delete(infoHash);
      }
    }
    for (const [infoHash, target] of wanted) {
      this.#tracked.set(infoHash, target);
      // The torrent object may change (a magnet becomes a torrent): peers go to the current one.
      this.#announcer.track(infoHash, { announce: target.announce, onPeers: (peers) => this.#tracked.get(infoHash)?.addPeers(peers) });
    }
  }

  async #save(): Promise<void> {
    if (this.#o.stateDir === undefined) return;
    const nodes = this.#node.nodes();
    if (nodes.length === 0) return; // an empty table is not worth keeping over an older one
    await saveDhtState(this.#o.stateDir, { id: this.#node.id, nodes }).catch((err: unknown) => {
      this.#o.log?.(`DHT: could not save its nodes: ${reasonOf(err)}`);
    });
  }
}

export interface SessionDhtOptions {
  /** The UDP side of the peer port, shared with uTP. */
  readonly socket: PeerUdpSocket;
  readonly stateDir?: string;
  /** `HOST:PORT` of the nodes to start from; absent: the public routers. */
  readonly bootstrap?: readonly string[];
  /** The torrents that want DHT peers now. */
  readonly targets: () => Iterable<DhtTarget>;
  readonly log?: (line: string) => void;
}
