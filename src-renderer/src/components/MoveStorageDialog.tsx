import { useState } from 'react';
import { absolutePathSchema } from '../api/contract';
import { useCommand } from '../store/use-command';
import { useShoal, useShoalStore } from '../store/store';
import { Dialog } from './Dialog';
import { InlineError } from './InlineError';

/**
 * Asks for the folder to move the selected torrents' data to. Typed, not browsed: the web UI
 * cannot open the engine machine's folders, and the engine checks the path again.
 */
export function MoveStorageDialog() {
  const relocating = useShoal((s) => s.relocating);
  return relocating === null ? null : <MoveStorageForm key={relocating.join()} ids={relocating} />;
}

function MoveStorageForm({ ids }: { ids: readonly string[] }) {
  const store = useShoalStore();
  const run = useCommand();
  const firstName = useShoal((s) => (ids.length === 1 ? s.torrents.get(ids[0]!)?.name : undefined));
  const currentPath = useShoal((s) => s.torrents.get(ids[0]!)?.savePath ?? '');
  const [path, setPath] = useState(currentPath);
  const [error, setError] = useState<string | null>(null);

  const close = () => store.getState().setRelocating(null);
  const submit = () => {
    const parsed = absolutePathSchema.safeParse(path.trim());
    if (!parsed.success) {
      setError('Enter the full path of a folder on the machine running Shoal, such as /home/me/Downloads.');
      return;
    }
    close();
    // One command per torrent; each failure shows as its own notice, the others still move.
    for (const infoHash of ids) void run('moveStorage', { infoHash, savePath: parsed.data });
  };
  const what = firstName !== undefined ? `“${firstName}”` : `${ids.length} torrents`;

  return (
    <Dialog
      title="Move data"
      onClose={close}
      actions={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={path.trim() === ''} onClick={submit}>
            Move
          </button>
        </>
      }
    >
      <p>Move the data of {what} to another folder. The torrent shows “Moving” until it is done.</p>
      <label className="field">
        <span>New folder</span>
        <input
          type="text"
          className="mono"
          data-autofocus
          spellCheck={false}
          value={path}
          aria-invalid={error !== null}
          onChange={(e) => {
            setPath(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
        />
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}
