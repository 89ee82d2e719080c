// Paths inside a torrent come from strangers. These rules make every component safe to create on
// Linux, macOS and Windows, so nothing can be written outside the torrent's folder.

// Characters Windows forbids in names, plus the separators of every platform and control codes.
// eslint-disable-next-line no-control-regex
const forbiddenChars = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
// Device names Windows reserves whatever the extension ("aux.txt" is as bad as "AUX").
const reservedName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const maxComponentBytes = 255;

/**
 * Makes one path component safe, or returns undefined when it must be dropped: empty, `.` and `..`
 * components name no file of their own (and `..` would climb out of the folder).
 */
export function sanitizeComponent(raw: string): string | undefined {
  let name = raw.replace(forbiddenChars, '_');
  if (name === '' || name === '.' || name === '..') return undefined;
  // Windows silently strips trailing dots and spaces, which would merge distinct names.
  name = name.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
  const dot = name.indexOf('.');
  const base = (dot < 0 ? name : name.slice(0, dot)).trimEnd();
  if (reservedName.test(base)) name = `_${name}`;
  return truncateUtf8(name, maxComponentBytes);
}

/**
 * Sanitizes a whole relative path; a path with nothing usable left becomes `_`. `known` remembers
 * components already seen (folder names repeat in every path of a deep tree).
 */
export function sanitizePath(raw: readonly string[], known?: Map<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const part of raw) {
    let safe: string | undefined;
    if (known?.has(part)) safe = known.get(part);
    else {
      safe = sanitizeComponent(part);
      known?.set(part, safe);
    }
    if (safe !== undefined) out.push(safe);
  }
  return out.length > 0 ? out : ['_'];
}

// Keeps a short extension so a truncated name still opens with the right program.
function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return fitName(name.slice(0, name.length - ext.length), '', ext, maxBytes);
}

/** `stem + suffix + ext`, the stem cut (whole characters) so the whole fits in `maxBytes`. */
function fitName(stem: string, suffix: string, ext: string, maxBytes: number): string {
  const budget = maxBytes - Buffer.byteLength(suffix) - Buffer.byteLength(ext);
  if (Buffer.byteLength(stem) <= budget) return stem + suffix + ext;
  let base = '';
  let used = 0;
  for (const ch of stem) {
    const size = Buffer.byteLength(ch);
    if (used + size > budget) break;
    base += ch;
    used += size;
  }
  return base + suffix + ext;
}

/**
 * Renames paths in place so no two files land on the same name, and no file sits where another
 * file needs a folder. Comparison ignores case and Unicode normalization, as the file systems of
 * Windows and macOS do. A renamed name stays within 255 bytes, its " (n)" included.
 * `skip[i]` marks entries that are never written (BEP 47 pad files).
 */
export function makePathsUnique(paths: string[][], skip: readonly boolean[]): void {
  // Each folder gets a number, so a key is its parent's number and one folded name, however deep
  // the tree: building keys from whole paths made deep trees quadratic in time and memory.
  const folders = new Map<string, number>();
  const files = new Set<string>();
  // Original folder (under its already-renamed parent) → the name it was given.
  const renamedDirs = new Map<string, string>();
  const taken = (key: string): boolean => files.has(key) || folders.has(key);
  // Where each name's numbering resumes, so many equal names cost linear, not quadratic, time.
  const nextSuffix = new Map<string, number>();

  paths.forEach((path, index) => {
    if (skip[index]) return;
    let parent = 0;
    for (let k = 0; k < path.length; k++) {
      const last = k === path.length - 1;
      const original = path[k]!;
      const originalKey = `${parent}/${fold(original)}`;
      let name = renamedDirs.get(originalKey) ?? original;
      let key = `${parent}/${fold(name)}`;
      if (last ? taken(key) : files.has(key)) {
        name = freeName(original, parent, taken, nextSuffix);
        if (!last) renamedDirs.set(originalKey, name);
        key = `${parent}/${fold(name)}`;
      }
      path[k] = name;
      if (last) {
        files.add(key);
      } else {
        let id = folders.get(key);
        if (id === undefined) {
          id = folders.size + 1;
          folders.set(key, id);
        }
        parent = id;
      }
    }
  });
}

function freeName(
  name: string,
  parent: number,
  taken: (key: string) => boolean,
  nextSuffix: Map<string, number>,
): string {
  const dot = name.lastIndexOf('.');
  // An extension too long to keep beside the number is cut like the rest of the name.
  const [stem, ext] = dot > 0 && Buffer.byteLength(name.slice(dot)) < maxComponentBytes / 2 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const counterKey = `${parent}/${fold(name)}`;
  for (let n = nextSuffix.get(counterKey) ?? 1; ; n++) {
    const candidate = fitName(stem, ` (${n})`, ext, maxComponentBytes);
    if (!taken(`${parent}/${fold(candidate)}`)) {
      nextSuffix.set(counterKey, n + 1);
      return candidate;
    }
  }
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
