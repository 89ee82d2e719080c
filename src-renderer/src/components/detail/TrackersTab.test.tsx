import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrackerInfo } from '../../api/contract';
import { renderDetailTab } from '../../testing/render-app';
import { hashOf } from '../../testing/torrents';

afterEach(cleanup);

const row = (url: string, extra: Partial<TrackerInfo>): TrackerInfo => ({
  url,
  tier: 0,
  status: 'working',
  message: null,
  lastAnnounce: null,
  nextAnnounce: null,
  seeders: null,
  leechers: null,
  completed: null,
  ...extra,
});

describe('the Trackers tab', () => {
  it('lists web seeds beside trackers, each with its state and why it was dropped', async () => {
    const app = await renderDetailTab('Trackers');
    app.emit('detail', {
      infoHash: hashOf(1),
      trackers: [
        row('http://tracker.example/announce', { tier: 1, seeders: 5 }),
        row('https://mirror.example/pub/', { kind: 'web seed' }),
        row('http://liar.example/x.iso', { kind: 'web seed', status: 'disabled', message: 'dropped: sent piece 3, which failed its hash check' }),
      ],
    });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Trackers' });
    const cells = (url: string) => [...within(table).getByText(url).closest('tr')!.querySelectorAll('td')].map((td) => td.textContent);
    expect(cells('http://tracker.example/announce').slice(1, 3)).toEqual(['1', 'working']);
    expect(cells('https://mirror.example/pub/').slice(1, 3)).toEqual(['web seed', 'working']);
    expect(cells('http://liar.example/x.iso').slice(1, 3)).toEqual(['web seed', 'disabled dropped: sent piece 3, which failed its hash check']);
  });

  it('lists the DHT, PEX and LSD as rows with the peers each gave, as qBittorrent does', async () => {
    const app = await renderDetailTab('Trackers');
    app.emit('detail', {
      infoHash: hashOf(1),
      trackers: [
        row('http://tracker.example/announce', { tier: 0 }),
        row('** [DHT] **', { kind: 'dht', peers: 12 }),
        row('** [PeX] **', { kind: 'pex', peers: 3 }),
        row('** [LSD] **', { kind: 'lsd', status: 'disabled', message: 'turned off in the settings', peers: 0 }),
      ],
    });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Trackers' });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    const cells = (url: string) => [...within(table).getByText(url).closest('tr')!.querySelectorAll('td')].map((td) => td.textContent);
    const peers = headers.indexOf('Peers');
    expect(peers).toBeGreaterThan(0);
    expect(cells('** [DHT] **')[peers]).toBe('12');
    expect(cells('** [PeX] **').slice(1, 3)).toEqual(['', 'working']);
    expect(cells('** [PeX] **')[peers]).toBe('3');
    expect(cells('** [LSD] **').slice(2, 3)).toEqual(['disabled turned off in the settings']);
    expect(cells('http://tracker.example/announce')[peers]).toBe('—');
  });
});
