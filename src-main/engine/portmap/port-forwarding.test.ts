import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedRequest } from './bounded-http';
import { NatPmpClient } from './natpmp-client';
import { PortForwarding, type PortForwardingOptions, type PortMapStatus } from './port-forwarding';
import { searchGateways } from './ssdp';

/** A loopback router for the protocols' sake: SSDP answers, a description, SOAP actions, NAT-PMP. */
interface FakeRouter {
  readonly ssdp: { address: string; port: number };
  readonly natpmpPort: number;
  /** SOAP actions and NAT-PMP requests in arrival order, e.g. `AddPortMapping TCP 6881 lease 2`, `natpmp udp 6881 lifetime 0`. */
  readonly calls: string[];
  close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function udp(address = '127.0.0.1'): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(0, address, () => resolve(s)));
}

async function fakeRouter(o: { controlUrl?: (httpPort: number) => string; description?: (controlUrl: string) => string; onlyPermanent?: boolean; down?: () => boolean } = {}): Promise<FakeRouter> {
  const calls: string[] = [];
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const port = (http.address() as AddressInfo).port;
      if (req.method === 'GET') {
        const control = o.controlUrl?.(port) ?? '/ctl/IPConn';
        res.end(o.description?.(control) ?? `<root><device><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>${control}</controlURL></service></serviceList></device></root>`);
        return;
      }
      const action = /#(\w+)"/.exec(String(req.headers.soapaction))![1]!;
      if (o.down?.()) {
        res.statusCode = 503;
        res.end();
        return;
      }
      const body = Buffer.concat(chunks).toString();
      const arg = (name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
      if (action === 'AddPortMapping' && o.onlyPermanent && arg('NewLeaseDuration') !== '0') {
        res.statusCode = 500;
        res.end('<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>725</errorCode><errorDescription>OnlyPermanentLeasesSupported</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>');
        return;
      }
      calls.push(action === 'GetExternalIPAddress' ? action : `${action} ${arg('NewProtocol')} ${arg('NewExternalPort')}${action === 'AddPortMapping' ? ` lease ${arg('NewLeaseDuration')} for ${arg('NewInternalClient')}` : ''}`);
      res.end(`<s:Envelope><s:Body><u:${action}Response>${action === 'GetExternalIPAddress' ? '<NewExternalIPAddress>11.22.33.44</NewExternalIPAddress>' : ''}</u:${action}Response></s:Body></s:Envelope>`);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const ssdp = await udp();
  ssdp.on('message', (_msg, from) => {
    const port = (http.address() as AddressInfo).port;
    ssdp.send(`HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://127.0.0.1:${port}/rootDesc.xml\r\n\r\n`, from.port, from.address);
  });
  const natpmp = await udp();
  natpmp.on('message', (msg, from) => {
    if (msg[1] === 0) return natpmp.send(Buffer.from([0, 128, 0, 0, 0, 0, 0, 1, 11, 22, 33, 44]), from.port, from.address);
    const lifetime = msg.readUInt32BE(8);
    calls.push(`natpmp ${msg[1] === 1 ? 'udp' : 'tcp'} ${msg.readUInt16BE(4)} lifetime ${lifetime}`);
    const r = Buffer.alloc(16);
    r[1] = 128 + msg[1]!;
    r.writeUInt32BE(1, 4);
    r.writeUInt16BE(msg.readUInt16BE(4), 8);
    r.writeUInt16BE(lifetime === 0 ? 0 : msg.readUInt16BE(6), 10);
    r.writeUInt32BE(lifetime, 12);
    natpmp.send(r, from.port, from.address);
  });
  const router: FakeRouter = {
    ssdp: { address: '127.0.0.1', port: ssdp.address().port },
    natpmpPort: natpmp.address().port,
    calls,
    close: async () => {
      ssdp.close();
      natpmp.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
  closers.push(() => router.close());
  return router;
}

function forwarding(router: FakeRouter, extra: Partial<PortForwardingOptions> = {}): { pf: PortForwarding; statuses: PortMapStatus[]; until: (p: (s: PortMapStatus) => boolean) => Promise<PortMapStatus> } {
  const statuses: PortMapStatus[] = [];
  const waiters = new Set<() => void>();
  const pf = new PortForwarding({
    port: 6881,
    ssdpTarget: router.ssdp,
    ssdpWaitMs: 300,
    gateway: async () => '127.0.0.1',
    natpmpPort: router.natpmpPort,
    changed: (s) => {
      statuses.push(s);
      for (const w of [...waiters]) w();
    },
    ...extra,
  });
  closers.push(() => pf.close());
  const until = (p: (s: PortMapStatus) => boolean): Promise<PortMapStatus> =>
    new Promise((resolve) => {
      const check = (): void => {
        const s = pf.status;
        if (p(s)) {
          waiters.delete(check);
          resolve(s);
        }
      };
      waiters.add(check);
      check();
    });
  return { pf, statuses, until };
}

describe('port forwarding', () => {
  it('maps TCP and UDP over UPnP and NAT-PMP together, says the external address, renews at half the lease, and removes everything on close', async () => {
    const router = await fakeRouter();
    const { pf, until } = forwarding(router, { leaseSeconds: 2 });
    const mapped = await until((s) => s.via.length === 2);
    expect(mapped).toEqual({ state: 'mapped', externalPort: 6881, externalAddress: '11.22.33.44', via: ['upnp', 'natpmp'], reason: null });
    expect(router.calls).toContain('AddPortMapping TCP 6881 lease 2 for 127.0.0.1');
    expect(router.calls).toContain('AddPortMapping UDP 6881 lease 2 for 127.0.0.1');
    expect(router.calls).toContain('natpmp tcp 6881 lifetime 2');
    expect(router.calls).toContain('natpmp udp 6881 lifetime 2');
    // Renewed after about a second (half of 2 s), by both methods.
    await expect.poll(() => router.calls.filter((c) => c === 'AddPortMapping TCP 6881 lease 2 for 127.0.0.1').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => router.calls.filter((c) => c === 'natpmp udp 6881 lifetime 2').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await pf.close();
    expect(router.calls).toEqual(expect.arrayContaining(['DeletePortMapping TCP 6881', 'DeletePortMapping UDP 6881', 'natpmp tcp 6881 lifetime 0', 'natpmp udp 6881 lifetime 0']));
  });

  it('shows a failed renewal, and maps again when a later renewal succeeds', async () => {
    let down = false;
    const router = await fakeRouter({ down: () => down });
    const { until } = forwarding(router, { leaseSeconds: 2, gateway: async () => undefined });
    await until((s) => s.state === 'mapped');
    down = true;
    expect((await until((s) => s.state === 'failed')).reason).toBe('UPnP: renewal failed: the router answered AddPortMapping with HTTP 503; NAT-PMP: no IPv4 default gateway');
    down = false;
    expect(await until((s) => s.state === 'mapped')).toMatchObject({ externalPort: 6881, via: ['upnp'], reason: null });
  });

  it('asks for a permanent mapping when the router takes only those', async () => {
    const router = await fakeRouter({ onlyPermanent: true });
    const { until } = forwarding(router, { gateway: async () => undefined });
    await until((s) => s.state === 'mapped');
    expect(router.calls).toContain('AddPortMapping TCP 6881 lease 0 for 127.0.0.1');
    expect(router.calls).toContain('AddPortMapping UDP 6881 lease 0 for 127.0.0.1');
  });

  it('a control URL pointing elsewhere than the router maps nothing, posts nothing, and is the reason shown', async () => {
    const router = await fakeRouter({ controlUrl: () => 'http://127.0.0.2:1/ctl/IPConn' });
    const { until } = forwarding(router, { gateway: async () => undefined });
    const failed = await until((s) => s.state === 'failed');
    expect(failed.reason).toBe("UPnP: the router's control URL points at 127.0.0.2, not the router 127.0.0.1; refused; NAT-PMP: no IPv4 default gateway");
    expect(router.calls).toEqual([]);
  });

  it('a malformed description maps nothing and says why', async () => {
    const router = await fakeRouter({ description: () => '<root><device><serviceList><service><serviceType>urn:x' });
    const { until } = forwarding(router, { gateway: async () => undefined });
    expect((await until((s) => s.state === 'failed')).reason).toMatch(/^UPnP: the router offers no WANIPConnection or WANPPPConnection service/);
    expect(router.calls).toEqual([]);
  });
});

describe('SSDP search', () => {
  it('keeps at most 8 gateways from a flood of answers, and ends after its wait', async () => {
    const target = await udp('127.0.0.1');
    const answerers = await Promise.all(Array.from({ length: 12 }, (_, i) => udp(`127.0.0.${i + 2}`)));
    closers.push(async () => {
      target.close();
      for (const a of answerers) a.close();
    });
    target.on('message', (msg, from) => {
      if (!msg.toString().includes('InternetGatewayDevice:1')) return;
      answerers.forEach((a, i) => a.send(`HTTP/1.1 200 OK\r\nLOCATION: http://127.0.0.${i + 2}:5000/rootDesc.xml\r\n\r\n`, from.port, from.address));
    });
    const started = performance.now();
    const found = await searchGateways({ waitMs: 500, target: { address: '127.0.0.1', port: target.address().port } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(found).toHaveLength(8);
    expect(found.every((f) => f.location.hostname === f.router)).toBe(true);
  });
});

describe('router HTTP bounds', () => {
  it('cuts off an endless description at the bound instead of growing', async () => {
    const endless = createServer((_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = (): void => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    });
    const url = new URL(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/rootDesc.xml`);
    await expect(boundedRequest(url, { method: 'GET', maxBytes: 64 * 1024, timeoutMs: 5000 })).rejects.toThrow(/sent more than 65536 bytes/);
  });

  it('gives up on a router that never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });
    const url = new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`);
    await expect(boundedRequest(url, { method: 'GET', maxBytes: 1024, timeoutMs: 300 })).rejects.toThrow(/took longer than 300 ms/);
  });
});

/** A gateway on 127.0.0.1 and someone else on 127.0.0.2 who answers too. */
async function gatewayAndImpostor(): Promise<{ gateway: Socket; impostor: Socket }> {
  const gateway = await udp('127.0.0.1');
  const impostor = await udp('127.0.0.2');
  closers.push(async () => {
    gateway.close();
    impostor.close();
  });
  return { gateway, impostor };
}

describe('NAT-PMP client', () => {
  it('ignores a reply from anyone but the gateway, and takes the gateway’s own', async () => {
    const { gateway, impostor } = await gatewayAndImpostor();
    const ignored: string[] = [];
    gateway.on('message', (_msg, from) => {
      // The impostor answers first, with another address; the gateway a moment later.
      impostor.send(Buffer.from([0, 128, 0, 0, 0, 0, 0, 1, 6, 6, 6, 6]), from.port, from.address);
      setTimeout(() => gateway.send(Buffer.from([0, 128, 0, 0, 0, 0, 0, 1, 11, 22, 33, 44]), from.port, from.address), 50);
    });
    const client = await NatPmpClient.open({ gateway: '127.0.0.1', port: gateway.address().port, ignored: (why) => ignored.push(why) });
    closers.push(async () => client.close());
    expect(await client.externalAddress()).toBe('11.22.33.44');
    expect(ignored[0]).toMatch(/^ignored a NAT-PMP reply from 127\.0\.0\.2:\d+, which is not the gateway 127\.0\.0\.1$/);
  });

  it('fails with the last reason when only impostors and garbage answer', async () => {
    const { gateway, impostor } = await gatewayAndImpostor();
    gateway.on('message', (_msg, from) => {
      impostor.send(Buffer.from([0, 128, 0, 0, 0, 0, 0, 1, 6, 6, 6, 6]), from.port, from.address);
      gateway.send(Buffer.from([0, 128, 0]), from.port, from.address);
    });
    const client = await NatPmpClient.open({ gateway: '127.0.0.1', port: gateway.address().port, firstWaitMs: 50, tries: 3 });
    closers.push(async () => client.close());
    await expect(client.externalAddress()).rejects.toThrow('a NAT-PMP reply of 3 bytes is too short');
  });
});
