import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
        infoHash: t.info_hash,
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
    ['a missing file', async () => [join(cli.dir, 'missing.torrent')], /^error: '.*missing\.torrent' does not exist\.$/],
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

async function file(name: string, content: string): Promise<string> {
  const path = join(cli.dir, name);
  await writeFile(path, content);
  return path;
}
