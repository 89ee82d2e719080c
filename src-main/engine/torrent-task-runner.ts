import { asShoalError, reasonOf, type ShoalError } from '../../src-shared/errors';
import { afterTaskFrom, type AfterTask, type Phase, type Task } from './torrent-phase';

/** What running a check or a move alone needs of its torrent. */
export interface TaskHost {
  phase(): Phase;
  setPhase(next: Phase): void;
  /** Throws the user's sentence while another task is under way. */
  assertIdle(): void;
  /** Trading stops at once, before the phase shows the task. */
  stopSwarm(): void;
  /** Announces `stopped`; the work waits for it. */
  stopAnnouncing(): Promise<void>;
  /** The task's phase is set: its progress starts from 0. */
  started(): void;
  fail(error: ShoalError): void;
  /** Trades again: the torrent is meant to run once its task ends. */
  trade(): void;
}

/**
 * Runs a check or a move alone: trading stops, the state shows the task, and afterwards the
 * torrent trades again if it is meant to run (the user or the queue may start or pause it
 * meanwhile). A failed check stops the torrent on the error; a failed move carries on as before.
 */
export async function runAlone(
  host: TaskHost,
  name: 'checking' | 'moving',
  work: (signal: AbortSignal, task: Task) => Promise<void>,
  onFailure: 'fail' | 'carry-on',
  then: AfterTask = afterTaskFrom(host.phase()),
): Promise<void> {
  host.assertIdle();
  const abort = new AbortController();
  const task: Task = { done: Promise.resolve(), abort, movingTo: null };
  host.stopSwarm();
  host.setPhase({ name, task, then });
  host.started();
  task.done = (async () => {
    await host.stopAnnouncing();
    await work(abort.signal, task);
  })();
  try {
    await task.done;
  } catch (err) {
    const verb = name === 'moving' ? 'Moving' : 'Checking';
    const error = asShoalError(err, 'io', (e) => `${verb} the data failed: ${reasonOf(e)}.`);
    if (abort.signal.aborted) throw error;
    if (onFailure === 'fail') host.fail(error); // it stops once the task is over, just below
    afterTask(host);
    throw error;
  }
  if (!abort.signal.aborted) afterTask(host);
}

/** The task ended: the torrent goes on as its phase's `then` says. */
function afterTask(host: TaskHost): void {
  const p = host.phase();
  if (!('then' in p)) return;
  if (p.then === 'run') host.trade();
  else host.setPhase({ name: p.then });
}
