import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTorrentOptions, type GeneralInfo } from '../../api/contract';
import { renderApp } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

function general(over: Partial<GeneralInfo>): GeneralInfo {
  return {
    infoHash: hashOf(1),
    name: 'alpha',
    savePath: '/downloads',
    length: 1024,
    pieceLength: 256,
    pieceCount: 4,
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    addedAt: 0,
    completedAt: null,
    downloaded: 0,
    uploaded: 0,
    wasted: 0,
    ratio: 0,
    availability: 1,
    swarm: { seeders: null, leechers: null, completed: null },
    magnet: 'magnet:?xt=urn:btih:' + hashOf(1),
    seedingTime: 0,
    options: defaultTorrentOptions,
    ...over,
  };
}

async function showGeneral(info: GeneralInfo) {
  const app = await renderApp();
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
  fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
  app.emit('detail', { infoHash: hashOf(1), general: info });
  return screen.getByRole('tabpanel').textContent ?? '';
}

describe('the General tab', () => {
  it('gives the size and the pieces of a torrent', async () => {
    expect(await showGeneral(general({}))).toContain('Size1.00 KiB (4 × 256 B)');
  });

  it('says the size is unknown while a magnet fetches its metadata', async () => {
    const text = await showGeneral(general({ length: 0, pieceLength: 0, pieceCount: 0 }));
    expect(text).toContain('SizeUnknown until the metadata arrives');
    expect(text).not.toContain('0 × 0');
  });
});
