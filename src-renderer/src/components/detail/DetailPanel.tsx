import { useEffect, useRef } from 'react';
import { useApi } from '../../api/api-context';
import type { DetailTab } from '../../api/contract';
import { focusedTorrent } from '../../store/selection';
import { useShoal, useShoalStore } from '../../store/store';
import { PiecesView } from '../pieces/PiecesView';
import { SpeedGraph } from '../stats/SpeedGraph';
import { DetailSplitter } from './DetailSplitter';
import { FilesTab } from './FilesTab';
import { GeneralTab } from './GeneralTab';
import { PeersTab } from './PeersTab';
import { TrackersTab } from './TrackersTab';

const tabs: readonly { id: DetailTab; label: string }[] = [
  { id: 'general', label: 'General' },
  { id: 'pieces', label: 'Pieces' },
  { id: 'peers', label: 'Peers' },
  { id: 'files', label: 'Files' },
  { id: 'trackers', label: 'Trackers' },
  { id: 'speed', label: 'Speed' },
];

/** Keeps the engine streaming exactly the focused torrent's open tab, and nothing once we unmount. */
function useSubscription(infoHash: string | null, tab: DetailTab): void {
  const api = useApi();
  const store = useShoalStore();
  useEffect(() => {
    // The Speed tab asks for its graph itself: no detail stream for it.
    api.invoke('subscribe', { infoHash, tab: infoHash === null || tab === 'speed' ? null : tab }).catch(() => {
      // Losing a subscription only stops the detail refresh; the torrent list still shows state.
      store.getState().reportError('The engine did not accept the detail subscription.');
    });
  }, [api, store, infoHash, tab]);
  useEffect(
    () => () => {
      void api.invoke('subscribe', { infoHash: null, tab: null }).catch(() => undefined);
    },
    [api],
  );
}

export function DetailPanel() {
  const store = useShoalStore();
  const infoHash = useShoal((s) => focusedTorrent(s.selection));
  const tab = useShoal((s) => s.tab);
  const detail = useShoal((s) => (s.detail !== null && s.detail.infoHash === infoHash ? s.detail : null));
  const detailAt = useShoal((s) => s.detailAt);
  const summary = useShoal((s) => (infoHash === null ? undefined : s.torrents.get(infoHash)));
  const tabRefs = useRef(new Map<DetailTab, HTMLButtonElement>());
  useSubscription(infoHash, tab);

  const onTabKey = (e: React.KeyboardEvent, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    let next = index + delta;
    if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else if (delta === 0) return;
    e.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length]!;
    store.getState().setTab(target.id);
    tabRefs.current.get(target.id)?.focus();
  };

  const body = () => {
    if (infoHash === null) return <p className="muted pad">Select a torrent to see its details.</p>;
    const loading = <p className="muted pad">Loading…</p>;
    switch (tab) {
      case 'general':
        return detail?.general ? <GeneralTab general={detail.general} summary={summary} /> : loading;
      case 'pieces':
        return detail?.pieces ? <PiecesView pieces={detail.pieces} /> : loading;
      case 'peers':
        return detail?.peers ? <PeersTab infoHash={infoHash} peers={detail.peers} /> : loading;
      case 'files':
        return detail?.files ? <FilesTab infoHash={infoHash} files={detail.files} /> : loading;
      case 'trackers':
        return detail?.trackers ? <TrackersTab infoHash={infoHash} trackers={detail.trackers} now={detailAt} /> : loading;
      case 'speed':
        return <SpeedGraph infoHash={infoHash} title={summary ? `Speed of ${summary.name}` : 'Speed'} />;
    }
  };

  return (
    <section className="detail" aria-label="Torrent details">
      <DetailSplitter />
      <div role="tablist" aria-label="Details" className="tabs">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) tabRefs.current.set(t.id, el);
              else tabRefs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => store.getState().setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
        {summary && <span className="detail-title ellipsis">{summary.name}</span>}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel" tabIndex={0}>
        {body()}
      </div>
    </section>
  );
}
