import { describe, expect, it } from 'vitest';
import type { TorrentState } from '../../src-shared/contract';
import { atRest, BusyTorrents } from './busy-torrents';

interface Fake {
  readonly infoHash: string;
  peerCount: number;
  state: TorrentState;
}

function fake(infoHash: string, state: TorrentState = 'seeding', peerCount = 0): Fake {
  return { infoHash, state, peerCount };
}

const hashes = (busy: BusyTorrents<Fake>): string[] => [...busy.values()].map((t) => t.infoHash);

describe('BusyTorrents', () => {
  it('visits a marked torrent until a pass finds it at rest, and again once it changes', () => {
    const torrents = new Map([['a', fake('a')], ['b', fake('b', 'seeding', 2)]]);
    const busy = new BusyTorrents(torrents, (t) => t.peerCount === 0);
    expect(hashes(busy)).toEqual([]);
    busy.add('a');
    busy.add('b');
    expect(hashes(busy)).toEqual(['a', 'b']);
    busy.settle();
    // The idle seed is not visited again; the one with peers is.
    expect(hashes(busy)).toEqual(['b']);
    busy.settle();
    expect(hashes(busy)).toEqual(['b']);
    torrents.get('b')!.peerCount = 0;
    busy.settle();
    expect(hashes(busy)).toEqual([]);
    // A peer came: its row was marked.
    torrents.get('a')!.peerCount = 1;
    busy.add('a');
    busy.settle();
    expect(hashes(busy)).toEqual(['a']);
  });

  it('visits every torrent after addAll, and forgets torrents that left the session', () => {
    const torrents = new Map([['a', fake('a')], ['b', fake('b')], ['c', fake('c', 'downloading')]]);
    const busy = new BusyTorrents(torrents, (t) => t.state !== 'downloading');
    busy.addAll();
    expect(hashes(busy)).toEqual(['a', 'b', 'c']);
    torrents.delete('c');
    expect(hashes(busy)).toEqual(['a', 'b']);
    busy.settle();
    expect(hashes(busy)).toEqual([]);
  });
});

describe('atRest', () => {
  const quiet = { keepsHistory: () => false };
  const untimed = { timed: () => false };

  it('holds for a seed, a paused, a queued or a failed torrent without peers, history or share limits', () => {
    for (const state of ['seeding', 'paused', 'queued', 'error'] as const) expect(atRest(fake('a', state), quiet, untimed)).toBe(true);
  });

  it('does not hold while the torrent has peers, is downloading, checking, moving or fetching metadata, keeps a speed history, or seeds under share limits', () => {
    expect(atRest(fake('a', 'seeding', 1), quiet, untimed)).toBe(false);
    for (const state of ['downloading', 'checking', 'moving', 'metadata'] as const) expect(atRest(fake('a', state), quiet, untimed)).toBe(false);
    expect(atRest(fake('a'), { keepsHistory: (h) => h === 'a' }, untimed)).toBe(false);
    expect(atRest(fake('a'), quiet, { timed: (t) => t.infoHash === 'a' })).toBe(false);
  });
});
