import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../api/contract';
import { renderDetailTab } from '../../testing/render-app';
import { hashOf } from '../../testing/torrents';

afterEach(cleanup);

const peer = (n: number, source: PeerInfo['source'], flags: string): PeerInfo => ({
  id: `p${n}`,
  address: `10.0.0.${n}:6881`,
  client: 'libtorrent 2.0.8',
  flags,
  encryption: 'none',
  source,
  progress: 0.5,
  downRate: 0,
  upRate: 0,
  downloaded: 0,
  uploaded: 0,
});

describe('the Peers tab', () => {
  it('names where each peer came from: tracker, DHT, PEX, LSD, incoming, magnet', async () => {
    const app = await renderDetailTab('Peers');
    const sources: [PeerInfo['source'], string, string][] = [
      ['tracker', 'T', 'Tracker'],
      ['dht', 'H', 'DHT'],
      ['pex', 'X', 'PEX'],
      ['lsd', 'L', 'LSD'],
      ['incoming', 'I', 'Incoming'],
      ['magnet', '', 'Magnet'],
    ];
    app.emit('detail', { infoHash: hashOf(1), peers: sources.map(([source, flag], i) => peer(i + 1, source, flag)) });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Peers' });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    const column = headers.indexOf('Source');
    expect(column).toBeGreaterThan(0);
    sources.forEach(([, , label], i) => {
      const row = within(table).getByText(`10.0.0.${i + 1}:6881`).closest('tr')!;
      expect(row.querySelectorAll('td')[column]!.textContent).toBe(label);
    });
  });
});
