import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { refusal } from '../../testing/refusal';
import { ipBytes, ipText } from '../net/ip-bytes';
import { formatMagnet, parseMagnet, type Magnet } from './magnet';

const hex = '722fe65b2aa26d14f35b4ad627d20236e481d924';
// The same hash in RFC 4648 base32, computed with Python's base64.b32encode.
const base32 = 'OIX6MWZKUJWRJ423JLLCPUQCG3SIDWJE';

describe('parseMagnet', () => {
  it('reads a hex info-hash, any case', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${hex.toUpperCase()}`).infoHashHex).toBe(hex);
  });

  it('reads a base32 info-hash, any case', () => {
    const m = parseMagnet(`MAGNET:?xt=urn:btih:${base32.toLowerCase()}`);
    expect(m.infoHashHex).toBe(hex);
    expect(Buffer.from(m.infoHash).toString('hex')).toBe(hex);
  });

  it('reads dn, xl, tr (indexed or not, duplicates dropped) and ws', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${hex}&dn=Alice+in%20Wonderland%2B&xl=163783` +
        '&tr=http%3A%2F%2F127.0.0.1%3A8000%2Fannounce&tr.1=udp://127.0.0.1:9&tr.2=http%3A%2F%2F127.0.0.1%3A8000%2Fannounce' +
        '&ws=http://127.0.0.1/alice.txt&x.pe=127.0.0.1:6881',
    );
    expect(m).toEqual({
      infoHash: new Uint8Array(Buffer.from(hex, 'hex')),
      infoHashHex: hex,
      name: 'Alice in Wonderland+',
      length: 163783,
      trackers: ['http://127.0.0.1:8000/announce', 'udp://127.0.0.1:9'],
      webSeeds: ['http://127.0.0.1/alice.txt'],
      peers: [{ host: '127.0.0.1', port: 6881 }],
    });
  });

  it('reads x.pe peers (IPv4, [IPv6], host names), dropping duplicates and malformed ones', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${hex}&x.pe=127.0.0.1:6881&x.pe=%5B::1%5D:7000&x.pe=Peer.Example:80&x.pe=127.0.0.1:6881` +
        '&x.pe=127.0.0.1&x.pe=127.0.0.1:0&x.pe=127.0.0.1:70000&x.pe=::1:5&x.pe=a%20b:1',
    );
    expect(m.peers).toEqual([
      { host: '127.0.0.1', port: 6881 },
      { host: '::1', port: 7000 },
      { host: 'peer.example', port: 80 },
    ]);
  });

  it('takes both hashes of a hybrid magnet, in either order, and ignores bad trackers and lengths', () => {
    const m = parseMagnet(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&xt=urn:btih:${hex}&tr=not%20a%20url&xl=-5`);
    expect(m.infoHashHex).toBe(hex);
    expect(Buffer.from(m.infoHashV2!).toString('hex')).toBe('ab'.repeat(32));
    expect(parseMagnet(`magnet:?xt=urn:btih:${hex}&xt=urn:btmh:1220${'AB'.repeat(32)}`)).toEqual({ ...m, trackers: [] });
    expect(m.trackers).toEqual([]);
    expect(m.length).toBeUndefined();
  });

  const cases: [string, string, RegExp][] = [
    ['not a magnet', `http://127.0.0.1/?xt=urn:btih:${hex}`, /does not start with 'magnet:\?'/],
    ['no xt', 'magnet:?dn=x', /no BitTorrent info-hash \(xt=urn:btih:… or xt=urn:btmh:…\)/],
    ['xt of another scheme', `magnet:?xt=urn:sha1:${hex}`, /no BitTorrent info-hash/],
    ['hex hash too short', `magnet:?xt=urn:btih:${hex.slice(1)}`, /40 hex digits or 32 base32/],
    ['hex hash with a non-hex digit', `magnet:?xt=urn:btih:${hex.slice(1)}g`, /40 hex digits or 32 base32/],
    ['base32 hash with a digit outside the alphabet', `magnet:?xt=urn:btih:${base32.slice(1)}1`, /40 hex digits or 32 base32/],
    ['btmh of another hash function', `magnet:?xt=urn:btih:${hex}&xt=urn:btmh:1114${'ab'.repeat(20)}`, /btmh info-hash must be a SHA-256 multihash/],
    ['btmh one digit short', `magnet:?xt=urn:btmh:1220${'ab'.repeat(32).slice(1)}`, /btmh info-hash must be a SHA-256 multihash/],
    ['malformed escape', `magnet:?xt=urn:btih:${hex}&dn=%E0%A4%A`, /'dn' value has a malformed %-escape/],
    ['too long', `magnet:?xt=urn:btih:${hex}&dn=${'a'.repeat(70_000)}`, /longer than 65536 characters/],
  ];
  for (const [what, uri, message] of cases) {
    it(`refuses: ${what}`, () => {
      const err = refusal(() => parseMagnet(uri));
      expect(err.code).toBe('invalid-magnet');
      expect(err.message).toMatch(message);
    });
  }

  it('names a v2-only magnet by its btmh hash cut to 20 bytes, and writes it back without a btih', () => {
    const m = parseMagnet(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&dn=x`);
    expect(m.infoHashHex).toBe('ab'.repeat(20));
    expect(Buffer.from(m.infoHashV2!).toString('hex')).toBe('ab'.repeat(32));
    expect(formatMagnet(m)).toBe(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&dn=x`);
    expect(parseMagnet(formatMagnet(m))).toEqual(m);
  });
});

describe('formatMagnet', () => {
  it('writes the hash first and percent-encodes the rest', () => {
    const m = parseMagnet(`magnet:?xt=urn:btih:${hex}`);
    expect(formatMagnet({ ...m, name: 'a b&c', trackers: ['http://127.0.0.1/a?x=1&y=2'], webSeeds: [], peers: [{ host: '::1', port: 9 }] })).toBe(
      `magnet:?xt=urn:btih:${hex}&dn=a%20b%26c&tr=http%3A%2F%2F127.0.0.1%2Fa%3Fx%3D1%26y%3D2&x.pe=%5B%3A%3A1%5D%3A9`,
    );
  });

  it('round-trips through parseMagnet', () => {
    const magnet = fc.record(
      {
        infoHash: fc.uint8Array({ minLength: 20, maxLength: 20 }),
        infoHashV2: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        name: fc.string({ minLength: 1, unit: 'binary' }),
        length: fc.maxSafeNat(),
        trackers: fc.uniqueArray(fc.webUrl({ withQueryParameters: true, withFragments: true }), { maxLength: 4 }),
        webSeeds: fc.uniqueArray(fc.webUrl(), { maxLength: 3 }),
        peers: fc.uniqueArray(
          fc.record({ host: fc.oneof(fc.ipV4(), fc.ipV6().map((h) => ipText(ipBytes(h)!))), port: fc.integer({ min: 1, max: 65535 }) }),
          { maxLength: 3, selector: (p) => `${p.host}|${p.port}` },
        ),
      },
      { requiredKeys: ['infoHash', 'trackers', 'webSeeds', 'peers'] },
    );
    fc.assert(
      fc.property(magnet, (m) => {
        const full: Magnet = { ...m, infoHashHex: Buffer.from(m.infoHash).toString('hex') };
        expect(parseMagnet(formatMagnet(full))).toEqual(full);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a ShoalError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `magnet:?${s}`), fc.webUrl().map((u) => `magnet:?xt=urn:btih:${hex}&tr=${u}%`)), (uri) => {
        try {
          expect(parseMagnet(uri).infoHash.length).toBe(20);
        } catch (err) {
          expect(err).toBeInstanceOf(ShoalError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
