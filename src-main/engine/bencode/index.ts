/**
 * Bencode (BEP 3), the one codec of the engine: metainfo, trackers (client and server), the wire's
 * extension messages, persistence and the DHT all use it.
 *
 * Decoding — `bdecode(bytes, { limits })` returns a `BValue`; `bdecodeDetailed` also reports
 * where the value ends (`allowTrailing`: a ut_metadata piece follows its dictionary) and the byte
 * spans of values at requested key paths (`spans: [['info']]`: the info-hash is the hash of the
 * original bytes). Every decode is bounded by explicit `BencodeLimits` (bytes, nesting, values,
 * string length, integer digits), iterative, and strict by default: keys sorted and unique,
 * canonical integers and lengths, nothing after the value. `unsortedKeys` and
 * `nonCanonicalNumbers` accept what libtorrent accepts. Integers beyond 2^53 are refused.
 * Failures are a `BencodeError` whose message is one sentence about "it" (the input) with a
 * `reason` and byte `offset`; callers wrap it in their own words.
 *
 * Values — numbers, byte strings (`subarray` views into the input, so Buffers when it is one:
 * copy what you keep of a large buffer), lists, and dictionaries as `Map`s keyed by *binary
 * strings* (one character per key byte): `dict.get('info')` for ASCII keys, `binaryKey(infoHash)`
 * for binary ones, `Buffer.from(key, 'latin1')` back to bytes, and
 * `Buffer.from(key, 'latin1').toString('utf8')` for UTF-8 text keys such as a v2 `file tree`'s.
 * `isDict`, `isList`, `asInt`, `asBytes`, `asText` read them without casts.
 *
 * Encoding — `bencode(value)` writes canonical bencode (keys sorted as bytes) of a `BEncodable`:
 * any `BValue`, plus text (UTF-8) and plain objects with ASCII keys for building messages.
 */
export { bdecode, bdecodeDetailed, BencodeError } from './decode';
export type { BencodeErrorReason, BencodeLimits, DecodeOptions, Decoded, Span } from './decode';
export { bencode } from './encode';
export type { BEncodable } from './encode';
export { asBytes, asInt, asText, binaryKey, isDict, isList } from './values';
export type { BDict, BList, BValue } from './values';
