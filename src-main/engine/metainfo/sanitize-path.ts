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

/** Sanitizes a whole relative path; a path with nothing usable left becomes `_`. */
export function sanitizePath(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const part of raw) {
    const safe = sanitizeComponent(part);
    if (safe !== undefined) out.push(safe);
  }
  return out.length > 0 ? out : ['_'];
}

// Keeps a short extension so a truncated name still opens with the right program.
function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const budget = maxBytes - Buffer.byteLength(ext);
  let base = '';
  let used = 0;
  for (const ch of name.slice(0, name.length - ext.length)) {
    const size = Buffer.byteLength(ch);
    if (used + size > budget) break;
    base += ch;
    used += size;
  }
  return base + ext;
}

/**
 * Renames paths in place so no two files land on the same name, and no file sits where another
 * file needs a folder. Comparison ignores case and Unicode normalization, as the file systems of
 * Windows and macOS do.
 * `skip[i]` marks entries that are never written (BEP 47 pad files).
 */
export function makePathsUnique(paths: string[][], skip: readonly boolean[]): void {
  const files = new Set<string>();
  const dirs = new Set<string>();
  // Original folder (under its already-renamed parent) → the name it was given.
  const renamedDirs = new Map<string, string>();
  const taken = (key: string): boolean => files.has(key) || dirs.has(key);
  // Where each name's numbering resumes, so many equal names cost linear, not quadratic, time.
  const nextSuffix = new Map<string, number>();

  paths.forEach((path, index) => {
    if (skip[index]) return;
    let parentKey = '';
    for (let k = 0; k < path.length; k++) {
      const last = k === path.length - 1;
      const original = path[k]!;
      const originalKey = `${parentKey}/${fold(original)}`;
      let name = renamedDirs.get(originalKey) ?? original;
      const clashes = last ? taken(`${parentKey}/${fold(name)}`) : files.has(`${parentKey}/${fold(name)}`);
      if (clashes) {
        name = freeName(original, parentKey, taken, nextSuffix);
        if (!last) renamedDirs.set(originalKey, name);
      }
      path[k] = name;
      parentKey = `${parentKey}/${fold(name)}`;
      (last ? files : dirs).add(parentKey);
    }
  });
}

function freeName(
  name: string,
  parentKey: string,
  taken: (key: string) => boolean,
  nextSuffix: Map<string, number>,
): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const counterKey = `${parentKey}/${fold(name)}`;
  for (let n = nextSuffix.get(counterKey) ?? 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken(`${parentKey}/${fold(candidate)}`)) {
      nextSuffix.set(counterKey, n + 1);
      return candidate;
    }
  }
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
