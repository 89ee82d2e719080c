/** Actions on the selected torrents, shared by the toolbar and the list's keyboard. */
import { useMemo } from 'react';
import { useCommand } from '../api/use-command';
import { useShoalStore } from '../store/store';

export interface TorrentActions {
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Pauses the selection unless every selected torrent is already paused, then resumes it. */
  togglePause(): Promise<void>;
  /** Asks the user to confirm removal of the selection. */
  askRemove(): void;
}

export function useTorrentActions(): TorrentActions {
  const store = useShoalStore();
  const run = useCommand();
  return useMemo(() => {
    const selected = () => [...store.getState().selection.selected];
    const pause = async () => {
      const ids = selected();
      if (ids.length > 0) await run('pause', { infoHashes: ids });
    };
    const resume = async () => {
      const ids = selected();
      if (ids.length > 0) await run('resume', { infoHashes: ids });
    };
    return {
      pause,
      resume,
      togglePause: async () => {
        const { torrents } = store.getState();
        const ids = selected();
        const allPaused = ids.length > 0 && ids.every((id) => torrents.get(id)?.state === 'paused');
        await (allPaused ? resume() : pause());
      },
      askRemove: () => store.getState().setRemoving(selected()),
    };
  }, [store, run]);
}
