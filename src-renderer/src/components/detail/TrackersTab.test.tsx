import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
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
        row('http://tracker.example/announce', { tier: 0, seeders: 5 }),
        row('https://mirror.example/pub/', { kind: 'web seed' }),
        row('http://liar.example/x.iso', { kind: 'web seed', status: 'disabled', message: 'dropped: sent piece 3, which failed its hash check' }),
      ],
    });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Trackers' });
    const cells = (url: string) => [...within(table).getByText(url).closest('tr')!.querySelectorAll('td')].map((td) => td.textContent);
    expect(cells('http://tracker.example/announce').slice(1, 3)).toEqual(['1', 'working']); // the first tier (0 on the wire) is tier 1 to a user
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

describe('editing trackers', () => {
  it('adds a tracker as a new tier, removes one, and reannounces, each as one command', async () => {
    const app = await renderDetailTab('Trackers');
    app.emit('detail', {
      infoHash: hashOf(1),
      trackers: [
        row('http://a.example/announce', { tier: 0 }),
        row('udp://b.example:80', { tier: 0, status: 'error', message: 'The tracker cannot be reached.' }),
        row('http://c.example/announce', { tier: 1 }),
        row('https://mirror.example/pub/', { kind: 'web seed' }),
      ],
    });
    const panel = within(screen.getByRole('tabpanel'));
    expect(within(panel.getByRole('table', { name: 'Trackers' })).getByRole('img', { name: 'failing' }).closest('tr')!.textContent).toContain('udp://b.example:80');

    fireEvent.click(panel.getByRole('button', { name: 'Edit trackers…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Edit trackers' }));
    const box = dialog.getByRole('textbox');
    expect((box as HTMLTextAreaElement).value).toBe('http://a.example/announce\nudp://b.example:80\n\nhttp://c.example/announce');
    fireEvent.change(box, { target: { value: 'http://a.example/announce\n\nnot a tracker' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    expect(dialog.getByRole('alert').textContent).toContain('“not a tracker” is not a tracker address');
    fireEvent.change(box, { target: { value: 'http://a.example/announce\nudp://b.example:80\n\n http://c.example/announce \n\n\nhttp://d.example/announce\n' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Save' })));
    expect(screen.queryByRole('dialog')).toBeNull();

    await act(async () => fireEvent.click(panel.getByRole('button', { name: 'Remove tracker udp://b.example:80' })));
    await act(async () => fireEvent.click(panel.getByRole('button', { name: 'Reannounce now' })));
    expect(app.api.callsOf('setTrackers')).toEqual([
      { infoHash: hashOf(1), tiers: [['http://a.example/announce', 'udp://b.example:80'], ['http://c.example/announce'], ['http://d.example/announce']] },
      { infoHash: hashOf(1), tiers: [['http://a.example/announce'], ['http://c.example/announce']] },
    ]);
    expect(app.api.callsOf('reannounce')).toEqual([{ infoHashes: [hashOf(1)] }]);
    expect(panel.queryByRole('button', { name: /Remove tracker https:\/\/mirror/ })).toBeNull();
  });
});
