import type { EventPayload, Settings, ShareLimitAction } from '../../src-shared/contract';
import { finishedFolder } from './incomplete-folder';
import type { ListFeed } from './list-feed';
import type { MetadataFetches } from './metadata-fetches';
import type { SessionPolicy } from './policy/session-policy';
import type { Torrent } from './torrent';
import type { TorrentEvents } from './torrent-init';
import type { TorrentLabels } from './torrent-labels';
import { startMove, type TaskHooks } from './torrent-tasks';

/** What the session's side of its torrents' events needs of the session. */
export interface SessionTorrentHooks {
  readonly settings: () => Settings;
  readonly policy: Pick<SessionPolicy<Torrent>, 'applyQueue' | 'leave' | 'uploaded' | 'add'>;
  readonly feed: Pick<ListFeed, 'mark' | 'flush'>;
  readonly labels: Pick<TorrentLabels, 'of' | 'savePath'>;
  /** Around the move of a finished torrent out of the incomplete-downloads folder. */
  readonly tasks: TaskHooks;
  /** Still in the session: not removed (or replaced) meanwhile. */
  readonly has: (t: Torrent) => boolean;
  readonly notice: (payload: EventPayload<'notice'>) => void;
  readonly log?: ((line: string) => void) | undefined;
  readonly saveSoon: () => void;
  /** Torrents came, went or changed state: the queue, the list and the saved session follow. */
  readonly settle: () => void;
  /** Removes the torrent from the session, its data too with `deleteFiles`. */
  readonly remove: (infoHash: string, deleteFiles: boolean) => Promise<unknown>;
  /** Torrents in no list are metadata fetches (`fetchMetadata`): their events go there. */
  readonly fetches: Pick<MetadataFetches, 'changed' | 'arrived' | 'failed'>;
}

/**
 * How the session hears its torrents: a finished one is told to the user and frees its queue
 * slot (and leaves the incomplete-downloads folder), a failed one leaves the queue, a changed one
 * is sent in the list again, a magnet whose metadata arrived joins the queue, and trackers that
 * all fail are told once. The share limits' verdict on a torrent (`shareLimitReached`) comes by
 * way of the policy.
 */
export function sessionTorrentEvents(h: SessionTorrentHooks): TorrentEvents {
  return {
    finished: (t) => {
      h.saveSoon();
      h.notice({ kind: 'torrent-finished', message: `${t.name} finished downloading`, infoHash: t.infoHash });
      // Its download slot is free for the next in the queue; as a seed it may have to wait.
      h.policy.applyQueue();
      const to = finishedFolder(h.settings(), t.savePath, h.labels.savePath(h.labels.of(t.infoHash).category ?? undefined));
      // Started while trading, so the torrent is idle and `to` differs from where it is.
      if (to !== undefined) startMove(t, to, h.tasks);
      // Front ends hear of it now rather than at the next list tick (up to half a second): the
      // CLI exits on it, and a list shows it.
      h.feed.flush();
    },
    failed: (t, error) => {
      if (!h.has(t)) return h.fetches.failed(t, error);
      h.notice({ kind: 'error', message: `${t.name}: ${error.message}`, infoHash: t.infoHash, code: error.code });
      h.policy.leave(t.infoHash);
      h.policy.applyQueue();
    },
    log: (t, message) => h.log?.(`${t.name}: ${message}`),
    uploaded: (t) => h.policy.uploaded(t),
    changed: (t) => (h.has(t) ? h.feed.mark(t.infoHash) : h.fetches.changed(t)),
    metadataArrived: (t, ignoredSkips) => (h.has(t) ? metadataArrived(h, t, ignoredSkips) : h.fetches.arrived(t)),
    trackerFailing: (t, problem) => h.notice({ kind: 'tracker-error', message: `No tracker of "${t.name}" works. ${problem}`, infoHash: t.infoHash }),
  };
}

/** A magnet's metadata arrived: it takes the queue's last place, with the same info-hash, save folder and peers. */
function metadataArrived(h: SessionTorrentHooks, t: Torrent, ignoredSkips: readonly number[]): void {
  if (ignoredSkips.length > 0) {
    const files = t.metainfo.files.length;
    const message = `${t.name} has ${files} file${files === 1 ? '' : 's'}, so some of the files asked to be skipped do not exist; the others are skipped`;
    h.notice({ kind: 'error', message, infoHash: t.infoHash, code: 'invalid-input' });
  }
  h.log?.(`${t.name}: metadata received from peers`);
  h.feed.mark(t.infoHash);
  h.policy.add(t.infoHash, true);
  h.settle();
}

/** A torrent reached its share limits: the user is told, and it is paused or removed as the limits say. */
export function shareLimitReached(h: SessionTorrentHooks, t: Torrent, action: ShareLimitAction): void {
  const done = action === 'pause' ? 'paused' : 'removed';
  h.notice({ kind: 'ratio-reached', message: `${t.name} reached its share limits and was ${done}`, infoHash: t.infoHash });
  h.log?.(`${t.name}: share limits reached; ${done}`);
  if (action === 'pause') {
    h.policy.leave(t.infoHash);
    void t.pause();
    h.policy.applyQueue();
    h.feed.flush();
  } else {
    void h.remove(t.infoHash, action === 'remove-with-files');
  }
}
