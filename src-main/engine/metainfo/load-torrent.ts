import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { fileError } from '../fs/file-errors';
import type { Metainfo } from './metainfo';
import { parseTorrent, torrentLimits } from './parse-torrent';

/**
 * Reads and parses a .torrent file. A torrent without `info.name` is named after the file, as
 * Transmission does. A file larger than any real torrent is refused before it is read.
 */
export async function loadTorrentFile(path: string): Promise<Metainfo> {
  let bytes: Uint8Array;
  try {
    // Non-blocking, so a FIFO given as a torrent cannot hang the open; it is refused below.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = await handle.stat();
      const size = stats.size;
      if (!stats.isFile()) throw new ShoalError('invalid-input', `'${path}' is not a file.`);
      if (size > torrentLimits.maxBytes) {
        throw new ShoalError('invalid-torrent', `Invalid torrent: '${path}' is ${size} bytes, more than any torrent file.`);
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw err instanceof ShoalError ? err : fileError(err, 'reading', path);
  }
  return parseTorrent(bytes, { fallbackName: basename(path).replace(/\.torrent$/i, '') });
}

/** A torrent's bytes as a front end sent them; one without `info.name` is named after its file, whatever the separators. */
export function parseTorrentFrom(data: Uint8Array, fileName: string | undefined): Metainfo {
  const base = fileName?.split(/[\\/]/).pop() ?? '';
  return parseTorrent(data, base ? { fallbackName: base.replace(/\.torrent$/i, '') } : {});
}
