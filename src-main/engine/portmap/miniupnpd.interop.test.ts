// Port forwarding against Debian's miniupnpd (a real UPnP IGD and NAT-PMP server) in network
// namespaces this file makes: Shoal's namespace and the router's, joined by a "lan" veth pair,
// and an "external" veth pair in the router's namespace. miniupnpd writes its mappings as
// nftables rules in the router's namespace; those rules are the mapping list checked here.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../testing/bundle';
import { useInteropLab } from '../../testing/interop-lab';
import { startProcess, waitFor, type RunningProcess } from '../../testing/processes';
import { cliPath, exitOf } from '../../testing/shoal-cli';

const run = promisify(execFile);
const id = randomBytes(3).toString('hex');
const ns = { router: `shoal-pm-${id}-r`, shoal: `shoal-pm-${id}-s` };
const link = { shoal: `pm${id}s`, router: `pm${id}r`, ext: `pm${id}x`, extPeer: `pm${id}y` };
const ROUTER = '10.77.0.1';
const SHOAL = '10.77.0.2';
const EXTERNAL = '11.22.33.44';

const lab = useInteropLab('portmap-interop', { small: { files: { 'small/a.bin': 64 * 1024 }, pieceLengthLog2: 15, tracker: false } });

async function sh(args: readonly string[]): Promise<string> {
  const { stdout } = await run(args[0]!, args.slice(1), { timeout: 15_000 });
  return stdout;
}

/** What miniupnpd forwards now: the DNAT rules it wrote (IP protocol 6 or 17 at byte 9 of the header), as `tcp 40000 -> …` lines. */
async function forwarded(): Promise<string[]> {
  const rules = await sh(['ip', 'netns', 'exec', ns.router, 'nft', 'list', 'chain', 'inet', 'filter', 'prerouting_miniupnpd']);
  return [...rules.matchAll(/@nh,72,8 (0x6|0x11) th dport (\d+) dnat ip to ([\d.]+):(\d+)/g)].map((m) => `${m[1] === '0x6' ? 'tcp' : 'udp'} ${m[2]} -> ${m[3]}:${m[4]}`);
}

let miniupnpd: RunningProcess | undefined;

async function startMiniupnpd(o: { upnp: boolean }): Promise<RunningProcess> {
  const conf = join(lab.work, `miniupnpd-${o.upnp ? 'both' : 'natpmp'}.conf`);
  await writeFile(
    conf,
    [
      `ext_ifname=${link.ext}`,
      `listening_ip=${link.router}`,
      'http_port=0',
      `enable_upnp=${o.upnp ? 'yes' : 'no'}`,
      'enable_natpmp=yes',
      'secure_mode=yes',
      'system_uptime=yes',
      `uuid=3b2f5c1e-0000-4000-8000-${id}000000`,
      'allow 1024-65535 10.77.0.0/24 1024-65535',
      'deny 0-65535 0.0.0.0/0 0-65535',
      '',
    ].join('\n'),
  );
  const proc = startProcess('ip', ['netns', 'exec', ns.router, 'miniupnpd', '-d', '-f', conf]);
  miniupnpd = proc;
  await waitFor('miniupnpd to listen for NAT-PMP', () => (proc.output().includes('Listening for NAT-PMP') ? true : undefined), 10_000);
  return proc;
}

beforeAll(async () => {
  await sh(['ip', 'netns', 'add', ns.router]);
  await sh(['ip', 'netns', 'add', ns.shoal]);
  await sh(['ip', 'link', 'add', link.shoal, 'type', 'veth', 'peer', 'name', link.router]);
  await sh(['ip', 'link', 'set', link.shoal, 'netns', ns.shoal]);
  await sh(['ip', 'link', 'set', link.router, 'netns', ns.router]);
  await sh(['ip', '-n', ns.router, 'link', 'add', link.ext, 'type', 'veth', 'peer', 'name', link.extPeer]);
  await sh(['ip', '-n', ns.shoal, 'addr', 'add', `${SHOAL}/24`, 'dev', link.shoal]);
  await sh(['ip', '-n', ns.router, 'addr', 'add', `${ROUTER}/24`, 'dev', link.router]);
  await sh(['ip', '-n', ns.router, 'addr', 'add', `${EXTERNAL}/24`, 'dev', link.ext]);
  for (const [n, dev] of [
    [ns.shoal, 'lo'],
    [ns.shoal, link.shoal],
    [ns.router, 'lo'],
    [ns.router, link.router],
    [ns.router, link.ext],
    [ns.router, link.extPeer],
  ] as const) {
    await sh(['ip', '-n', n, 'link', 'set', dev, 'up']);
  }
  await sh(['ip', '-n', ns.shoal, 'route', 'add', 'default', 'via', ROUTER]);
  // The chains miniupnpd (nftables build) adds its rules to; Debian's nft_init.sh sources the
  // iptables helper script and cannot make them, so the test does.
  const rules = join(lab.work, 'miniupnpd.nft');
  await writeFile(
    rules,
    `table inet filter {
  chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
`,
  );
  await sh(['ip', 'netns', 'exec', ns.router, 'nft', '-f', rules]);
}, 60_000);

afterEach(async () => {
  await miniupnpd?.stop();
  miniupnpd = undefined;
});

afterAll(async () => {
  await miniupnpd?.stop();
  // Deleting the namespaces removes their veth pairs and rules too.
  for (const n of [ns.shoal, ns.router]) await sh(['ip', 'netns', 'del', n]).catch(() => undefined);
}, 30_000);

/** `shoal seed` (the build, as `npm test` makes it) in Shoal's namespace with --port-forwarding, on a port of its own. */
function seedWithForwarding(port: number): RunningProcess {
  const t = lab.torrent('small');
  return lab.keep(startProcess('ip', ['netns', 'exec', ns.shoal, process.execPath, cliPath, 'seed', t.torrent, '--data', t.dataDir, '--port', String(port), '--port-forwarding', '--no-dht', '--no-lsd']));
}

describe('port forwarding with miniupnpd', () => {
  it('maps TCP and UDP at start over UPnP and NAT-PMP, and removes both on a clean exit', async () => {
    const router = await startMiniupnpd({ upnp: true });
    const shoal = seedWithForwarding(41001);
    const want = [`tcp 41001 -> ${SHOAL}:41001`, `udp 41001 -> ${SHOAL}:41001`];
    await waitFor('both mappings in miniupnpd', async () => ((await forwarded()).length === 2 ? true : undefined), 20_000).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nrules: ${JSON.stringify(await forwarded())}\nshoal:\n${shoal.output().slice(-3000)}\nminiupnpd:\n${router.output().slice(-3000)}`);
    });
    expect((await forwarded()).sort()).toEqual(want);
    // miniupnpd's own UPnP listing, as a user would see it from the LAN.
    const listing = await sh(['ip', 'netns', 'exec', ns.shoal, 'upnpc', '-l']);
    expect(listing).toMatch(new RegExp(`TCP\\s+41001->${SHOAL}:41001`));
    expect(listing).toMatch(new RegExp(`UDP\\s+41001->${SHOAL}:41001`));
    expect(listing).toContain(`ExternalIPAddress = ${EXTERNAL}`);
    expect(router.output()).toMatch(/AddPortMapping: ext port 41001 to 10\.77\.0\.2:41001 protocol TCP/);
    // The external address and both methods' mappings are reported.
    expect(shoal.output()).toContain(`port forwarding: the router's external address is ${EXTERNAL}`);
    expect(shoal.output()).toContain('port forwarding: upnp mapped TCP and UDP port 41001 to external port 41001 for 3600 s');
    expect(shoal.output()).toContain('port forwarding: natpmp mapped TCP and UDP port 41001 to external port 41001 for 3600 s');
    shoal.child.kill('SIGTERM');
    expect(await exitOf(shoal, 20_000)).toBe(0);
    expect(await forwarded()).toEqual([]);
    expect(router.output()).toMatch(/DeletePortMapping/);
  }, 60_000);

  it('renews at half the lease', async () => {
    const router = await startMiniupnpd({ upnp: true });
    // The engine's module with a 4 s lease, in Shoal's namespace: renewals within seconds.
    const script = join(lab.work, 'renew.mjs');
    await bundleForNode(
      {
        contents: `import { PortForwarding } from ${JSON.stringify(join(import.meta.dirname, 'port-forwarding.ts'))};
const pf = new PortForwarding({ port: 41002, leaseSeconds: 4, log: (line) => console.log(line), changed: (s) => console.log('status ' + JSON.stringify(s)) });
setTimeout(() => void pf.close().then(() => console.log('closed')), 7000);`,
        resolveDir: import.meta.dirname,
      },
      script,
    );
    const proc = lab.keep(startProcess('ip', ['netns', 'exec', ns.shoal, process.execPath, script]));
    expect(await exitOf(proc, 30_000)).toBe(0);
    const out = proc.output();
    expect(out).toContain(`"state":"mapped","externalPort":41002,"externalAddress":"${EXTERNAL}","via":["upnp","natpmp"]`);
    // Mapped at start, then renewed about every 2 s by UPnP…
    expect(router.output().match(/AddPortMapping: ext port 41002 to 10\.77\.0\.2:41002 protocol TCP/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(router.output().match(/AddPortMapping: ext port 41002 to 10\.77\.0\.2:41002 protocol UDP/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    // …and by NAT-PMP.
    expect(out.match(/port forwarding: natpmp mapped TCP and UDP port 41002/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(out).toContain('closed');
    expect(await forwarded()).toEqual([]);
  }, 60_000);

  it("reaches the session's stats: the status bar's mapped port and external address, then nothing mapped after close", async () => {
    await startMiniupnpd({ upnp: true });
    const script = join(lab.work, 'session.mjs');
    await bundleForNode(
      {
        contents: `import { Session } from ${JSON.stringify(join(import.meta.dirname, '..', 'session.ts'))};
const session = await Session.start({ downloadDir: ${JSON.stringify(lab.work)}, listenPort: 41004, portForwarding: true });
session.onEvent((e) => { if (e.name === 'stats') console.log('stats ' + JSON.stringify(e.payload.portForwarding)); });
setTimeout(() => void session.close().then(() => console.log('closed')), 5000);`,
        resolveDir: import.meta.dirname,
      },
      script,
    );
    const proc = lab.keep(startProcess('ip', ['netns', 'exec', ns.shoal, process.execPath, script]));
    expect(await exitOf(proc, 30_000)).toBe(0);
    expect(proc.output()).toContain(`stats {"state":"mapped","externalPort":41004,"externalAddress":"${EXTERNAL}","via":["upnp","natpmp"],"reason":null}`);
    expect(proc.output()).toContain('closed');
    expect(await forwarded()).toEqual([]);
  }, 60_000);

  it('maps over NAT-PMP alone when the router has UPnP off', async () => {
    const router = await startMiniupnpd({ upnp: false });
    const shoal = seedWithForwarding(41003);
    await waitFor('both mappings in miniupnpd', async () => ((await forwarded()).length === 2 ? true : undefined), 20_000).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nshoal:\n${shoal.output().slice(-3000)}\nminiupnpd:\n${router.output().slice(-3000)}`);
    });
    expect((await forwarded()).sort()).toEqual([`tcp 41003 -> ${SHOAL}:41003`, `udp 41003 -> ${SHOAL}:41003`]);
    expect(router.output()).not.toMatch(/AddPortMapping/);
    shoal.child.kill('SIGTERM');
    expect(await exitOf(shoal, 20_000)).toBe(0);
    expect(await forwarded()).toEqual([]);
  }, 60_000);
});
