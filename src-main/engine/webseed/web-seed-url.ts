import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';

/** Parses a `url-list` entry, refusing anything but http and https with a sentence. */
export function webSeedBase(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ShoalError('invalid-input', `the web seed "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ShoalError('invalid-input', `the web seed "${url}" is not http or https`);
  }
  return parsed;
}

/**
 * Where a file of the torrent is on a web seed (BEP 19): a single-file torrent is the URL itself,
 * or URL + name when the URL ends with '/'; a multi-file torrent's file is URL + name + path.
 * Each path segment is percent-encoded on its own, so a '/' or '?' in a name stays part of it.
 */
export function webSeedFileUrl(base: URL, metainfo: Pick<Metainfo, 'name' | 'multiFile' | 'files'>, file: number): URL {
  const f = metainfo.files[file];
  if (!f) throw new RangeError(`the torrent has no file ${file}`);
  const endsWithSlash = base.pathname.endsWith('/');
  if (!metainfo.multiFile && !endsWithSlash) return new URL(base.href);
  const segments = metainfo.multiFile ? [metainfo.name, ...f.path] : [metainfo.name];
  const url = new URL(base.href);
  url.pathname = (endsWithSlash ? base.pathname : `${base.pathname}/`) + segments.map(encodeURIComponent).join('/');
  return url;
}
