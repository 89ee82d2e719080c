import { DH_KEY_LENGTH, DhKeyPair } from './dh';
import {
  MseSide,
  type ByteQueue,
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  hash,
  MAX_PAD,
  mseError,
  padLength,
  randomPad,
  readUint32,
  REQ1,
  REQ3,
  skeyHash,
  streamCipher,
  VC_LENGTH,
  xor20,
  type CryptoAllowed,
  type MseStep,
} from './mse-keys';
import type { Rc4 } from './rc4';

type InitiatorState = 'peer-key' | 'sync' | 'select' | 'pad-d';

/**
 * The dialling side ('A') of Message Stream Encryption, without I/O: `start` gives the bytes to
 * send first, `push` takes what the peer sends. It offers `allowed`, sends `initialPayload` (our
 * BitTorrent handshake) inside the handshake, and throws a `ShoalError('protocol')` on anything
 * that is not MSE, so a plaintext-only peer fails it fast. Buffered bytes stay under ~1.2 KB.
 */
export class MseInitiator extends MseSide {
  readonly #keys = new DhKeyPair();
  readonly #infoHash: Uint8Array;
  readonly #allowed: CryptoAllowed;
  readonly #initialPayload: Uint8Array;
  #state: InitiatorState = 'peer-key';
  #decrypt: Rc4 | undefined;
  #encrypt: Rc4 | undefined;
  /** The encrypted VC the receiver's reply starts with, after PadB. */
  #syncMark: Uint8Array | undefined;
  #selected = 0;
  #padD = 0;

  constructor(infoHash: Uint8Array, allowed: CryptoAllowed, initialPayload: Uint8Array) {
    super();
    if (!allowed.rc4 && !allowed.plaintext) throw new RangeError('MSE needs at least one crypto method');
    if (initialPayload.length > 0xffff) throw new RangeError('initial payload too long');
    this.#infoHash = infoHash;
    this.#allowed = allowed;
    this.#initialPayload = initialPayload;
  }

  /** Ya and PadA. */
  start(): Uint8Array {
    return Buffer.concat([this.#keys.publicKey, randomPad()]);
  }

  /** One state of the handshake; see `MseSide`. */
  protected advance(q: ByteQueue): MseStep | 'wait' {
    switch (this.#state) {
      case 'peer-key': {
        if (q.length < DH_KEY_LENGTH) return 'wait';
        this.#state = 'sync';
        return { send: this.#offer(this.#keys.secret(q.take(DH_KEY_LENGTH))) };
      }
      case 'sync': {
        // PadB hides where the reply starts; the encrypted VC marks it.
        const sync = q.skipThrough(this.#syncMark!);
        if (sync === 'absent') throw mseError('The peer did not answer the encrypted handshake (no verification constant).');
        if (sync === 'wait') return 'wait';
        this.#state = 'select';
        return {};
      }
      case 'select': {
        if (q.length < 6) return 'wait';
        const head = this.#decrypt!.update(q.take(6));
        this.#selected = readUint32(head, 0);
        this.#padD = (head[4]! << 8) | head[5]!;
        const usable = (this.#selected === CRYPTO_RC4 && this.#allowed.rc4) || (this.#selected === CRYPTO_PLAINTEXT && this.#allowed.plaintext);
        if (!usable) throw mseError(`The peer selected an encryption method we did not offer (${this.#selected}).`);
        if (this.#padD > MAX_PAD) throw mseError(`The peer sent ${this.#padD} bytes of padding; at most ${MAX_PAD} are allowed.`);
        this.#state = 'pad-d';
        return {};
      }
      case 'pad-d': {
        if (q.length < this.#padD) return 'wait';
        this.#decrypt!.update(q.take(this.#padD));
        const rc4 = this.#selected === CRYPTO_RC4;
        const payload = q.take(q.length);
        if (rc4) this.#decrypt!.update(payload);
        return { done: { ciphers: rc4 ? { incoming: this.#decrypt!, outgoing: this.#encrypt! } : undefined, payload } };
      }
    }
  }

  /** HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), ENCRYPT(VC, crypto_provide, PadC, IA). */
  #offer(secret: Uint8Array): Uint8Array {
    this.#encrypt = streamCipher('A', secret, this.#infoHash);
    this.#decrypt = streamCipher('B', secret, this.#infoHash);
    this.#syncMark = this.#decrypt.update(new Uint8Array(VC_LENGTH));
    const padC = padLength();
    const ia = this.#initialPayload;
    const body = new Uint8Array(VC_LENGTH + 4 + 2 + padC + 2 + ia.length);
    let at = VC_LENGTH;
    body[at + 3] = (this.#allowed.rc4 ? CRYPTO_RC4 : 0) | (this.#allowed.plaintext ? CRYPTO_PLAINTEXT : 0);
    at += 4;
    body[at++] = padC >> 8;
    body[at++] = padC & 255;
    at += padC; // PadC goes as zeros: encrypted, they are as random as any
    body[at++] = ia.length >> 8;
    body[at++] = ia.length & 255;
    body.set(ia, at);
    this.#encrypt.update(body);
    return Buffer.concat([hash(REQ1, secret), xor20(skeyHash(this.#infoHash), hash(REQ3, secret)), body]);
  }
}
