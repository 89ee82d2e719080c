import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import { useShoalStore } from '../../store/store';
import { AddDialog, type Preview } from './AddDialog';
import { isTorrentFileName, maxTorrentFileBytes, type AddSource } from './add-source';
import { dialogOpen } from '../Dialog';
import { MagnetDialog } from './MagnetDialog';

export interface AddActions {
  /** Opens the system file chooser for .torrent files. */
  chooseFile(): void;
  /** Previews each .torrent file in turn (dropped or chosen). */
  addFiles(files: readonly File[]): Promise<void>;
  openMagnetDialog(): void;
  /** Previews a magnet link; resolves to an error sentence or null. */
  addMagnet(uri: string): Promise<string | null>;
}

const AddContext = createContext<AddActions | null>(null);

export function useAdd(): AddActions {
  const add = useContext(AddContext);
  if (!add) throw new Error('useAdd outside <AddFlow>');
  return add;
}

interface Pending {
  key: number;
  source: AddSource;
  preview: Preview;
}

interface AddFlowProps {
  children: ReactNode;
  /** Ctrl/Cmd+O and Ctrl/Cmd+U; off in Electron, whose application menu owns those accelerators. */
  shortcuts: boolean;
}

/** Owns the add flow: file chooser, magnet dialog, and a queue of previews shown one at a time. */
export function AddFlow({ children, shortcuts }: AddFlowProps) {
  const api = useApi();
  const store = useShoalStore();
  const inputRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef(0);
  const [queue, setQueue] = useState<readonly Pending[]>([]);
  const [magnetOpen, setMagnetOpen] = useState(false);

  const enqueue = useCallback((source: AddSource, preview: Preview) => {
    setQueue((q) => [...q, { key: ++keyRef.current, source, preview }]);
  }, []);

  const addFiles = useCallback(
    async (files: readonly File[]) => {
      const report = store.getState().reportError;
      for (const file of files) {
        if (!isTorrentFileName(file.name)) {
          report(`"${file.name}" is not a .torrent file.`);
          continue;
        }
        if (file.size > maxTorrentFileBytes) {
          report(`"${file.name}" is too large to be a .torrent file.`);
          continue;
        }
        try {
          // Read in the renderer and sent as bytes: works the same in Electron and the web UI.
          const data = new Uint8Array(await file.arrayBuffer());
          const preview = await api.invoke('inspectTorrent', { data });
          enqueue({ kind: 'torrent', data, fileName: file.name }, preview);
        } catch (err) {
          report(`Could not open "${file.name}": ${errorMessage(err)}`);
        }
      }
    },
    [api, store, enqueue],
  );

  const addMagnet = useCallback(
    async (uri: string): Promise<string | null> => {
      try {
        const preview = await api.invoke('inspectTorrent', { uri });
        enqueue({ kind: 'magnet', uri }, preview);
        setMagnetOpen(false);
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
    [api, enqueue],
  );

  const actions = useMemo<AddActions>(
    () => ({
      chooseFile: () => inputRef.current?.click(),
      addFiles,
      openMagnetDialog: () => {
        if (!dialogOpen()) setMagnetOpen(true);
      },
      addMagnet,
    }),
    [addFiles, addMagnet],
  );

  useEffect(() => {
    if (!shortcuts) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || dialogOpen()) return;
      const key = e.key.toLowerCase();
      if (key === 'o') {
        e.preventDefault();
        actions.chooseFile();
      } else if (key === 'u') {
        e.preventDefault();
        actions.openMagnetDialog();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, shortcuts]);

  const current = queue[0];
  return (
    <AddContext.Provider value={actions}>
      {children}
      <input
        ref={inputRef}
        type="file"
        accept=".torrent"
        multiple
        hidden
        aria-label="Choose torrent files"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          void addFiles(files);
        }}
      />
      {magnetOpen && <MagnetDialog onSubmit={addMagnet} onClose={() => setMagnetOpen(false)} />}
      {/* One dialog at a time: a file dropped meanwhile waits for the magnet dialog to close. */}
      {current && !magnetOpen && <AddDialog key={current.key} source={current.source} preview={current.preview} onDone={() => setQueue((q) => q.slice(1))} />}
    </AddContext.Provider>
  );
}
