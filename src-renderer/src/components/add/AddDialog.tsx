import { useId, useMemo, useState } from 'react';
import { LabelFields, type Labels } from '../sidebar/LabelFields';
import { parseTags } from '../sidebar/tag-list';
import { errorMessage, useApi } from '../../api/api-context';
import type { TorrentPreview } from '../../api/contract';
import { formatBytes } from '../../format';
import { useShoal } from '../../store/store';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { TorrentHashes } from '../TorrentHashes';
import type { AddSource } from './add-source';
import { AddFileTree } from './AddFileTree';
import { DuplicateTrackers } from './DuplicateTrackers';
import { MetadataStatus } from './MetadataStatus';
import { useMetadataFetch } from './use-metadata-fetch';
import { useFolderCheck } from './use-folder-check';

export type Preview = TorrentPreview;

interface AddDialogProps {
  source: AddSource;
  preview: Preview;
  onDone(): void;
}

const allFiles = (p: Preview): ReadonlySet<number> => new Set(p.files.map((f) => f.index));

/**
 * The preview of one torrent: pick files, destination and whether to start paused, then add. A
 * magnet's files come with its metadata, fetched from peers first; it can be added without waiting.
 */
export function AddDialog({ source, preview: given, onDone }: AddDialogProps) {
  const api = useApi();
  const defaultDir = useShoal((s) => s.settings?.downloadDir ?? '');
  const [savePath, setSavePath] = useState(defaultDir);
  const [paused, setPaused] = useState(false);
  const categories = useShoal((s) => s.settings?.categories);
  const [labels, setLabels] = useState<Labels>({ category: '', tags: '' });
  // Flagged at once, not only after pressing Add.
  const existing = useShoal((s) => s.torrents.get(given.infoHash)?.name);
  const magnetUri = source.kind === 'magnet' ? source.uri : null;
  const { fetch, retry } = useMetadataFetch(magnetUri, given.infoHash, given.files.length === 0 && existing === undefined);
  const fetched = fetch?.state === 'ready' ? fetch.preview : null;
  const preview = fetched ?? given;
  const waiting = fetch !== null && fetch.state !== 'ready';
  // File numbers (the torrent's, as skipFiles takes them) to download: all of the files shown (a
  // magnet's arrive later), until the user says otherwise.
  const [choice, setChoice] = useState<{ of: Preview; wanted: ReadonlySet<number> } | null>(null);
  const all = useMemo(() => allFiles(preview), [preview]);
  const wanted = choice !== null && choice.of === preview ? choice.wanted : all;
  const setWanted = (next: ReadonlySet<number>) => setChoice({ of: preview, wanted: next });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const folderInfoId = useId();

  const selectedBytes = useMemo(() => preview.files.reduce((sum, f) => (wanted.has(f.index) ? sum + f.length : sum), 0), [preview, wanted]);
  const folder = useFolderCheck(savePath.trim() === '' ? defaultDir : savePath.trim());
  // A magnet has no file list until its metadata arrives: nothing to choose, nothing to skip.
  const hasFiles = preview.files.length > 0;

  const setFiles = (indices: readonly number[], on: boolean) => {
    const next = new Set(wanted);
    for (const i of indices) {
      if (on) next.add(i);
      else next.delete(i);
    }
    setWanted(next);
  };

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
        ...(labels.category !== '' ? { category: labels.category } : {}),
        ...(parseTags(labels.tags).length > 0 ? { tags: parseTags(labels.tags) } : {}),
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
            {waiting ? 'Add without waiting' : 'Add'}
          </button>
        </>
      }
    >
      {existing !== undefined && (
        <p role="alert" className="inline-error">
          "{existing}" is already in the list. Cancel, or choose another torrent.
        </p>
      )}
      {existing !== undefined && preview.trackers.length > 0 && <DuplicateTrackers infoHash={preview.infoHash} name={existing} trackers={preview.trackers} />}
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
      {fetch !== null && fetch.state !== 'ready' && <MetadataStatus fetch={fetch} onRetry={retry} />}
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
      <LabelFields
        labels={labels}
        onChange={(change) => {
          setLabels({ ...labels, ...change });
          // The category's folder becomes the destination; the user may still change it.
          if (change.category !== undefined) setSavePath(categories?.[change.category]?.savePath ?? defaultDir);
        }}
      />
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
