import { useState } from 'react';
import { CancelOrConfirm } from '../DialogActions';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { tiersFromText, tiersToText } from './tracker-tiers';

/** Edits a torrent's trackers as text: add, change, remove, and reorder tiers in one place. */
export function TrackersDialog({ tiers, onSave, onClose }: { tiers: readonly (readonly string[])[]; onSave(tiers: string[][]): void; onClose(): void }) {
  const [text, setText] = useState(() => tiersToText(tiers));
  const [error, setError] = useState<string | null>(null);
  const save = () => {
    const result = tiersFromText(text);
    if ('error' in result) {
      setError(result.error);
      return;
    }
    onClose();
    onSave(result.tiers);
  };
  return (
    <Dialog
      title="Edit trackers"
      wide
      onClose={onClose}
      actions={<CancelOrConfirm label="Save" onCancel={onClose} onConfirm={save} />}
    >
      <label className="field">
        <span>Trackers: one address per line, a blank line between tiers (the first tier is asked first)</span>
        <textarea
          className="mono"
          rows={10}
          data-autofocus
          spellCheck={false}
          value={text}
          aria-invalid={error !== null}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}
