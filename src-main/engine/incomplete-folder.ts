import { resolve } from 'node:path';
import type { Settings } from '../../src-shared/contract';

type Folders = Pick<Settings, 'downloadDir' | 'incompleteDir'>;

/**
 * Where a new torrent downloads: its own save folder (given, or its category's) when it has one,
 * else the incomplete-downloads folder when set, else the download folder.
 */
export function downloadFolder(settings: Folders, own: string | undefined): string {
  return own ?? settings.incompleteDir ?? settings.downloadDir;
}

/**
 * Where a finished torrent's data moves: the download folder (or its category's) when it
 * downloaded in the incomplete-downloads folder; undefined when it stays where it is. Worked out
 * from the folders, not remembered, so a restart in between changes nothing.
 */
export function finishedFolder(settings: Folders, savePath: string, categoryFolder: string | undefined): string | undefined {
  if (!settings.incompleteDir || resolve(savePath) !== resolve(settings.incompleteDir)) return undefined;
  const to = categoryFolder ?? settings.downloadDir;
  return resolve(to) === resolve(savePath) ? undefined : to;
}

/**
 * The incomplete folder setting changed from `before` to `after`: a torrent in the old folder
 * would be stranded there (`finishedFolder` knows only the current one), so it moves to where it
 * belongs now: still downloading, to the new incomplete folder (or, with none, its own folder);
 * done, to its own folder. Undefined when it stays.
 */
export function afterIncompleteChange(before: Folders, after: Folders, savePath: string, done: boolean, categoryFolder: string | undefined): string | undefined {
  if (!before.incompleteDir || resolve(savePath) !== resolve(before.incompleteDir)) return undefined;
  if (after.incompleteDir && resolve(after.incompleteDir) === resolve(before.incompleteDir)) return undefined;
  const to = (done ? undefined : after.incompleteDir) ?? categoryFolder ?? after.downloadDir;
  return resolve(to) === resolve(savePath) ? undefined : to;
}
