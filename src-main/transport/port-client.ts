import { ShoalError } from '../../src-shared/errors';
import { RpcClient, type ShoalApi } from '../../src-shared/contract';
import type { PortLike } from './port';

export interface EnginePortClient extends ShoalApi {
  /** Stops listening and fails every unanswered request with `reason`. */
  close(reason?: ShoalError): void;
}

/**
 * The calling side of the MessagePort transport (Electron main, `shoal serve`): a ShoalApi whose
 * replies and events are validated against the contract. Unanswered requests fail when the port
 * closes or the worker exits.
 */
export function connectEnginePort(
  port: PortLike,
  onInvalid: (sentence: string) => void = (sentence) => console.error(`engine transport: ${sentence}`),
): EnginePortClient {
  const rpc = new RpcClient((message) => port.postMessage(message), onInvalid);
  let closed: ShoalError | null = null;
  const onMessage = (raw: unknown): void => {
    try {
      rpc.receive(raw);
    } catch (err) {
      // A failing UI handler must not take the process down with it.
      console.error('engine event handler failed:', err);
    }
  };
  const onGone = (): void => close(new ShoalError('internal', 'the engine stopped'));
  port.on('message', onMessage);
  port.on('close', onGone);
  port.on('exit', onGone);
  function close(reason = new ShoalError('internal', 'the engine connection was closed')): void {
    if (closed) return;
    closed = reason;
    port.off('message', onMessage);
    port.off('close', onGone);
    port.off('exit', onGone);
    rpc.failAll(reason);
  }
  return {
    invoke: (name, input) => (closed ? Promise.reject(closed) : rpc.invoke(name, input)),
    on: (name, handler) => rpc.on(name, handler),
    close,
  };
}
