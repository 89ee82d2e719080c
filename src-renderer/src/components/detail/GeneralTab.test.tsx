import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GeneralInfo } from '../../api/contract';
import { renderApp } from '../../testing/render-app';
import { generalInfo, hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

async function showGeneral(info: GeneralInfo) {
  const app = await renderApp();
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
  fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
  app.emit('detail', { infoHash: hashOf(1), general: info });
  return screen.getByRole('tabpanel').textContent ?? '';
}

describe('the General tab', () => {
  it('gives the size and the pieces of a torrent', async () => {
    expect(await showGeneral(generalInfo({}))).toContain('Size1.00 KiB (4 × 256 B)');
  });

  it('says the size is unknown while a magnet fetches its metadata', async () => {
    const text = await showGeneral(generalInfo({ length: 0, pieceLength: 0, pieceCount: 0 }));
    expect(text).toContain('SizeUnknown until the metadata arrives');
    expect(text).not.toContain('0 × 0');
  });
});
