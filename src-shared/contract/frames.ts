import { decode, Encoder } from '@msgpack/msgpack';
import { ShoalError } from '../errors';
import { limits } from './limits';

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

/** Decodes one received frame; anything that is not a whole msgpack value is a protocol error. */
export function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength > limits.messageBytes) {
    throw new ShoalError('protocol', `message of ${bytes.byteLength} bytes is larger than the limit of ${limits.messageBytes}`);
  }
  try {
    return decode(bytes, decodeOptions);
  } catch (err) {
    throw new ShoalError('protocol', `unreadable message: ${err instanceof Error ? err.message : String(err)}`);
  }
}
