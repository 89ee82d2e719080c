import type { CommandInput, CommandOutput } from './commands';
import type { EventPayload, ShoalEvent } from './events';
import type { CommandName, EventName } from './names';

/**
 * What every front end (renderer, CLI) talks to, whatever the transport. Failed commands reject
 * with a ShoalError carrying the engine's code and sentence.
 */
export interface ShoalApi {
  invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  /** Returns the function that removes the handler. */
  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/** Commands the engine itself answers; `hello` is answered by the transport binding. */
export type EngineCommandName = Exclude<CommandName, 'hello'>;

/**
 * The engine's side: one async method per command, given input already validated by the
 * transport binding. Throw ShoalError for anything the user caused.
 *
 * `onEvent` contract: a newly registered listener receives a `torrents` event with
 * `full: true` first (asynchronously, after `onEvent` returns), then the normal stream.
 */
export type EngineApi = {
  [C in EngineCommandName]: (input: CommandInput<C>) => Promise<CommandOutput<C>>;
} & {
  onEvent(listener: (event: ShoalEvent) => void): () => void;
};
