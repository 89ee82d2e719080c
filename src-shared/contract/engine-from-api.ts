import type { EngineApi, EngineCommandName, ShoalApi } from './api';
import type { ShoalEvent } from './events';
import { commandNames, eventNames } from './names';

/**
 * Views a connected client as an engine, so a relay (the WebSocket server in front of the engine
 * worker, the Electron main process) can serve it again with the same bindings.
 */
export function engineFromApi(api: ShoalApi): EngineApi {
  const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of commandNames) {
    if (name === 'hello') continue;
    methods[name] = (input) => (api.invoke as (n: EngineCommandName, i: unknown) => Promise<unknown>)(name, input);
  }
  return {
    ...(methods as Omit<EngineApi, 'onEvent'>),
    onEvent(listener: (event: ShoalEvent) => void): () => void {
      const offs = eventNames.map((name) =>
        api.on(name, (payload) => listener({ name, payload } as ShoalEvent)),
      );
      return () => offs.forEach((off) => off());
    },
  };
}
