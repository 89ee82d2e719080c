import { ShoalError } from '../errors';
import type { ShoalApi } from './api';
import { fromWireError } from '../errors';
import { commands, type CommandInput, type CommandOutput } from './commands';
import { events, type EventPayload } from './events';
import { describeInvalid, serverMessageSchema, type RequestMessage } from './messages';
import { isEventName, type CommandName, type EventName } from './names';

interface Pending {
  name: CommandName;
  resolve(output: unknown): void;
  reject(err: ShoalError): void;
}

type Handler = (payload: never) => void;

/**
 * The calling end of a message-based transport, independent of what carries the messages:
 * numbers requests, matches replies, validates every reply and event against the contract
 * (the other end is not trusted either), and fans events out to handlers.
 */
export class RpcClient implements ShoalApi {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<EventName, Set<Handler>>();

  constructor(
    private readonly send: (message: RequestMessage) => void,
    /** Told about messages from the other end that break the contract (they are dropped). */
    private readonly onInvalid: (sentence: string) => void = () => {},
  ) {}

  invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    const id = this.#nextId++;
    return new Promise<CommandOutput<C>>((resolve, reject) => {
      this.#pending.set(id, { name, resolve: resolve as (output: unknown) => void, reject });
      try {
        this.send({ type: 'request', id, name, input });
      } catch (err) {
        this.#pending.delete(id);
        reject(err instanceof ShoalError ? err : new ShoalError('network', `could not send ${name}: ${String(err)}`));
      }
    });
  }

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Feeds one message received from the other end. */
  receive(raw: unknown): void {
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.onInvalid(describeInvalid('message from the engine', parsed.error));
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      this.#emit(message.name, message.payload);
      return;
    }
    if (message.id === null) {
      if (message.type === 'error') this.onInvalid(`the engine refused a request: ${message.error.message}`);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return; // Already failed by failAll(); a late answer has no one waiting.
    this.#pending.delete(message.id);
    if (message.type === 'error') {
      pending.reject(fromWireError(message.error));
      return;
    }
    const output = commands[pending.name].output.safeParse(message.output);
    if (output.success) pending.resolve(output.data);
    else pending.reject(new ShoalError('protocol', describeInvalid(`${pending.name} reply`, output.error)));
  }

  /** Rejects every unanswered request, e.g. when the connection is gone. */
  failAll(error: ShoalError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  #emit(name: string, raw: unknown): void {
    if (!isEventName(name)) {
      this.onInvalid(`unknown event '${name}'`);
      return;
    }
    const payload = events[name].safeParse(raw);
    if (!payload.success) {
      this.onInvalid(describeInvalid(`${name} event`, payload.error));
      return;
    }
    const set = this.#handlers.get(name);
    if (!set) return;
    // One throwing handler must not starve the others; its error still surfaces afterwards.
    let failure: unknown;
    let failed = false;
    for (const handler of [...set]) {
      try {
        (handler as (payload: unknown) => void)(payload.data);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
    if (failed) throw failure;
  }
}
