/** Runs a command and turns a rejection into a visible, dismissable error instead of a silent failure. */
import { useCallback } from 'react';
import { useShoalStore } from './store';
import { errorMessage, useApi } from '../api/api-context';
import type { CommandInput, CommandName, CommandOutput } from '../api/contract';

export type RunCommand = <C extends CommandName>(name: C, input: CommandInput<C>) => Promise<CommandOutput<C> | undefined>;

export function useCommand(): RunCommand {
  const api = useApi();
  const store = useShoalStore();
  return useCallback<RunCommand>(
    async (name, input) => {
      try {
        return await api.invoke(name, input);
      } catch (err) {
        store.getState().reportError(errorMessage(err));
        return undefined;
      }
    },
    [api, store],
  );
}
