/**
 * Measures a msgpack value's shape (nesting depth, containers, elements) by walking its headers
 * without building anything, so a frame of nested arrays is refused before a decoder turns every
 * byte of it into an object. A value not whole or not msgpack is left for the decoder to refuse.
 */
export interface ShapeBudget {
  /** Arrays and maps inside one another, the outermost counting 1. */
  readonly depth: number;
  /** Arrays and maps in all. */
  readonly containers: number;
  /** Values in all, keys included. */
  readonly elements: number;
}

/** Returns why `bytes` goes over `budget`, or undefined when it stays within (or is not msgpack). */
export function shapeOverBudget(bytes: Uint8Array, budget: ShapeBudget): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Values still to read at each open level; the top level holds the one value of the frame.
  const left: number[] = [1];
  let at = 0;
  let containers = 0;
  let elements = 0;
  while (left.length > 0) {
    if (left[left.length - 1] === 0) {
      left.pop();
      continue;
    }
    left[left.length - 1]!--;
    if (at >= bytes.length) return undefined;
    if (++elements > budget.elements) return `more than ${budget.elements} values`;
    const b = bytes[at]!;
    let children = -1;
    let skip = 0; // bytes after the type byte
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) skip = 0;
    else if (b <= 0x8f) children = 2 * (b & 0x0f);
    else if (b <= 0x9f) children = b & 0x0f;
    else if (b <= 0xbf) skip = b & 0x1f;
    else {
      const need = (n: number) => at + 1 + n <= bytes.length;
      switch (b) {
        case 0xc4: case 0xd9: if (!need(1)) return undefined; skip = 1 + view.getUint8(at + 1); break;
        case 0xc5: case 0xda: if (!need(2)) return undefined; skip = 2 + view.getUint16(at + 1); break;
        case 0xc6: case 0xdb: if (!need(4)) return undefined; skip = 4 + view.getUint32(at + 1); break;
        case 0xc7: if (!need(1)) return undefined; skip = 2 + view.getUint8(at + 1); break;
        case 0xc8: if (!need(2)) return undefined; skip = 3 + view.getUint16(at + 1); break;
        case 0xc9: if (!need(4)) return undefined; skip = 5 + view.getUint32(at + 1); break;
        case 0xca: skip = 4; break;
        case 0xcb: skip = 8; break;
        case 0xcc: case 0xd0: skip = 1; break;
        case 0xcd: case 0xd1: skip = 2; break;
        case 0xce: case 0xd2: skip = 4; break;
        case 0xcf: case 0xd3: skip = 8; break;
        case 0xd4: skip = 2; break;
        case 0xd5: skip = 3; break;
        case 0xd6: skip = 5; break;
        case 0xd7: skip = 9; break;
        case 0xd8: skip = 17; break;
        case 0xdc: if (!need(2)) return undefined; children = view.getUint16(at + 1); skip = 2; break;
        case 0xdd: if (!need(4)) return undefined; children = view.getUint32(at + 1); skip = 4; break;
        case 0xde: if (!need(2)) return undefined; children = 2 * view.getUint16(at + 1); skip = 2; break;
        case 0xdf: if (!need(4)) return undefined; children = 2 * view.getUint32(at + 1); skip = 4; break;
        default: return undefined; // 0xc1, never used: the decoder says so
      }
    }
    at += 1 + skip;
    if (children >= 0) {
      if (++containers > budget.containers) return `more than ${budget.containers} arrays and maps`;
      // Each child takes at least a byte: a count beyond what is left is the decoder's to refuse.
      if (children > bytes.length - at) return undefined;
      if (children > 0) {
        if (left.length > budget.depth) return `nested deeper than ${budget.depth} levels`;
        left.push(children);
      }
    }
  }
  return undefined;
}
