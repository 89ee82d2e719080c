import type { EncryptionMode } from '../../../src-shared/contract';
import { ShoalError } from '../../../src-shared/errors';
import { equalBytes, type StreamCiphers } from '../mse/mse-keys';
import { MseReceiver, type SkeyLookup } from '../mse/receiver';
import { HandshakeReader, type IncomingReader, type ReceivedHandshake } from './read-handshake';

/** A plain BitTorrent connection starts with these 20 bytes; anything else is taken for MSE. */
const PLAIN_START = new TextEncoder().encode('\x13BitTorrent protocol');

/** What the listener needs to take encrypted connections. */
export interface IncomingEncryption {
  /** The `encryption` setting now. */
  mode(): EncryptionMode;
  /** Which torrent an MSE dialler asks for, among all the session has. */
  readonly lookup: SkeyLookup;
  /** Where a connection refused by the setting is told, with the peer's address. */
  readonly log?: (line: string) => void;
}

/**
 * An incoming connection's first bytes, plain or encrypted: plain when they are the BitTorrent
 * handshake's 20-byte start, MSE otherwise (a random public key). `require` refuses plain ones and
 * `off` encrypted ones, each with a sentence in the log. Answers the MSE handshake through `send`.
 */
export class IncomingHandshakeReader implements IncomingReader {
  readonly #encryption: IncomingEncryption;
  readonly #send: (bytes: Uint8Array) => void;
  readonly #address: string;
  /** The first bytes, until they tell plain from encrypted. */
  readonly #start = new Uint8Array(PLAIN_START.length);
  #started = 0;
  #mse: MseReceiver | undefined;
  #handshake: HandshakeReader | undefined;
  #ciphers: StreamCiphers | undefined;
  #encrypted = false;

  constructor(encryption: IncomingEncryption, send: (bytes: Uint8Array) => void, address: string) {
    this.#encryption = encryption;
    this.#send = send;
    this.#address = address;
  }

  push(chunk: Uint8Array): ReceivedHandshake | undefined {
    if (this.#handshake) {
      this.#ciphers?.incoming.update(chunk);
      return this.#read(chunk);
    }
    if (this.#mse) return this.#mseStep(chunk);
    // Tell plain from encrypted on the first byte that differs from a plain handshake's start.
    const take = Math.min(chunk.length, PLAIN_START.length - this.#started);
    this.#start.set(chunk.subarray(0, take), this.#started);
    this.#started += take;
    const seen = this.#start.subarray(0, this.#started);
    const plain = equalBytes(seen, PLAIN_START.subarray(0, seen.length));
    if (plain && this.#started < PLAIN_START.length) return undefined;
    const mode = this.#encryption.mode();
    const everything = chunk.length === take ? seen : concat(seen, chunk.subarray(take));
    if (plain) {
      if (mode === 'require') throw this.#refuse('a plaintext connection: encryption is required');
      this.#handshake = new HandshakeReader();
      return this.#read(everything);
    }
    if (mode === 'off') throw this.#refuse('an encrypted connection: encryption is off');
    this.#mse = new MseReceiver({ rc4: true, plaintext: mode === 'prefer' }, this.#encryption.lookup);
    return this.#mseStep(everything);
  }

  #refuse(what: string): ShoalError {
    this.#encryption.log?.(`refused ${what} (from ${this.#address})`);
    return new ShoalError('protocol', `Refused ${what}.`);
  }

  #mseStep(chunk: Uint8Array): ReceivedHandshake | undefined {
    const step = this.#mse!.push(chunk);
    if (step.send) this.#send(step.send);
    if (!step.done) return undefined;
    this.#encrypted = true;
    this.#ciphers = step.done.ciphers;
    this.#handshake = new HandshakeReader();
    return this.#read(step.done.payload);
  }

  #read(bytes: Uint8Array): ReceivedHandshake | undefined {
    const received = this.#handshake!.push(bytes);
    if (!received || !this.#encrypted) return received;
    if (!equalBytes(received.handshake.infoHash, this.#mse!.infoHash!)) {
      throw new ShoalError('protocol', 'The peer’s handshake names another torrent than its encrypted handshake did.');
    }
    return { ...received, mse: { ciphers: this.#ciphers } };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
