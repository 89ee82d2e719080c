// The one bencode decoder (torrents, trackers, wire, DHT, saved state) on arbitrary bytes, strict
// and lenient; a value decoded strictly must encode back to exactly the bytes it came from.
import { bdecodeDetailed, bencode, type BencodeLimits, type DecodeOptions } from '../../../engine/bencode';
import type { FuzzTarget } from '../target';

const limits: BencodeLimits = { maxBytes: 1 << 20, maxDepth: 32, maxValues: 10_000, maxStringBytes: 1 << 16, maxIntegerDigits: 16 };

const target: FuzzTarget = {
  fuzz(data) {
    if (data.length === 0) return;
    // First byte: which of libtorrent's tolerances are on.
    const flags = data[0]!;
    const options: DecodeOptions = {
      limits,
      unsortedKeys: (flags & 1) !== 0,
      nonCanonicalNumbers: (flags & 2) !== 0,
      allowTrailing: (flags & 4) !== 0,
      spans: [['info'], ['a', 'b']],
    };
    const input = data.subarray(1);
    const decoded = bdecodeDetailed(input, options);
    if ((flags & 7) === 0 && Buffer.compare(bencode(decoded.value), input) !== 0) {
      throw new Error('a strictly decoded value does not encode back to its bytes');
    }
    for (const span of decoded.spans) {
      if (span && !(span.start >= 0 && span.start < span.end && span.end <= decoded.end)) throw new Error('a span lies outside the value');
    }
  },
  isRefusal: (err) => err instanceof Error && err.name === 'BencodeError',
  dictionary: ['d', 'e', 'l', 'i', 'i-1e', 'i0e', '0:', '1:a', '1:b', '4:info', 'de', 'le', '-', ':', '00', 'i-0e'],
};
export default target;
