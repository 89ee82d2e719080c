import type { CommandInput, CommandOutput, TorrentPreview } from '../../../src-shared/contract';
import type { Metainfo } from './metainfo';
import { parseMagnet } from './magnet';
import { parseTorrent } from './parse-torrent';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** What the add dialog shows before adding: a magnet link tells only what it says; a torrent lists its files (pad files left out). */
export function preview(input: CommandInput<'inspectTorrent'>): CommandOutput<'inspectTorrent'> {
  if ('uri' in input) {
    const magnet = parseMagnet(input.uri);
    return {
      infoHash: magnet.infoHashHex,
      version: null,
      infoHashV2: magnet.infoHashV2 ? hex(magnet.infoHashV2) : null,
      name: magnet.name ?? magnet.infoHashHex,
      length: magnet.length ?? null,
      files: [],
      trackers: [...new Set(magnet.trackers)],
    };
  }
  return previewOf(parseTorrent(input.data));
}

/** The preview of a torrent whose metainfo is known (from a file, or a magnet's fetched metadata). */
export function previewOf(m: Metainfo): TorrentPreview {
  return {
    infoHash: m.infoHashHex,
    version: m.version,
    infoHashV2: m.infoHashV2 ? hex(m.infoHashV2) : null,
    name: m.name,
    length: m.length,
    files: m.files.flatMap((f, index) => (f.pad ? [] : [{ index, path: f.path.join('/'), length: f.length }])),
    trackers: [...new Set(m.trackers.flat())],
  };
}
