// Test helper: the shared fixtures and their independently computed facts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixturesDir = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));
export const torrentsDir = `${fixturesDir}torrents/`;
export const contentDir = `${fixturesDir}content/`;

export interface ManifestTorrent {
  readonly file: string;
  readonly info_hash: string;
  readonly name: string | null;
  readonly piece_length: number;
  readonly piece_count: number;
  readonly last_piece_length: number;
  readonly total_length: number;
  readonly files: readonly { readonly path: readonly (string | null)[]; readonly length: number }[];
  readonly announce: string | null;
  readonly announce_list: readonly (readonly string[])[] | null;
  readonly url_list?: readonly string[];
  readonly private?: number;
}

export function readManifest(): ManifestTorrent[] {
  const manifest = JSON.parse(readFileSync(`${fixturesDir}manifest.json`, 'utf8')) as { torrents: ManifestTorrent[] };
  return manifest.torrents;
}

export function readTorrent(file: string): Uint8Array {
  return readFileSync(`${torrentsDir}${file}`);
}
