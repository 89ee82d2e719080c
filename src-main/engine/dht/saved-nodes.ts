import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import type { NodeInfo } from './compact';
import { ID_LENGTH } from './node-id';
import { ipBytes } from '../net/ip-bytes';
import { reasonOf } from '../../../src-shared/errors';

/** What the DHT keeps across restarts (beside the session): our id and the nodes that answered us. */
export interface SavedDht {
  readonly id?: Buffer;
  readonly nodes: NodeInfo[];
}

const FILE = 'dht-nodes.json';
/** Nodes saved at most; more would only slow the next start. */
const MAX_SAVED = 200;

/** Reads the saved nodes; a missing or damaged file is an empty start (the log says so for damage). */
export async function loadDhtState(stateDir: string, log?: (line: string) => void): Promise<SavedDht> {
  let text: string;
  try {
    text = await readFile(join(stateDir, FILE), 'utf8');
  } catch {
    return { nodes: [] };
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) throw new Error('not an object');
    const { id, nodes } = raw as { id?: unknown; nodes?: unknown };
    const ownId = typeof id === 'string' && /^[0-9a-f]{40}$/.test(id) ? Buffer.from(id, 'hex') : undefined;
    const valid: NodeInfo[] = [];
    for (const n of Array.isArray(nodes) ? nodes.slice(0, MAX_SAVED) : []) {
      const { id: nid, host, port } = (n ?? {}) as { id?: unknown; host?: unknown; port?: unknown };
      if (typeof nid !== 'string' || !/^[0-9a-f]{40}$/.test(nid) || typeof host !== 'string' || !ipBytes(host)) continue;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue;
      valid.push({ id: Buffer.from(nid, 'hex'), host, port });
    }
    return { ...(ownId?.length === ID_LENGTH ? { id: ownId } : {}), nodes: valid };
  } catch (err) {
    log?.(`DHT: the saved nodes in ${join(stateDir, FILE)} are unreadable (${reasonOf(err)}); starting from the bootstrap list`);
    return { nodes: [] };
  }
}

export async function saveDhtState(stateDir: string, state: SavedDht): Promise<void> {
  const json = {
    ...(state.id ? { id: state.id.toString('hex') } : {}),
    nodes: state.nodes.slice(0, MAX_SAVED).map((n) => ({ id: n.id.toString('hex'), host: n.host, port: n.port })),
  };
  await writeFileAtomic(join(stateDir, FILE), JSON.stringify(json));
}
