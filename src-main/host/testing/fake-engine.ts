import { ShoalError } from '../../../src-shared/errors';
import {
  PROTOCOL_VERSION,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
  type ShoalApi,
} from '../../../src-shared/contract';
import type { EngineConnection } from '../engine-supervisor';

type Handler = (payload: never) => void;

/** An engine connection that records every command and lets a test push events or crash it. */
export class FakeEngine implements EngineConnection {
  readonly calls: { name: CommandName; input: unknown }[] = [];
  readonly exited: Promise<string>;
  stopped = false;
  /** Replies by command; a function may throw to make the command fail. */
  replies: { [C in CommandName]?: (input: CommandInput<C>) => CommandOutput<C> | Promise<CommandOutput<C>> } = {};
  readonly #handlers = new Map<EventName, Set<Handler>>();
  #exit!: (reason: string) => void;

  readonly api: ShoalApi = {
    invoke: async <C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> => {
      this.calls.push({ name, input });
      const reply = this.replies[name] as ((input: CommandInput<C>) => CommandOutput<C>) | undefined;
      if (reply) return reply(input);
      return this.#defaultReply(name) as CommandOutput<C>;
    },
    on: <E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): (() => void) => {
      let set = this.#handlers.get(name);
      if (!set) this.#handlers.set(name, (set = new Set()));
      set.add(handler as Handler);
      return () => set.delete(handler as Handler);
    },
  };

  constructor() {
    this.exited = new Promise((resolve) => (this.#exit = resolve));
  }

  /** Commands received with this name, oldest first. */
  inputsOf<C extends CommandName>(name: C): CommandInput<C>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input as CommandInput<C>);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const handler of this.#handlers.get(name) ?? []) (handler as (p: unknown) => void)(payload);
  }

  crash(reason = 'it crashed: test'): void {
    this.#exit(reason);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.#exit('it was stopped');
    return Promise.resolve();
  }

  #defaultReply(name: CommandName): unknown {
    switch (name) {
      case 'hello':
        return { protocolVersion: PROTOCOL_VERSION, appVersion: 'test' };
      case 'addTorrent':
        return { infoHash: 'a'.repeat(40), name: 'added' };
      case 'getSettings':
      case 'setSettings':
      case 'inspectTorrent':
        throw new ShoalError('internal', `the fake engine has no reply for ${name}`);
      default:
        return {};
    }
  }
}
