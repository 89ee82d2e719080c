import { createDiffieHellman, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import { DhKeyPair } from './dh';
import { MseInitiator } from './initiator';
import { equalBytes, skeyHash, type CryptoAllowed, type MseOutcome, type MseStep } from './mse-keys';
import { MseReceiver, type SkeyLookup } from './receiver';

const BOTH: CryptoAllowed = { rc4: true, plaintext: true };
const RC4_ONLY: CryptoAllowed = { rc4: true, plaintext: false };
const PLAIN_ONLY: CryptoAllowed = { rc4: false, plaintext: true };

function lookupAmong(infoHashes: Uint8Array[]): SkeyLookup {
  return (req2) => infoHashes.find((ih) => equalBytes(skeyHash(ih), req2));
}

/** Runs both sides against each other, delivering bytes in chunks of `chunk` to exercise every split. */
function run(initiator: MseInitiator, receiver: MseReceiver, chunk = 1 << 20): { a: MseOutcome; b: MseOutcome } {
  let toB: Uint8Array = initiator.start();
  let toA: Uint8Array = new Uint8Array(0);
  let a: MseOutcome | undefined;
  let b: MseOutcome | undefined;
  const feed = (side: MseInitiator | MseReceiver, bytes: Uint8Array): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += chunk) {
      const step: MseStep = side.push(bytes.subarray(at, at + chunk));
      if (step.send) out.push(step.send);
      if (step.done) {
        if (side === initiator) a = step.done;
        else b = step.done;
      }
    }
    return out;
  };
  for (let round = 0; round < 10 && (!a || !b); round++) {
    if (toB.length > 0 && !b) toA = Buffer.concat(feed(receiver, toB));
    toB = new Uint8Array(0);
    if (toA.length > 0 && !a) toB = Buffer.concat(feed(initiator, toA));
    toA = new Uint8Array(0);
  }
  if (!a || !b) throw new Error('handshake did not finish');
  return { a, b };
}

function expectProtocolError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isShoalError(err) && err.code === 'protocol').toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a protocol error');
}

describe('Diffie–Hellman over the MSE prime', () => {
  it('gives both sides the same 96-byte secret, and different pairs different secrets', () => {
    const a = new DhKeyPair();
    const b = new DhKeyPair();
    const c = new DhKeyPair();
    expect(a.publicKey.length).toBe(96);
    const s = a.secret(b.publicKey);
    expect(s.length).toBe(96);
    expect(Buffer.from(s).equals(Buffer.from(b.secret(a.publicKey)))).toBe(true);
    expect(Buffer.from(s).equals(Buffer.from(a.secret(c.publicKey)))).toBe(false);
  });

  it('agrees with OpenSSL’s Diffie–Hellman over the same group', () => {
    const prime = Buffer.from(
      'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
      'hex',
    );
    const openssl = createDiffieHellman(prime, 2);
    const theirs = Buffer.alloc(96);
    const key = openssl.generateKeys();
    key.copy(theirs, 96 - key.length);
    const ours = new DhKeyPair();
    const expected = Buffer.alloc(96);
    const secret = openssl.computeSecret(ours.publicKey);
    secret.copy(expected, 96 - secret.length);
    expect(Buffer.from(ours.secret(theirs)).equals(expected)).toBe(true);
  });

  it('costs little CPU per exchange, so connections cannot be opened to burn it', () => {
    // Node's createDiffieHellman tests the prime each time: about 16 ms, 1.6 s for these 100.
    const started = process.cpuUsage();
    const other = new DhKeyPair();
    for (let i = 0; i < 100; i++) new DhKeyPair().secret(other.publicKey);
    expect(process.cpuUsage(started).user / 1000).toBeLessThan(800);
  });

  it('refuses a public key out of range as the peer’s protocol error', () => {
    expectProtocolError(() => new DhKeyPair().secret(new Uint8Array(96)), /invalid encryption key/);
    expectProtocolError(() => new DhKeyPair().secret(new Uint8Array(96).fill(255)), /invalid encryption key/);
  });
});

describe('MSE handshake, both roles in process', () => {
  const torrents = [randomBytes(20), randomBytes(20), randomBytes(20)];

  it('agrees on RC4, carries the initial payload and finds the torrent among several by its SKEY hash', () => {
    const ia = new TextEncoder().encode('\x13BitTorrent protocol and so on');
    const initiator = new MseInitiator(torrents[2]!, BOTH, ia);
    const receiver = new MseReceiver(RC4_ONLY, lookupAmong(torrents));
    const { a, b } = run(initiator, receiver);
    expect(Buffer.from(receiver.infoHash!).equals(torrents[2]!)).toBe(true);
    expect(Buffer.from(b.payload).toString()).toBe(Buffer.from(ia).toString());
    expect(a.payload.length).toBe(0);
    // The payload stream both ways: what one side encrypts the other decrypts.
    const message = randomBytes(40_000);
    expect(Buffer.from(b.ciphers!.incoming.update(a.ciphers!.outgoing.update(Buffer.from(message)))).equals(message)).toBe(true);
    expect(Buffer.from(a.ciphers!.incoming.update(b.ciphers!.outgoing.update(Buffer.from(message)))).equals(message)).toBe(true);
  });

  it('works whatever way the bytes are split into reads', () => {
    for (const chunk of [1, 7, 95, 97, 600]) {
      const { a, b } = run(new MseInitiator(torrents[0]!, RC4_ONLY, new Uint8Array(68).fill(3)), new MseReceiver(BOTH, lookupAmong(torrents)), chunk);
      expect(a.ciphers).toBeDefined();
      expect(Array.from(b.payload)).toEqual(new Array(68).fill(3));
    }
  });

  it('selects plaintext when only plaintext is offered and allowed, and nothing is encrypted after', () => {
    const { a, b } = run(new MseInitiator(torrents[1]!, PLAIN_ONLY, new Uint8Array(5).fill(9)), new MseReceiver(BOTH, lookupAmong(torrents)));
    expect(a.ciphers).toBeUndefined();
    expect(b.ciphers).toBeUndefined();
    expect(Array.from(b.payload)).toEqual([9, 9, 9, 9, 9]);
  });

  it('keeps the payload plaintext when both ends allow it, and selects RC4 when either end allows only RC4', () => {
    const both = run(new MseInitiator(torrents[1]!, BOTH, new Uint8Array(3).fill(4)), new MseReceiver(BOTH, lookupAmong(torrents)));
    expect(both.a.ciphers).toBeUndefined();
    expect(both.b.ciphers).toBeUndefined();
    // The initial payload was still sent encrypted inside the handshake, and arrives decrypted.
    expect(Array.from(both.b.payload)).toEqual([4, 4, 4]);
    const receiverRequires = run(new MseInitiator(torrents[1]!, BOTH, new Uint8Array(0)), new MseReceiver(RC4_ONLY, lookupAmong(torrents)));
    expect(receiverRequires.a.ciphers).toBeDefined();
    expect(receiverRequires.b.ciphers).toBeDefined();
    const initiatorRequires = run(new MseInitiator(torrents[1]!, RC4_ONLY, new Uint8Array(0)), new MseReceiver(BOTH, lookupAmong(torrents)));
    expect(initiatorRequires.a.ciphers).toBeDefined();
    expect(initiatorRequires.b.ciphers).toBeDefined();
  });

  it('decrypts payload that came in the same read as the end of the handshake', () => {
    const initiator = new MseInitiator(torrents[0]!, RC4_ONLY, new Uint8Array(0));
    const receiver = new MseReceiver(RC4_ONLY, lookupAmong(torrents));
    const step1 = receiver.push(initiator.start());
    const step2 = initiator.push(step1.send!);
    const step3 = receiver.push(step2.send!);
    const after = step3.done!.ciphers!.outgoing.update(new TextEncoder().encode('bitfield'));
    const step4 = initiator.push(Buffer.concat([step3.send!, after]));
    expect(Buffer.from(step4.done!.payload).toString()).toBe('bitfield');
  });
});

describe('MSE handshake, hostile peers', () => {
  const torrent = randomBytes(20);

  it('refuses a torrent we do not have (wrong SKEY hash)', () => {
    const initiator = new MseInitiator(randomBytes(20), BOTH, new Uint8Array(0));
    const receiver = new MseReceiver(BOTH, lookupAmong([torrent]));
    const step = initiator.push(receiver.push(initiator.start()).send!);
    expectProtocolError(() => receiver.push(step.send!), /torrent we do not have/);
  });

  it('refuses garbage with no sync hash once past the padding allowed, without buffering more', () => {
    const receiver = new MseReceiver(BOTH, lookupAmong([torrent]));
    receiver.push(new DhKeyPair().publicKey);
    receiver.push(randomBytes(500)); // still within PadA's 512 + 20
    expectProtocolError(() => receiver.push(randomBytes(100)), /no sync hash/);
  });

  it('refuses a receiver reply with no verification constant past PadB', () => {
    const initiator = new MseInitiator(torrent, BOTH, new Uint8Array(0));
    initiator.start();
    initiator.push(new DhKeyPair().publicKey);
    expectProtocolError(() => initiator.push(randomBytes(600)), /no verification constant/);
  });

  it('refuses a plaintext BitTorrent handshake answered to an encrypted one', () => {
    const initiator = new MseInitiator(torrent, BOTH, new Uint8Array(0));
    initiator.start();
    const plain = Buffer.concat([Buffer.from('\x13BitTorrent protocol'), Buffer.alloc(48), randomBytes(600)]);
    expectProtocolError(() => initiator.push(plain), /no verification constant/);
  });

  it('refuses more PadC than allowed', () => {
    const initiator = new MseInitiator(torrent, BOTH, new Uint8Array(0));
    const receiver = new MseReceiver(BOTH, lookupAmong([torrent]));
    const offer = initiator.push(receiver.push(initiator.start()).send!).send!;
    // The offer ends with ENCRYPT(VC, provide, len(PadC), PadC, len(IA)); flip the high bit of
    // len(PadC), which is 40 + 8 + 4 bytes in.
    const tampered = Buffer.from(offer);
    tampered[52]! ^= 0x80;
    expectProtocolError(() => receiver.push(tampered), /padding; at most 512/);
  });

  /** The receiver's last reply, ENCRYPT(VC, crypto_select, len(PadD), PadD), to an initiator that reached it. */
  function replyToTamper(): { initiator: MseInitiator; reply: Buffer } {
    const initiator = new MseInitiator(torrent, RC4_ONLY, new Uint8Array(0));
    const receiver = new MseReceiver(BOTH, lookupAmong([torrent]));
    const offer = initiator.push(receiver.push(initiator.start()).send!).send!;
    return { initiator, reply: Buffer.from(receiver.push(offer).send!) };
  }

  it('refuses more PadD than allowed, and a method it did not offer (the initiator side)', () => {
    // RC4 is a stream cipher: flipping a bit of the ciphertext flips the same bit of the plaintext.
    const tooMuchPad = replyToTamper();
    tooMuchPad.reply[8 + 4]! ^= 0x80; // high byte of len(PadD)
    expectProtocolError(() => tooMuchPad.initiator.push(tooMuchPad.reply), /padding; at most 512/);
    const plaintextSelected = replyToTamper();
    plaintextSelected.reply[8 + 3]! ^= 0x03; // crypto_select: RC4 (2) becomes plaintext (1)
    expectProtocolError(() => plaintextSelected.initiator.push(plaintextSelected.reply), /method we did not offer \(1\)/);
  });

  it('refuses a wrong verification constant', () => {
    const initiator = new MseInitiator(torrent, BOTH, new Uint8Array(0));
    const receiver = new MseReceiver(BOTH, lookupAmong([torrent]));
    const offer = Buffer.from(initiator.push(receiver.push(initiator.start()).send!).send!);
    offer[40]! ^= 1;
    expectProtocolError(() => receiver.push(offer), /wrong verification constant/);
  });

  it('refuses a peer that offers only plaintext when encryption is required, and the other way round', () => {
    const plainOffer = new MseInitiator(torrent, PLAIN_ONLY, new Uint8Array(0));
    const strict = new MseReceiver(RC4_ONLY, lookupAmong([torrent]));
    expectProtocolError(() => strict.push(plainOffer.push(strict.push(plainOffer.start()).send!).send!), /we need RC4 encryption/);
    const rc4Offer = new MseInitiator(torrent, RC4_ONLY, new Uint8Array(0));
    const plainOnly = new MseReceiver(PLAIN_ONLY, lookupAmong([torrent]));
    expectProtocolError(() => plainOnly.push(rc4Offer.push(plainOnly.push(rc4Offer.start()).send!).send!), /we need plaintext/);
  });
});
