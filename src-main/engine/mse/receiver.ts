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

/**
 * Finds the torrent whose HASH('req2', info-hash) is `req2Hash`, among every torrent the session
 * has (magnets still fetching metadata too); undefined if none.
 */
export type SkeyLookup = (req2Hash: Uint8Array) => Uint8Array | undefined;

/**
 * The lookup over the session's torrents (hex info-hashes, every phase). Each torrent's hash is
 * computed once; the cache is rebuilt when removed torrents make it twice the size it needs.
 */
export function skeyLookup(infoHashes: () => Iterable<string>): SkeyLookup {
  const cache = new Map<string, string>(); // info-hash → HASH('req2', info-hash), hex both
  return (req2Hash) => {
    const wanted = Buffer.from(req2Hash).toString('hex');
    let count = 0;
    let found: string | undefined;
    for (const infoHash of infoHashes()) {
      count++;
      let known = cache.get(infoHash);
      if (known === undefined) {
        known = Buffer.from(skeyHash(Buffer.from(infoHash, 'hex'))).toString('hex');
        cache.set(infoHash, known);
      }
      if (known === wanted) found ??= infoHash;
    }
    if (cache.size > 2 * count + 16) cache.clear();
    return found === undefined ? undefined : Uint8Array.from(Buffer.from(found, 'hex'));
  };
}

/** A longer initial payload than a BitTorrent handshake and a few messages is not one we need. */
const MAX_INITIAL_PAYLOAD = 4096;

type ReceiverState = 'peer-key' | 'sync' | 'skey' | 'provide' | 'pad-c' | 'ia-length' | 'ia';

/**
 * The accepting side ('B') of Message Stream Encryption, without I/O: `push` takes what the
 * dialler sends and gives back what to answer. Which torrent the stream is for comes from the
 * SKEY hash, through `lookup`. Throws a `ShoalError('protocol')` on garbage, an unknown torrent,
 * too much padding or no acceptable method. Buffered bytes stay under ~5 KB.
 */
export class MseReceiver extends MseSide {
  readonly #keys = new DhKeyPair();
  readonly #allowed: CryptoAllowed;
  readonly #lookup: SkeyLookup;
  #state: ReceiverState = 'peer-key';
  #secret: Uint8Array | undefined;
  #syncMark: Uint8Array | undefined;
  #infoHash: Uint8Array | undefined;
  #decrypt: Rc4 | undefined;
  #provided = 0;
  #wanted = 0;
  #initialPayload: Uint8Array | undefined;

  constructor(allowed: CryptoAllowed, lookup: SkeyLookup) {
    super();
    if (!allowed.rc4 && !allowed.plaintext) throw new RangeError('MSE needs at least one crypto method');
    this.#allowed = allowed;
    this.#lookup = lookup;
  }

  /** The torrent the dialler asked for, once known. */
  get infoHash(): Uint8Array | undefined {
    return this.#infoHash;
  }

  /** One state of the handshake; see `MseSide`. */
  protected advance(q: ByteQueue): MseStep | 'wait' {
    switch (this.#state) {
      case 'peer-key': {
        if (q.length < DH_KEY_LENGTH) return 'wait';
        this.#secret = this.#keys.secret(q.take(DH_KEY_LENGTH));
        this.#syncMark = hash(REQ1, this.#secret);
        this.#state = 'sync';
        return { send: Buffer.concat([this.#keys.publicKey, randomPad()]) };
      }
      case 'sync': {
        // PadA hides where the offer starts; HASH('req1', S) marks it.
        const sync = q.skipThrough(this.#syncMark!);
        if (sync === 'absent') throw mseError('The peer sent no encrypted handshake we recognise (no sync hash within the padding allowed).');
        if (sync === 'wait') return 'wait';
        this.#state = 'skey';
        return {};
      }
      case 'skey': {
        if (q.length < 20) return 'wait';
        const infoHash = this.#lookup(xor20(q.take(20), hash(REQ3, this.#secret!)));
        if (!infoHash) throw mseError('The peer asked for a torrent we do not have (unknown SKEY hash).');
        this.#infoHash = infoHash;
        this.#decrypt = streamCipher('A', this.#secret!, infoHash);
        this.#state = 'provide';
        return {};
      }
      case 'provide': {
        if (q.length < VC_LENGTH + 6) return 'wait';
        const head = this.#decrypt!.update(q.take(VC_LENGTH + 6));
        for (let i = 0; i < VC_LENGTH; i++) if (head[i] !== 0) throw mseError('The peer sent a wrong verification constant.');
        this.#provided = readUint32(head, VC_LENGTH);
        this.#wanted = (head[VC_LENGTH + 4]! << 8) | head[VC_LENGTH + 5]!;
        if (this.#wanted > MAX_PAD) throw mseError(`The peer sent ${this.#wanted} bytes of padding; at most ${MAX_PAD} are allowed.`);
        this.#state = 'pad-c';
        return {};
      }
      case 'pad-c': {
        if (q.length < this.#wanted) return 'wait';
        this.#decrypt!.update(q.take(this.#wanted));
        this.#state = 'ia-length';
        return {};
      }
      case 'ia-length': {
        if (q.length < 2) return 'wait';
        const length = this.#decrypt!.update(q.take(2));
        this.#wanted = (length[0]! << 8) | length[1]!;
        if (this.#wanted > MAX_INITIAL_PAYLOAD) throw mseError(`The peer's initial payload of ${this.#wanted} bytes is over the ${MAX_INITIAL_PAYLOAD} allowed.`);
        this.#state = 'ia';
        return {};
      }
      case 'ia': {
        if (q.length < this.#wanted) return 'wait';
        this.#initialPayload = this.#decrypt!.update(q.take(this.#wanted)).slice();
        return this.#select(q);
      }
    }
  }

  /** ENCRYPT(VC, crypto_select, len(PadD), PadD), then the payload stream in the method chosen. */
  #select(q: ByteQueue): MseStep {
    // Plaintext payload whenever both ends allow it (libtorrent's default, prefer_rc4 off): the
    // handshake is still obfuscated, and RC4 over every byte costs CPU at both ends for nothing
    // that a peer which wants it cannot get by offering only RC4.
    const plaintext = (this.#provided & CRYPTO_PLAINTEXT) !== 0 && this.#allowed.plaintext;
    const rc4 = !plaintext && (this.#provided & CRYPTO_RC4) !== 0 && this.#allowed.rc4;
    if (!rc4 && !plaintext) {
      const wanted = this.#allowed.rc4 ? 'RC4 encryption' : 'plaintext';
      throw mseError(`The peer offers no encryption method we accept (it offered ${this.#provided}; we need ${wanted}).`);
    }
    const outgoing = streamCipher('B', this.#secret!, this.#infoHash!);
    const padD = padLength();
    const reply = new Uint8Array(VC_LENGTH + 6 + padD);
    reply[VC_LENGTH + 3] = rc4 ? CRYPTO_RC4 : CRYPTO_PLAINTEXT;
    reply[VC_LENGTH + 4] = padD >> 8;
    reply[VC_LENGTH + 5] = padD & 255;
    outgoing.update(reply);
    const rest = q.take(q.length);
    if (rc4) this.#decrypt!.update(rest);
    const payload = Buffer.concat([this.#initialPayload!, rest]);
    return {
      send: reply,
      done: { ciphers: rc4 ? { incoming: this.#decrypt!, outgoing } : undefined, payload },
    };
  }
}
