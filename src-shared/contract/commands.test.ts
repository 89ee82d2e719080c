import { describe, expect, it } from 'vitest';
import { commands } from './commands';
import { commandNames } from './names';
import { limits } from './limits';

const hash = 'a'.repeat(40);

describe('command inputs', () => {
  it('accept well-formed inputs', () => {
    expect(commands.pause.input.parse({ infoHashes: [hash] })).toEqual({ infoHashes: [hash] });
    const add = commands.addTorrent.input.parse({
      source: { kind: 'torrent', data: new Uint8Array([1, 2, 3]), fileName: 'x.torrent' },
      paused: true,
      skipFiles: [0, 2],
    });
    expect(add.source.kind).toBe('torrent');
    expect(commands.addTorrent.input.parse({ source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${hash}` } }).source).toEqual({
      kind: 'magnet',
      uri: `magnet:?xt=urn:btih:${hash}`,
    });
    expect(commands.setSettings.input.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    for (const downloadDir of ['/home/me/Downloads', 'C:\\Users\\me', 'D:/media', '\\\\nas\\share']) {
      expect(commands.setSettings.input.parse({ downloadDir })).toEqual({ downloadDir });
    }
    expect(commands.inspectTorrent.input.parse({ uri: 'magnet:?dn=x' })).toEqual({ uri: 'magnet:?dn=x' });
    expect(commands.subscribe.input.parse({ infoHash: null, tab: null })).toEqual({ infoHash: null, tab: null });
    const tiers = [['http://t.example:6969/announce', 'udp://u.example:80'], ['https://s.example/a?passkey=1']];
    expect(commands.setTrackers.input.parse({ infoHash: hash, tiers })).toEqual({ infoHash: hash, tiers });
    expect(commands.setTrackers.input.parse({ infoHash: hash, tiers: [] })).toEqual({ infoHash: hash, tiers: [] });
    expect(commands.fetchMetadata.input.parse({ uri: `magnet:?xt=urn:btih:${hash}`, timeoutSec: 30 })).toEqual({ uri: `magnet:?xt=urn:btih:${hash}`, timeoutSec: 30 });
    expect(commands.addTrackers.input.parse({ infoHash: hash, urls: ['udp://u.example:80'] })).toEqual({ infoHash: hash, urls: ['udp://u.example:80'] });
  });

  it.each([
    ['wrong type', 'pause', { infoHashes: 'abc' }],
    ['uppercase hex', 'pause', { infoHashes: ['A'.repeat(40)] }],
    ['short hash', 'pause', { infoHashes: ['a'.repeat(39)] }],
    ['non-hex hash', 'resume', { infoHashes: ['g'.repeat(40)] }],
    ['missing field', 'remove', { infoHashes: [hash] }],
    ['unknown key', 'remove', { infoHashes: [hash], deleteFiles: false, force: true }],
    ['unknown key in setSettings', 'setSettings', { theme: 'dark', rootPassword: 'x' }],
    ['port out of range', 'setSettings', { listenPort: 70000 }],
    ['fractional port', 'setSettings', { listenPort: 80.5 }],
    ['unknown encryption mode', 'setSettings', { encryption: 'maybe' }],
    ['negative connections', 'setSettings', { maxConnectionsPerTorrent: -1 }],
    ['bad theme', 'setSettings', { theme: 'neon' }],
    ['empty download dir', 'setSettings', { downloadDir: '' }],
    ['relative download dir', 'setSettings', { downloadDir: 'Downloads' }],
    ['NUL in download dir', 'setSettings', { downloadDir: '/tmp/a\0b' }],
    ['relative save path', 'addTorrent', { source: { kind: 'magnet', uri: 'magnet:?x' }, savePath: '../up' }],
    ['huge path', 'addTorrent', { source: { kind: 'magnet', uri: 'magnet:?x' }, savePath: 'a'.repeat(limits.pathLength + 1) }],
    ['huge magnet', 'addTorrent', { source: { kind: 'magnet', uri: `magnet:?${'a'.repeat(limits.magnetLength)}` } }],
    ['not a magnet', 'addTorrent', { source: { kind: 'magnet', uri: 'http://x/' } }],
    ['bytes as array', 'addTorrent', { source: { kind: 'torrent', data: [1, 2, 3] } }],
    ['oversized bytes', 'inspectTorrent', { data: new Uint8Array(limits.torrentBytes + 1) }],
    ['unknown source kind', 'addTorrent', { source: { kind: 'url', uri: 'magnet:?x' } }],
    ['negative file index', 'addTorrent', { source: { kind: 'magnet', uri: 'magnet:?x' }, skipFiles: [-1] }],
    ['bad priority', 'setFilePriorities', { infoHash: hash, files: [{ index: 0, priority: 'urgent' }] }],
    ['tracker of an unknown scheme', 'setTrackers', { infoHash: hash, tiers: [['wss://t.example/announce']] }],
    ['tracker with a space', 'setTrackers', { infoHash: hash, tiers: [['http://t.example/an nounce']] }],
    ['tracker without a host', 'setTrackers', { infoHash: hash, tiers: [['http:///announce']] }],
    ['tracker twice', 'setTrackers', { infoHash: hash, tiers: [['udp://a:1'], ['udp://a:1']] }],
    ['empty tier', 'setTrackers', { infoHash: hash, tiers: [['udp://a:1'], []] }],
    ['huge tracker', 'setTrackers', { infoHash: hash, tiers: [[`http://a/${'x'.repeat(limits.trackerUrlLength)}`]] }],
    ['metadata of a non-magnet', 'fetchMetadata', { uri: 'http://x/a.torrent' }],
    ['metadata with no time', 'fetchMetadata', { uri: 'magnet:?x', timeoutSec: 0 }],
    ['metadata waited on for hours', 'fetchMetadata', { uri: 'magnet:?x', timeoutSec: 3601 }],
    ['cancel of a bad hash', 'cancelMetadata', { infoHash: 'x' }],
    ['no trackers to add', 'addTrackers', { infoHash: hash, urls: [] }],
    ['tracker to add of an unknown scheme', 'addTrackers', { infoHash: hash, urls: ['wss://t.example/announce'] }],
    ['bad tab', 'subscribe', { infoHash: hash, tab: 'chat' }],
    ['NaN version', 'hello', { protocolVersion: Number.NaN }],
    ['null input', 'getSettings', null],
    ['extra key on empty input', 'getSettings', { x: 1 }],
  ] as const)('refuse %s', (_label, name, input) => {
    expect(commands[name].input.safeParse(input).success).toBe(false);
  });

  it('bound list sizes', () => {
    const many = Array.from({ length: limits.infoHashes + 1 }, () => hash);
    expect(commands.pause.input.safeParse({ infoHashes: many }).success).toBe(false);
    expect(commands.pause.input.safeParse({ infoHashes: many.slice(1) }).success).toBe(true);
  });

  it('every command has an input and an output schema', () => {
    expect(commandNames).toContain('addTorrent');
    for (const name of commandNames) {
      expect(typeof commands[name].input.safeParse).toBe('function');
      expect(typeof commands[name].output.safeParse).toBe('function');
    }
  });
});

describe('command outputs', () => {
  it('strip unknown keys', () => {
    expect(commands.addTorrent.output.parse({ infoHash: hash, name: 'n', extra: 1 })).toEqual({ infoHash: hash, name: 'n' });
  });
  it('refuse bad values', () => {
    expect(commands.addTorrent.output.safeParse({ infoHash: 'x', name: 'n' }).success).toBe(false);
    expect(
      commands.getSettings.output.safeParse({ downloadDir: '/d', listenPort: 1, maxConnectionsPerTorrent: 0, theme: 'dark' }).success,
    ).toBe(false);
  });
});
