import { ShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { parseCliArgs } from './parse-cli-args';
import { loadTorrentFile } from '../engine/metainfo/load-torrent';
import { parseMagnet, type Magnet } from '../engine/metainfo/magnet';
import type { Metainfo, MetaVersion } from '../engine/metainfo/metainfo';
import { terminalText as shown } from '../host/terminal-text';

const help = `usage: shoal info [--json] <file.torrent | magnet-uri>

Shows what a torrent or magnet link describes.

  --json   print JSON: version ("v1", "v2" or "hybrid"), infoHash (SHA-1, 40 hex digits; null
           for v2-only), infoHashV2 (SHA-256, 64 hex digits; null for v1), name, length,
           pieceLength, pieceCount, private, files
           ({ path, length }, paths /-separated and relative to the torrent's folder),
           trackers (tiers of URLs) and urlList; for a magnet link only what it carries`;

/** The JSON `shoal info --json` prints for a .torrent. */
export interface TorrentInfoJson {
  readonly version: MetaVersion;
  /** The SHA-1 info-hash; a v2-only torrent has none. */
  readonly infoHash: string | null;
  /** The SHA-256 info-hash of v2 and hybrid torrents. */
  readonly infoHashV2: string | null;
  readonly name: string;
  readonly length: number;
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly private: boolean;
  readonly files: readonly { readonly path: string; readonly length: number }[];
  readonly trackers: readonly (readonly string[])[];
  readonly urlList: readonly string[];
}

/** The JSON `shoal info --json` prints for a magnet link: its trackers are one tier each. */
export interface MagnetInfoJson {
  readonly infoHash: string;
  readonly name: string | null;
  readonly length: number | null;
  readonly trackers: readonly (readonly string[])[];
  readonly urlList: readonly string[];
}

export function torrentJson(m: Metainfo): TorrentInfoJson {
  return {
    version: m.version,
    infoHash: m.version === 'v2' ? null : m.infoHashHex,
    infoHashV2: m.infoHashV2 ? Buffer.from(m.infoHashV2).toString('hex') : null,
    name: m.name,
    length: m.length,
    pieceLength: m.pieceLength,
    pieceCount: m.pieceCount,
    private: m.private,
    files: m.files.map((f) => ({ path: f.path.join('/'), length: f.length })),
    trackers: m.trackers,
    urlList: m.urlList,
  };
}

export function magnetJson(m: Magnet): MagnetInfoJson {
  return {
    infoHash: m.infoHashHex,
    name: m.name ?? null,
    length: m.length ?? null,
    trackers: m.trackers.map((t) => [t]),
    urlList: m.webSeeds,
  };
}

export const command: Command = {
  async run(argv) {
    const { values, positionals } = parseCliArgs('info', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    const [target, ...extra] = positionals;
    if (target === undefined || extra.length > 0) {
      throw new ShoalError('invalid-input', "Give exactly one .torrent file or magnet link (see 'shoal info --help').");
    }
    if (/^magnet:/i.test(target)) {
      const magnet = parseMagnet(target);
      console.log(values.json ? JSON.stringify(magnetJson(magnet), null, 2) : describeMagnet(magnet));
    } else {
      const metainfo = await loadTorrentFile(target);
      console.log(values.json ? JSON.stringify(torrentJson(metainfo), null, 2) : describeTorrent(metainfo));
    }
    return 0;
  },
};

function describeTorrent(m: Metainfo): string {
  const lines = [
    `Name:        ${shown(m.name)}`,
    `Version:     ${m.version === 'v1' ? 'BitTorrent v1' : m.version === 'v2' ? 'BitTorrent v2' : 'hybrid (v1 and v2)'}`,
    ...(m.version === 'v2' ? [] : [`Info-hash:   ${m.infoHashHex}`]),
    ...(m.infoHashV2 ? [`Info-hash v2: ${Buffer.from(m.infoHashV2).toString('hex')}`] : []),
    `Size:        ${formatSize(m.length)}`,
    `Pieces:      ${m.pieceCount.toLocaleString('en-US')} × ${formatBytes(m.pieceLength)}`,
    `Private:     ${m.private ? 'yes' : 'no'}`,
  ];
  if (m.creationDate) lines.push(`Created:     ${m.creationDate.toISOString()}`);
  if (m.createdBy !== undefined) lines.push(`Created by:  ${shown(m.createdBy)}`);
  if (m.comment !== undefined) lines.push(`Comment:     ${shown(m.comment)}`);
  if (m.source !== undefined) lines.push(`Source:      ${shown(m.source)}`);
  lines.push('', 'Trackers:', ...(m.trackers.length > 0 ? m.trackers.map((tier, i) => `  tier ${i + 1}: ${shown(tier.join(', '))}`) : ['  (none)']));
  if (m.urlList.length > 0) lines.push('', 'Web seeds:', ...m.urlList.map((u) => `  ${shown(u)}`));
  // Numbered from 1 by position in the torrent (pad files keep their numbers, unshown), as
  // `shoal download --skip` takes them.
  const files = m.files.flatMap((f, i) => (f.pad ? [] : [`  ${String(i + 1).padStart(3)}  ${shown(f.path.join('/'))}  (${formatBytes(f.length)})`]));
  lines.push('', `Files (${files.length}):`, ...files);
  return lines.join('\n');
}

function describeMagnet(m: Magnet): string {
  const lines = [`Name:        ${m.name === undefined ? '(unknown until the metadata arrives)' : shown(m.name)}`, `Info-hash:   ${m.infoHashHex}`];
  if (m.length !== undefined) lines.push(`Size:        ${formatSize(m.length)}`);
  lines.push('', 'Trackers:', ...(m.trackers.length > 0 ? m.trackers.map((t) => `  ${shown(t)}`) : ['  (none)']));
  if (m.webSeeds.length > 0) lines.push('', 'Web seeds:', ...m.webSeeds.map((u) => `  ${shown(u)}`));
  return lines.join('\n');
}

// Exact bytes too when the short form rounds.
function formatSize(n: number): string {
  return n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n.toLocaleString('en-US')} bytes)`;
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
