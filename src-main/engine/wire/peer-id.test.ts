import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientFromPeerId, generatePeerId, PEER_ID_PREFIX } from './peer-id';

const id = (s: string) => new TextEncoder().encode(s.padEnd(20, 'x'));

describe('peer id', () => {
  it('generates 20 bytes: our prefix and 12 random printable characters', () => {
    const a = generatePeerId();
    const b = generatePeerId();
    expect(a.length).toBe(20);
    const text = new TextDecoder().decode(a);
    expect(text.startsWith(PEER_ID_PREFIX)).toBe(true);
    expect(text.slice(8)).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('names common clients', () => {
    expect(clientFromPeerId(generatePeerId())).toBe('Shoal 0.1.0');
    expect(clientFromPeerId(id('A2-1-37-0-'))).toBe('aria2 1.37.0');
    expect(clientFromPeerId(id('-TR4060-'))).toBe('Transmission 4.0.6');
    expect(clientFromPeerId(id('-TR2940-'))).toBe('Transmission 2.94');
    expect(clientFromPeerId(id('-qB4630-'))).toBe('qBittorrent 4.6.3');
    expect(clientFromPeerId(id('-LT2090-'))).toBe('libtorrent 2.0.9');
    expect(clientFromPeerId(id('-UT355S-'))).toBe('µTorrent 3.5.5');
    expect(clientFromPeerId(id('-DE2110-'))).toBe('Deluge 2.1.1');
    expect(clientFromPeerId(id('-WW0205-'))).toBe('WebTorrent 2.5');
    expect(clientFromPeerId(id('M7-2-2--'))).toBe('BitTorrent 7.2.2');
    expect(clientFromPeerId(id('T03I--'))).toBe('BitTornado 0.3.18');
  });

  it('names any 20 bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (id) => {
        expect(clientFromPeerId(id).length).toBeGreaterThan(0);
      }),
    );
  });

  it('says unknown for anything else', () => {
    expect(clientFromPeerId(id('-ZZ1234-'))).toBe('unknown (-ZZ1234-)');
    expect(clientFromPeerId(new Uint8Array(20))).toBe('unknown');
  });
});
