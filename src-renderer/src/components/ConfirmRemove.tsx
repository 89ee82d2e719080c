import { useState } from 'react';
import { useCommand } from '../store/use-command';
import { useShoal, useShoalStore } from '../store/store';
import { Dialog } from './Dialog';

/** Removal always asks first; deleting the downloaded data is a separate, unticked choice. */
export function ConfirmRemove() {
  const removing = useShoal((s) => s.removing);
  const firstName = useShoal((s) => (s.removing?.length === 1 ? s.torrents.get(s.removing[0]!)?.name : undefined));
  const store = useShoalStore();
  const run = useCommand();
  const [deleteFiles, setDeleteFiles] = useState(false);
  if (removing === null) return null;
  const close = () => {
    setDeleteFiles(false);
    store.getState().setRemoving(null);
  };
  const confirm = () => {
    const infoHashes = [...removing];
    close();
    void run('remove', { infoHashes, deleteFiles });
  };
  const what = firstName !== undefined ? `“${firstName}”` : `${removing.length} torrents`;
  return (
    <Dialog
      title="Remove torrents"
      onClose={close}
      actions={
        <>
          <button type="button" onClick={close} data-autofocus>
            Cancel
          </button>
          <button type="button" className="danger" onClick={confirm}>Remove</button>
        </>
      }
    >
      <p>Remove {what} from the list?</p>
      <label className="check">
        <input type="checkbox" checked={deleteFiles} onChange={(e) => setDeleteFiles(e.target.checked)} />
        Also delete the downloaded files
      </label>
    </Dialog>
  );
}
