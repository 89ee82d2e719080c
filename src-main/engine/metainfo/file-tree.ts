import { ShoalError } from '../../../src-shared/errors';
import { isDict, type BDict, type BValue } from '../bencode';
import { hashBytes } from '../merkle';

/** One file of a v2 `file tree`, in tree order, its path as the torrent spells it (not yet sanitized). */
export interface TreeFile {
  readonly parts: readonly string[];
  readonly length: number;
  /** Absent for empty files. */
  readonly piecesRoot?: Uint8Array;
}

export function invalid(sentence: string): never {
  throw new ShoalError('invalid-torrent', `Invalid torrent: ${sentence}.`);
}

// Keys are binary strings (one character per byte); paths are UTF-8 (BEP 52).
const text = (key: string): string => Buffer.from(key, 'latin1').toString('utf8');

/**
 * How a torrent's path (not yet sanitized) is named in a refusal: short enough for one sentence,
 * and control characters written as escapes, so a hostile name cannot break the sentence in two.
 */
export function shown(parts: readonly string[]): string {
  const joined = parts.join('/');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the sentence
  const escaped = joined.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}

/**
 * Reads BEP 52's `file tree`: nested dictionaries whose keys are path components, a file being
 * a dictionary with only the empty key, whose value holds `length` and (when not empty) the
 * 32-byte `pieces root`. Walked without recursion (the decoder already bounds the depth) in the
 * dictionaries' own order, which is the order of the files in the piece space.
 */
export function readFileTree(tree: BValue | undefined): TreeFile[] {
  if (tree === undefined) invalid("its info has 'meta version' 2 but no 'file tree'");
  if (!isDict(tree)) invalid("its 'file tree' is not a dictionary");
  if (tree.has('')) invalid("its 'file tree' is itself a file, not a folder");
  if (tree.size === 0) invalid("its 'file tree' is empty");
  const files: TreeFile[] = [];
  // A stack of iterators, so a deep tree costs no JavaScript call stack.
  const stack: { entries: Iterator<[string, BValue]>; parts: string[] }[] = [{ entries: tree.entries(), parts: [] }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.entries.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const [key, node] = next.value;
    const parts = [...top.parts, text(key)];
    if (!isDict(node)) invalid(`its file tree entry '${shown(parts)}' is not a dictionary`);
    if (node.has('')) {
      if (node.size > 1) invalid(`its file tree entry '${shown(parts)}' is both a file and a folder`);
      files.push(readTreeFile(node.get('')!, parts));
    } else {
      if (node.size === 0) invalid(`its file tree folder '${shown(parts)}' is empty`);
      stack.push({ entries: node.entries(), parts });
    }
  }
  return files;
}

function readTreeFile(entry: BValue, parts: string[]): TreeFile {
  const name = shown(parts);
  if (!isDict(entry)) invalid(`its file tree entry '${name}' is not a dictionary`);
  const length = entry.get('length');
  if (typeof length !== 'number') invalid(`the file '${name}' in its file tree has no length`);
  if (length < 0) invalid(`the file '${name}' in its file tree has a negative length`);
  if (length === 0) return { parts, length };
  const root = entry.get('pieces root');
  if (!(root instanceof Uint8Array) || root.length !== hashBytes) invalid(`the file '${name}' in its file tree has no 32-byte 'pieces root'`);
  return { parts, length, piecesRoot: root };
}

/** BEP 52: pieces are a power of two of at least 16 KiB, so each is a whole subtree of 16 KiB leaves. */
export function checkV2PieceLength(pieceLength: number): void {
  if (pieceLength < 16 * 1024 || (pieceLength & (pieceLength - 1)) !== 0) {
    invalid(`its piece length ${pieceLength} is not a power of two of at least 16 KiB, as BitTorrent v2 requires`);
  }
}

/** The `piece layers` dictionary outside the info dictionary, when there is one. */
export function pieceLayersOf(root: BDict): BDict | undefined {
  const layers = root.get('piece layers');
  if (layers === undefined) return undefined;
  if (!isDict(layers)) invalid("its 'piece layers' is not a dictionary");
  return layers;
}
