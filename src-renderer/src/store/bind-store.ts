/** Wires a ShoalApi's events into the store and loads the initial settings. */
import type { ShoalStore } from './store';
import { errorMessage } from '../api/api-context';
import type { ShoalApi } from '../api/contract';

/** Returns the function that detaches every handler. */
export function bindStore(api: ShoalApi, store: ShoalStore): () => void {
  const s = store.getState();
  const offs = [
    api.on('torrents', (ev) => {
      s.torrentsEvent(ev);
      if (!ev.full) return;
      s.setConnected(true);
      // A new or restarted engine: its log as it stands; later notices come as events.
      api.invoke('getLog', {}).then(({ entries }) => s.logLoaded(entries), (err: unknown) => s.reportError(errorMessage(err)));
    }),
    api.on('stats', s.statsEvent),
    api.on('detail', s.detailEvent),
    api.on('notice', s.noticeEvent),
  ];
  api.invoke('getSettings', {}).then(s.setSettings, (err: unknown) => s.reportError(errorMessage(err)));
  return () => {
    for (const off of offs) off();
  };
}
