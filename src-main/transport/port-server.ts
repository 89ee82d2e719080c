import { answerRequest, toWireError, type EngineApi, type ServerMessage, type ShoalEvent } from '../../src-shared/contract';
import type { PortLike } from './port';

/**
 * Serves an engine over a worker MessagePort (the engine worker calls this with `parentPort`):
 * every request is validated against the contract before the engine sees it, and every engine
 * event is posted to the other side. Returns a function that stops serving.
 */
export function serveEngineOnPort(engine: EngineApi, port: PortLike): () => void {
  const post = (message: ServerMessage): void => {
    try {
      port.postMessage(message);
    } catch (err) {
      // What the structured clone cannot carry is an engine bug: a caller must still hear back,
      // and a bad event is dropped rather than thrown into the engine's own loop.
      if (message.type === 'result') port.postMessage({ type: 'error', id: message.id, error: toWireError(err) });
      else if (message.type === 'event') console.error(`engine transport: dropped a ${message.name} event: ${String(err)}`);
    }
  };
  const onMessage = (raw: unknown): void => {
    void answerRequest(engine, raw).then(post);
  };
  port.on('message', onMessage);
  const stopEvents = engine.onEvent((event: ShoalEvent) => post({ type: 'event', name: event.name, payload: event.payload }));
  return () => {
    port.off('message', onMessage);
    stopEvents();
  };
}
