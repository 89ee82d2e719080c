import { shell } from 'electron';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { capabilityOf } from '../host/stream-server';

/** Players that take an http:// address as their argument, in the order we prefer them. */
const players = ['mpv', 'vlc'] as const;

/**
 * Whether `url` is a capability address on our stream server (`origin`) and nothing else: the only
 * kind of address the page may have opened outside the app.
 */
function isOwnStreamUrl(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.origin === origin && parsed.username === '' && parsed.password === '' && parsed.search === '' && parsed.hash === '' && capabilityOf(parsed.pathname) !== null;
}

/** The first of mpv, vlc found as an executable on `searchPath` (PATH's spelling), or null. */
async function findPlayer(searchPath: string, platform: NodeJS.Platform): Promise<string | null> {
  const dirs = searchPath.split(delimiter).filter((dir) => dir !== '');
  for (const player of players) {
    for (const dir of dirs) {
      const candidate = join(dir, platform === 'win32' ? `${player}.exe` : player);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here: the next folder.
      }
    }
  }
  return null;
}

/**
 * Plays a stream outside the app: in mpv or VLC when one is on PATH (they play what Chromium does
 * not), else in whatever the OS opens an http:// address with. Anything but one of our own stream
 * addresses is refused, so the page cannot make us launch an arbitrary address. Resolves to the
 * player started, or 'default'.
 */
export async function openInExternalPlayer(url: string, origin: string, env: { searchPath: string; platform: NodeJS.Platform }): Promise<string> {
  if (!isOwnStreamUrl(url, origin)) throw new Error(`not a stream address of this app: ${url.slice(0, 200)}`);
  const player = await findPlayer(env.searchPath, env.platform);
  if (player === null) {
    await shell.openExternal(url);
    return 'default';
  }
  // Detached and let go: the player keeps playing if the app quits, and the app never waits for it.
  const child = spawn(player, [url], { detached: true, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();
  return player;
}
