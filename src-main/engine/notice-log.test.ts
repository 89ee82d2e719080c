import { describe, expect, it } from 'vitest';
import { NoticeLog } from './notice-log';

const hash = 'ab'.repeat(20);

describe('NoticeLog', () => {
  it('numbers notices in order with their time and torrent name, and says so on the notice that goes out', () => {
    const log = new NoticeLog();
    const out = log.add({ kind: 'torrent-finished', message: 'alice.txt finished downloading', infoHash: hash }, 'alice.txt', 1234);
    expect(out).toEqual({ kind: 'torrent-finished', message: 'alice.txt finished downloading', infoHash: hash, id: 1, at: 1234, name: 'alice.txt' });
    log.add({ kind: 'error', message: 'The session could not be saved', code: 'io' }, undefined, 1300);
    expect(log.entries()).toEqual([
      { id: 1, at: 1234, kind: 'torrent-finished', message: 'alice.txt finished downloading', infoHash: hash, name: 'alice.txt' },
      { id: 2, at: 1300, kind: 'error', message: 'The session could not be saved' },
    ]);
  });

  it('keeps only the newest entries', () => {
    const log = new NoticeLog(3);
    for (let i = 1; i <= 5; i++) log.add({ kind: 'error', message: `e${i}` }, undefined, i);
    expect(log.entries().map((e) => [e.id, e.message])).toEqual([
      [3, 'e3'],
      [4, 'e4'],
      [5, 'e5'],
    ]);
  });
});
