/** Turning what the user dropped, chose or pasted into an add request, before the engine sees it. */
import type { CommandInput } from '../../api/contract';

export type AddSource = CommandInput<'addTorrent'>['source'];

export function isMagnet(text: string): boolean {
  return /^magnet:\?/i.test(text.trim());
}

export function isTorrentFileName(name: string): boolean {
  return /\.torrent$/i.test(name);
}

/** The first magnet link in dropped or pasted text (uri-list or plain text), if any. */
export function findMagnet(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (isMagnet(t)) return t;
  }
  return null;
}

/** Real .torrent files are small; refuse absurd ones before reading them into memory. */
export const maxTorrentFileBytes = 64 * 1024 * 1024;
