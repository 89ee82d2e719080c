// A .torrent file as a user opens it: parse, validate, file list, info-hash.
import { parseTorrent } from '../../../engine/metainfo/parse-torrent';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    parseTorrent(data);
  },
  maxInputBytes: 16 * 1024,
  dictionary: [
    '4:info', '4:name', '6:length', '12:piece length', '6:pieces', '5:files', '4:path', '8:announce', '13:announce-list',
    '7:comment', '10:created by', '13:creation date', '7:private', '4:attr', '1:p', '1:l', '1:x', '12:meta version',
    '9:file tree', '7:url-list', '6:source', '10:name.utf-8', '10:path.utf-8', 'i16384e', 'i0e', 'i-1e', '2:..', '1:.', '1:/',
    '20:aaaaaaaaaaaaaaaaaaaa', 'd', 'e', 'l',
  ],
};
export default target;
