import { resolve } from 'node:path';
import type { EventPayload } from '../../src-shared/contract';
import { asShoalError, ShoalError } from '../../src-shared/errors';
import type { Torrent } from './torrent';

/** What the session does around a check or a move of a torrent's data. */
export interface TaskHooks {
  /** The task ended, well or not: the queue, the list and the saved session see the torrent's new state. */
  readonly ended: (t: Torrent) => void;
  /** Saves the session, rejecting on failure: a move waits for each save it needs. */
  readonly save: () => Promise<void>;
  /** The torrent is still in the session (not removed meanwhile). */
  readonly current: (t: Torrent) => boolean;
  readonly notice: (payload: EventPayload<'notice'>) => void;
  readonly log?: (line: string) => void;
}

/** Starts checking the torrents' data again; each shows 'checking' with its progress until done. All or none. */
export function startRecheck(torrents: readonly Torrent[], hooks: TaskHooks): void {
  // A busy one refuses the command before any check starts.
  for (const t of torrents) t.assertIdle();
  for (const t of torrents) {
    // A failed check stops the torrent and the 'failed' event tells the user.
    t.recheck().then(
      () => hooks.ended(t),
      () => hooks.ended(t),
    );
  }
}

/** Starts moving a torrent's data; it shows 'moving' with the share of bytes moved until done. */
export function startMove(t: Torrent, savePath: string, hooks: TaskHooks): void {
  const to = resolve(savePath);
  if (to === resolve(t.savePath)) throw new ShoalError('invalid-input', `"${t.name}" is already in ${to}`);
  t.assertIdle();
  const from = t.savePath;
  // The move waits for each save it needs: the interrupted-move record first, the new place last.
  t.moveStorage(to, hooks.save).then(
    () => {
      hooks.log?.(`${t.name}: data moved from ${from} to ${to}`);
      hooks.ended(t);
    },
    (err: unknown) => {
      if (!hooks.current(t)) return; // removed meanwhile
      const error = asShoalError(err, 'io');
      const reason = error.message.replace(/\.$/, '');
      const message = t.savePath === from ? `${t.name} was not moved and stays in ${from}: ${reason}.` : `${t.name}: ${reason}.`;
      hooks.notice({ kind: 'error', message, infoHash: t.infoHash, code: error.code });
      hooks.ended(t);
    },
  );
}
