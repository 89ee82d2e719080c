/** Builds a folder tree from a torrent's flat file list, with sizes, progress and priorities rolled up. */
import type { FileInfo, FilePriority } from '../../api/contract';

export interface FileLeaf {
  kind: 'file';
  name: string;
  path: string;
  file: FileInfo;
}

export interface FolderNode {
  kind: 'folder';
  name: string;
  path: string;
  children: TreeNode[];
  length: number;
  /** Bytes done, so progress is weighted by size. */
  done: number;
  /** The children's common priority, or 'mixed'. */
  priority: FilePriority | 'mixed';
  /** Every file index below this folder, for one setFilePriorities call. */
  indices: number[];
}

export type TreeNode = FileLeaf | FolderNode;

function folder(name: string, path: string): FolderNode {
  return { kind: 'folder', name, path, children: [], length: 0, done: 0, priority: 'normal', indices: [] };
}

export function buildFileTree(files: readonly FileInfo[]): FolderNode {
  const root = folder('', '');
  const folders = new Map<string, FolderNode>([['', root]]);
  for (const file of files) {
    const parts = file.path.split('/').filter((p) => p !== '');
    let parent = root;
    let path = '';
    for (const part of parts.slice(0, -1)) {
      path = path === '' ? part : `${path}/${part}`;
      let next = folders.get(path);
      if (!next) {
        next = folder(part, path);
        folders.set(path, next);
        parent.children.push(next);
      }
      parent = next;
    }
    parent.children.push({ kind: 'file', name: parts[parts.length - 1] ?? file.path, path: file.path, file });
  }
  rollUp(root);
  return root;
}

function rollUp(node: FolderNode): void {
  const priorities = new Set<FilePriority | 'mixed'>();
  for (const child of node.children) {
    if (child.kind === 'folder') {
      rollUp(child);
      node.length += child.length;
      node.done += child.done;
      node.indices.push(...child.indices);
      priorities.add(child.priority);
    } else {
      node.length += child.file.length;
      node.done += child.file.length * child.file.progress;
      node.indices.push(child.file.index);
      priorities.add(child.file.priority);
    }
  }
  node.priority = priorities.size === 1 ? [...priorities][0]! : priorities.size === 0 ? 'normal' : 'mixed';
  // Folders first, then files, each by name: the order every file manager uses.
  node.children.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
}

export interface VisibleNode {
  node: TreeNode;
  depth: number;
}

/** The rows to show: folders not in `collapsed` show their children. */
export function flattenTree(root: FolderNode, collapsed: ReadonlySet<string>): VisibleNode[] {
  const out: VisibleNode[] = [];
  const walk = (node: FolderNode, depth: number) => {
    for (const child of node.children) {
      out.push({ node: child, depth });
      if (child.kind === 'folder' && !collapsed.has(child.path)) walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}
