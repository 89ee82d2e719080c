/** An in-memory ShoalApi for tests and the UI bench: records commands, lets the caller push events. */
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload, ShoalApi } from '../api/contract';

type Responder = (input: never) => unknown;

export interface RecordedCall {
  name: CommandName;
  input: unknown;
}

export class FakeApi implements ShoalApi {
  readonly calls: RecordedCall[] = [];
  readonly #handlers = new Map<EventName, Set<(payload: never) => void>>();
  readonly #responders = new Map<CommandName, Responder>();

  constructor() {
    // Every (re)connect asks for the engine's log: an empty one unless a test says otherwise.
    this.respond('getLog', () => ({ entries: [] }));
  }

  /** What `name` answers (or throws); unanswered commands resolve to {} (getLog: no entries). */
  respond<C extends CommandName>(name: C, responder: (input: CommandInput<C>) => CommandOutput<C> | Promise<CommandOutput<C>>): this {
    this.#responders.set(name, responder as Responder);
    return this;
  }

  answers(name: CommandName): boolean {
    return this.#responders.has(name);
  }

  async invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    this.calls.push({ name, input });
    const responder = this.#responders.get(name);
    const out = responder ? await (responder as (input: CommandInput<C>) => unknown)(input) : {};
    return out as CommandOutput<C>;
  }

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    const h = handler as (payload: never) => void;
    set.add(h);
    return () => set.delete(h);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const h of this.#handlers.get(name) ?? []) (h as (payload: EventPayload<E>) => void)(payload);
  }

  callsOf<C extends CommandName>(name: C): CommandInput<C>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input as CommandInput<C>);
  }
}
