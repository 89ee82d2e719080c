import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentDir } from '../testing/shared-fixtures';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { useCliCapture } from '../testing/cli-capture';

const cli = useCliCapture('shoal-create-cli-');
const { stdout, stderr, terminal } = cli;
const shoal = cli.run;
let n = 0;

async function withStderrTTY<T>(isTTY: boolean, run: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
  try {
    return await run();
  } finally {
    if (original) Object.defineProperty(process.stderr, 'isTTY', original);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}

const out = (): string => join(cli.dir, `out-${++n}.torrent`);

describe('shoal create', () => {
  it('writes a torrent with tracker tiers, web seeds, private, comment and source, and says what it made', async () => {
    const target = out();
    const code = await shoal(
      'create', join(contentDir, 'numbers'), '-o', target,
      '--tracker', 'http://127.0.0.1:1/a,udp://127.0.0.1:2', '--tracker', 'http://127.0.0.1:3/b',
      '--web-seed', 'http://127.0.0.1:4/', '-w', 'http://127.0.0.1:5/',
      '--piece-length', '32K', '--private', '--comment', 'hello', '--source', 'SRC',
    );
    expect(code).toBe(0);
    const m = parseTorrent(await readFile(target));
    expect(m).toMatchObject({
      name: 'numbers',
      pieceLength: 32_768,
      trackers: [['http://127.0.0.1:1/a', 'udp://127.0.0.1:2'], ['http://127.0.0.1:3/b']],
      urlList: ['http://127.0.0.1:4/', 'http://127.0.0.1:5/'],
      private: true,
      comment: 'hello',
      source: 'SRC',
    });
    expect(m.files.map((f) => f.path.join('/'))).toEqual(['1.txt', '2.txt', '3.txt']);
    expect(stdout).toEqual([`created ${target}: numbers, info-hash ${m.infoHashHex}, 1 piece of 32768 bytes`]);
  });

  it('writes v2-only and hybrid torrents with --v2 and --hybrid, naming their v2 info-hash, and v1 by default', async () => {
    const v2 = out();
    expect(await shoal('create', join(contentDir, 'numbers'), '-o', v2, '--v2', '-l', '16K')).toBe(0);
    const m2 = parseTorrent(await readFile(v2));
    expect(m2.version).toBe('v2');
    const v2hex = Buffer.from(m2.infoHashV2!).toString('hex');
    expect(stdout.at(-1)).toBe(`created ${v2}: numbers, v2 info-hash ${v2hex}, 3 pieces of 16384 bytes`);
    const hybrid = out();
    expect(await shoal('create', join(contentDir, 'numbers'), '-o', hybrid, '--hybrid', '-l', '16K')).toBe(0);
    const mh = parseTorrent(await readFile(hybrid));
    expect(mh.version).toBe('hybrid');
    expect(stdout.at(-1)).toBe(`created ${hybrid}: numbers, info-hash ${mh.infoHashHex}, v2 info-hash ${Buffer.from(mh.infoHashV2!).toString('hex')}, 3 pieces of 16384 bytes`);
    const v1 = out();
    expect(await shoal('create', join(contentDir, 'numbers'), '-o', v1)).toBe(0);
    expect(parseTorrent(await readFile(v1)).version).toBe('v1');
  });

  it('refuses --v2 with --hybrid in one sentence', async () => {
    expect(await shoal('create', join(contentDir, 'numbers'), '-o', out(), '--v2', '--hybrid')).toBe(1);
    expect(stderr.at(-1)).toMatch(/Choose one of --v2 and --hybrid/);
  });

  it('draws no progress when stderr is not a terminal', async () => {
    expect(await withStderrTTY(false, () => shoal('create', join(contentDir, 'alice.txt'), '-o', out()))).toBe(0);
    expect(terminal).toEqual([]);
  });

  it('draws a progress bar when stderr is a terminal, and clears it', async () => {
    expect(await withStderrTTY(true, () => shoal('create', join(contentDir, 'alice.txt'), '-o', out()))).toBe(0);
    expect(terminal.some((s) => s.includes('hashing [') && s.includes('100%'))).toBe(true);
    expect(terminal.at(-1)).toBe('\r\x1b[K');
  });

  it('never overwrites an existing file', async () => {
    const target = out();
    await writeFile(target, 'precious');
    expect(await shoal('create', join(contentDir, 'alice.txt'), '-o', target)).toBe(1);
    expect(stderr).toEqual([`error: '${target}' already exists; choose another name or remove it.`]);
    expect(await readFile(target, 'utf8')).toBe('precious');
  });

  const failures: [string, () => string[], RegExp][] = [
    ['no output', () => [join(contentDir, 'alice.txt')], /^error: Say where to write the torrent with -o FILE/],
    ['no path', () => ['-o', out()], /^error: Give exactly one file or folder/],
    ['a missing path', () => [join(cli.dir, 'nothing-here'), '-o', out()], /^error: .*nothing-here does not exist\. Check that it was not moved or renamed, and that its disk is connected\.$/],
    ['a piece length that is not a number', () => [join(contentDir, 'alice.txt'), '-o', out(), '-l', 'big'], /^error: --piece-length must be a number of bytes/],
    ['a piece length that is not a power of two', () => [join(contentDir, 'alice.txt'), '-o', out(), '-l', '100000'], /^error: The piece length must be a power of two from 16384 to 268435456 bytes, not 100000\.$/],
    ['a tracker that is not a URL', () => [join(contentDir, 'alice.txt'), '-o', out(), '-t', 'nope'], /^error: The tracker 'nope' is not a URL\.$/],
    ['an unknown option', () => ['--frob'], /^error: Unknown option '--frob'/],
  ];
  for (const [what, args, message] of failures) {
    it(`fails with status 1 and one error line for ${what}`, async () => {
      expect(await shoal('create', ...args())).toBe(1);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
      expect(stdout).toEqual([]);
    });
  }
});
