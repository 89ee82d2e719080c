import { defaultGateway } from './gateway';
import type { MapProtocol } from './natpmp-packets';
import { NatPmpClient } from './natpmp-client';
import { searchGateways } from './ssdp';
import { UpnpGateway } from './upnp-gateway';
import { reasonOf } from '../../../src-shared/errors';

export type PortMapMethod = 'upnp' | 'natpmp';

export interface PortMapStatus {
  readonly state: 'trying' | 'mapped' | 'failed';
  /** The port peers outside reach us on (TCP), once mapped. */
  readonly externalPort: number | null;
  /** The router's external address, once one of them said it. */
  readonly externalAddress: string | null;
  /** The methods that hold a mapping now. */
  readonly via: readonly PortMapMethod[];
  /** Why each method that failed failed, when nothing is mapped. */
  readonly reason: string | null;
}

export interface PortForwardingOptions {
  /** The peer port, mapped for TCP (peers) and UDP (DHT, uTP). */
  readonly port: number;
  /** Lease asked for, seconds; renewed at half of what the router grants. */
  readonly leaseSeconds?: number;
  /** The IPv4 default gateway NAT-PMP talks to; `/proc/net/route`'s unless told. */
  readonly gateway?: () => Promise<string | undefined>;
  readonly natpmpPort?: number;
  readonly ssdpTarget?: { readonly address: string; readonly port: number };
  readonly ssdpWaitMs?: number;
  readonly log?: (line: string) => void;
  /** The status changed (the external port included). */
  readonly changed: (status: PortMapStatus) => void;
}

const PROTOCOLS: readonly MapProtocol[] = ['tcp', 'udp'];
/** How long a clean exit waits for the router to drop the mappings. */
const CLOSE_WAIT_MS = 3000;

/** One way of mapping: map (or renew) both protocols, unmap them. */
interface Mapper {
  /** Maps both protocols; resolves with the external port and the lease granted (0: for good). */
  map(lease: number): Promise<{ externalPort: number; lease: number }>;
  unmap(): Promise<void>;
  close(): void;
}

interface MethodState {
  mapper?: Mapper;
  mapped?: { externalPort: number };
  failed?: string;
  renew?: NodeJS.Timeout;
}

/**
 * Port forwarding on the home router: UPnP IGD and NAT-PMP tried together (a router may speak
 * either), each mapping TCP and UDP on the peer port, renewing at half the lease and removing
 * the mappings on close. Whatever a router answers, the worst it does is fail its method, with
 * the reason in the status.
 */
export class PortForwarding {
  readonly #o: PortForwardingOptions;
  readonly #methods: Record<PortMapMethod, MethodState> = { upnp: {}, natpmp: {} };
  #externalAddress: string | null = null;
  #closed = false;
  #last: PortMapStatus | undefined;
  readonly #started: Promise<void>;

  constructor(o: PortForwardingOptions) {
    this.#o = o;
    this.#started = Promise.all([this.#run('upnp', () => this.#upnp()), this.#run('natpmp', () => this.#natpmp())]).then(() => undefined);
    this.#report();
  }

  get status(): PortMapStatus {
    const via = (['upnp', 'natpmp'] as const).filter((m) => this.#methods[m].mapped);
    const first = via[0];
    const failures = (['upnp', 'natpmp'] as const).flatMap((m) => (this.#methods[m].failed ? [`${m === 'upnp' ? 'UPnP' : 'NAT-PMP'}: ${this.#methods[m].failed}`] : []));
    const settled = failures.length === 2;
    return {
      state: first ? 'mapped' : settled ? 'failed' : 'trying',
      externalPort: first ? this.#methods[first].mapped!.externalPort : null,
      externalAddress: this.#externalAddress,
      via,
      reason: first || failures.length === 0 ? null : failures.join('; '),
    };
  }

  /** Stops renewing and removes every mapping made, waiting a bounded time for the router. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.race([this.#started, delay(CLOSE_WAIT_MS)]);
    await Promise.race([Promise.all((['upnp', 'natpmp'] as const).map((m) => this.#drop(m))), delay(CLOSE_WAIT_MS)]);
    for (const m of ['upnp', 'natpmp'] as const) this.#methods[m].mapper?.close();
  }

  async #drop(method: PortMapMethod): Promise<void> {
    const state = this.#methods[method];
    clearTimeout(state.renew);
    if (!state.mapped || !state.mapper) return;
    state.mapped = undefined;
    await state.mapper.unmap().then(
      () => this.#o.log?.(`port forwarding: ${method} mappings of port ${this.#o.port} removed`),
      (err: unknown) => this.#o.log?.(`port forwarding: ${method} could not remove its mappings: ${reasonOf(err)}`),
    );
  }

  async #run(method: PortMapMethod, open: () => Promise<Mapper>): Promise<void> {
    const state = this.#methods[method];
    try {
      state.mapper = await open();
      if (this.#closed) return state.mapper.close();
      await this.#map(method);
    } catch (err) {
      state.failed = reasonOf(err);
      this.#o.log?.(`port forwarding: ${method} failed: ${state.failed}`);
      state.mapper?.close();
      this.#report();
    }
  }

  async #map(method: PortMapMethod): Promise<void> {
    const state = this.#methods[method];
    const { externalPort, lease } = await state.mapper!.map(this.#o.leaseSeconds ?? 3600);
    state.mapped = { externalPort };
    state.failed = undefined;
    // Closed while the router answered: the mapping just made goes again.
    if (this.#closed) return this.#drop(method);
    this.#o.log?.(`port forwarding: ${method} mapped TCP and UDP port ${this.#o.port} to external port ${externalPort}${lease > 0 ? ` for ${lease} s` : ' for good'}`);
    this.#report();
    if (lease > 0) this.#renewIn(method, lease / 2);
  }

  /** Renews after `seconds`; a failed renewal is the status until a later try, as often, succeeds. */
  #renewIn(method: PortMapMethod, seconds: number): void {
    const state = this.#methods[method];
    state.renew = setTimeout(() => {
      void this.#map(method).catch((err: unknown) => {
        if (this.#closed) return;
        state.mapped = undefined;
        state.failed = `renewal failed: ${reasonOf(err)}`;
        this.#o.log?.(`port forwarding: ${method} ${state.failed}`);
        this.#report();
        this.#renewIn(method, seconds);
      });
    }, Math.max(1, seconds) * 1000);
    state.renew.unref();
  }

  async #upnp(): Promise<Mapper> {
    const refusals: string[] = [];
    const found = await searchGateways({
      waitMs: this.#o.ssdpWaitMs ?? 2000,
      ...(this.#o.ssdpTarget ? { target: this.#o.ssdpTarget } : {}),
      refused: (why) => {
        refusals.push(why);
        this.#o.log?.(`port forwarding: ${why}; ignored`);
      },
    });
    if (found.length === 0) throw new Error(refusals[0] ?? 'no UPnP gateway answered');
    let problem = '';
    for (const device of found) {
      try {
        const gateway = await UpnpGateway.fromSearch(device);
        await gateway.externalAddress().then(
          (address) => this.#learned(address),
          (err: unknown) => this.#o.log?.(`port forwarding: the UPnP gateway did not say its external address: ${reasonOf(err)}`),
        );
        const port = this.#o.port;
        return {
          map: async (lease) => {
            let granted = lease;
            for (const p of PROTOCOLS) granted = Math.min(granted, await gateway.map(p, port, lease));
            return { externalPort: port, lease: granted };
          },
          unmap: async () => {
            await Promise.all(PROTOCOLS.map((p) => gateway.unmap(p, port)));
          },
          close: () => undefined,
        };
      } catch (err) {
        problem = reasonOf(err);
        this.#o.log?.(`port forwarding: the gateway at ${device.router}: ${problem}`);
      }
    }
    throw new Error(problem);
  }

  async #natpmp(): Promise<Mapper> {
    const gateway = await (this.#o.gateway ?? (() => defaultGateway()))();
    if (gateway === undefined) throw new Error('no IPv4 default gateway');
    const client = await NatPmpClient.open({
      gateway,
      ...(this.#o.natpmpPort !== undefined ? { port: this.#o.natpmpPort } : {}),
      ignored: (why) => this.#o.log?.(`port forwarding: ${why}`),
    });
    try {
      this.#learned(await client.externalAddress());
    } catch (err) {
      client.close();
      throw err;
    }
    const port = this.#o.port;
    return {
      map: async (lease) => {
        const tcp = await client.map('tcp', port, lease);
        const udp = await client.map('udp', port, lease);
        return { externalPort: tcp.externalPort, lease: Math.min(tcp.lifetime, udp.lifetime) };
      },
      unmap: async () => {
        for (const p of PROTOCOLS) await client.map(p, port, 0);
      },
      close: () => client.close(),
    };
  }

  #learned(address: string): void {
    if (address === this.#externalAddress) return;
    this.#externalAddress = address;
    this.#o.log?.(`port forwarding: the router's external address is ${address}`);
    this.#report();
  }

  #report(): void {
    const now = this.status;
    if (this.#last && JSON.stringify(this.#last) === JSON.stringify(now)) return;
    this.#last = now;
    this.#o.changed(now);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
