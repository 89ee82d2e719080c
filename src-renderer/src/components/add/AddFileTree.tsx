import { useEffect, useMemo, useRef } from 'react';
import type { FileInfo } from '../../api/contract';
import { formatBytes } from '../../format';
import { buildFileTree, flattenTree, type FolderNode } from '../detail/file-tree';
import type { Preview } from './AddDialog';

/** A folder's box: ticked when all its files are wanted, half when some are. */
function FolderBox({ node, wanted, onChange }: { node: FolderNode; wanted: ReadonlySet<number>; onChange(indices: readonly number[], on: boolean): void }) {
  const ref = useRef<HTMLInputElement>(null);
  const count = node.indices.filter((i) => wanted.has(i)).length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && count < node.indices.length;
  }, [count, node.indices.length]);
  return <input ref={ref} type="checkbox" checked={count === node.indices.length} onChange={(e) => onChange(node.indices, e.target.checked)} />;
}

/**
 * The files of the torrent to add as a tree of folders, each with a box: unticking a folder skips
 * every file in it. `wanted` holds file numbers (the torrent's, as skipFiles takes them).
 */
export function AddFileTree({ files, wanted, onChange }: { files: Preview['files']; wanted: ReadonlySet<number>; onChange(indices: readonly number[], on: boolean): void }) {
  const rows = useMemo(() => {
    const infos = files.map((f): FileInfo => ({ index: f.index, path: f.path, length: f.length, progress: 0, priority: 'normal' }));
    return flattenTree(buildFileTree(infos), new Set());
  }, [files]);
  return (
    <ul className="add-tree">
      {rows.map(({ node, depth }) => (
        <li key={node.path}>
          <label style={{ paddingLeft: 12 + depth * 18 }}>
            {node.kind === 'folder' ? (
              <FolderBox node={node} wanted={wanted} onChange={onChange} />
            ) : (
              <input type="checkbox" checked={wanted.has(node.file.index)} onChange={(e) => onChange([node.file.index], e.target.checked)} />
            )}
            <span className={node.kind === 'folder' ? 'file-path add-folder' : 'file-path'}>{node.name}</span>
            <span className="muted">{formatBytes(node.kind === 'folder' ? node.length : node.file.length)}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}
