// A user's share listing (folders with full virtual paths) as a tree: each folder with its own files
// and the counts of everything below it. Parents a listing leaves out (it names only folders with
// files, or whatever it names) are made up so every folder has its place.

export interface ListedFolder {
  name: string;
  files: { filename: string; size: number }[];
}

export interface TreeNode {
  /** The folder's full virtual path. */
  path: string;
  /** Its last segment. */
  label: string;
  children: TreeNode[];
  /** Its own files, as listed (empty for a made-up parent). */
  files: ListedFolder['files'];
  locked: boolean;
  /** Files and bytes in it and below. */
  totalFiles: number;
  totalBytes: number;
}

export function shareTree(folders: readonly ListedFolder[], lockedFolders: readonly ListedFolder[]): TreeNode[] {
  const byPath = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  const nodeFor = (path: string): TreeNode => {
    const known = byPath.get(path);
    if (known !== undefined) return known;
    const cut = path.lastIndexOf('\\');
    const node: TreeNode = { path, label: cut < 0 ? path : path.slice(cut + 1), children: [], files: [], locked: false, totalFiles: 0, totalBytes: 0 };
    byPath.set(path, node);
    if (cut <= 0) roots.push(node);
    else nodeFor(path.slice(0, cut)).children.push(node);
    return node;
  };
  const add = (folder: ListedFolder, locked: boolean): void => {
    const path = folder.name.replace(/\\+$/, '');
    if (path === '') return;
    const node = nodeFor(path);
    node.files = [...node.files, ...folder.files];
    node.locked ||= locked;
  };
  for (const folder of folders) add(folder, false);
  for (const folder of lockedFolders) add(folder, true);
  const total = (node: TreeNode): void => {
    node.children.sort((a, b) => (a.label.toLowerCase() < b.label.toLowerCase() ? -1 : 1));
    node.totalFiles = node.files.length;
    node.totalBytes = node.files.reduce((sum, file) => sum + file.size, 0);
    for (const child of node.children) {
      total(child);
      node.totalFiles += child.totalFiles;
      node.totalBytes += child.totalBytes;
    }
  };
  roots.sort((a, b) => (a.label.toLowerCase() < b.label.toLowerCase() ? -1 : 1));
  for (const root of roots) total(root);
  return roots;
}

/** The paths of folders whose path holds `text` (case-insensitively), and of their parents: what a filtered tree shows. */
export function matchingPaths(roots: readonly TreeNode[], text: string): Set<string> | undefined {
  const needle = text.trim().toLowerCase();
  if (needle === '') return undefined;
  const keep = new Set<string>();
  const visit = (node: TreeNode): boolean => {
    let any = node.path.toLowerCase().includes(needle);
    for (const child of node.children) any = visit(child) || any;
    if (any) keep.add(node.path);
    return any;
  };
  for (const root of roots) visit(root);
  return keep;
}
