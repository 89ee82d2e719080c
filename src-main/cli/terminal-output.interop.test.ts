import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bencode } from '../engine/bencode';
import { freePort, stopAll, tempDir, waitFor } from '../testing/processes';
import { startShoal } from '../testing/shoal-cli';

afterAll(async () => {
  await stopAll();
});

describe('shoal download on a terminal', () => {
  it("escapes the engine's log lines, which quote a tracker URL from the torrent", async () => {
    const dir = await tempDir('terminal-output');
    try {
      // A tracker that refuses the connection at once, with a title-setting sequence in its URL.
      const url = `http://127.0.0.1:${await freePort()}/\x1b]0;pwned\x07announce`;
      const torrent = join(dir.path, 'hostile.torrent');
      await writeFile(torrent, bencode({ announce: url, info: { length: 1, name: 'a', 'piece length': 16384, pieces: new Uint8Array(20) } }));
      const shoal = startShoal(['download', torrent, '-o', join(dir.path, 'out')]);
      const said = await waitFor('the tracker log line', () => (/tracker http.*pwned.*\n/.test(shoal.output()) ? shoal.output() : undefined), 30_000);
      await shoal.stop();
      expect(said).toContain('\\x1b]0;pwned\\x07announce');
      // eslint-disable-next-line no-control-regex
      expect(said).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    } finally {
      await dir.remove();
    }
  }, 60_000);
});
