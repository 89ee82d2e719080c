// A pasted magnet link: parse it, and a parsed magnet written back must parse to the same torrent.
import { formatMagnet, parseMagnet } from '../../../engine/metainfo/magnet';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    const magnet = parseMagnet(new TextDecoder().decode(data));
    const again = parseMagnet(formatMagnet(magnet));
    if (again.infoHashHex !== magnet.infoHashHex || again.trackers.length !== magnet.trackers.length) {
      throw new Error('a formatted magnet does not parse back to the same torrent');
    }
  },
  dictionary: [
    'magnet:?', 'xt=urn:btih:', 'xt=urn:btmh:', '&', '=', 'dn=', 'tr=', 'ws=', 'xl=', 'x.pe=', 'tr.1=', '%', '%2', '%00', '+',
    'udp://t:1', 'http://h/announce', '[::1]:6881', '127.0.0.1:6881', '0123456789abcdef0123456789abcdef01234567',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  ],
};
export default target;
