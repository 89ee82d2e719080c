import { decode, Encoder } from '@msgpack/msgpack';
import { reasonOf, ShoalError } from '../errors';
import { limits } from './limits';
import { shapeOverBudget, type ShapeBudget } from './msgpack-shape';

/**
 * msgpack binary frames for the WebSocket: byte arrays travel as msgpack `bin`, not as JSON
 * arrays. Absent optional fields must stay absent (not become nil), or strict schemas refuse them.
 */
const encoder = new Encoder({ ignoreUndefined: true });

export function encodeFrame(message: unknown): Uint8Array {
  return encoder.encode(message);
}

const decodeOptions = {
  maxStrLength: limits.torrentBytes,
  maxBinLength: limits.torrentBytes,
  maxArrayLength: limits.files,
  maxMapLength: 64,
  maxExtLength: 0,
};

/**
 * What one frame may hold, whatever its size: our messages nest a handful of levels and hold at
 * most a file list's worth of objects; a decoder given 20 MiB of nested arrays builds 20 million.
 */
const frameShape: ShapeBudget = { depth: 32, containers: 2 * limits.files, elements: 16 * limits.files };

/** Decodes one received frame; anything that is not a whole msgpack value is a protocol error. */
export function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength > limits.messageBytes) {
    throw new ShoalError('protocol', `message of ${bytes.byteLength} bytes is larger than the limit of ${limits.messageBytes}`);
  }
  const over = shapeOverBudget(bytes, frameShape);
  if (over !== undefined) throw new ShoalError('protocol', `message refused: ${over}`);
  try {
    return decode(bytes, decodeOptions);
  } catch (err) {
    throw new ShoalError('protocol', `unreadable message: ${reasonOf(err)}`);
  }
}
