import { readFile } from 'node:fs/promises';
import { ShoalError } from '../../src-shared/errors';

/**
 * Reads a private tracker's allow-list: one info-hash in hex per line; blank lines and lines
 * starting with '#' are ignored. Returns lowercase hex digits.
 */
export async function loadAllowList(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ShoalError('not-found', `The allow-list ${path} does not exist.`);
    if (code === 'EACCES' || code === 'EPERM') throw new ShoalError('permission-denied', `The allow-list ${path} cannot be read (no permission).`);
    throw new ShoalError('io', `The allow-list ${path} cannot be read (${code ?? 'unknown error'}).`);
  }
  return parseAllowList(text, path);
}

export function parseAllowList(text: string, name: string): Set<string> {
  const out = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!/^[0-9a-fA-F]{40}$/.test(line)) {
      throw new ShoalError('invalid-input', `Line ${i + 1} of the allow-list ${name} is not a 40-digit hex info-hash.`);
    }
    out.add(line.toLowerCase());
  }
  return out;
}
