import { isIPv4 } from 'node:net';
import { boundedRequest } from './bounded-http';
import { findForwardingService, MAX_DESCRIPTION_BYTES, type IgdService } from './igd-description';
import type { MapProtocol } from './natpmp-packets';
import { MAX_SOAP_REPLY_BYTES, parseSoapReply, soapEnvelope, UpnpFault } from './soap';
import type { SsdpFound } from './ssdp';

const TIMEOUT_MS = 5000;
/** "OnlyPermanentLeasesSupported": the router wants lease 0. */
const ONLY_PERMANENT = 725;

/** A UPnP Internet gateway found by SSDP, and the port mappings it is asked for. */
export class UpnpGateway {
  readonly service: IgdService;
  /** Our LAN address as the router sees it: the internal client of every mapping. */
  readonly localAddress: string;

  private constructor(service: IgdService, localAddress: string) {
    this.service = service;
    this.localAddress = localAddress;
  }

  /** Fetches the description (bounded) and finds the forwarding service on the router itself. */
  static async fromSearch(found: SsdpFound): Promise<UpnpGateway> {
    const reply = await boundedRequest(found.location, { method: 'GET', maxBytes: MAX_DESCRIPTION_BYTES, timeoutMs: TIMEOUT_MS });
    if (reply.status !== 200) throw new Error(`the router's description answered HTTP ${reply.status}`);
    const local = reply.localAddress.replace(/^::ffff:/, '');
    if (!isIPv4(local)) throw new Error(`no IPv4 address of ours towards the router (${local})`);
    return new UpnpGateway(findForwardingService(reply.body, found.location, found.router), local);
  }

  async externalAddress(): Promise<string> {
    const out = await this.#call('GetExternalIPAddress', [], ['NewExternalIPAddress']);
    const address = out.NewExternalIPAddress!;
    if (!isIPv4(address)) throw new Error(`the router's external address "${address.slice(0, 60)}" is not an IPv4 address`);
    return address;
  }

  /** Maps `port` (the same external port); a router that takes only permanent leases gets lease 0. Resolves with the lease granted. */
  async map(protocol: MapProtocol, port: number, leaseSeconds: number): Promise<number> {
    const add = (lease: number): Promise<Record<string, string>> =>
      this.#call(
        'AddPortMapping',
        [
          ['NewRemoteHost', ''],
          ['NewExternalPort', port],
          ['NewProtocol', protocol.toUpperCase()],
          ['NewInternalPort', port],
          ['NewInternalClient', this.localAddress],
          ['NewEnabled', 1],
          ['NewPortMappingDescription', `Shoal ${protocol.toUpperCase()} ${port}`],
          ['NewLeaseDuration', lease],
        ],
        [],
      );
    try {
      await add(leaseSeconds);
      return leaseSeconds;
    } catch (err) {
      if (!(err instanceof UpnpFault && err.code === ONLY_PERMANENT) || leaseSeconds === 0) throw err;
      await add(0);
      return 0;
    }
  }

  async unmap(protocol: MapProtocol, port: number): Promise<void> {
    await this.#call(
      'DeletePortMapping',
      [
        ['NewRemoteHost', ''],
        ['NewExternalPort', port],
        ['NewProtocol', protocol.toUpperCase()],
      ],
      [],
    );
  }

  async #call(action: string, args: ReadonlyArray<readonly [string, string | number]>, outputs: readonly string[]): Promise<Record<string, string>> {
    const { serviceType, controlUrl } = this.service;
    const reply = await boundedRequest(controlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: `"${serviceType}#${action}"` },
      body: soapEnvelope(serviceType, action, args),
      maxBytes: MAX_SOAP_REPLY_BYTES,
      timeoutMs: TIMEOUT_MS,
    });
    return parseSoapReply(reply.status, reply.body, action, outputs);
  }
}
