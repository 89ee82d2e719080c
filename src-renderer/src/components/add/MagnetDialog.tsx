import { useState } from 'react';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { isMagnet } from './add-source';

interface MagnetDialogProps {
  /** Resolves to an error sentence to show, or null when the magnet moved on to the preview. */
  onSubmit(uri: string): Promise<string | null>;
  onClose(): void;
}

export function MagnetDialog({ onSubmit, onClose }: MagnetDialogProps) {
  const [uri, setUri] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!isMagnet(uri)) {
      setError('That is not a magnet link: it should start with "magnet:?".');
      return;
    }
    setBusy(true);
    const problem = await onSubmit(uri.trim());
    setBusy(false);
    setError(problem);
  };

  return (
    <Dialog
      title="Add magnet link"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="primary" disabled={busy || uri.trim() === ''} onClick={() => void submit()}>
            Continue
          </button>
        </>
      }
    >
      <label className="field">
        <span>Magnet link</span>
        <textarea
          data-autofocus
          value={uri}
          rows={3}
          spellCheck={false}
          placeholder="magnet:?xt=urn:btih:…"
          onChange={(e) => setUri(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
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
