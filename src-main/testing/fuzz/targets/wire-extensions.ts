// What a peer sends inside the wire's messages: the 68-byte handshake, the extension handshake
// (BEP 10), metadata pieces (BEP 9) and peer exchange (BEP 11). The first byte picks which.
import { parseExtendedHandshake } from '../../../engine/wire/extended-handshake';
import { parseHandshake } from '../../../engine/wire/handshake';
import { parseMetadataMessage } from '../../../engine/wire/ut-metadata';
import { parsePexMessage } from '../../../engine/wire/ut-pex';
import type { FuzzTarget } from '../target';

const parsers = [parseExtendedHandshake, parseMetadataMessage, parsePexMessage, parseHandshake];

const target: FuzzTarget = {
  fuzz(data) {
    if (data.length === 0) return;
    parsers[data[0]! % parsers.length]!(data.subarray(1));
  },
  dictionary: [
    'd', 'e', 'l', 'i', '1:m', '11:ut_metadata', '6:ut_pex', '13:metadata_size', '1:p', '1:v', '4:reqq', '6:yourip', '4:ipv4',
    '4:ipv6', '8:msg_type', '5:piece', '10:total_size', '5:added', '7:added.f', '6:added6', '8:added6.f', '7:dropped', 'i0e', 'i1e',
    'i2e', '\x13BitTorrent protocol', '6:\x7f\x00\x00\x01\x1a\xe1',
  ],
};
export default target;
