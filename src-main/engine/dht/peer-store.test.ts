import { describe, expect, it } from 'vitest';
import { MAX_PEERS_PER_TORRENT, MAX_TORRENTS, MAX_VALUES_PER_REPLY, PEER_TTL_MS, PeerStore } from './peer-store';

describe('PeerStore', () => {
  it('returns announced peers once each, and forgets them after their time', () => {
    let t = 0;
    const store = new PeerStore(() => t);
    store.add('aa', { host: '1.2.3.4', port: 1 });
    store.add('aa', { host: '1.2.3.4', port: 1 });
    store.add('aa', { host: '1.2.3.5', port: 2 });
    expect(store.get('aa')).toHaveLength(2);
    expect(store.get('bb')).toHaveLength(0);
    t += PEER_TTL_MS;
    expect(store.get('aa')).toHaveLength(0);
    expect(store.torrentCount).toBe(0);
  });

  it('bounds peers per info-hash, info-hashes, and peers per reply', () => {
    const store = new PeerStore();
    for (let i = 0; i < MAX_PEERS_PER_TORRENT + 50; i++) store.add('aa', { host: '1.2.3.4', port: 1 + i });
    const peers = store.get('aa');
    expect(peers).toHaveLength(MAX_VALUES_PER_REPLY);
    // The oldest announces gave way.
    expect(peers.every((p) => p.port > 50)).toBe(true);
    for (let i = 0; i < MAX_TORRENTS + 10; i++) store.add(`h${i}`, { host: '1.2.3.4', port: 1 });
    expect(store.torrentCount).toBe(MAX_TORRENTS);
    expect(store.get('h0')).toHaveLength(0);
    expect(store.get(`h${MAX_TORRENTS + 9}`)).toHaveLength(1);
  });

  it('expires quiet info-hashes on its own', () => {
    let t = 0;
    const store = new PeerStore(() => t);
    store.add('aa', { host: '1.2.3.4', port: 1 });
    t += PEER_TTL_MS;
    store.expire();
    expect(store.torrentCount).toBe(0);
  });
});
