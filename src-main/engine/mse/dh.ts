import { createDiffieHellman, randomBytes, type DiffieHellman } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';

/** The MSE group: a 768-bit safe prime, generator 2. Keys and the secret travel as 96 bytes. */
const PRIME = Buffer.from(
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
  'hex',
);
const PRIME_VALUE = BigInt(`0x${PRIME.toString('hex')}`);
export const DH_KEY_LENGTH = 96;
/** 160-bit private keys, as the spec suggests and other clients use: plenty against this prime. */
const PRIVATE_KEY_LENGTH = 20;

/** One side's Diffie–Hellman key pair for one handshake. */
export class DhKeyPair {
  readonly #dh: DiffieHellman;
  /** Our public key, 96 bytes big-endian. */
  readonly publicKey: Uint8Array;

  constructor() {
    this.#dh = createDiffieHellman(PRIME, 2);
    this.#dh.setPrivateKey(randomBytes(PRIVATE_KEY_LENGTH));
    this.publicKey = padKey(this.#dh.generateKeys());
  }

  /** The shared secret S from the peer's 96-byte public key; a key out of range is the peer's error. */
  secret(peerPublicKey: Uint8Array): Uint8Array {
    // 1 < key < p - 1, or the secret is one anyone can guess; OpenSSL does not check keys above p.
    const key = BigInt(`0x${Buffer.from(peerPublicKey).toString('hex') || '0'}`);
    if (peerPublicKey.length !== DH_KEY_LENGTH || key <= 1n || key >= PRIME_VALUE - 1n) {
      throw new ShoalError('protocol', 'The peer sent an invalid encryption key.');
    }
    try {
      return padKey(this.#dh.computeSecret(peerPublicKey));
    } catch {
      throw new ShoalError('protocol', 'The peer sent an invalid encryption key.');
    }
  }
}

/** Numbers shorter than the prime lose their leading zero bytes; the protocol keeps them. */
function padKey(key: Uint8Array): Uint8Array {
  if (key.length === DH_KEY_LENGTH) return key;
  const out = new Uint8Array(DH_KEY_LENGTH);
  out.set(key, DH_KEY_LENGTH - key.length);
  return out;
}
