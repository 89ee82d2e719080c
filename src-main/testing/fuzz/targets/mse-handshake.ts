// Message Stream Encryption handshakes from strangers. The first byte picks: raw bytes at our
// receiving side, raw bytes at our dialling side, or an honest key exchange followed by fuzzed
// encrypted fields (verification constant, crypto_provide, PadC and initial payload lengths), the
// part random bytes can never reach through the Diffie–Hellman step.
import { DH_KEY_LENGTH, DhKeyPair } from '../../../engine/mse/dh';
import { MseInitiator } from '../../../engine/mse/initiator';
import { hash, REQ1, REQ3, skeyHash, streamCipher, xor20 } from '../../../engine/mse/mse-keys';
import { MseReceiver, skeyLookup } from '../../../engine/mse/receiver';
import type { FuzzTarget } from '../target';

const infoHash = new Uint8Array(20).fill(7);
const lookup = skeyLookup(() => [Buffer.from(infoHash).toString('hex')]);
const both = { rc4: true, plaintext: true };

const target: FuzzTarget = {
  fuzz(data) {
    if (data.length === 0) return;
    const rest = data.subarray(1);
    switch (data[0]! % 3) {
      case 0:
        new MseReceiver(both, lookup).push(rest);
        return;
      case 1: {
        const initiator = new MseInitiator(infoHash, both, new Uint8Array(68));
        initiator.start();
        initiator.push(rest);
        return;
      }
      default: {
        const ours = new DhKeyPair();
        const receiver = new MseReceiver(both, lookup);
        const secret = ours.secret(receiver.push(ours.publicKey).send!.subarray(0, DH_KEY_LENGTH));
        const encrypted = streamCipher('A', secret, infoHash).update(Uint8Array.from(rest));
        receiver.push(Buffer.concat([hash(REQ1, secret), xor20(skeyHash(infoHash), hash(REQ3, secret)), encrypted]));
      }
    }
  },
  dictionary: ['\x00\x00\x00\x00\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x02', '\x00\x00\x00\x03', '\x02\x00', '\x00\x44', '\x10\x00', '\xff\xff'],
};
export default target;
