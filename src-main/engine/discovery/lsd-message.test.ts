import { describe, expect, it } from 'vitest';
import { formatLsdAnnounce, LSD_GROUP_V4, MAX_LSD_PACKET, parseLsdAnnounce } from './lsd-message';

const hashA = 'b5a1d168bf83efe4317202e66503c17f1ed1f396';
const hashB = '722fe65b2aa26d14f35b4ad627d20236e481d924';
const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('LSD announces (BEP 14)', () => {
  it('are written as BEP 14 spells them, several info-hashes in one', () => {
    const packet = Buffer.from(formatLsdAnnounce(`${LSD_GROUP_V4}:6771`, { port: 51413, infoHashes: [hashA, hashB], cookie: 'c0ffee01' })).toString('latin1');
    expect(packet).toBe(
      `BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 51413\r\nInfohash: ${hashA}\r\nInfohash: ${hashB}\r\ncookie: c0ffee01\r\n\r\n\r\n`,
    );
    expect(parseLsdAnnounce(text(packet))).toEqual({ port: 51413, infoHashes: [hashA, hashB], cookie: 'c0ffee01' });
  });

  it('read libtorrent’s announce, any header case, and ignore headers they do not know', () => {
    const lt = `BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 42661\r\nInfohash: ${hashA.toUpperCase()}\r\nX-Other: 1\r\ncookie: 566a7f86\r\n\r\n\r\n`;
    expect(parseLsdAnnounce(text(lt))).toEqual({ port: 42661, infoHashes: [hashA], cookie: '566a7f86' });
    expect(parseLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPORT: 1\r\ninfohash: ${hashB}\r\n\r\n`))).toEqual({ port: 1, infoHashes: [hashB] });
  });

  it('refuse other requests, bad ports and hashes, oversized packets, and read at most 25 hashes', () => {
    expect(parseLsdAnnounce(text(`M-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: ${hashA}\r\n\r\n`))).toBeUndefined();
    expect(parseLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: ${hashA}\r\n\r\n`))).toBeUndefined();
    expect(parseLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: ${hashA}\r\n\r\n`))).toBeUndefined();
    expect(parseLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: xyz\r\n\r\n`))).toBeUndefined();
    const many = Array.from({ length: 26 }, (_, i) => `Infohash: ${i.toString(16).padStart(40, '0')}`).join('\r\n');
    const parsed = parseLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\n${many}\r\n\r\n`));
    expect(parsed?.infoHashes).toHaveLength(25);
    expect(parseLsdAnnounce(new Uint8Array(MAX_LSD_PACKET + 1))).toBeUndefined();
  });
});
