import { randomBytes } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';

/** The MSE group: a 768-bit prime, generator 2. Keys and the secret travel as 96 bytes. */
const PRIME = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
);
export const DH_KEY_LENGTH = 96;
/** 160-bit private keys, as the spec suggests and other clients use: plenty against this prime. */
const PRIVATE_KEY_LENGTH = 20;

/**
 * One side's Diffie–Hellman key pair for one handshake, in BigInt arithmetic: Node's
 * createDiffieHellman tests the prime on every call (~16 ms of CPU each, a gift to anyone opening
 * connections), while a 160-bit exponent here costs ~0.2 ms. Timing leaks do not matter: MSE
 * obfuscates, it does not authenticate.
 */
export class DhKeyPair {
  readonly #private = toBigInt(randomBytes(PRIVATE_KEY_LENGTH));
  /** Our public key, 96 bytes big-endian. */
  readonly publicKey = toBytes(modPow(2n, this.#private));

  /** The shared secret S from the peer's 96-byte public key; a key out of range is the peer's error. */
  secret(peerPublicKey: Uint8Array): Uint8Array {
    const key = peerPublicKey.length === DH_KEY_LENGTH ? toBigInt(peerPublicKey) : 0n;
    // 1 < key < p - 1, or the secret is one anyone can guess.
    if (key <= 1n || key >= PRIME - 1n) throw new ShoalError('protocol', 'The peer sent an invalid encryption key.');
    return toBytes(modPow(key, this.#private));
  }
}

/** base^exponent mod PRIME, square and multiply. */
function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % PRIME;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % PRIME;
    b = (b * b) % PRIME;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

/** 96 bytes big-endian, leading zeros kept as the protocol wants. */
function toBytes(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(DH_KEY_LENGTH * 2, '0'), 'hex'));
}
