/** The ShoalApi the components talk to, injected through context so tests can pass a fake. */
import { createContext, useContext } from 'react';
import type { ShoalApi } from './contract';

export const ApiContext = createContext<ShoalApi | null>(null);

export function useApi(): ShoalApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}

/** A rejected command's sentence for the user; ShoalErrors carry one, anything else gets a generic one. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message !== '') return err.message;
  return 'Something went wrong; the engine did not say what.';
}
