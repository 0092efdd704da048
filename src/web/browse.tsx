// Browse: users' shares as trees, several users open as tabs. A folder's row shows the files and
// bytes in it and below; locked folders (buddies only) are marked. A filter narrows the tree to the
// folders whose path holds the text. Select a folder to see its files; download a file, or the
// folder with everything below it.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import { queuedMessage } from './downloads.ts';
import { bytes, count, plural } from './format.ts';
import type { LiveEvents } from './live.ts';
import { matchingPaths, shareTree, type TreeNode } from './share-tree.ts';

type Listing = { username: string; roots: TreeNode[]; folderCount: number; fileCount: number };
type Tab = { username: string; listing?: Listing; progress?: string; error?: string; selected?: string; expanded: ReadonlySet<string>; filter: string };

function find(roots: readonly TreeNode[], path: string | undefined): TreeNode | undefined {
  if (path === undefined) return undefined;
  for (const root of roots) {
    if (root.path === path) return root;
    if (path.startsWith(`${root.path}\\`)) return find(root.children, path);
  }
  return undefined;
}

/** A folder another screen asks to show; a new object each time it asks. */
export interface BrowseRequest {
  username: string;
  folder: string;
}

export function BrowseScreen({ live, canWrite, request }: { live: LiveEvents; canWrite: boolean; request: BrowseRequest | undefined }) {
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [current, setCurrent] = useState<string | undefined>();
  const [who, setWho] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();

  const update = (username: string, change: (tab: Tab) => Tab): void => setTabs((all) => all.map((tab) => (tab.username === username ? change(tab) : tab)));

  useEffect(
    () =>
      live.on('browseProgress', (p) => {
        const text =
          p.state === 'receiving' && p.bytes !== undefined && p.bytes > 0 && p.bytesReceived !== undefined
            ? `Receiving the listing: ${Math.floor((p.bytesReceived / p.bytes) * 100)} %`
            : p.state === 'requested'
              ? 'Asking for the listing…'
              : undefined;
        if (text !== undefined) update(p.username, (tab) => (tab.listing === undefined ? { ...tab, progress: text } : tab));
      }),
    [live],
  );

  /** Opens (or shows) a user's tab; with `folder`, that folder is selected and the way to it opened. */
  const openUser = async (username: string, folder?: string): Promise<void> => {
    setCurrent(username);
    const reveal = (tab: Tab): Tab => {
      if (folder === undefined) return tab;
      const expanded = new Set(tab.expanded);
      for (let cut = folder.indexOf('\\'); cut > 0; cut = folder.indexOf('\\', cut + 1)) expanded.add(folder.slice(0, cut));
      return { ...tab, selected: folder, expanded, filter: '' };
    };
    if (tabs.some((tab) => tab.username === username)) {
      update(username, reveal);
      return;
    }
    setTabs((all) => [...all, reveal({ username, progress: 'Asking for the listing…', expanded: new Set(), filter: '' })]);
    try {
      const listing = await api.userBrowse({ params: { username }, query: {} });
      const roots = shareTree(listing.folders, listing.lockedFolders);
      update(username, (tab) => ({
        ...tab,
        listing: { username, roots, folderCount: listing.folderCount, fileCount: listing.fileCount },
        expanded: new Set([...tab.expanded, ...roots.map((r) => r.path)]),
      }));
    } catch (caught) {
      update(username, (tab) => ({ ...tab, error: messageOf(caught) }));
    }
  };

  const open = async (event: Event): Promise<void> => {
    event.preventDefault();
    const username = who.trim();
    if (username === '') return;
    setWho('');
    await openUser(username);
  };

  // Asked from another screen (a search result's folder).
  useEffect(() => {
    if (request !== undefined) void openUser(request.username, request.folder);
  }, [request]);

  const close = (username: string): void => {
    setTabs((all) => all.filter((tab) => tab.username !== username));
    if (current === username) setCurrent(tabs.find((tab) => tab.username !== username)?.username);
  };

  const download = async (what: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      setMessage({ text: queuedMessage(what, await work()), error: false });
    } catch (caught) {
      setMessage({ text: messageOf(caught), error: true });
    }
  };

  const tab = tabs.find((t) => t.username === current);
  const shown = useMemo(() => (tab?.listing === undefined ? undefined : matchingPaths(tab.listing.roots, tab.filter)), [tab?.listing, tab?.filter]);
  const selected = tab?.listing === undefined ? undefined : find(tab.listing.roots, tab.selected);

  const branch = (nodes: readonly TreeNode[], level: number) => (
    // Nested lists of buttons (a folder's own button selects it, the arrow beside it opens it): each
    // control is a plain button, which keyboards and screen readers know without a tree widget's keys.
    <ul aria-label={level === 1 ? `Shares of ${tab!.username}` : undefined} class={level === 1 ? 'tree' : 'tree-group'}>
      {nodes
        .filter((node) => shown === undefined || shown.has(node.path))
        .map((node) => {
          const open = shown !== undefined || tab!.expanded.has(node.path);
          const isSelected = tab!.selected === node.path;
          return (
            <li key={node.path}>
              <div class={`tree-row${isSelected ? ' selected' : ''}`}>
                {node.children.length > 0 ? (
                  <button
                    type="button"
                    class="twisty secondary"
                    aria-label={`Open ${node.label}`}
                    aria-expanded={open}
                    onClick={() =>
                      update(tab!.username, (t) => {
                        const expanded = new Set(t.expanded);
                        if (expanded.has(node.path)) expanded.delete(node.path);
                        else expanded.add(node.path);
                        return { ...t, expanded };
                      })
                    }
                  >
                    {open ? '▾' : '▸'}
                  </button>
                ) : (
                  <span class="twisty" />
                )}
                <button type="button" class="folder-name secondary" aria-pressed={isSelected} onClick={() => update(tab!.username, (t) => ({ ...t, selected: node.path }))}>
                  {node.locked ? '🔒 ' : ''}
                  {node.label}
                </button>
                <span class="muted number">
                  {plural(node.totalFiles, 'file')}, {bytes(node.totalBytes)}
                </span>
              </div>
              {open && node.children.length > 0 ? branch(node.children, level + 1) : null}
            </li>
          );
        })}
    </ul>
  );

  return (
    <section aria-labelledby="browse-title" class="screen wide">
      <h1 id="browse-title">Browse</h1>
      <form class="toolbar" onSubmit={(event) => void open(event)}>
        <input class="grow" aria-label="User to browse" placeholder="Username" value={who} onInput={(e) => setWho(e.currentTarget.value)} />
        <button type="submit">Browse</button>
      </form>
      {tabs.length === 0 ? null : (
        <div role="tablist" aria-label="Users browsed" class="toolbar">
          {tabs.map((t) => (
            <span key={t.username} class="tab">
              <button type="button" role="tab" aria-selected={t.username === current} class={t.username === current ? '' : 'secondary'} onClick={() => setCurrent(t.username)}>
                {t.username}
              </button>
              <button type="button" class="secondary" aria-label={`Close ${t.username}`} onClick={() => close(t.username)}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {message === undefined ? null : (
        <p role={message.error ? 'alert' : 'status'} class={message.error ? 'error' : 'muted'}>
          {message.text}
        </p>
      )}
      {tab === undefined ? null : tab.error !== undefined ? (
        <p role="alert" class="error">{tab.error}</p>
      ) : tab.listing === undefined ? (
        <p role="status" class="muted">{tab.progress ?? 'Asking for the listing…'}</p>
      ) : (
        <div class="browse-layout" role="tabpanel" aria-label={tab.username}>
          <div class="card">
            <div class="toolbar">
              <input class="grow" aria-label="Filter folders" placeholder="Filter folders" value={tab.filter} onInput={(e) => update(tab.username, (t) => ({ ...t, filter: e.currentTarget.value }))} />
              <span class="muted">
                {plural(tab.listing.folderCount, 'folder')}, {plural(tab.listing.fileCount, 'file')}
              </span>
            </div>
            {branch(tab.listing.roots, 1)}
          </div>
          <div class="card">
            {selected === undefined ? (
              <p class="muted">Select a folder to see its files.</p>
            ) : (
              <>
                <div class="toolbar">
                  <h2 class="grow">{selected.label}</h2>
                  {canWrite ? (
                    <button type="button" onClick={() => void download(selected.label, () => api.enqueueFolder({ body: { username: tab.username, folder: selected.path } }))}>
                      Download folder
                    </button>
                  ) : null}
                </div>
                <table>
                  <caption>Files in {selected.label}</caption>
                  <tbody>
                    {selected.files.map((file) => {
                      const name = file.filename.slice(file.filename.lastIndexOf('\\') + 1);
                      return (
                        <tr key={file.filename}>
                          <td class="path">{name}</td>
                          <td class="number">{bytes(file.size)}</td>
                          {canWrite ? (
                            <td class="number">
                              <button type="button" class="secondary" aria-label={`Download ${name}`} onClick={() => void download(name, () => api.enqueueDownloads({ body: { username: tab.username, files: [{ filename: file.filename, size: file.size }] } }))}>
                                Download
                              </button>
                            </td>
                          ) : null}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
