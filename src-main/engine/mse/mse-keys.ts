import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { Rc4 } from './rc4';

/** Most padding either side may send (PadA, PadB, PadC, PadD). */
export const MAX_PAD = 512;
/** The verification constant: eight zero bytes, which the sync on it finds once encrypted. */
export const VC_LENGTH = 8;
/** crypto_provide / crypto_select bits. */
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;
/** RC4 keystream bytes both sides throw away first. */
const RC4_DROP = 1024;

/** What one side accepts once the handshake is done. */
export interface CryptoAllowed {
  readonly rc4: boolean;
  readonly plaintext: boolean;
}

/** The payload stream's ciphers after the handshake; absent when plaintext was selected. */
export interface StreamCiphers {
  /** Decrypts what the peer sends. */
  readonly incoming: Rc4;
  /** Encrypts what we send. */
  readonly outgoing: Rc4;
}

export interface MseOutcome {
  /** RC4 ciphers, or undefined when the payload goes in the clear after the handshake. */
  readonly ciphers: StreamCiphers | undefined;
  /** Payload bytes that came with the handshake, already decrypted (the peer's first BitTorrent bytes). */
  readonly payload: Uint8Array;
}

/** SHA-1 of the concatenated parts: the spec's HASH(). */
export function hash(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha1');
  for (const part of parts) h.update(part);
  return h.digest();
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
export const REQ1 = ascii('req1');
export const REQ2 = ascii('req2');
export const REQ3 = ascii('req3');

/** HASH('req2', SKEY): what the receiver compares every torrent against. */
export function skeyHash(infoHash: Uint8Array): Uint8Array {
  return hash(REQ2, infoHash);
}

/** The RC4 stream the initiator ('A') or the receiver ('B') encrypts with. */
export function streamCipher(side: 'A' | 'B', secret: Uint8Array, infoHash: Uint8Array): Rc4 {
  return new Rc4(hash(ascii(side === 'A' ? 'keyA' : 'keyB'), secret, infoHash), RC4_DROP);
}

/** A padding length, 0 to 512. */
export function padLength(): number {
  return randomInt(0, MAX_PAD + 1);
}

/** 0 to 512 random bytes, for PadA and PadB (sent in the clear). */
export function randomPad(): Uint8Array {
  return randomBytes(padLength());
}

export function xor20(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a step of the handshake gives back: bytes to send, and the outcome once it is done. */
export interface MseStep {
  readonly send?: Uint8Array;
  readonly done?: MseOutcome;
}

export function mseError(message: string): ShoalError {
  return new ShoalError('protocol', message);
}

export function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * What both sides share: bytes buffered as they come, each state of the subclass taking what it
 * needs (`advance`), and what the states send in one push gathered into one write.
 */
export abstract class MseSide {
  readonly #in = new ByteQueue();
  #done = false;

  /** One state's work on the buffered bytes: 'wait' for more, or what it sends and, at the end, the outcome. */
  protected abstract advance(q: ByteQueue): MseStep | 'wait';

  push(chunk: Uint8Array): MseStep {
    if (this.#done) throw new Error('the MSE handshake is already done');
    this.#in.push(chunk);
    const send: Uint8Array[] = [];
    for (;;) {
      const step = this.advance(this.#in);
      if (step !== 'wait' && step.send) send.push(step.send);
      if (step !== 'wait' && !step.done) continue;
      const sending = send.length > 0 ? { send: send.length === 1 ? send[0]! : Buffer.concat(send) } : {};
      if (step === 'wait') return sending;
      this.#done = true;
      return { ...sending, done: step.done! };
    }
  }
}

/** Bytes that arrive in pieces, read from the front. Its owner bounds how much it lets in. */
export class ByteQueue {
  #bytes: Uint8Array = new Uint8Array(0);

  get length(): number {
    return this.#bytes.length;
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  push(chunk: Uint8Array): void {
    if (this.#bytes.length === 0) {
      this.#bytes = chunk.slice(); // a read buffer may be reused for the next read
      return;
    }
    const joined = new Uint8Array(this.#bytes.length + chunk.length);
    joined.set(this.#bytes);
    joined.set(chunk, this.#bytes.length);
    this.#bytes = joined;
  }

  /**
   * Skips padding of up to MAX_PAD bytes and the `mark` after it (a sync hash or the encrypted
   * VC): 'found' once past it, 'wait' for more bytes, 'absent' when it cannot be there any more.
   */
  skipThrough(mark: Uint8Array): 'found' | 'wait' | 'absent' {
    const window = this.#bytes.subarray(0, MAX_PAD + mark.length);
    const at = Buffer.from(window.buffer, window.byteOffset, window.byteLength).indexOf(mark);
    if (at >= 0) {
      this.take(at + mark.length);
      return 'found';
    }
    return this.#bytes.length >= MAX_PAD + mark.length ? 'absent' : 'wait';
  }

  /** Removes and returns the first `n` bytes (a view: copy before keeping it past the next push). */
  take(n: number): Uint8Array {
    const head = this.#bytes.subarray(0, n);
    this.#bytes = this.#bytes.subarray(n);
    return head;
  }
}
