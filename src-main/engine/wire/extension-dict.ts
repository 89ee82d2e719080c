import { ShoalError } from '../../../src-shared/errors';
import { bdecodeDetailed, BencodeError, isDict, type BDict, type BencodeLimits } from '../bencode';

/**
 * BEP 10 extension messages (extended handshake, ut_metadata, ut_pex) are small dictionaries;
 * the wire already caps an extended message at 256 KiB, a ut_metadata piece included.
 */
const limits: BencodeLimits = { maxBytes: 256 * 1024, maxDepth: 16, maxValues: 10_000, maxStringBytes: 256 * 1024, maxIntegerDigits: 16 };

/**
 * Reads the dictionary at the start of an extension message and where it ends (a ut_metadata
 * piece follows its dictionary). Peers get what libtorrent allows them: unsorted keys, leading
 * zeros, bytes after the dictionary. `what` names the message in the error ("a PEX message").
 */
export function decodeExtensionDict(payload: Uint8Array, what: string): { readonly dict: BDict; readonly end: number } {
  let decoded;
  try {
    decoded = bdecodeDetailed(payload, { limits, unsortedKeys: true, nonCanonicalNumbers: true, allowTrailing: true });
  } catch (err) {
    if (!(err instanceof BencodeError)) throw err;
    throw new ShoalError('protocol', `The peer sent ${what} that is not valid bencode.`);
  }
  if (!isDict(decoded.value)) throw new ShoalError('protocol', `The peer sent ${what} that is not a dictionary.`);
  return { dict: decoded.value, end: decoded.end };
}
