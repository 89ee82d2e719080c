// Property tests: whatever bytes arrive, the decoder and validator give a typed refusal or a
// consistent Metainfo, quickly, and nothing else.
import bencode from 'bencode';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { bencode as encode } from '../bencode';
import { rootFromPieceLayer } from '../merkle';
import type { Metainfo } from './metainfo';
import { parseTorrent } from './parse-torrent';
import { readTorrent, torrentsDir } from '../../testing/shared-fixtures';
import { buildV2Torrent } from '../../testing/v2-torrent';

// Generous for a busy CI machine; a hang or a quadratic blow-up would take far longer.
const perInputMs = 2_000;
/** v2 and hybrid torrents with an empty file, files smaller than a piece and one of several pieces. */
function v2Fixture(hybrid: boolean, pieceLength: number): Uint8Array {
  const data = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
  const files = [
    { path: ['a', 'big.bin'], data: data(3 * pieceLength + 5, 1) },
    { path: ['a', 'empty'], data: data(0, 2) },
    { path: ['b.txt'], data: data(100, 3) },
    { path: ['c'], data: data(pieceLength, 4) },
  ];
  const parts = buildV2Torrent({ name: 'v2 fixture', pieceLength, files, hybrid });
  return encode({ announce: 'http://127.0.0.1:1/announce', info: parts.info, 'piece layers': parts.pieceLayers });
}
const v2Fixtures = [v2Fixture(false, 16_384), v2Fixture(true, 16_384), v2Fixture(false, 32_768), v2Fixture(true, 32_768)];
const fixtures = [...readdirSync(torrentsDir).map((file) => readTorrent(file)), ...v2Fixtures];

/** Parses and checks the outcome: a consistent Metainfo or a ShoalError, within the time bound. */
function parseChecked(bytes: Uint8Array): Metainfo | ShoalError {
  const started = performance.now();
  let outcome: Metainfo | ShoalError;
  try {
    outcome = parseTorrent(bytes);
  } catch (err) {
    if (!(err instanceof ShoalError)) throw err;
    expect(['invalid-torrent', 'unsupported-torrent']).toContain(err.code);
    expect(err.message).not.toMatch(/\n|\bat \S+:\d+/); // one sentence, no stack
    outcome = err;
  }
  expect(performance.now() - started).toBeLessThan(perInputMs);
  if (!(outcome instanceof ShoalError)) expectConsistent(outcome);
  return outcome;
}

function expectConsistent(m: Metainfo): void {
  const sha256 = createHash('sha256').update(m.infoBytes).digest('hex');
  if (m.version === 'v2') {
    expect(m.infoHashHex).toBe(sha256.slice(0, 40));
    expect(m.pieceHashes.length).toBe(0);
  } else {
    expect(createHash('sha1').update(m.infoBytes).digest('hex')).toBe(m.infoHashHex);
    expect(m.pieceHashes.length).toBe(20 * Math.ceil(m.length / m.pieceLength));
  }
  if (m.version === 'v1') expect(m.infoHashV2).toBeUndefined();
  else expectV2Consistent(m, sha256);
  expect(m.pieceLength).toBeGreaterThan(0);
  expect(m.length).toBeGreaterThan(0);
  expect(m.pieceCount).toBe(Math.ceil(m.length / m.pieceLength));
  expect(m.lastPieceLength).toBeGreaterThan(0);
  expect(m.lastPieceLength).toBeLessThanOrEqual(m.pieceLength);
  expect(m.name).not.toBe('');
  let offset = 0;
  const seen = new Set<string>();
  for (const f of m.files) {
    expect(f.offset).toBe(offset);
    expect(f.length).toBeGreaterThanOrEqual(0);
    offset += f.length;
    expect(f.path.length).toBeGreaterThan(0);
    for (const part of f.path) {
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must be absent
      expect(part).not.toMatch(/^\.{1,2}$|^$|[/\\:*?"<>|\u0000-\u001f]/);
      expect(part).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i);
    }
    if (!f.pad) {
      const key = f.path.join('/').toLowerCase();
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  }
  expect(offset).toBe(m.length);
}

/** What BEP 52 promises of a v2 or hybrid torrent: aligned files with roots, layers that hash to them. */
function expectV2Consistent(m: Metainfo, sha256: string): void {
  expect(Buffer.from(m.infoHashV2!).toString('hex')).toBe(sha256);
  expect(m.pieceLength & (m.pieceLength - 1)).toBe(0);
  expect(m.pieceLength).toBeGreaterThanOrEqual(16_384);
  for (const f of m.files) {
    if (f.pad || f.length === 0) {
      expect(f.piecesRoot).toBeUndefined();
      continue;
    }
    expect(f.offset % m.pieceLength).toBe(0);
    expect(f.piecesRoot?.length).toBe(32);
    if (f.pieceLayer) {
      expect(f.pieceLayer.length).toBe(32 * Math.ceil(f.length / m.pieceLength));
      expect(Buffer.from(rootFromPieceLayer(f.pieceLayer, m.pieceLength)).equals(f.piecesRoot!)).toBe(true);
    } else {
      expect(f.length).toBeLessThanOrEqual(m.pieceLength);
    }
  }
}

const fixture = fc.constantFrom(...fixtures);

/** Real torrents damaged the ways files get damaged: flipped bytes, truncation, splices. */
const mutated = fc.oneof(
  fc.tuple(fixture, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })).map(([bytes, flips]) => {
    const out = Uint8Array.from(bytes);
    for (const [at, value] of flips) out[at % out.length] = value;
    return out;
  }),
  fc.tuple(fixture, fc.nat()).map(([bytes, at]) => bytes.subarray(0, at % bytes.length)),
  fc.tuple(fixture, fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 64 })).map(([bytes, at, cut, insert]) => {
    const start = at % bytes.length;
    const end = Math.min(bytes.length, start + (cut % 64));
    return Uint8Array.from([...bytes.subarray(0, start), ...insert, ...bytes.subarray(end)]);
  }),
  fc.tuple(fixture, fixture, fc.nat(), fc.nat(), fc.nat()).map(([a, b, at, from, len]) => {
    const start = at % a.length;
    const piece = b.subarray(from % b.length, (from % b.length) + (len % 200));
    return Uint8Array.from([...a.subarray(0, start), ...piece, ...a.subarray(start)]);
  }),
);

/** Token soup in bencode's alphabet, with torrent keys, to reach deep into the validator. */
const tokens = fc
  .array(
    fc.constantFrom('d', 'l', 'e', 'i', 'i0e', 'i-1e', 'i16384e', '0:', '1:a', '2:..', '3:CON', '4:info', '4:name', '6:length',
      '5:files', '4:path', '6:pieces', '12:piece length', '20:aaaaaaaaaaaaaaaaaaaa', '4:attr', '1:p', '12:meta version', ':', '-', '9'),
    { maxLength: 60 },
  )
  .map((parts) => new TextEncoder().encode(parts.join('')));

/** Well-typed torrents with random values: mostly reach the semantic checks. */
const component = fc.oneof(fc.constantFrom('..', '.', '', 'CON', 'aux.txt', 'a:b', 'a/b', 'x\0y', 'A', 'a', 'name. '), fc.string({ maxLength: 12 }));
const structured = fc
  .record({
    name: fc.option(component, { nil: undefined }),
    pieceLength: fc.oneof(fc.constant(16_384), fc.integer({ min: -2, max: 40_000 })),
    files: fc.option(
      fc.array(
        fc.record({ length: fc.integer({ min: -1, max: 50_000 }), path: fc.array(component, { maxLength: 4 }), pad: fc.boolean() }),
        { maxLength: 8 },
      ),
      { nil: undefined },
    ),
    length: fc.integer({ min: -1, max: 100_000 }),
    extraHashes: fc.integer({ min: -1, max: 1 }),
    oddHashBytes: fc.boolean(),
  })
  .map(({ name, pieceLength, files, length, extraHashes, oddHashBytes }) => {
    const total = files ? files.reduce((s, f) => s + Math.max(0, f.length), 0) : Math.max(0, length);
    const count = pieceLength > 0 ? Math.max(0, Math.ceil(total / pieceLength) + extraHashes) : 1;
    const info: Record<string, unknown> = {
      'piece length': pieceLength,
      pieces: new Uint8Array(20 * count + (oddHashBytes ? 7 : 0)),
      ...(name !== undefined && { name }),
      ...(files ? { files: files.map((f) => ({ length: f.length, path: f.path, ...(f.pad && { attr: 'p' }) })) } : { length }),
    };
    return bencode.encode({ info });
  });

/** v2 and hybrid torrents with random files, some with one field broken. */
const structuredV2 = fc
  .record({
    hybrid: fc.boolean(),
    pieceLength: fc.constantFrom(16_384, 32_768),
    files: fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd/e', 'd/f', 'é', 'CON', '..'), length: fc.integer({ min: 0, max: 70_000 }) }), {
      minLength: 1,
      maxLength: 5,
      selector: (f) => f.name,
    }),
    breakage: fc.constantFrom('none', 'none', 'none', 'piece length', 'drop layers', 'root', 'v1 length', 'meta version'),
  })
  .map(({ hybrid, pieceLength, files, breakage }) => {
    const sorted = [...files].sort((x, y) => Buffer.compare(Buffer.from(x.name), Buffer.from(y.name)));
    // 'd' as a file beside 'd/e' would be a file and a folder at once: keep only folder entries then.
    const specs = sorted.map((f) => ({ path: f.name.split('/'), data: new Uint8Array(f.length).fill(f.length & 0xff) }));
    const parts = buildV2Torrent({ name: 'random', pieceLength, files: specs, hybrid });
    const info = { ...parts.info };
    if (breakage === 'piece length') info['piece length'] = pieceLength + 16_384 * 3;
    if (breakage === 'meta version') info['meta version'] = 1;
    if (breakage === 'v1 length' && hybrid) info['files'] = (info['files'] as Record<string, unknown>[]).map((f, i) => (i === 0 ? { ...f, length: 1 } : f)) as never;
    const layers = breakage === 'drop layers' ? new Map() : parts.pieceLayers;
    if (breakage === 'root') for (const [key, layer] of layers) layers.set(key, layer.slice(32));
    return encode({ info, 'piece layers': layers });
  });

describe('parseTorrent under random and mutated input', () => {
  it('random bytes', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => void parseChecked(bytes)), { numRuns: 2_000 });
  });

  it('real fixtures with flipped bytes, truncations and splices', { timeout: 120_000 }, () => {
    fc.assert(fc.property(mutated, (bytes) => void parseChecked(bytes)), { numRuns: 3_000 });
  });

  it('token soup in the bencode alphabet', { timeout: 60_000 }, () => {
    fc.assert(fc.property(tokens, (bytes) => void parseChecked(bytes)), { numRuns: 3_000 });
  });

  it('well-typed torrents with random and wrong values', { timeout: 60_000 }, () => {
    let accepted = 0;
    fc.assert(
      fc.property(structured, (bytes) => {
        if (!(parseChecked(bytes) instanceof ShoalError)) accepted++;
      }),
      { numRuns: 2_000 },
    );
    // The generator must also reach the success path, or the consistency checks test nothing.
    expect(accepted).toBeGreaterThan(100);
  });

  it('well-formed and broken v2 and hybrid torrents with random files', { timeout: 60_000 }, () => {
    const versions = new Set<string>();
    let refused = 0;
    fc.assert(
      fc.property(structuredV2, (bytes) => {
        const outcome = parseChecked(bytes);
        if (outcome instanceof ShoalError) refused++;
        else versions.add(outcome.version);
      }),
      { numRuns: 500 },
    );
    // (A hybrid told it is meta version 1 loads as the v1 torrent it also is.)
    expect(versions).toContain('v2');
    expect(versions).toContain('hybrid');
    expect(refused).toBeGreaterThan(20);
  });
});
