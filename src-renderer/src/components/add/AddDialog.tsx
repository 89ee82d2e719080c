import { useId, useMemo, useState } from 'react';
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
import { AddFileTree } from './AddFileTree';
import { useFolderCheck } from './use-folder-check';

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
  // File numbers (the torrent's, as skipFiles takes them) to download.
  const [wanted, setWanted] = useState<ReadonlySet<number>>(() => new Set(preview.files.map((f) => f.index)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const folderInfoId = useId();

  const selectedBytes = useMemo(() => preview.files.reduce((sum, f) => (wanted.has(f.index) ? sum + f.length : sum), 0), [preview, wanted]);
  // Flagged at once, not only after pressing Add.
  const existing = useShoal((s) => s.torrents.get(preview.infoHash)?.name);
  const folder = useFolderCheck(savePath.trim() === '' ? defaultDir : savePath.trim());
  // A magnet has no file list until its metadata arrives: nothing to choose, nothing to skip.
  const hasFiles = preview.files.length > 0;

  const setFiles = (indices: readonly number[], on: boolean) =>
    setWanted((w) => {
      const next = new Set(w);
      for (const i of indices) {
        if (on) next.add(i);
        else next.delete(i);
      }
      return next;
    });

  const add = async () => {
    setBusy(true);
    setError(null);
    const skipFiles = preview.files.flatMap((f) => (wanted.has(f.index) ? [] : [f.index]));
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
          <button type="button" className="primary" data-autofocus onClick={() => void add()} disabled={busy || existing !== undefined || (folder?.problem ?? null) !== null || (hasFiles && wanted.size === 0)}>
            Add
          </button>
        </>
      }
    >
      {existing !== undefined && (
        <p role="alert" className="inline-error">
          "{existing}" is already in the list. Cancel, or choose another torrent.
        </p>
      )}
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
            <button type="button" className="link" onClick={() => setWanted(new Set(preview.files.map((f) => f.index)))}>All</button>
            <button type="button" className="link" onClick={() => setWanted(new Set())}>None</button>
          </legend>
          <AddFileTree files={preview.files} wanted={wanted} onChange={setFiles} />
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
        <input type="text" value={savePath} onChange={(e) => setSavePath(e.target.value)} spellCheck={false} aria-invalid={(folder?.problem ?? null) !== null} aria-describedby={folderInfoId} />
      </label>
      <p id={folderInfoId} className={folder?.problem ? 'field-error' : 'muted'}>
        {folder === null ? '\u00a0' : folder.problem ?? (folder.freeSpace === null ? '' : `${formatBytes(folder.freeSpace)} free there${folder.freeSpace < selectedBytes ? `: not enough for the ${formatBytes(selectedBytes)} chosen` : ''}`)}
      </p>
      <label className="check">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />
        Start paused
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}
