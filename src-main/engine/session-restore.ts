import type { Settings } from '../../src-shared/contract';
import type { LoadedSession } from './persistence/session-store';
import type { SessionPolicy } from './policy/session-policy';
import type { SessionMeters } from './session-meters';
import type { SessionPersistence } from './session-persistence';
import type { SessionSockets } from './session-sockets';
import type { Torrent } from './torrent';
import type { TorrentAdding } from './torrent-adding';
import type { TorrentLabels } from './torrent-labels';

/** The parts of the session a restart brings back into. */
export interface SessionRestoreParts {
  readonly torrents: ReadonlyMap<string, Torrent>;
  readonly settings: () => Settings;
  readonly meters: SessionMeters;
  readonly adding: TorrentAdding;
  readonly policy: SessionPolicy<Torrent>;
  readonly labels: TorrentLabels;
  readonly sockets: SessionSockets;
}

/** Brings back the saved torrents in their order (with their queue marks and labels), then saves from here on. */
export async function restoreSession(persist: SessionPersistence, loaded: LoadedSession, s: SessionRestoreParts): Promise<void> {
  s.meters.carryOver(loaded.allTime);
  await persist.restore(loaded, {
    torrent: async (entry) => {
      const torrent = await persist.torrentFrom(entry, (metainfo, savePath, restored) => s.adding.create({ metainfo, savePath, ...restored }));
      if (entry.record.limitsWaived) s.policy.restoreWaiver(torrent.infoHash, entry.record.limitsWaived);
      s.adding.admit(torrent, !entry.record.paused);
      if (entry.record.forced) s.policy.restoreForced(torrent.infoHash);
      s.labels.set(torrent.infoHash, entry.record);
    },
    magnet: (entry) => s.adding.restoreMagnet(entry),
  });
  s.policy.applyQueue();
  const settings = s.settings();
  if (settings.trackerEnabled) await s.sockets.restartTracker(settings.trackerPort, (message) => persist.tellAtStart(message));
  persist.startSaving(() => ({
    settings: s.settings(),
    allTime: s.meters.allTime,
    torrents: s.policy.inQueueOrder(),
    magnets: [...s.torrents.values()].filter((t) => !t.hasMetainfo),
    labels: (infoHash) => s.labels.of(infoHash),
  }));
}
