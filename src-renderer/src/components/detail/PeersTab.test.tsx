import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
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

describe('peer actions', () => {
  it('adds a peer by address (showing the engine’s refusal in the dialog) and bans one from its row', async () => {
    const app = await renderDetailTab('Peers');
    app.api.respond('addPeer', ({ address }) => {
      if (!address.includes(':')) throw new Error(`"${address}" is not a peer address: write HOST:PORT`);
      return {};
    });
    app.emit('detail', { infoHash: hashOf(1), peers: [peer(7, 'manual', '')] });
    const panel = within(screen.getByRole('tabpanel'));
    const table = panel.getByRole('table', { name: 'Peers' });
    expect(within(table).getByText('10.0.0.7:6881').closest('tr')!.textContent).toContain('Added by you');

    fireEvent.click(panel.getByRole('button', { name: 'Add peer…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Add peer' }));
    fireEvent.change(dialog.getByRole('textbox', { name: 'Peer address (HOST:PORT)' }), { target: { value: 'nowhere' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Add' })));
    expect(dialog.getByRole('alert').textContent).toContain('write HOST:PORT');
    fireEvent.change(dialog.getByRole('textbox', { name: 'Peer address (HOST:PORT)' }), { target: { value: ' 10.0.0.9:51413 ' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Add' })));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(app.api.callsOf('addPeer')).toEqual([
      { infoHashes: [hashOf(1)], address: 'nowhere' },
      { infoHashes: [hashOf(1)], address: '10.0.0.9:51413' },
    ]);

    await act(async () => fireEvent.click(within(table).getByRole('button', { name: 'Ban peer 10.0.0.7:6881' })));
    expect(app.api.callsOf('banPeer')).toEqual([{ address: '10.0.0.7:6881' }]);
  });
});

describe('the Peers tab transport column', () => {
  it('says uTP or TCP for each peer, and nothing for an engine that did not say', async () => {
    const app = await renderDetailTab('Peers');
    const peers = [{ ...peer(1, 'tracker', 'TP'), transport: 'utp' as const }, { ...peer(2, 'tracker', 'T'), transport: 'tcp' as const }, peer(3, 'tracker', 'T')];
    app.emit('detail', { infoHash: hashOf(1), peers });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Peers' });
    const column = within(table).getAllByRole('columnheader').map((h) => h.textContent).indexOf('Transport');
    expect(column).toBeGreaterThan(0);
    const cell = (n: number) => within(table).getByText(`10.0.0.${n}:6881`).closest('tr')!.querySelectorAll('td')[column]!.textContent;
    expect([cell(1), cell(2), cell(3)]).toEqual(['uTP', 'TCP', '']);
  });
});
