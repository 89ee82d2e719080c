import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import type { CommandOutput } from '../../api/contract';
import { useNativeFiles } from '../../api/native-files';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { createInput, embeddedAnnounceUrl, emptyDraft, pieceLengths, withTracker, type CreateDraft, type CreateField, type CreateVersion } from './create-form';

type Created = CommandOutput<'createTorrent'>;
type Phase = { kind: 'form' } | { kind: 'hashing'; jobId: string; hashed: number; total: number } | { kind: 'done'; created: Created };

const versions: readonly { value: CreateVersion; label: string }[] = [
  { value: 'v1', label: 'v1 (every client)' },
  { value: 'hybrid', label: 'Hybrid (v1 and v2)' },
  { value: 'v2', label: 'v2 only' },
];

/** Opened from the toolbar or the app menu: makes a .torrent of a file or folder on the engine's machine. */
export function CreateTorrentDialog() {
  const creating = useShoal((s) => s.creating);
  return creating ? <CreateTorrentForm /> : null;
}

function CreateTorrentForm() {
  const store = useShoalStore();
  const api = useApi();
  const native = useNativeFiles();
  const tracker = useShoal((s) => (s.settings?.trackerEnabled ? (s.settings.trackerPort ?? 6969) : null));
  const [draft, setDraft] = useState<CreateDraft>(emptyDraft);
  const [errors, setErrors] = useState<Partial<Record<CreateField, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [seeding, setSeeding] = useState<'no' | 'adding' | 'yes'>('no');
  const [saved, setSaved] = useState<string | null>(null);
  // The job to cancel if the dialog goes away while it hashes.
  const running = useRef<string | null>(null);
  // Set by Cancel: the failure that follows is the cancel, not an error to show.
  const cancelled = useRef(false);

  useEffect(
    () => () => {
      if (running.current !== null) void api.invoke('cancelCreate', { jobId: running.current }).catch(() => undefined);
    },
    [api],
  );

  const set = (change: Partial<CreateDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setErrors({});
    setError(null);
  };
  const close = () => store.getState().setCreating(false);

  const create = async () => {
    const jobId = `create-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const checked = createInput(draft, jobId);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    running.current = jobId;
    cancelled.current = false;
    setPhase({ kind: 'hashing', jobId, hashed: 0, total: 0 });
    const off = api.on('createProgress', (p) => {
      if (p.jobId === jobId) setPhase((now) => (now.kind === 'hashing' && now.jobId === jobId ? { ...now, hashed: p.hashed, total: p.total } : now));
    });
    try {
      const created = await api.invoke('createTorrent', checked.input);
      setPhase({ kind: 'done', created });
    } catch (err) {
      setPhase({ kind: 'form' });
      if (!cancelled.current) setError(errorMessage(err));
    } finally {
      off();
      running.current = null;
    }
  };

  const cancel = () => {
    if (phase.kind !== 'hashing') return;
    cancelled.current = true;
    void api.invoke('cancelCreate', { jobId: phase.jobId }).catch((err: unknown) => setError(errorMessage(err)));
  };

  const choose = async (kind: 'file' | 'folder') => {
    try {
      const path = await native?.chooseSource(kind);
      if (path) set({ path });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const save = async (created: Created) => {
    const fileName = `${created.name}.torrent`;
    try {
      if (native) {
        const path = await native.saveTorrent(created.data, fileName);
        if (path !== null) setSaved(`Saved as ${path}.`);
        return;
      }
      download(created.data, fileName);
      setSaved(`Downloaded as ${fileName}.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const seed = async (created: Created) => {
    setSeeding('adding');
    try {
      await api.invoke('addTorrent', { source: { kind: 'torrent', data: created.data, fileName: `${created.name}.torrent` }, savePath: created.savePath });
      setSeeding('yes');
    } catch (err) {
      setSeeding('no');
      setError(errorMessage(err));
    }
  };

  if (phase.kind === 'done') {
    const { created } = phase;
    return (
      <Dialog
        title="Create torrent"
        onClose={close}
        actions={
          <>
            <button type="button" onClick={() => void save(created)} data-autofocus>
              {native ? 'Save .torrent…' : 'Download .torrent'}
            </button>
            <button type="button" disabled={seeding !== 'no' || !created.seedsInPlace} onClick={() => void seed(created)}>
              {seeding === 'yes' ? 'Seeding' : 'Start seeding'}
            </button>
            <button type="button" className="primary" onClick={close}>
              Done
            </button>
          </>
        }
      >
        <p role="status">
          Created “{created.name}”: {created.pieceCount} {created.pieceCount === 1 ? 'piece' : 'pieces'} of {formatBytes(created.pieceLength)}.
        </p>
        <p className="mono">info-hash {created.infoHash}</p>
        {!created.seedsInPlace && <p>Some names had to change to be safe on every system (such as a “:” or a trailing dot), so Shoal cannot seed it from where its data is. Rename those files and create it again to seed it here.</p>}
        {saved !== null && <p role="status">{saved}</p>}
        {seeding === 'yes' && <p role="status">Seeding from {created.savePath}, where its data already is.</p>}
        <InlineError message={error} />
      </Dialog>
    );
  }

  const hashing = phase.kind === 'hashing' ? phase : null;
  return (
    <Dialog
      title="Create torrent"
      onClose={hashing ? cancel : close}
      wide
      actions={
        hashing ? (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <>
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={draft.path.trim() === ''} onClick={() => void create()}>
              Create
            </button>
          </>
        )
      }
    >
      <fieldset className="create-form" disabled={hashing !== null}>
        <Field label={native ? 'File or folder to share' : 'File or folder to share (a path on the machine running Shoal)'} error={errors.path}>
          {(props) => <input {...props} type="text" className="mono" data-autofocus spellCheck={false} value={draft.path} onChange={(e) => set({ path: e.target.value })} />}
        </Field>
        {native && (
          <div className="row-buttons">
            <button type="button" onClick={() => void choose('file')}>
              Choose file…
            </button>
            <button type="button" onClick={() => void choose('folder')}>
              Choose folder…
            </button>
          </div>
        )}
        <div className="create-pair">
          <Field label="Torrent version">
            {(props) => <Choice control={props} value={draft.version} options={versions} onChange={(version) => set({ version })} />}
          </Field>
          <Field label="Piece size" error={errors.pieceLength}>
            {(props) => <Choice control={props} value={draft.pieceLength} options={pieceLengths} onChange={(pieceLength) => set({ pieceLength })} />}
          </Field>
        </div>
        <Field label="Trackers (one tier per line)" error={errors.trackers}>
          {(props) => <textarea {...props} className="mono" rows={3} spellCheck={false} value={draft.trackers} onChange={(e) => set({ trackers: e.target.value })} />}
        </Field>
        {tracker !== null && (
          <div className="row-buttons">
            <button type="button" onClick={() => set({ trackers: withTracker(draft.trackers, embeddedAnnounceUrl(location.hostname || '127.0.0.1', tracker)) })}>
              Use the embedded tracker
            </button>
          </div>
        )}
        <Field label="Web seeds (one address per line)" error={errors.webSeeds}>
          {(props) => <textarea {...props} className="mono" rows={2} spellCheck={false} value={draft.webSeeds} onChange={(e) => set({ webSeeds: e.target.value })} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={draft.private} onChange={(e) => set({ private: e.target.checked })} />
          Private torrent (peers only from its trackers)
        </label>
        <div className="create-pair">
          <Field label="Comment" error={errors.comment}>
            {(props) => <input {...props} type="text" value={draft.comment} onChange={(e) => set({ comment: e.target.value })} />}
          </Field>
          <Field label="Source" error={errors.source}>
            {(props) => <input {...props} type="text" value={draft.source} onChange={(e) => set({ source: e.target.value })} />}
          </Field>
        </div>
      </fieldset>
      {hashing && <HashProgress hashed={hashing.hashed} total={hashing.total} />}
      <InlineError message={error} />
    </Dialog>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A label above its control, with the field's error under it. */
function Field({ label, error, children }: { label: string; error?: string | undefined; children(props: ControlProps): ReactNode }) {
  const id = useId();
  const errorId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error !== undefined, 'aria-describedby': error !== undefined ? errorId : undefined })}
      {error !== undefined && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function Choice<T extends string>({ control, value, options, onChange }: { control: ControlProps; value: T; options: readonly { value: T; label: string }[]; onChange(value: T): void }) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(options.find((o) => o.value === e.target.value)?.value ?? value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function HashProgress({ hashed, total }: { hashed: number; total: number }) {
  const labelId = useId();
  const percent = total > 0 ? Math.floor((100 * hashed) / total) : 0;
  return (
    <div className="field">
      <span id={labelId}>Hashing… {percent}%</span>
      <progress aria-labelledby={labelId} max={total > 0 ? total : 1} value={hashed} />
    </div>
  );
}

function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${n / 1024} KiB` : `${n / (1024 * 1024)} MiB`;
}

/** The web UI's save: the browser downloads the bytes as a file. */
function download(data: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([data.slice()], { type: 'application/x-bittorrent' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has handed the file to the browser.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
