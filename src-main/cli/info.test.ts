import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bencode } from '../engine/bencode';
import { buildV2Torrent } from '../testing/v2-torrent';
import { readManifest, torrentsDir } from '../testing/shared-fixtures';
import { useCliCapture } from '../testing/cli-capture';

const cli = useCliCapture('shoal-info-');
const { stdout, stderr } = cli;
const shoal = cli.run;

describe('shoal info --json agrees with the fixtures manifest', () => {
  for (const t of readManifest()) {
    it(t.file, async () => {
      expect(await shoal('info', '--json', join(torrentsDir, t.file))).toBe(0);
      const json: unknown = JSON.parse(stdout.join('\n'));
      // A torrent without info.name is named after its file, as Transmission does.
      const name = t.name ?? t.file.replace(/\.torrent$/, '');
      const trackers = t.announce_list && t.announce_list.length > 0 ? t.announce_list : t.announce ? [[t.announce]] : [];
      expect(json).toStrictEqual({
        version: 'v1',
        infoHash: t.info_hash,
        infoHashV2: null,
        name,
        length: t.total_length,
        pieceLength: t.piece_length,
        pieceCount: t.piece_count,
        private: t.private === 1,
        files: t.files.map((f) => ({ path: f.path.map((p) => p ?? name).join('/'), length: f.length })),
        trackers,
        urlList: t.url_list ?? [],
      });
    });
  }
});

describe('shoal info on v2 and hybrid torrents', () => {
  const files = [
    { path: ['a.bin'], data: new Uint8Array(40_000).fill(1) },
    { path: ['b.txt'], data: new Uint8Array(5).fill(2) },
  ];
  it.each([false, true])('gives the version and both info-hashes, the SHA-1 null for v2-only (hybrid: %s)', async (hybrid) => {
    const parts = buildV2Torrent({ name: 'v2 data', pieceLength: 16_384, files, hybrid });
    const path = await file(`v2-${hybrid}.torrent`, bencode({ info: parts.info, 'piece layers': parts.pieceLayers }));
    const info = bencode(parts.info);
    expect(await shoal('info', '--json', path)).toBe(0);
    const json = JSON.parse(stdout.join('\n')) as Record<string, unknown>;
    expect(json).toMatchObject({
      version: hybrid ? 'hybrid' : 'v2',
      infoHash: hybrid ? createHash('sha1').update(info).digest('hex') : null,
      infoHashV2: createHash('sha256').update(info).digest('hex'),
      name: 'v2 data',
      pieceCount: 4,
    });
    expect(json['infoHashV2']).toMatch(/^[0-9a-f]{64}$/);
    expect(await shoal('info', path)).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(hybrid ? /^Version: +hybrid \(v1 and v2\)$/m : /^Version: +BitTorrent v2$/m);
    expect(text).toMatch(new RegExp(`^Info-hash v2: ${createHash('sha256').update(info).digest('hex')}$`, 'm'));
    expect(/^Info-hash: /m.test(text)).toBe(hybrid);
  });
});

describe('shoal info', () => {
  it('prints a readable summary of a torrent', async () => {
    expect(await shoal('info', join(torrentsDir, 'lots-of-numbers.torrent'))).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(/^Name: +lots-of-numbers$/m);
    expect(text).toMatch(/^Info-hash: +114ead6243792ba56297edbb9a78dfba84d4fc00$/m);
    expect(text).toMatch(/^Size: +12 bytes$/m);
    expect(text).toMatch(/^Files \(6\):$/m);
    expect(text).toMatch(/^ {4}1 {2}big numbers\/10\.txt {2}\(2 bytes\)$/m);
    expect(text).toMatch(/^ {4}6 {2}small numbers\/3\.txt {2}\(3 bytes\)$/m);
    expect(await shoal('info', join(torrentsDir, 'alice.torrent'))).toBe(0);
    expect(stdout.join('\n')).toMatch(/^Size: +159\.9 KiB \(163,783 bytes\)$/m);
  });

  it('prints what a magnet link carries, as text or JSON', async () => {
    const magnet = 'magnet:?xt=urn:btih:722fe65b2aa26d14f35b4ad627d20236e481d924&dn=alice.txt&tr=udp%3A%2F%2F127.0.0.1%3A9&tr=http://127.0.0.1:8/a';
    expect(await shoal('info', '--json', magnet)).toBe(0);
    expect(JSON.parse(stdout.join('\n'))).toStrictEqual({
      infoHash: '722fe65b2aa26d14f35b4ad627d20236e481d924',
      name: 'alice.txt',
      length: null,
      trackers: [['udp://127.0.0.1:9'], ['http://127.0.0.1:8/a']],
      urlList: [],
    });
    expect(await shoal('info', magnet)).toBe(0);
    expect(stdout.join('\n')).toMatch(/^Name: +alice\.txt$/m);
  });

  const failures: [string, () => Promise<string[]>, RegExp][] = [
    ['a missing file', async () => [join(cli.dir, 'missing.torrent')], /^error: .*missing\.torrent does not exist\. Check that it was not moved or renamed, and that its disk is connected\.$/],
    ['a file that is not bencode', async () => [await file('junk.torrent', 'hello world')], /^error: The torrent file is damaged: unexpected byte 0x68 at byte 0\.$/],
    ['a truncated torrent', async () => [await file('cut.torrent', 'd4:infod4:name')], /^error: The torrent file is damaged: it ends early/],
    ['a folder', async () => [cli.dir], /^error: '.*' is not a file\.$/],
    ['a bad magnet link', async () => ['magnet:?xt=urn:btih:1234'], /^error: Invalid magnet link: its info-hash must be 40 hex digits or 32 base32 characters\.$/],
    ['no argument', async () => [], /^error: Give exactly one \.torrent file or magnet link/],
    ['an unknown option', async () => ['--frob', 'x'], /^error: Unknown option '--frob'/],
  ];
  for (const [what, args, message] of failures) {
    it(`fails with status 1 and one error line for ${what}`, async () => {
      expect(await shoal('info', ...(await args()))).toBe(1);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
      expect(stdout).toEqual([]);
    });
  }

  it('refuses a FIFO without waiting for a writer', { timeout: 5_000 }, async () => {
    const fifo = join(cli.dir, 'pipe.torrent');
    execFileSync('mkfifo', [fifo]);
    expect(await shoal('info', fifo)).toBe(1);
    expect(stderr[0]).toMatch(/is not a file/);
  });
});

describe('shoal info with hostile text in the torrent', () => {
  // Escape sequences that would set the window title, clear the screen, move the cursor (C1 CSI)
  // or reorder the line (bidi override); newlines that would forge lines of their own.
  const hostile = {
    name: 'movie\x1b]0;pwned\x07.mkv',
    comment: 'nice\x1b[2J\nerror: forged line',
    createdBy: 'tool\r\x9b31m',
    source: 'src\u202egpj.exe',
    file: 'a\nFiles (0):',
    tracker: 'http://t/\x1b[1Aannounce',
  };
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('escapes control characters in every field of a .torrent', async () => {
    const path = join(cli.dir, 'hostile.torrent');
    const info = { files: [{ length: 1, path: [hostile.file] }], name: hostile.name, 'piece length': 16384, pieces: new Uint8Array(20) };
    await writeFile(path, bencode({ announce: hostile.tracker, comment: hostile.comment, 'created by': hostile.createdBy, info: { ...info, source: hostile.source }, 'url-list': hostile.tracker }));
    expect(await shoal('info', path)).toBe(0);
    const text = stdout.join('\n');
    expect(text).not.toMatch(controls);
    // Names and paths are made safe file names by the parser already.
    expect(text).toMatch(/^Name: +movie_\]0;pwned_\.mkv$/m);
    expect(text).toMatch(/^Comment: +nice\\x1b\[2J\\nerror: forged line$/m);
    expect(text).toMatch(/^Created by: +tool\\r\\u009b31m$/m);
    expect(text).toMatch(/^Source: +src\\u202egpj\.exe$/m);
    expect(text).toMatch(/^ +1 {2}a_Files \(0\)_ {2}\(1 bytes\)$/m);
    expect(text).toMatch(/^ {2}tier 1: http:\/\/t\/\\x1b\[1Aannounce$/m);
    expect(text).toMatch(/^ {2}http:\/\/t\/\\x1b\[1Aannounce$/m);
    expect(text.split('\n').filter((line) => line.startsWith('Files ('))).toHaveLength(1);
  });

  it("escapes control characters in a magnet's name and trackers", async () => {
    const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=${encodeURIComponent(hostile.comment)}&tr=${encodeURIComponent(hostile.tracker)}`;
    expect(await shoal('info', magnet)).toBe(0);
    const text = stdout.join('\n');
    expect(text).not.toMatch(controls);
    expect(text).toMatch(/^Name: +nice\\x1b\[2J\\nerror: forged line$/m);
    expect(text).toMatch(/^ {2}http:\/\/t\/\\x1b\[1Aannounce$/m);
  });

  it('quotes a repeated key of a damaged torrent on one line of bounded length', async () => {
    const long = 'k'.repeat(1 << 20);
    const forged = await file('forged.torrent', 'd3:a\ne0:3:a\ne0:e');
    const huge = await file('huge-key.torrent', `d${long.length}:${long}0:${long.length}:${long}0:e`);
    for (const path of [forged, huge]) {
      expect(await shoal('info', path)).toBe(1);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(/^error: The torrent file is damaged: the dictionary at byte 0 has the key '.*' twice\.$/);
      expect(stderr[0]).not.toMatch(controls);
      expect(stderr[0]!.length).toBeLessThan(300);
    }
  });

  it('escapes an error sentence that carries outside text', async () => {
    expect(await shoal('info', join(cli.dir, 'no\x1b[2Jsuch\n.torrent'))).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).not.toMatch(controls);
    expect(stderr[0]).toContain('no\\x1b[2Jsuch\\n.torrent');
  });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(cli.dir, name);
  await writeFile(path, content);
  return path;
}
