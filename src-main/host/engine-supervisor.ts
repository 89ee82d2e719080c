import { reasonOf, ShoalError } from '../../src-shared/errors';
import {
  eventNames,
  PROTOCOL_VERSION,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
  type ShoalApi,
} from '../../src-shared/contract';
import type { StreamSource } from '../engine/stream/stream-source';
import { TorrentListReplay } from './torrent-list-replay';

/** One running engine (a worker thread in the app, anything in tests). */
export interface EngineConnection {
  readonly api: ShoalApi;
  /** The engine's files for HTTP streams (absent for engines that serve none). */
  readonly streams?: StreamSource;
  /** Settles once, when the engine is gone, with a sentence saying why. */
  readonly exited: Promise<string>;
  /** Ends the engine on purpose; resolves when it is gone. */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  spawn(): EngineConnection;
  /** A crashed engine was replaced; the new one restored its torrents from the state dir. */
  onRestarted(reason: string): void;
  /** The engine crashed too often to keep restarting it. */
  onGaveUp(reason: string): void;
  /** At most this many restarts within `windowMs`; one more and the supervisor gives up. */
  maxRestarts?: number;
  windowMs?: number;
  /** Wait before the first restart in a window; doubles with each further one. */
  restartDelayMs?: number;
  now?: () => number;
}

type Handler = (payload: never) => void;

/**
 * Keeps one engine running and presents it as a single ShoalApi that outlives restarts:
 * handlers registered once keep receiving events from every engine that follows.
 */
export class EngineSupervisor implements ShoalApi {
  readonly #options: Required<SupervisorOptions>;
  readonly #handlers = new Map<EventName, Set<Handler>>();
  /** The engine's list as it stands, for a handler that comes after the engine sent it whole. */
  readonly #list = new TorrentListReplay();
  #listSeen = false;
  readonly #restarts: number[] = [];
  /** Rejecters of calls not yet answered: a dead engine would otherwise leave them waiting forever. */
  readonly #inFlight = new Set<(reason: string) => void>();
  #current: EngineConnection | null = null;
  #state: 'idle' | 'running' | 'restarting' | 'gave-up' | 'stopped' = 'idle';
  #restartTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SupervisorOptions) {
    this.#options = {
      maxRestarts: 3,
      windowMs: 60_000,
      restartDelayMs: 500,
      now: Date.now,
      ...options,
    };
  }

  /** The running engine's streams; a stream opened before a restart ends with it. */
  readonly streams: StreamSource = {
    open: async (target) => this.#streams().open(target),
    read: async (handle, offset, length, signal) => this.#streams().read(handle, offset, length, signal),
    close: (handle) => this.#current?.streams?.close(handle),
  };

  start(): void {
    if (this.#state !== 'idle') throw new Error('engine supervisor already started');
    this.#launch();
  }

  invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    const current = this.#current;
    if (!current || this.#state !== 'running') return Promise.reject(this.#unavailable());
    return new Promise<CommandOutput<C>>((resolve, reject) => {
      const fail = (reason: string): void =>
        reject(new ShoalError('internal', `the engine stopped before answering ${name} (${reason})`));
      this.#inFlight.add(fail);
      current.api
        .invoke(name, input)
        .then(resolve, reject)
        .finally(() => this.#inFlight.delete(fail));
    });
  }

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    set.add(handler as Handler);
    // As the engine itself does: a new list handler hears the whole list first. A front end made
    // after the engine sent it (serve's relay, once settings were set) would otherwise only see
    // the rows that change, and an idle torrent would be missing from its list.
    if (name === 'torrents' && this.#listSeen) {
      queueMicrotask(() => {
        if (set.has(handler as Handler)) (handler as (payload: EventPayload<'torrents'>) => void)(this.#list.snapshot());
      });
    }
    return () => set.delete(handler as Handler);
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    // #onExit still runs for this engine and fails any call it leaves unanswered.
    await this.#current?.stop();
  }

  #launch(): void {
    const connection = this.#options.spawn();
    this.#current = connection;
    this.#state = 'running';
    for (const name of eventNames) {
      connection.api.on(name, (payload) => this.#emit(name, payload));
    }
    void connection.exited.then((reason) => this.#onExit(connection, reason));
    // An engine built from other sources than this shell speaks another protocol: restarting
    // would not help, so that is the one failure that gives up at once.
    connection.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION }).catch((err: unknown) => {
      if (!(err instanceof ShoalError) || err.code !== 'protocol' || this.#current !== connection) return;
      this.#state = 'gave-up';
      this.#options.onGaveUp(err.message);
      void connection.stop();
    });
  }

  #onExit(connection: EngineConnection, reason: string): void {
    if (this.#current !== connection) return;
    this.#current = null;
    for (const fail of [...this.#inFlight]) fail(reason);
    this.#inFlight.clear();
    if (this.#state !== 'running') return;
    const now = this.#options.now();
    while (this.#restarts.length > 0 && now - this.#restarts[0]! > this.#options.windowMs) this.#restarts.shift();
    if (this.#restarts.length >= this.#options.maxRestarts) {
      this.#state = 'gave-up';
      this.#options.onGaveUp(reason);
      return;
    }
    const delay = this.#options.restartDelayMs * 2 ** this.#restarts.length;
    this.#restarts.push(now);
    this.#state = 'restarting';
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#state !== 'restarting') return;
      try {
        this.#launch();
      } catch (err) {
        this.#state = 'gave-up';
        this.#options.onGaveUp(`it could not be started again: ${reasonOf(err)}`);
        return;
      }
      this.#options.onRestarted(reason);
    }, delay);
  }

  #streams(): StreamSource {
    const streams = this.#current?.streams;
    if (!streams || this.#state !== 'running') throw this.#unavailable();
    return streams;
  }

  #unavailable(): ShoalError {
    switch (this.#state) {
      case 'restarting':
        return new ShoalError('internal', 'the engine is restarting; try again in a moment');
      case 'gave-up':
        return new ShoalError('internal', 'the engine kept stopping and was not restarted again; restart Shoal');
      default:
        return new ShoalError('internal', 'the engine is not running');
    }
  }

  #emit(name: EventName, payload: unknown): void {
    if (name === 'torrents') {
      const list = payload as EventPayload<'torrents'>;
      this.#list.apply(list);
      this.#listSeen ||= list.full;
    }
    for (const handler of [...(this.#handlers.get(name) ?? [])]) {
      try {
        (handler as (payload: unknown) => void)(payload);
      } catch (err) {
        // One failing consumer (tray, window) must not starve the others of events.
        console.error(`shoal: a ${name} event handler failed: ${String(err)}`);
      }
    }
  }
}
