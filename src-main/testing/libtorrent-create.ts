// Test support: v2-only and hybrid .torrent files made by python3-libtorrent 2.0.8 (Debian's
// /usr/bin/python3), for interop tests of BEP 52 torrents Shoal did not make itself.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const script = `
import sys, libtorrent as lt
payload, out, piece_length, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fs = lt.file_storage()
lt.add_files(fs, payload)
flags = lt.create_torrent.v2_only if kind == 'v2' else 0
ct = lt.create_torrent(fs, piece_length, flags=flags)
lt.set_piece_hashes(ct, sys.argv[5])
open(out, 'wb').write(lt.bencode(ct.generate()))
print(str(lt.torrent_info(out).info_hashes().v2))
`;

/**
 * Makes a `kind` torrent of `payload` (a file or a folder) at `out` with libtorrent; resolves
 * with its v2 info-hash in hex (64 digits).
 */
export async function libtorrentCreate(payload: string, out: string, options: { pieceLength: number; kind: 'v2' | 'hybrid' }): Promise<string> {
  const { stdout } = await run('/usr/bin/python3', ['-c', script, payload, out, String(options.pieceLength), options.kind, dirname(payload)], {
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return stdout.trim();
}
