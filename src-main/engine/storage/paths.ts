import path from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';

/**
 * Where each of the torrent's files lives: `<downloadDir>/<name>` for a single file,
 * `<downloadDir>/<name>/<path...>` for a multi-file torrent. The parser already sanitized the
 * components; this re-checks, because a hand-built or future Metainfo must never be able to
 * make storage write outside the download folder.
 */
export function filePaths(metainfo: Metainfo, downloadDir: string): string[] {
  const root = path.resolve(downloadDir);
  checkComponent(metainfo.name, metainfo.name);
  const top = path.resolve(root, metainfo.name);
  if (!isInside(root, top)) throw escapes(metainfo.name);
  if (!metainfo.multiFile) {
    if (metainfo.files.length !== 1) {
      throw new ShoalError('invalid-torrent', `the torrent describes one file but lists ${metainfo.files.length}`);
    }
    return [top];
  }
  const seen = new Set<string>();
  return metainfo.files.map((file) => {
    const shown = [metainfo.name, ...file.path].join('/');
    if (file.path.length === 0) throw new ShoalError('invalid-torrent', `a file in the torrent has an empty path`);
    for (const component of file.path) checkComponent(component, shown);
    const resolved = path.resolve(top, ...file.path);
    if (!isInside(top, resolved)) throw escapes(shown);
    // Two files on one path would overwrite each other's data; no honest torrent does that. Pad
    // files are never on disk, and v2 ones of one length share a name ('.pad/<length>').
    if (file.pad) return resolved;
    if (seen.has(resolved)) throw new ShoalError('invalid-torrent', `the torrent lists the file ${shown} twice`);
    seen.add(resolved);
    return resolved;
  });
}

/** The hidden file in `downloadDir` holding skipped files' bytes of shared pieces (see PartsFile). */
export function partsPath(metainfo: Metainfo, downloadDir: string): string {
  return path.join(path.resolve(downloadDir), `.${metainfo.infoHashHex}.parts`);
}

/** `child` is strictly below `parent` (both absolute and normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function checkComponent(component: string, shown: string): void {
  if (component === '' || component === '.' || component === '..' || /[/\\\0]/.test(component) || path.isAbsolute(component)) {
    throw escapes(shown);
  }
}

function escapes(shown: string): ShoalError {
  return new ShoalError('invalid-torrent', `the torrent's file path "${shown}" would lead outside the download folder`);
}
