import { describe, expect, it } from 'vitest';
import { DEFAULT_BOOTSTRAP, parseDhtNode } from './bootstrap-list';

describe('parseDhtNode', () => {
  it('reads names, IPv4 and bracketed IPv6 with a port', () => {
    expect(parseDhtNode('router.bittorrent.com:6881')).toEqual({ host: 'router.bittorrent.com', port: 6881 });
    expect(parseDhtNode('127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
    expect(parseDhtNode('[::1]:65535')).toEqual({ host: '::1', port: 65535 });
    expect(DEFAULT_BOOTSTRAP.map(parseDhtNode)).toHaveLength(4);
  });

  it.each(['router.bittorrent.com', '1.2.3.4:0', '1.2.3.4:65536', '::1:6881', '[nope]:1', 'a b:1', ''])('refuses %j in words', (text) => {
    expect(() => parseDhtNode(text)).toThrow(/a DHT node is HOST:PORT/);
  });
});
