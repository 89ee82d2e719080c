import { useState } from 'react';
import { errorMessage, useApi } from '../api/api-context';
import { useShoal, useShoalStore } from '../store/store';
import { CancelOrConfirm } from './DialogActions';
import { Dialog } from './Dialog';
import { InlineError } from './InlineError';

interface NameFormProps {
  title: string;
  /** The text field's label. */
  label: string;
  note: string;
  initial: string;
  onClose(): void;
  /** Rejects with the engine's sentence, shown in the dialog, which stays open to try another name. */
  rename(name: string): Promise<unknown>;
}

/** Asks for a new name; the engine's refusal (a name taken, a separator) is shown in place. */
export function NameForm({ title, label, note, initial, onClose, rename }: NameFormProps) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await rename(name);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} actions={<CancelOrConfirm label="Rename" disabled={busy || name === initial} onCancel={onClose} onConfirm={() => void submit()} />}>
      <p>{note}</p>
      <label className="field">
        <span>{label}</span>
        <input
          type="text"
          data-autofocus
          spellCheck={false}
          value={name}
          aria-invalid={error !== null}
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && name !== initial && !busy) {
              e.preventDefault();
              void submit();
            }
          }}
        />
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}

/** Renames the torrent the list's "Rename…" was chosen for: the name shown in the list, not its files. */
export function RenameTorrentDialog() {
  const infoHash = useShoal((s) => s.renaming);
  const name = useShoal((s) => (s.renaming === null ? undefined : s.torrents.get(s.renaming)?.name));
  const store = useShoalStore();
  const api = useApi();
  if (infoHash === null || name === undefined) return null;
  return (
    <NameForm
      key={infoHash}
      title="Rename torrent"
      label="Name in the list"
      note="The files on disk keep their names; rename those in the Files tab. Leave it empty to go back to the torrent’s own name."
      initial={name}
      onClose={() => store.getState().setRenaming(null)}
      rename={(next) => api.invoke('renameTorrent', { infoHash, name: next.trim() === '' ? null : next.trim() })}
    />
  );
}
