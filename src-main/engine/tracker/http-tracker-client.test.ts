import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShoalError } from '../../../src-shared/errors';
import { rejection } from '../../testing/refusal';
import { parseRawQuery } from '../../tracker-server/raw-query';
import { startTrackerServer } from '../../tracker-server/tracker-server';
import { HttpTrackerClient, scrapeUrlFor } from './http-tracker-client';
import type { AnnounceRequest } from './tracker-types';

let server: Server | undefined;
let lastUrl = '';
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A fake tracker that answers every request with `respond`. */
async function fake(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    lastUrl = req.url ?? '';
    respond(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/announce`;
}
const body = (text: string | Buffer) => (_req: IncomingMessage, res: ServerResponse) => res.end(text);

const request: AnnounceRequest = {
  infoHash: Buffer.from('00ff2b2025e9a1b2c3d4e5f60718293a4b5c6d7e', 'hex'),
  peerId: Buffer.from('-SH0100-abcdefghijkl'),
  port: 6881,
  uploaded: 1,
  downloaded: 2,
  left: 3,
  event: 'started',
  numwant: 50,
  key: 0xdeadbeef,
  trackerId: 'tid 1',
};

const refusal = (url: string, options = {}): Promise<ShoalError> => rejection(new HttpTrackerClient(url, options).announce(request));

describe('HttpTrackerClient', () => {
  it('sends every BEP 3 parameter, with info_hash and peer_id as escaped bytes', async () => {
    const url = await fake(body('d8:intervali900e5:peers0:e'));
    await new HttpTrackerClient(url).announce(request);
    const q = parseRawQuery(lastUrl.slice(lastUrl.indexOf('?') + 1));
    const text = (k: string) => q.get(k)?.[0]?.toString('latin1');
    expect(q.get('info_hash')![0]).toEqual(Buffer.from(request.infoHash));
    expect(q.get('peer_id')![0]).toEqual(Buffer.from(request.peerId));
    expect([text('port'), text('uploaded'), text('downloaded'), text('left')]).toEqual(['6881', '1', '2', '3']);
    expect([text('event'), text('compact'), text('numwant'), text('key'), text('trackerid')]).toEqual(['started', '1', '50', 'deadbeef', 'tid 1']);
  });

  it("sends our IPv6 address as BEP 7's ipv6 parameter when there is one", async () => {
    const url = await fake(body('d8:intervali900e5:peers0:e'));
    await new HttpTrackerClient(url).announce({ ...request, ipv6Peers: true, ipv6: '2001:db8::7' });
    expect(parseRawQuery(lastUrl.slice(lastUrl.indexOf('?') + 1)).get('ipv6')?.[0]?.toString('latin1')).toBe('2001:db8::7');
    await new HttpTrackerClient(url).announce({ ...request, ipv6Peers: true });
    expect(parseRawQuery(lastUrl.slice(lastUrl.indexOf('?') + 1)).has('ipv6')).toBe(false);
  });

  it('announces over IPv6 to a tracker on ::1 and dials what it gives in peers6', async () => {
    const tracker = await startTrackerServer({ http: { host: '::1', port: 0 }, udp: null });
    try {
      const url = `http://[::1]:${tracker.httpPort}/announce`;
      await new HttpTrackerClient(url).announce({ ...request, peerId: Buffer.alloc(20, 3), port: 7001 });
      const reply = await new HttpTrackerClient(url).announce({ ...request, port: 7002 });
      expect(reply.peers).toEqual([{ host: '::1', port: 7001 }]);
    } finally {
      await tracker.close();
    }
  });

  it('reads compact, IPv6 and dictionary peers, counts, intervals, warning and tracker id', async () => {
    const v6 = Buffer.concat([Buffer.from('20010db8000000000000000000000001', 'hex'), Buffer.from([0x1a, 0xe1])]);
    const reply = Buffer.concat([
      Buffer.from('d8:completei4e10:downloadedi9e10:incompletei5e8:intervali900e12:min intervali60e5:peers12:'),
      Buffer.from([10, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 0]), // the second has port 0: skipped
      Buffer.from('6:peers618:'),
      v6,
      Buffer.from('10:tracker id3:abc15:warning message9:slow downe'),
    ]);
    const url = await fake(body(reply));
    expect(await new HttpTrackerClient(url).announce(request)).toEqual({
      interval: 900,
      minInterval: 60,
      complete: 4,
      incomplete: 5,
      downloaded: 9,
      peers: [
        { host: '10.0.0.1', port: 6881 },
        { host: '2001:db8::1', port: 6881 },
      ],
      warning: 'slow down',
      trackerId: 'abc',
    });
    const dictUrl = await fake(body('d8:intervali5e5:peersld2:ip9:127.0.0.14:porti80eed2:ip4:evil4:porti81eeee'));
    expect((await new HttpTrackerClient(dictUrl).announce(request)).peers).toEqual([{ host: '127.0.0.1', port: 80 }]);
  });

  it('caps a huge peer list at 1000 peers', async () => {
    const peers = Buffer.alloc(6 * 20_000, 1);
    const url = await fake(body(Buffer.concat([Buffer.from(`d8:intervali5e5:peers${peers.length}:`), peers, Buffer.from('e')])));
    expect((await new HttpTrackerClient(url).announce(request)).peers).toHaveLength(1000);
  });

  it.each([
    ['bad bencode', 'd8:intervali9', 'protocol', /malformed reply/],
    ['a non-dictionary', 'i5e', 'protocol', /not a dictionary/],
    ['deep nesting', `${'l'.repeat(5000)}${'e'.repeat(5000)}`, 'protocol', /nesting too deep/],
    ['trailing garbage', 'd8:intervali5e5:peers0:ejunk', 'protocol', /trailing data/],
    ['a failure reason', 'd14:failure reason11:not allowede', 'network', /refused the request: not allowed/],
    ['no interval', 'd5:peers0:e', 'protocol', /without a valid interval/],
    ['peers of the wrong type', 'd8:intervali5e5:peersi3ee', 'protocol', /wrong type/],
    ['a compact list of 7 bytes', 'd8:intervali5e5:peers7:abcdefge', 'protocol', /not a multiple of 6/],
  ])('turns %s into a clear ShoalError', async (_name, reply, code, message) => {
    const err = await refusal(await fake(body(reply)));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('refuses replies over the size cap, declared or streamed', async () => {
    const big = Buffer.alloc(3000, 0x61);
    expect((await refusal(await fake(body(big)), { maxReplyBytes: 1000 })).message).toMatch(/larger than 1000 bytes/);
    const streamed = await fake((_req, res) => {
      res.write(big);
      res.end(big);
    });
    expect((await refusal(streamed, { maxReplyBytes: 1000 })).message).toMatch(/larger than 1000 bytes/);
  });

  it('gives up on a silent tracker after its timeout, and reports HTTP errors and unreachable hosts', async () => {
    const started = Date.now();
    const silent = await refusal(await fake(() => undefined), { timeoutMs: 300 });
    expect(silent.message).toMatch(/did not answer within/);
    expect(Date.now() - started).toBeLessThan(3000);
    const status = await refusal(await fake((_req, res) => res.writeHead(500).end()));
    expect(status.message).toBe('The tracker answered HTTP 500.');
    const closedPort = (server!.address() as { port: number }).port;
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect((await refusal(`http://127.0.0.1:${closedPort}/announce`)).message).toMatch(/cannot be reached \(ECONNREFUSED\)/);
  });

  it('says a tracker that redirects in a loop does so, and what to do', async () => {
    const url = await fake((req, res) => res.writeHead(302, { location: req.url ?? '/' }).end());
    const err = await refusal(url);
    expect(err.code).toBe('network');
    expect(err.message).toBe("The tracker redirects in a loop (more than 20 redirects); its address may be out of date: check it with the torrent's source or remove it.");
  });

  it('follows a relative redirect to the reply, and says so when the request is cancelled', async () => {
    const url = await fake((req, res) => {
      if (req.url?.startsWith('/announce')) res.writeHead(307, { location: `/moved${req.url.slice('/announce'.length)}` }).end();
      else res.end('d8:intervali900e5:peers0:e');
    });
    expect((await new HttpTrackerClient(url).announce(request)).interval).toBe(900);
    expect(lastUrl).toMatch(/^\/moved\?info_hash=%00%ff/i);
    const silent = await fake(() => undefined);
    const abort = new AbortController();
    const pending = rejection(new HttpTrackerClient(silent).announce(request, abort.signal));
    setTimeout(() => abort.abort(), 50);
    expect((await pending).message).toBe('The tracker request was cancelled.');
  });

  it('scrapes through the announce→scrape URL, reading binary info-hash keys', async () => {
    const key = Buffer.from(request.infoHash);
    const url = await fake(
      body(Buffer.concat([Buffer.from('d5:filesd20:'), key, Buffer.from('d8:completei3e10:downloadedi7e10:incompletei2eeee')])),
    );
    expect(await new HttpTrackerClient(url).scrape(request.infoHash)).toEqual({ complete: 3, incomplete: 2, downloaded: 7 });
    expect(lastUrl.startsWith('/scrape?info_hash=')).toBe(true);
  });

  it('derives scrape URLs by convention, and knows when there is none', () => {
    expect(scrapeUrlFor('http://t.example/announce')).toBe('http://t.example/scrape');
    expect(scrapeUrlFor('http://t.example/x/announce.php?passkey=1')).toBe('http://t.example/x/scrape.php?passkey=1');
    expect(scrapeUrlFor('http://t.example/a')).toBeUndefined();
    expect(scrapeUrlFor('http://t.example/announce/x')).toBeUndefined();
  });
});
