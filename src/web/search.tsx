// Search: type and go. Results stream in from the event stream while the search runs (they are
// kept by search id from the first moment, so none is lost to the race with the start's reply),
// grouped by user and folder; the filter box (the daemon's own filter syntax, search-filter.ts)
// applies to results still arriving. Download a file or a whole folder with its subfolders, hide a
// user's results. Only the rows in view are rendered.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { compileSearchFilter, FilterParseError } from '../daemon/search-filter.ts';
import { api, messageOf } from './api.ts';
import { queuedMessage } from './downloads.ts';
import { bytes, count, plural } from './format.ts';
import type { LiveEvents } from './live.ts';
import { WindowedList } from './windowed-list.tsx';

/** A user's reply as the event stream carries it (the stored ones add their seq and arrival time). */
type Response = Omit<Awaited<ReturnType<typeof api.searchResponses>>[number], 'seq' | 'receivedAt'>;
type File = Response['files'][number];
type Scope = 'network' | 'room' | 'user' | 'buddies';
type Sort = 'slot' | 'speed' | 'queue';
type Row =
  | { kind: 'user'; response: Response; files: number }
  | { kind: 'folder'; username: string; folder: string }
  | { kind: 'file'; username: string; file: File; name: string };

const ROW_HEIGHT = 40;
/** Pages of 1,000 replies read back for an earlier search (its kept results are bounded by the daemon too). */
const MAX_STORED_PAGES = 50;

interface SearchTab {
  id: string;
  query: string;
  state: string;
  responses: number;
  files: number;
}
/** Responses kept per search id before the page knows the id is its own (a few moments at most). */
const EARLY_RESPONSES = 2_000;

const folderOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('\\')));
const nameOf = (path: string): string => path.slice(path.lastIndexOf('\\') + 1);

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
}

const BY: Record<Sort, (a: Response, b: Response) => number> = {
  slot: (a, b) => Number(b.hasFreeUploadSlot) - Number(a.hasFreeUploadSlot) || b.uploadSpeed - a.uploadSpeed,
  speed: (a, b) => b.uploadSpeed - a.uploadSpeed,
  queue: (a, b) => a.queueLength - b.queueLength,
};

export function SearchScreen({ live, canWrite, onBrowse }: { live: LiveEvents; canWrite: boolean; onBrowse: (username: string, folder: string) => void }) {
  const [query, setQuery] = useState('');
  const [scope, setScope] = useState<Scope>('network');
  const [target, setTarget] = useState('');
  const [searchId, setSearchId] = useState<string | undefined>();
  /** The searches open as tabs, newest last; each keeps its results while another is shown. */
  const [tabs, setTabs] = useState<SearchTab[]>([]);
  const [earlier, setEarlier] = useState<Awaited<ReturnType<typeof api.searches>>>([]);
  const [filterText, setFilterText] = useState('');
  const [sort, setSort] = useState<Sort>('slot');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const responses = useRef(new Map<string, Response[]>());
  const [version, setVersion] = useState(0);
  const frame = useRef<number | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  /** The searches open, for the event handlers (which outlive a render). */
  const openIds = useRef(new Set<string>());

  useEffect(() => {
    input.current?.focus();
    performance.mark('search-box-ready');
    void loadEarlier();
    const redraw = (): void => {
      frame.current ??= requestAnimationFrame(() => {
        frame.current = undefined;
        setVersion((n) => n + 1);
      });
    };
    const offResponses = live.on('searchResponses', (data) => {
      let kept = responses.current.get(data.searchId);
      if (kept === undefined) responses.current.set(data.searchId, (kept = []));
      if (kept.length < EARLY_RESPONSES || openIds.current.has(data.searchId)) kept.push(...data.responses);
      redraw();
    });
    const offState = live.on('searchState', (data) => {
      if (!openIds.current.has(data.searchId)) return;
      setTabs((all) => all.map((tab) => (tab.id === data.searchId ? { ...tab, state: data.state, responses: data.responseCount, files: data.fileCount } : tab)));
    });
    return () => {
      offResponses();
      offState();
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
    };
  }, [live]);

  const show = (tab: SearchTab): void => {
    openIds.current.add(tab.id);
    setTabs((all) => (all.some((t) => t.id === tab.id) ? all : [...all, tab]));
    setSearchId(tab.id);
    setHidden(new Set());
    setVersion((n) => n + 1);
  };

  const start = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (query.trim() === '') return;
    setMessage(undefined);
    try {
      const body = scope === 'room' || scope === 'user' ? { query, scope, target } : { query, scope };
      const record = await api.startSearch({ body });
      show({ id: record.id, query: record.query, state: record.state, responses: record.responseCount, files: record.fileCount });
      void loadEarlier();
      // Results of searches the page does not show are not kept (they were kept only until this reply).
      for (const id of [...responses.current.keys()]) if (!openIds.current.has(id)) responses.current.delete(id);
    } catch (caught) {
      setMessage({ text: messageOf(caught), error: true });
    }
  };

  const close = (id: string): void => {
    openIds.current.delete(id);
    responses.current.delete(id);
    const rest = tabs.filter((tab) => tab.id !== id);
    setTabs(rest);
    if (searchId === id) setSearchId(rest.at(-1)?.id);
  };

  /** An earlier search, from the daemon's history: its kept results, page by page. */
  const reopen = async (id: string): Promise<void> => {
    const record = earlier.find((r) => r.id === id);
    if (record === undefined) return;
    if (openIds.current.has(id)) return setSearchId(id);
    try {
      const kept: Response[] = [];
      let after: number | undefined;
      for (let page = 0; page < MAX_STORED_PAGES; page++) {
        const batch = await api.searchResponses({ params: { id }, query: after === undefined ? { limit: 1000 } : { limit: 1000, after } });
        kept.push(...batch);
        if (batch.length < 1000) break;
        after = batch.at(-1)!.seq;
      }
      responses.current.set(id, kept);
      show({ id, query: record.query, state: record.state, responses: record.responseCount, files: record.fileCount });
    } catch (caught) {
      setMessage({ text: messageOf(caught), error: true });
    }
  };

  const loadEarlier = async (): Promise<void> => {
    setEarlier(await api.searches({ query: { limit: 30 } }).catch(() => []));
  };

  const stop = async (): Promise<void> => {
    if (searchId !== undefined) await api.stopSearch({ params: { id: searchId } }).catch((caught: unknown) => setMessage({ text: messageOf(caught), error: true }));
  };

  const filter = useMemo(() => {
    try {
      return { compiled: compileSearchFilter(filterText), error: undefined };
    } catch (caught) {
      return { compiled: undefined, error: caught instanceof FilterParseError ? caught.message : String(caught) };
    }
  }, [filterText]);

  const { rows, shownFiles } = useMemo(() => {
    const all = searchId === undefined ? [] : (responses.current.get(searchId) ?? []);
    const byUser = new Map<string, Response>();
    for (const response of all) {
      if (hidden.has(response.username)) continue;
      const known = byUser.get(response.username);
      byUser.set(response.username, known === undefined ? { ...response, files: [...response.files] } : { ...response, files: [...known.files, ...response.files] });
    }
    const out: Row[] = [];
    let shown = 0;
    for (const response of [...byUser.values()].sort(BY[sort])) {
      const asFiltered = { username: response.username, slotsFree: response.hasFreeUploadSlot, avgSpeed: response.uploadSpeed, queueLength: response.queueLength };
      const files = filter.compiled === undefined ? response.files : response.files.filter((file) => filter.compiled.matches(asFiltered, file));
      if (files.length === 0) continue;
      shown += files.length;
      out.push({ kind: 'user', response, files: files.length });
      const folders = new Map<string, File[]>();
      for (const file of files) {
        const folder = folderOf(file.filename);
        const list = folders.get(folder);
        if (list === undefined) folders.set(folder, [file]);
        else list.push(file);
      }
      for (const [folder, list] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push({ kind: 'folder', username: response.username, folder });
        for (const file of list.sort((a, b) => (a.filename < b.filename ? -1 : 1))) out.push({ kind: 'file', username: response.username, file, name: nameOf(file.filename) });
      }
    }
    return { rows: out, shownFiles: shown };
  }, [searchId, version, filter, sort, hidden]);

  const download = async (what: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      setMessage({ text: queuedMessage(what, await work()), error: false });
    } catch (caught) {
      setMessage({ text: messageOf(caught), error: true });
    }
  };

  const renderRow = (row: Row) => {
    if (row.kind === 'user') {
      const r = row.response;
      return (
        <div class="group user">
          <span>
            {r.username} <span class="muted">({plural(row.files, 'file')})</span>
          </span>
          <span class="muted">{r.hasFreeUploadSlot ? 'free slot' : `queue ${count(r.queueLength)}`}</span>
          <span class="muted number">{bytes(r.uploadSpeed)}/s</span>
          <span class="actions">
            <button type="button" class="secondary" aria-label={`Hide ${r.username}`} onClick={() => setHidden(new Set([...hidden, r.username]))}>
              Hide
            </button>
          </span>
        </div>
      );
    }
    if (row.kind === 'folder') {
      return (
        <div class="group folder">
          <span title={row.folder}>{row.folder}</span>
          <span class="actions">
            <button type="button" class="secondary" aria-label={`Browse ${row.folder} of ${row.username}`} onClick={() => onBrowse(row.username, row.folder)}>
              Browse
            </button>
          </span>
          {canWrite ? (
            <span class="actions">
              <button type="button" class="secondary" aria-label={`Download folder ${row.folder} from ${row.username}`} onClick={() => void download(nameOf(row.folder), () => api.enqueueFolder({ body: { username: row.username, folder: row.folder } }))}>
                Download folder
              </button>
            </span>
          ) : null}
        </div>
      );
    }
    const f = row.file;
    return (
      <div class="file">
        <span class="name" title={f.filename}>
          {f.locked ? '🔒 ' : ''}
          {row.name}
        </span>
        <span class="number">{f.bitrate === undefined ? '' : `${f.bitrate} kbps`}</span>
        <span class="number">{duration(f.duration)}</span>
        <span class="number">{bytes(f.size)}</span>
        {canWrite ? (
          <span class="actions">
            <button type="button" aria-label={`Download ${row.name} from ${row.username}`} onClick={() => void download(row.name, () => api.enqueueDownloads({ body: { username: row.username, files: [{ filename: f.filename, size: f.size }] } }))}>
              Download
            </button>
          </span>
        ) : null}
      </div>
    );
  };

  const state = tabs.find((tab) => tab.id === searchId);
  const running = state?.state === 'requested' || state?.state === 'in-progress';
  return (
    <section aria-labelledby="search-title" class="screen wide">
      <h1 id="search-title">Search</h1>
      <form class="toolbar" role="search" onSubmit={(event) => void start(event)}>
        <input ref={input} class="grow" type="search" aria-label="Search for" placeholder="Artist, album, track…" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <select aria-label="Where" value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
          <option value="network">Everyone</option>
          <option value="buddies">Buddies</option>
          <option value="room">A room</option>
          <option value="user">One user</option>
        </select>
        {scope === 'room' || scope === 'user' ? <input aria-label={scope === 'room' ? 'Room' : 'User'} value={target} required onInput={(e) => setTarget(e.currentTarget.value)} /> : null}
        <button type="submit">Search</button>
        {running ? (
          <button type="button" class="secondary" onClick={() => void stop()}>
            Stop
          </button>
        ) : null}
      </form>
      <div class="toolbar">
        {tabs.length === 0 ? null : (
          <div role="tablist" aria-label="Searches" class="tab-row">
            {tabs.map((tab) => (
              <span key={tab.id} class="tab">
                <button type="button" role="tab" aria-selected={tab.id === searchId} class={tab.id === searchId ? '' : 'secondary'} onClick={() => setSearchId(tab.id)}>
                  {tab.query} <span class="muted">({count(tab.files)})</span>
                </button>
                <button type="button" class="secondary" aria-label={`Close search ${tab.query}`} onClick={() => close(tab.id)}>
                  ×
                </button>
              </span>
            ))}
          </div>
        )}
        <select aria-label="Earlier searches" value="" onChange={(e) => void reopen(e.currentTarget.value)}>
          <option value="">Earlier searches…</option>
          {earlier.map((record) => (
            <option key={record.id} value={record.id}>
              {record.query} ({count(record.fileCount)} files)
            </option>
          ))}
        </select>
      </div>
      <div class="toolbar">
        <input class="grow" aria-label="Filter results" placeholder='Filter: words -excluded "a phrase" ext:flac size:>10mb br:>=320 lossless freeslot' value={filterText} onInput={(e) => setFilterText(e.currentTarget.value)} />
        <select aria-label="Sort users by" value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
          <option value="slot">Free slot, then speed</option>
          <option value="speed">Speed</option>
          <option value="queue">Queue</option>
        </select>
        <span class="muted" role="status" aria-label="Search progress">
          {state === undefined ? '' : `${running ? 'Searching…' : state.state === 'completed' ? 'Done' : state.state}: ${count(shownFiles)} of ${count(state.files)} files from ${plural(state.responses, 'user')}`}
        </span>
      </div>
      {filter.error === undefined ? null : <p role="alert" class="error">Filter: {filter.error}</p>}
      {message === undefined ? null : (
        <p role={message.error ? 'alert' : 'status'} class={message.error ? 'error' : 'muted'}>
          {message.text}
        </p>
      )}
      <WindowedList items={rows} rowHeight={ROW_HEIGHT} label="Results" render={renderRow} />
    </section>
  );
}
