import { useMemo, useState } from 'react';
import type { FileInfo, FilePriority } from '../../api/contract';
import { useApi } from '../../api/api-context';
import { useCommand } from '../../store/use-command';
import { NameForm } from '../RenameDialog';
import { formatBytes, formatPercent } from '../../format';
import { buildFileTree, flattenTree } from './file-tree';
import { useFixedRows } from './use-fixed-rows';
import { PlayButton } from '../player/PlayButton';

const rowHeight = 30;

const priorities: readonly FilePriority[] = ['skip', 'normal', 'high'];
const priorityLabel: Record<FilePriority, string> = { skip: 'Skip', normal: 'Normal', high: 'High' };

function asPriority(value: string): FilePriority | null {
  return priorities.find((p) => p === value) ?? null;
}

/** The priorities a file can have, as a select's options (a row's select and the ticked files' one). */
function PriorityOptions() {
  return (
    <>
      {priorities.map((p) => (
        <option key={p} value={p}>
          {priorityLabel[p]}
        </option>
      ))}
    </>
  );
}

export function FilesTab({ infoHash, files }: { infoHash: string; files: readonly FileInfo[] }) {
  const run = useCommand();
  const api = useApi();
  /** The file or folder the rename dialog is open for. */
  const [renaming, setRenaming] = useState<{ path: string; name: string; folder: boolean } | null>(null);
  const tree = useMemo(() => buildFileTree(files), [files]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  /** Files (by index) ticked for a priority change all at once. */
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  const rows = useMemo(() => flattenTree(tree, collapsed), [tree, collapsed]);
  const [scrollRef, shown] = useFixedRows(rows.length, rowHeight);

  const setPriority = (indices: readonly number[], value: string) => {
    const priority = asPriority(value);
    if (priority === null) return;
    void run('setFilePriorities', { infoHash, files: indices.map((index) => ({ index, priority })) });
  };
  const check = (indices: readonly number[], on: boolean) =>
    setChecked((c) => {
      const next = new Set(c);
      for (const index of indices) {
        if (on) next.add(index);
        else next.delete(index);
      }
      return next;
    });
  const toggle = (path: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <div className="files scroll-fill" ref={scrollRef}>
      <div className="tab-actions" role="toolbar" aria-label="File actions">
        <select
          aria-label="Priority of the ticked files"
          value=""
          disabled={checked.size === 0}
          onChange={(e) => {
            setPriority([...checked], e.target.value);
            setChecked(new Set());
          }}
        >
          <option value="" disabled>
            {checked.size === 0 ? 'Tick files to set their priority together' : `Set priority of ${checked.size} file${checked.size === 1 ? '' : 's'}…`}
          </option>
          <PriorityOptions />
        </select>
      </div>
      <div className="files-head" aria-hidden="true">
        <span>Name</span>
        <span className="end">Size</span>
        <span>Progress</span>
        <span>Priority</span>
      </div>
      <ul role="tree" aria-label="Files" style={{ paddingTop: shown.padTop, paddingBottom: shown.padBottom }}>
        {rows.slice(shown.first, shown.last).map(({ node, depth }, i) => {
          const isFolder = node.kind === 'folder';
          const length = isFolder ? node.length : node.file.length;
          const progress = isFolder ? (node.length > 0 ? node.done / node.length : 1) : node.file.progress;
          const priority = isFolder ? node.priority : node.file.priority;
          const expanded = isFolder ? !collapsed.has(node.path) : undefined;
          const indices = isFolder ? node.indices : [node.file.index];
          const ticked = indices.every((index) => checked.has(index));
          return (
            <li
              key={node.path}
              role="treeitem"
              aria-level={depth + 1}
              aria-posinset={shown.first + i + 1}
              aria-setsize={rows.length}
              aria-expanded={expanded}
              // Named by what it shows (name, size, progress, priority), so speech control can say what is seen.
              className={`file-row${priority === 'skip' ? ' skipped' : ''}`}>
              <span className="file-name" style={{ paddingLeft: depth * 18 }}>
                <input type="checkbox" aria-label={`Tick ${node.path}`} checked={ticked} onChange={(e) => check(indices, e.target.checked)} />
                {isFolder ? (
                  <button type="button" className="twisty" aria-label={`${expanded ? 'Collapse' : 'Expand'} ${node.name}`} onClick={() => toggle(node.path)}>
                    {expanded ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="twisty" aria-hidden="true" />
                )}
                <span className={isFolder ? 'folder-icon' : 'file-icon'} aria-hidden="true" />
                <span className="ellipsis" title={node.path}>{node.name}</span>
                {!isFolder && <PlayButton infoHash={infoHash} fileIndex={node.file.index} name={node.name} />}
                <button type="button" className="rename" aria-label={`Rename ${node.path}`} title={`Rename this ${isFolder ? 'folder' : 'file'} on disk`} onClick={() => setRenaming({ path: node.path, name: node.name, folder: isFolder })}>
                  Rename
                </button>
              </span>
              <span className="end">{formatBytes(length)}</span>
              <span className="mini-bar" role="progressbar" aria-label={`Progress of ${node.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(progress * 1000) / 10}>
                <span style={{ width: `${Math.min(100, Math.max(0, progress * 100))}%` }} />
                <em>{formatPercent(progress)}</em>
              </span>
              <select aria-label={`Priority of ${node.path}`} value={priority} onChange={(e) => setPriority(indices, e.target.value)}>
                {priority === 'mixed' && (
                  <option value="mixed" disabled>
                    Mixed
                  </option>
                )}
                <PriorityOptions />
              </select>
            </li>
          );
        })}
      </ul>
      {renaming && (
        <NameForm
          key={renaming.path}
          title={renaming.folder ? 'Rename folder' : 'Rename file'}
          label="New name"
          note={`“${renaming.path}” is renamed on disk, in the same folder; the torrent carries on with it.`}
          initial={renaming.name}
          onClose={() => setRenaming(null)}
          rename={(name) => api.invoke('renameFile', { infoHash, path: renaming.path, name })}
        />
      )}
    </div>
  );
}
