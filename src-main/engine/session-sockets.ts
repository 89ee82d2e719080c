import type { PortForwardingStatus } from '../../src-shared/contract';
import { isIPv4 } from 'node:net';
import { reasonOf, ShoalError } from '../../src-shared/errors';
import { startTrackerServer, type TrackerServer } from '../tracker-server/tracker-server';
import { SessionDht, type SessionDhtOptions } from './dht/session-dht';
import { LocalDiscovery, type LsdTarget } from './discovery/local-discovery';
import { PeerListener, type IncomingRouter } from './listener';
import type { IncomingEncryption } from './wire/incoming-reader';
import { PortForwarding } from './portmap/port-forwarding';
import { PeerUdpSocket } from './net/peer-udp-socket';
import { UtpManager } from './utp/utp-manager';

export const DEFAULT_PORT = 6881;
export const DEFAULT_TRACKER_PORT = 6969;
const NOT_FORWARDING: PortForwardingStatus = { state: 'off', externalPort: null, externalAddress: null, via: [], reason: null };

export interface SessionSocketsOptions extends Omit<SessionDhtOptions, 'socket' | 'bootstrap'> {
  /** The address to listen on (absent: every interface, IPv6 and IPv4). */
  readonly host?: string;
  /** Hands an incoming peer to its torrent. */
  readonly route: IncomingRouter;
  /** The `tcp` setting now: off, incoming TCP connections are closed at once (uTP only). */
  readonly takesTcp: () => boolean;
  /** Which of plain and encrypted incoming peers are taken, and how an encrypted one names its torrent. */
  readonly encryption: IncomingEncryption;
  /** Port forwarding's state changed (the status bar shows it; trackers hear a new external port). */
  readonly forwarding?: (status: PortForwardingStatus) => void;
  /** The torrents local peer discovery announces (public ones). */
  readonly lsdTargets: () => Iterable<LsdTarget>;
}

/**
 * The session's listening sockets: the one port for peers (TCP, and on its UDP side the DHT and
 * uTP when their settings are on), the embedded tracker when it runs, and the peer port's mappings
 * on the router when `portForwarding` is on.
 */
export class SessionSockets {
  readonly #o: SessionSocketsOptions;
  #listener: PeerListener | undefined;
  #tracker: TrackerServer | undefined;
  #dht: SessionDht | undefined;
  #portmap: PortForwarding | undefined;
  #forwarding = NOT_FORWARDING;
  #lsd: LocalDiscovery | undefined;
  /** The UDP side of the peer port (the DHT's and uTP's); absent if someone else holds it. */
  #udp: PeerUdpSocket | undefined;
  #utp: UtpManager | undefined;
  #utpWanted = false;
  #dhtWanted: { readonly on: boolean; readonly bootstrap: readonly string[] | undefined } = { on: false, bootstrap: undefined };

  constructor(options: SessionSocketsOptions) {
    this.#o = options;
  }

  /** The port peers reach us on; 0 while not listening. */
  get port(): number {
    return this.#listener?.port ?? 0;
  }

  get acceptsIPv6(): boolean {
    return this.#listener?.acceptsIPv6 ?? false;
  }

  /** Port forwarding's state, for the status bar. */
  get forwarding(): PortForwardingStatus {
    return this.#forwarding;
  }

  /**
   * Listens for peers on `port`. Only the default port gives way (to any free port, said in the
   * log): a port the user asked for (`asked`) must be theirs or an error.
   */
  async listen(port: number, asked: boolean, log?: (line: string) => void): Promise<void> {
    try {
      await this.#listen(port);
    } catch (err) {
      if (asked || !(err instanceof ShoalError && err.code === 'port-in-use')) throw err;
      await this.#listen(0);
      log?.(`port ${DEFAULT_PORT} is in use; listening on ${this.port} instead`);
    }
  }

  /** Moves to another port; if that fails, listens on `current` again and rethrows. */
  async movePort(port: number, current: number): Promise<void> {
    const old = this.#listener;
    await old?.close();
    try {
      await this.#listen(port);
    } catch (err) {
      if (old) await this.#listen(current).catch(() => undefined);
      throw err;
    }
  }

  /** Starts, moves or stops the embedded tracker; on failure nothing changes. */
  async applyTracker(enabled: boolean, port: number): Promise<void> {
    const running = this.#tracker;
    if (enabled && running && running.httpPort === port) return;
    if (!enabled && !running) return;
    if (enabled) {
      // Peers elsewhere must reach a tracker, so it listens on every interface.
      const next = await startTrackerServer({ http: { host: '0.0.0.0', port }, udp: { host: '0.0.0.0', port } });
      await running?.close();
      this.#tracker = next;
    } else {
      await running?.close();
      this.#tracker = undefined;
    }
  }

  /** Starts the tracker the saved settings had running; a failure is told, and the session starts anyway. */
  async restartTracker(port: number | undefined, tell: (message: string) => void): Promise<void> {
    await this.applyTracker(true, port ?? DEFAULT_TRACKER_PORT).catch((err: unknown) => {
      tell(`The embedded tracker could not start again: ${reasonOf(err)}`);
    });
  }

  /** (Re)starts the DHT on the peer port, or stops it when `on` is false. */
  /** Nodes in the DHT's routing table; null while the DHT is off. */
  get dhtNodes(): number | null {
    return this.#dht?.nodeCount ?? null;
  }

  async applyDht(on: boolean, bootstrap: readonly string[] | undefined): Promise<void> {
    this.#dhtWanted = { on, bootstrap };
    await this.#dht?.close();
    this.#dht = undefined;
    if (!on || !this.#udp) return;
    const { route: _route, lsdTargets: _lsd, host: _host, takesTcp: _tcp, ...dht } = this.#o;
    this.#dht = await SessionDht.start({ ...dht, socket: this.#udp, ...(bootstrap ? { bootstrap } : {}) });
  }

  /** uTP connections, both ways, while the `utp` setting is on and the UDP port is ours. */
  get utp(): UtpManager | undefined {
    return this.#utp;
  }

  /** Starts or stops taking and making uTP connections (open ones are closed on stopping). */
  applyUtp(on: boolean): void {
    this.#utpWanted = on;
    if (on === (this.#utp !== undefined)) return;
    this.#utp?.close();
    this.#utp = undefined;
    this.#udp?.off('utp');
    const udp = this.#udp;
    if (!on || !udp) return;
    const utp = new UtpManager({
      send: (bytes, to) => udp.send(bytes, to),
      // Incoming uTP goes through the same handshake reading (and MSE detection) as TCP.
      accept: (socket) => (this.#listener ? this.#listener.accept(socket) : socket.destroy()),
    });
    udp.on('utp', (bytes, from) => utp.receive(bytes, from));
    this.#utp = utp;
  }

  /** (Re)starts mapping the peer port on the router, or stops it, removing the mappings made. */
  async applyPortForwarding(on: boolean): Promise<void> {
    await this.#portmap?.close();
    this.#portmap = undefined;
    this.#forwardingChanged(NOT_FORWARDING);
    if (!on) return;
    this.#portmap = new PortForwarding({
      port: this.port,
      changed: (status) => this.#forwardingChanged({ ...status, via: [...status.via] }),
      ...(this.#o.log ? { log: this.#o.log } : {}),
    });
  }

  /** Starts or stops local peer discovery (BEP 14) on the LAN's multicast groups. */
  async applyLsd(on: boolean): Promise<void> {
    if (on === (this.#lsd !== undefined)) return;
    this.#lsd?.close();
    this.#lsd = undefined;
    if (!on) return;
    const { host, log } = this.#o;
    // Listening on one IPv4 address: announce on that interface only (on loopback, nowhere real).
    const iface = host !== undefined && isIPv4(host) && host !== '0.0.0.0' ? host : undefined;
    this.#lsd = await LocalDiscovery.start({ port: () => this.port, targets: this.#o.lsdTargets, ...(iface ? { host: iface } : {}), ...(log ? { log } : {}) });
  }

  async close(): Promise<void> {
    this.#lsd?.close();
    this.#lsd = undefined;
    await this.#portmap?.close();
    await this.#listener?.close();
    await this.#tracker?.close();
    await this.#closeUdp();
  }

  /**
   * Binds the UDP side of the peer port and starts what runs on it. A UDP port someone else holds
   * costs the DHT and uTP, not the session: the log says so.
   */
  async #bindUdp(): Promise<void> {
    await this.#closeUdp();
    try {
      this.#udp = await PeerUdpSocket.bind(this.port, this.#o.host);
    } catch (err) {
      this.#o.log?.(`DHT and uTP off: ${reasonOf(err)}`);
      return;
    }
    this.applyUtp(this.#utpWanted);
    if (this.#dhtWanted.on) await this.applyDht(true, this.#dhtWanted.bootstrap);
  }

  async #closeUdp(): Promise<void> {
    this.#utp?.close();
    this.#utp = undefined;
    await this.#dht?.close();
    this.#dht = undefined;
    await this.#udp?.close();
    this.#udp = undefined;
  }

  #forwardingChanged(status: PortForwardingStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.#forwarding)) return;
    this.#forwarding = status;
    this.#o.forwarding?.(status);
  }

  /**
   * Without a host set, one dual-stack socket on `::` takes IPv6 and IPv4 peers alike (IPv4 ones
   * arrive as `::ffff:a.b.c.d`, which the swarm reads as IPv4); a machine without IPv6 gets `0.0.0.0`.
   */
  async #listen(port: number): Promise<void> {
    const { host, route, encryption, takesTcp } = this.#o;
    this.#listener = undefined;
    if (host === undefined) {
      try {
        this.#listener = await PeerListener.listen(port, '::', route, encryption, takesTcp);
      } catch (err) {
        if (!(err instanceof ShoalError && err.code === 'network')) throw err; // the port, not IPv6, is the problem
      }
    }
    this.#listener ??= await PeerListener.listen(port, host ?? '0.0.0.0', route, encryption, takesTcp);
    await this.#bindUdp();
  }
}
