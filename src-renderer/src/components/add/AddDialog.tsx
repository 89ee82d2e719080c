import { useMemo, useState } from 'react';
import { CategoryOptions } from '../sidebar/CategoryOptions';
import { parseTags } from '../sidebar/tag-list';
import { errorMessage, useApi } from '../../api/api-context';
import type { CommandOutput } from '../../api/contract';
import { formatBytes } from '../../format';
import { useShoal } from '../../store/store';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { TorrentHashes } from '../TorrentHashes';
import type { AddSource } from './add-source';

export type Preview = CommandOutput<'inspectTorrent'>;

interface AddDialogProps {
  source: AddSource;
  preview: Preview;
  onDone(): void;
}

/** The preview of one torrent: pick files, destination and whether to start paused, then add. */
export function AddDialog({ source, preview, onDone }: AddDialogProps) {
  const api = useApi();
  const defaultDir = useShoal((s) => s.settings?.downloadDir ?? '');
  const [savePath, setSavePath] = useState(defaultDir);
  const [paused, setPaused] = useState(false);
  const categories = useShoal((s) => s.settings?.categories);
  const [category, setCategory] = useState('');
  const [tags, setTags] = useState('');
  const [wanted, setWanted] = useState<ReadonlySet<number>>(() => new Set(preview.files.map((_, i) => i)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const selectedBytes = useMemo(() => preview.files.reduce((sum, f, i) => (wanted.has(i) ? sum + f.length : sum), 0), [preview, wanted]);
  // A magnet has no file list until its metadata arrives: nothing to choose, nothing to skip.
  const hasFiles = preview.files.length > 0;

  const toggle = (i: number) =>
    setWanted((w) => {
      const next = new Set(w);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });

  const add = async () => {
    setBusy(true);
    setError(null);
    // Positions in the list are not file numbers when pad files were left out of it.
    const skipFiles = preview.files.flatMap((f, i) => (wanted.has(i) ? [] : [f.index]));
    try {
      await api.invoke('addTorrent', {
        source,
        paused,
        ...(savePath.trim() !== '' ? { savePath: savePath.trim() } : {}),
        ...(skipFiles.length > 0 ? { skipFiles } : {}),
        ...(category !== '' ? { category } : {}),
        ...(parseTags(tags).length > 0 ? { tags: parseTags(tags) } : {}),
      });
      onDone();
    } catch (err) {
      // The dialog stays open with everything the user chose, so nothing is lost.
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add torrent"
      onClose={onDone}
      wide
      actions={
        <>
          <button type="button" onClick={onDone}>Cancel</button>
          <button type="button" className="primary" data-autofocus onClick={() => void add()} disabled={busy || (hasFiles && wanted.size === 0)}>
            Add
          </button>
        </>
      }
    >
      <dl className="add-summary">
        <dt>Name</dt>
        <dd className="add-name">{preview.name}</dd>
        <dt>Size</dt>
        <dd>
          {hasFiles
            ? `${formatBytes(selectedBytes)} of ${formatBytes(preview.length ?? selectedBytes)}`
            : preview.length !== null
              ? formatBytes(preview.length)
              : 'Unknown until the metadata arrives'}
        </dd>
        <TorrentHashes version={preview.version} infoHash={preview.infoHash} infoHashV2={preview.infoHashV2} selectable={false} />
      </dl>
      {hasFiles && (
        <fieldset className="add-files">
          <legend>
            Files ({wanted.size} of {preview.files.length})
            <button type="button" className="link" onClick={() => setWanted(new Set(preview.files.map((_, i) => i)))}>All</button>
            <button type="button" className="link" onClick={() => setWanted(new Set())}>None</button>
          </legend>
          <ul>
            {preview.files.map((f, i) => (
              <li key={f.path}>
                <label>
                  <input type="checkbox" checked={wanted.has(i)} onChange={() => toggle(i)} />
                  <span className="file-path">{f.path}</span>
                  <span className="muted">{formatBytes(f.length)}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <label className="field">
        <span>Category</span>
        <select
          value={category}
          onChange={(e) => {
            setCategory(e.target.value);
            // The category's folder becomes the destination; the user may still change it.
            setSavePath(categories?.[e.target.value]?.savePath ?? defaultDir);
          }}
        >
          <option value="">None</option>
          <CategoryOptions categories={categories} />
        </select>
      </label>
      <label className="field">
        <span>Tags (comma-separated)</span>
        <input type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label className="field">
        <span>Destination folder</span>
        <input type="text" value={savePath} onChange={(e) => setSavePath(e.target.value)} spellCheck={false} />
      </label>
      <label className="check">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />
        Start paused
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}
