// The peer wire message decoder on a hostile byte stream, cut into segments at arbitrary places.
import { MessageDecoder } from '../../../engine/wire/message-decoder';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    if (data.length < 2) return;
    // First byte: whether the piece count is known; second: where the TCP segments end.
    const decoder = new MessageDecoder(() => undefined, data[0]! & 1 ? 1 + (data[0]! >> 1) : undefined);
    const step = 1 + data[1]!;
    const stream = data.subarray(2);
    for (let at = 0; at < stream.length; at += step) decoder.push(stream.subarray(at, at + step));
  },
  maxInputBytes: 64 * 1024,
  dictionary: ['\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x05\x04', '\x00\x00\x00\x0d\x06', '\x00\x00\x40\x09\x07', '\x00\x00\x00\x03\x09', '\x00\x00\x00\x02\x14\x00', '\xff\xff\xff\xff'],
};
export default target;
