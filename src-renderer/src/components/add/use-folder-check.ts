import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import type { CommandOutput } from '../../api/contract';

export type FolderCheck = CommandOutput<'checkFolder'>;

/** Asks the engine about the folder being typed (a moment after typing stops): can it take downloads, how much is free there. */
export function useFolderCheck(path: string): FolderCheck | null {
  const api = useApi();
  const [check, setCheck] = useState<{ path: string; result: FolderCheck } | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.invoke('checkFolder', { path }).then(
        (result) => live && setCheck({ path, result }),
        () => live && setCheck(null),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, path]);
  return check?.path === path ? check.result : null;
}
