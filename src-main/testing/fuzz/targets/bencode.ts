// The bencode decoder every .torrent goes through, on arbitrary bytes.
import { decodeBencode } from '../../../engine/metainfo/bdecode';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    decodeBencode(data);
  },
  dictionary: ['d', 'e', 'l', 'i', 'i-1e', 'i0e', '0:', '1:a', '4:info', 'de', 'le', '-', ':'],
};
export default target;
