import { useNativeFiles } from '../../api/native-files';
import { useShoalStore } from '../../store/store';
import { copyToClipboard } from '../clipboard';
import { reasonOf } from '../../../../src-shared/errors';

/**
 * Beside where a torrent's data is: in the app, the OS's file manager shows it; in the web UI,
 * which cannot open the serving machine's folders, the path is copied instead.
 */
export function ContentPathAction({ path }: { path: string }) {
  const native = useNativeFiles();
  const store = useShoalStore();
  const report = (message: string) => store.getState().reportError(message);
  if (native) {
    return (
      <button type="button" className="link" onClick={() => void native.showInFolder(path).catch((err: unknown) => report(reasonOf(err)))}>
        Open containing folder
      </button>
    );
  }
  return (
    <button type="button" className="link" onClick={() => void copyToClipboard(path, report)}>
      Copy path
    </button>
  );
}
