// An HTTP tracker's announce and scrape replies, as its body arrives.
import { isDict } from '../../../engine/bencode';
import { decodeTrackerReply, parseAnnounceReply, parseScrapeReply } from '../../../engine/tracker/http-tracker-client';
import type { FuzzTarget } from '../target';

const infoHash = new Uint8Array(20).fill(0x61);

const target: FuzzTarget = {
  fuzz(data) {
    const reply = decodeTrackerReply(Buffer.from(data));
    if (!isDict(reply)) return;
    parseAnnounceReply(reply);
    parseScrapeReply(reply, infoHash);
  },
  dictionary: [
    'd', 'e', 'l', 'i', '8:interval', '12:min interval', '5:peers', '6:peers6', '8:complete', '10:incomplete', '10:downloaded',
    '15:warning message', '14:failure reason', '10:tracker id', '5:files', '20:aaaaaaaaaaaaaaaaaaaa', '2:ip', '4:port',
    '7:peer id', '9:127.0.0.1', '3:::1', 'i6881e', 'i1800e', '6:\x7f\x00\x00\x01\x1a\xe1',
  ],
};
export default target;
