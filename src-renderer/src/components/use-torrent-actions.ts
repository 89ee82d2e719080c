/** Actions on the selected torrents, shared by the toolbar, the list's keyboard and its context menu. */
import { useMemo } from 'react';
import type { CommandInput } from '../api/contract';
import { useNativeFiles } from '../api/native-files';
import { useCommand } from '../store/use-command';
import { copyToClipboard } from './clipboard';
import { useShoalStore } from '../store/store';
import { reasonOf } from '../../../src-shared/errors';

export type QueueMove = CommandInput<'moveInQueue'>['to'];
export type CopyWhat = 'magnet' | 'infoHash' | 'name';

export interface TorrentActions {
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Pauses the selection unless every selected torrent is already paused, then resumes it. */
  togglePause(): Promise<void>;
  /** Starts the selection at once whatever the queue's limits. */
  forceStart(): Promise<void>;
  /** Asks the user to confirm removal of the selection. */
  askRemove(): void;
  moveInQueue(to: QueueMove): Promise<void>;
  recheck(): Promise<void>;
  /** Copies the selection's magnet links, info-hashes or names to the clipboard, one a line. */
  copy(what: CopyWhat): Promise<void>;
  /** Announces the selection to every tracker now. */
  reannounce(): Promise<void>;
  /** Asks the user for the selection's category and tags. */
  askLabels(): void;
  /** Asks the user for the selection's own speed limits. */
  askSpeedLimits(): void;
  /** Asks the user for the folder to move the selection's data to. */
  askMoveStorage(): void;
  /** Asks the user for a new name for the selected torrent (the first, if several are). */
  askRename(): void;
  /** The OS's file manager shows the selected torrent's data (the first, if several are); null where the page cannot (the web UI). */
  showInFolder: (() => Promise<void>) | null;
}

export function useTorrentActions(): TorrentActions {
  const store = useShoalStore();
  const run = useCommand();
  const native = useNativeFiles();
  return useMemo(() => {
    // While the engine is away nothing is acted on: the banner says so, and the buttons are off.
    const selected = () => (store.getState().connected ? [...store.getState().selection.selected] : []);
    /** The selection in list order, so moves keep the order the user sees. */
    const selectedInOrder = () => {
      const { selection, visible, connected } = store.getState();
      if (!connected) return [];
      const shown = visible.filter((id) => selection.selected.has(id));
      // Selected rows hidden by the filter still count, after the shown ones.
      return shown.length === selection.selected.size ? shown : [...new Set([...shown, ...selection.selected])];
    };
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
      moveInQueue: async (to) => {
        const ids = selectedInOrder();
        if (ids.length > 0) await run('moveInQueue', { infoHashes: ids, to });
      },
      recheck: async () => {
        const ids = selectedInOrder();
        if (ids.length > 0) await run('recheck', { infoHashes: ids });
      },
      copy: async (what) => {
        const ids = selectedInOrder();
        if (ids.length === 0) return;
        const { torrents } = store.getState();
        const lines = what === 'magnet' ? (await run('getMagnetLinks', { infoHashes: ids }))?.links : ids.map((id) => (what === 'name' ? (torrents.get(id)?.name ?? id) : id));
        if (lines === undefined) return;
        await copyToClipboard(lines.join('\n'), (message) => store.getState().reportError(message));
      },
      forceStart: async () => {
        const ids = selected();
        if (ids.length > 0) await run('forceStart', { infoHashes: ids });
      },
      reannounce: async () => {
        const ids = selected();
        if (ids.length > 0) await run('reannounce', { infoHashes: ids });
      },
      askLabels: () => store.getState().setLabeling(selectedInOrder()),
      askSpeedLimits: () => store.getState().setLimiting(selectedInOrder()),
      askMoveStorage: () => store.getState().setRelocating(selectedInOrder()),
      askRename: () => store.getState().setRenaming(selectedInOrder()[0] ?? null),
      showInFolder: native
        ? async () => {
            const { detail, torrents } = store.getState();
            const id = selectedInOrder()[0];
            if (id === undefined) return;
            // The detail knows where its data is (a renamed file's new name too); else its save folder.
            const path = detail?.infoHash === id && detail.general ? detail.general.contentPath : torrents.get(id)?.savePath;
            if (path !== undefined) await native.showInFolder(path).catch((err: unknown) => store.getState().reportError(reasonOf(err)));
          }
        : null,
    };
  }, [store, run, native]);
}
