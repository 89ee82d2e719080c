import { describe, expect, it } from 'vitest';
import type { EventPayload, TorrentSummary } from '../../src-shared/contract';
import { fakeSummary } from '../testing/summary-row';
import { ListFeed } from './list-feed';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

/** A feed over rows the test edits in place, and what it sent. */
function feedOver(...initial: TorrentSummary[]) {
  const rows = new Map(initial.map((r) => [r.infoHash, r]));
  const sent: EventPayload<'torrents'>[] = [];
  const feed = new ListFeed({ row: (h) => rows.get(h), rows: () => [...rows.values()], send: (p) => sent.push(p) });
  return { rows, sent, feed };
}

const idle = (infoHash: string, more: Partial<TorrentSummary> = {}) => fakeSummary({ infoHash, state: 'paused', downRate: 0, upRate: 0, eta: null, ...more });

describe('ListFeed', () => {
  it('gives a new front end the whole list', () => {
    const { feed } = feedOver(idle(a), idle(b));
    expect(feed.full()).toEqual({ full: true, changed: [idle(a), idle(b)], removed: [] });
  });

  it('sends nothing for torrents not marked', () => {
    const { feed, sent } = feedOver(idle(a), idle(b));
    feed.flush();
    feed.flush();
    expect(sent).toEqual([]);
  });

  it('sends a marked row once, as it is at the flush, and nothing for the others', () => {
    const { feed, sent, rows } = feedOver(idle(a), idle(b));
    feed.mark(b);
    rows.set(b, idle(b, { state: 'checking', progress: 0.5 }));
    feed.mark(b);
    feed.flush();
    feed.flush();
    expect(sent).toEqual([{ full: false, changed: [idle(b, { state: 'checking', progress: 0.5 })], removed: [] }]);
  });

  it('sends a row with a rate at every flush until both rates show 0, then stops', () => {
    const { feed, sent, rows } = feedOver(idle(a), idle(b));
    rows.set(a, idle(a, { state: 'downloading', downRate: 300 }));
    feed.mark(a);
    feed.flush();
    rows.set(a, idle(a, { state: 'downloading', downRate: 100 }));
    feed.flush();
    rows.set(a, idle(a, { state: 'downloading', upRate: 0, downRate: 0 }));
    feed.flush();
    feed.flush();
    expect(sent.map((p) => p.changed.map((r) => [r.infoHash, r.downRate]))).toEqual([[[a, 300]], [[a, 100]], [[a, 0]]]);
  });

  it('sends a removal once, and no row for a torrent that left, even marked late', () => {
    const { feed, sent, rows } = feedOver(idle(a), idle(b));
    rows.set(a, idle(a, { upRate: 50 }));
    feed.mark(a);
    feed.flush();
    rows.delete(a);
    feed.remove(a);
    feed.mark(a); // a late event of the torrent on its way out
    feed.flush();
    feed.flush();
    expect(sent).toEqual([
      { full: false, changed: [idle(a, { upRate: 50 })], removed: [] },
      { full: false, changed: [], removed: [a] },
    ]);
  });
});
