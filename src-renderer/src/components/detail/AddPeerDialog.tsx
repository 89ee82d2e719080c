import { useState } from 'react';
import { CancelOrConfirm } from '../DialogActions';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';

/** Asks for a peer's HOST:PORT; the engine checks it and says what is wrong. */
export function AddPeerDialog({ onAdd, onClose }: { onAdd(address: string): Promise<string | null>; onClose(): void }) {
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const refused = await onAdd(address.trim());
    if (refused === null) onClose();
    else setError(refused);
  };
  return (
    <Dialog
      title="Add peer"
      onClose={onClose}
      actions={<CancelOrConfirm label="Add" onCancel={onClose} onConfirm={() => void submit()} disabled={address.trim() === ''} />}
    >
      <label className="field">
        <span>Peer address (HOST:PORT)</span>
        <input
          type="text"
          className="mono"
          data-autofocus
          spellCheck={false}
          placeholder="192.168.1.20:51413"
          value={address}
          aria-invalid={error !== null}
          onChange={(e) => {
            setAddress(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && address.trim() !== '') {
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
