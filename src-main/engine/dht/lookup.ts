import type { PeerAddress } from '../net/peer-address';
import type { NodeInfo } from './compact';
import type { Response } from './krpc';
import { compareDistance } from './node-id';
import { K } from './routing-table';

/** Queries in flight at once per lookup (Kademlia's α). */
export const ALPHA = 3;
/** A query unanswered this long stops holding one of the α slots (it may still answer). */
const SLOW_MS = 800;
/** Candidates kept, closest first; farther ones cannot matter once K closer ones answer. */
const MAX_CANDIDATES = 4 * K;
/** A hard stop on queries per lookup, whatever the network sends. */
const MAX_QUERIES = 200;
/** Peers gathered per lookup. */
const MAX_PEERS = 1000;

export interface Responder extends NodeInfo {
  readonly token?: Buffer;
}

export interface LookupResult {
  /** The K closest nodes that answered, closest first, with the token each gave (get_peers). */
  readonly closest: Responder[];
  readonly peers: PeerAddress[];
  readonly queries: number;
}

interface Candidate {
  readonly node: NodeInfo;
  state: 'new' | 'asked' | 'slow' | 'answered' | 'failed';
  token?: Buffer;
}

/**
 * An iterative Kademlia lookup: ask the α closest unasked nodes, learn closer ones from their
 * answers, and stop once the K closest known nodes have all answered (or failed). `ask` sends the
 * query (find_node or get_peers) and resolves to the answer, or undefined when the node failed.
 */
export function lookup(o: {
  readonly target: Buffer;
  readonly seeds: readonly NodeInfo[];
  readonly ask: (node: NodeInfo) => Promise<Response | undefined>;
  readonly onPeers?: (peers: PeerAddress[]) => void;
  readonly ownId?: Buffer;
}): Promise<LookupResult> {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const peers = new Map<string, PeerAddress>();
  let queries = 0;
  let active = 0;

  const add = (node: NodeInfo) => {
    const key = `${node.host}:${node.port}`;
    if (seen.has(key) || seen.has(node.id.toString('hex')) || (o.ownId && node.id.equals(o.ownId))) return;
    seen.add(key);
    seen.add(node.id.toString('hex'));
    candidates.push({ node, state: 'new' });
    candidates.sort((a, b) => compareDistance(o.target, a.node.id, b.node.id));
    // Dropping far unasked candidates keeps memory bounded; asked ones stay so answers still land.
    for (let i = candidates.length - 1; i >= MAX_CANDIDATES && candidates.length > MAX_CANDIDATES; i--) {
      if (candidates[i]!.state === 'new') candidates.splice(i, 1);
    }
  };
  o.seeds.forEach(add);

  return new Promise((resolve) => {
    let done = false;
    const step = () => {
      if (done) return;
      // Only the K closest live candidates are worth asking; the lookup ends when each of them
      // has answered, and nothing asked is still awaited.
      let live = 0;
      let waiting = active > 0;
      for (const c of candidates) {
        if (live >= K) break;
        if (c.state === 'failed') continue;
        live++;
        if (c.state === 'slow') waiting = true;
        if (c.state !== 'new' || queries >= MAX_QUERIES) continue;
        if (active >= ALPHA) {
          waiting = true;
          continue;
        }
        c.state = 'asked';
        active++;
        queries++;
        waiting = true;
        void ask(c);
      }
      if (waiting) return;
      done = true;
      const closest = candidates.filter((c) => c.state === 'answered').slice(0, K);
      resolve({ closest: closest.map((c) => ({ ...c.node, ...(c.token ? { token: c.token } : {}) })), peers: [...peers.values()], queries });
    };
    const ask = async (c: Candidate) => {
      const slow = setTimeout(() => {
        if (c.state !== 'asked') return;
        c.state = 'slow';
        active--;
        step();
      }, SLOW_MS);
      slow.unref();
      const answer = await o.ask(c.node);
      clearTimeout(slow);
      if (c.state === 'asked') active--;
      c.state = answer ? 'answered' : 'failed';
      if (answer && !done) {
        if (answer.token) c.token = answer.token;
        for (const n of [...(answer.nodes ?? []), ...(answer.nodes6 ?? [])]) add(n);
        const fresh: PeerAddress[] = [];
        for (const p of answer.values ?? []) {
          const key = `${p.host}:${p.port}`;
          if (peers.has(key) || peers.size >= MAX_PEERS) continue;
          peers.set(key, p);
          fresh.push(p);
        }
        if (fresh.length > 0) o.onPeers?.(fresh);
      }
      step();
    };
    step();
  });
}
