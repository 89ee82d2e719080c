// Test support: a libtorrent peer (python3-libtorrent) driven through libtorrent-peer.py, which
// documents the JSON commands; the DHT, PEX, LSD and encryption interop tests and bench:dht use it.
import { fileURLToPath } from 'node:url';
import { startProcess, waitFor, type RunningProcess } from './processes';

const script = fileURLToPath(new URL('./libtorrent-peer.py', import.meta.url));

export interface LibtorrentConfig {
  readonly port?: number;
  readonly dht?: boolean;
  readonly pex?: boolean;
  readonly lsd?: boolean;
  readonly dhtNodes?: readonly (readonly [string, number])[];
  readonly interface?: string;
  /** Seconds between its LSD announces (libtorrent's default: 5 minutes). */
  readonly lsdInterval?: number;
  /** Run inside this network namespace (see netns.ts). */
  readonly netns?: string;
  /** Count the peer messages it receives and sends, from its peer log (see `peerMessages`). */
  readonly peerLog?: boolean;
  /**
   * false (default): dials plain, accepts both; true: tries encryption; 'forced': RC4 only both ways;
   * 'handshake': encrypted handshakes only both ways, either payload (plaintext preferred); 'disabled': plain only.
   */
  readonly encryption?: boolean | 'forced' | 'handshake' | 'disabled';
  /** false (default): TCP only; true: TCP and uTP; 'only': uTP only (TCP off both ways). */
  readonly utp?: boolean | 'only';
  readonly torrents?: readonly LibtorrentTorrentSpec[];
}

/** A torrent to add: its file or magnet, where its data is, peers to dial, speed limits (bytes/s). */
export type LibtorrentTorrentSpec = ({ readonly torrent: string } | { readonly magnet: string }) & {
  readonly save_path: string;
  readonly peers?: readonly (readonly [string, number])[];
  readonly download_limit?: number;
  readonly upload_limit?: number;
};

export interface LibtorrentTorrentStatus {
  readonly info_hash: string;
  readonly progress: number;
  readonly state: string;
  /** Still paused by its queue: it refuses peers for this torrent until then. */
  readonly paused: boolean;
  readonly is_seeding: boolean;
  readonly has_metadata: boolean;
  readonly num_peers: number;
  readonly total_done: number;
  /** Connected peers: where libtorrent heard of each, and payload bytes each way. */
  readonly peers: readonly {
    readonly ip: string;
    readonly port: number;
    readonly sources: readonly string[];
    readonly uploaded: number;
    readonly downloaded: number;
    /** 'rc4', 'handshake' (plaintext after an encrypted handshake) or 'none'. */
    readonly encryption: 'rc4' | 'handshake' | 'none';
  }[];
}

export interface LibtorrentPeer {
  /** Its listening port, TCP and UDP (its DHT node). */
  readonly port: number;
  readonly process: RunningProcess;
  status(): Promise<{ dht_nodes: number; torrents: LibtorrentTorrentStatus[] }>;
  addDhtNode(host: string, port: number): Promise<void>;
  /** Its DHT announce of a torrent it has, now. */
  announce(infoHash: string): Promise<void>;
  /** A get_peers lookup of libtorrent's own, timed by it. */
  getPeers(infoHash: string, timeoutSeconds: number): Promise<{ ms: number; peers: [string, number][]; messages_out: number; timed_out: boolean }>;
  /** Peer messages received and sent so far by libtorrent's names (HAVE_ALL, ALLOWED_FAST, SUGGEST_PIECE, REJECT_PIECE…); needs `peerLog`. */
  peerMessages(): Promise<{ in: Record<string, number>; out: Record<string, number> }>;
  stop(): Promise<void>;
}

/** Starts libtorrent with the given setup; resolves once it listens. Run with Debian's /usr/bin/python3. */
export async function startLibtorrent(config: LibtorrentConfig): Promise<LibtorrentPeer> {
  const { netns, lsdInterval, dhtNodes, peerLog, ...rest } = config;
  const json = { ...rest, dht_nodes: dhtNodes ?? [], peer_log: peerLog, ...(lsdInterval !== undefined ? { lsd_interval: lsdInterval } : {}) };
  const python = ['/usr/bin/python3', script, JSON.stringify(json)];
  const proc = netns === undefined ? startProcess(python[0]!, python.slice(1), { stdin: true }) : startProcess('ip', ['netns', 'exec', netns, ...python], { stdin: true });
  const lines: string[] = [];
  let partial = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter((l) => l.startsWith('{')));
  });
  const ready = await waitFor('libtorrent to listen', () => lines.shift(), 20_000, 50).catch((err: Error) => {
    throw new Error(`${err.message}\n${proc.output().slice(-2000)}`);
  });
  const { port } = JSON.parse(ready) as { port: number };
  let queue = Promise.resolve();
  const command = <T>(cmd: object, timeoutMs = 30_000): Promise<T> => {
    const run = queue.then(async () => {
      proc.child.stdin?.write(`${JSON.stringify(cmd)}\n`);
      const line = await waitFor(`libtorrent to answer ${JSON.stringify(cmd)}`, () => lines.shift(), timeoutMs, 20);
      return JSON.parse(line) as T;
    });
    queue = run.then(() => undefined, () => undefined);
    return run;
  };
  return {
    port,
    process: proc,
    status: () => command({ cmd: 'status' }),
    addDhtNode: async (host, p) => void (await command({ cmd: 'add_dht_node', host, port: p })),
    announce: async (infoHash) => void (await command({ cmd: 'announce', info_hash: infoHash })),
    getPeers: (infoHash, timeoutSeconds) => command({ cmd: 'get_peers', info_hash: infoHash, timeout: timeoutSeconds }, (timeoutSeconds + 10) * 1000),
    peerMessages: () => command({ cmd: 'peer_messages' }),
    stop: () => proc.stop(),
  };
}

/** Waits until libtorrent's (first) torrent seeds, having all its data; resolves with that torrent's status. */
export async function untilSeeding(peer: LibtorrentPeer, timeoutMs: number, everyMs = 250, what = 'libtorrent to finish'): Promise<LibtorrentTorrentStatus> {
  return waitFor(
    what,
    async () => {
      const t = (await peer.status()).torrents[0];
      return t?.is_seeding ? t : undefined;
    },
    timeoutMs,
    everyMs,
  );
}

/** Waits until libtorrent takes peers for its (first) torrent: its queue resumes an added torrent about a second later. */
export async function untilResumed(peer: LibtorrentPeer, seeding: boolean): Promise<void> {
  await waitFor(
    'libtorrent to take peers',
    async () => {
      const status = (await peer.status()).torrents[0];
      return status && !status.paused && status.is_seeding === seeding ? true : undefined;
    },
    20_000,
    100,
  );
}
