import { open, type FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limits, type CommandInput } from '../../src-shared/contract';
import { reasonOf, ShoalError } from '../../src-shared/errors';

/** Something the OS asked Shoal to open: a .torrent file on disk or a magnet link. */
export type OpenTarget = { kind: 'torrent-file'; path: string } | { kind: 'magnet'; uri: string };

/** What one command-line argument or OS request names, or null when it names neither. */
export function classifyOpenArg(arg: string, cwd: string): OpenTarget | null {
  if (/^magnet:\?/i.test(arg)) return { kind: 'magnet', uri: arg };
  // Chromium and Electron put their own switches in argv (also in second-instance argv).
  if (arg.startsWith('-')) return null;
  if (!/\.torrent$/i.test(arg)) return null;
  // Linux desktop entries pass %U: local files arrive as file:// URLs.
  if (/^file:\/\//i.test(arg)) {
    try {
      return { kind: 'torrent-file', path: fileURLToPath(arg) };
    } catch {
      return null;
    }
  }
  // A remote URL is not a file we may read (and Shoal fetches nothing from the web on its own).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return null;
  return { kind: 'torrent-file', path: resolve(cwd, arg) };
}

/** The targets in a process argv; argv[0] is the executable and never a target. */
export function targetsFromArgv(argv: readonly string[], cwd: string): OpenTarget[] {
  return argv.slice(1).flatMap((arg) => classifyOpenArg(arg, cwd) ?? []);
}

/** Turns a target into the `addTorrent` input, reading the .torrent file's bytes. */
export async function addTorrentInput(target: OpenTarget): Promise<CommandInput<'addTorrent'>> {
  if (target.kind === 'magnet') return { source: { kind: 'magnet', uri: target.uri } };
  const data = await readTorrentFile(target.path);
  return { source: { kind: 'torrent', data, fileName: basename(target.path) } };
}

/** Reads at most the contract's .torrent size limit, so a huge file named *.torrent cannot exhaust memory. */
async function readTorrentFile(path: string): Promise<Uint8Array> {
  const name = basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new ShoalError(ioCode(err), `could not open ${name}: ${describe(err)}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > limits.torrentBytes) {
      throw new ShoalError('invalid-torrent', `${name} is ${size} bytes, too large to be a .torrent file`);
    }
    const data = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(data, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === size ? data : data.subarray(0, filled);
  } catch (err) {
    if (err instanceof ShoalError) throw err;
    throw new ShoalError(ioCode(err), `could not read ${name}: ${describe(err)}`);
  } finally {
    await handle.close();
  }
}

function ioCode(err: unknown): 'not-found' | 'permission-denied' | 'io' {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not-found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission-denied';
  return 'io';
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return reasonOf(err);
}
