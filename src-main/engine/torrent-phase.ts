/**
 * Where a torrent is in its life (see STATE.md); the state its row shows is the phase's name.
 * A check or a move runs alone, and `then` says what follows it: trading ('run') or a stop.
 */
export type Phase =
  | { readonly name: 'metadata' }
  | { readonly name: 'paused' | 'queued' | 'error' }
  | { readonly name: 'checking' | 'moving'; readonly task: Task; readonly then: AfterTask }
  | { readonly name: 'downloading' | 'seeding' };

export type AfterTask = 'run' | 'paused' | 'queued' | 'error';

/** A check or a move under way. */
export interface Task {
  done: Promise<void>;
  readonly abort: AbortController;
  /** The folder a move is copying to, until the copy is whole. */
  movingTo: string | null;
}

/** Fetching its metadata or trading, or about to trade once its task ends. */
export function meantToRun(p: Phase): boolean {
  return 'then' in p ? p.then === 'run' : p.name === 'metadata' || p.name === 'downloading' || p.name === 'seeding';
}

/** Stopped by the user (or a share limit), or to be once its task ends. */
export function pausedIn(p: Phase): boolean {
  return 'then' in p ? p.then === 'paused' : p.name === 'paused';
}

/** What a task begun in `p` is followed by: trading on if it trades, else the stop it is in (a failed torrent comes back paused). */
export function afterTaskFrom(p: Phase): AfterTask {
  return p.name === 'downloading' || p.name === 'seeding' ? 'run' : p.name === 'queued' ? 'queued' : 'paused';
}
