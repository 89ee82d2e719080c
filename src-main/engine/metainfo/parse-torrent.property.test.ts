// Property tests: whatever bytes arrive, the decoder and validator give a typed refusal or a
// consistent Metainfo, quickly, and nothing else.
import bencode from 'bencode';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from './metainfo';
import { parseTorrent } from './parse-torrent';
import { readTorrent, torrentsDir } from '../../testing/shared-fixtures';

// Generous for a busy CI machine; a hang or a quadratic blow-up would take far longer.
const perInputMs = 2_000;
const fixtures = readdirSync(torrentsDir).map((file) => readTorrent(file));

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
  expect(createHash('sha1').update(m.infoBytes).digest('hex')).toBe(m.infoHashHex);
  expect(m.pieceLength).toBeGreaterThan(0);
  expect(m.length).toBeGreaterThan(0);
  expect(m.pieceCount).toBe(Math.ceil(m.length / m.pieceLength));
  expect(m.pieceHashes.length).toBe(20 * m.pieceCount);
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
});
