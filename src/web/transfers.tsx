// Transfers: downloads or uploads grouped by user and remote folder, with live progress from the
// event stream (transferProgress, coalesced by the daemon to a few per second per transfer) and the
// actions on each. Only the rows on screen are rendered (windowed-list.tsx); a transfer the page has
// not seen yet, or one removed elsewhere, makes it reload the list once things settle.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import { bytes, count, plural } from './format.ts';
import type { LiveEvents } from './live.ts';
import { WindowedList } from './windowed-list.tsx';

type TransferList = Awaited<ReturnType<typeof api.transfers>>;
type Transfer = NonNullable<TransferList['users'][number]['folders'][number]['transfers']>[number];
type Direction = 'download' | 'upload';
/** A file row names its file by its path inside the group's folder (a folder download's subfolders shown). */
type Row = { kind: 'user'; username: string; files: number } | { kind: 'folder'; folder: string } | { kind: 'file'; id: string; name: string };

const ROW_HEIGHT = 44;
/** The list is read again this long after the last event that it does not cover. */
const RELOAD_AFTER_MS = 400;
const ACTIVE = new Set(['queued', 'requesting', 'connecting', 'transferring']);
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

const inFolder = (path: string, folder: string): string => (path.startsWith(`${folder}\\`) ? path.slice(folder.length + 1) : path.slice(path.lastIndexOf('\\') + 1));

function rowsOf(list: TransferList): { rows: Row[]; transfers: Map<string, Transfer> } {
  const rows: Row[] = [];
  const transfers = new Map<string, Transfer>();
  for (const user of list.users) {
    rows.push({ kind: 'user', username: user.username, files: user.totals.files });
    for (const group of user.folders) {
      rows.push({ kind: 'folder', folder: group.folder });
      for (const transfer of group.transfers ?? []) {
        rows.push({ kind: 'file', id: transfer.id, name: inFolder(transfer.filename, group.folder) });
        transfers.set(transfer.id, transfer);
      }
    }
  }
  return { rows, transfers };
}

export function TransfersScreen({ live, canWrite }: { live: LiveEvents; canWrite: boolean }) {
  const [direction, setDirection] = useState<Direction>('download');
  const [list, setList] = useState<TransferList | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Live values change in place; `tick` re-renders at most once a frame.
  const state = useRef<{ rows: Row[]; transfers: Map<string, Transfer> }>({ rows: [], transfers: new Map() });
  const [, setTick] = useState(0);
  const frame = useRef<number | undefined>(undefined);
  const reloadTimer = useRef<number | undefined>(undefined);

  const load = async (which: Direction): Promise<void> => {
    try {
      const fresh = await api.transfers({ query: { direction: which, limit: 10_000 } });
      state.current = rowsOf(fresh);
      setList(fresh);
      setError(undefined);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  useEffect(() => {
    void load(direction);
    const redraw = (): void => {
      frame.current ??= requestAnimationFrame(() => {
        frame.current = undefined;
        setTick((n) => n + 1);
      });
    };
    const reloadSoon = (): void => {
      window.clearTimeout(reloadTimer.current);
      reloadTimer.current = window.setTimeout(() => void load(direction), RELOAD_AFTER_MS);
    };
    const offProgress = live.on('transferProgress', (data) => {
      const transfer = state.current.transfers.get(data.id);
      if (transfer === undefined) return;
      state.current.transfers.set(data.id, { ...transfer, bytesTransferred: data.bytesTransferred, size: data.size, speed: data.speed, state: data.state });
      redraw();
    });
    const offState = live.on('transferState', (data) => {
      if (data.direction !== direction) return;
      const transfer = state.current.transfers.get(data.id);
      if (transfer === undefined || data.state === 'removed') return reloadSoon();
      state.current.transfers.set(data.id, { ...transfer, state: data.state, ...(data.error === undefined ? {} : { reason: data.error }) });
      redraw();
    });
    const offReload = live.onReload(() => void load(direction));
    return () => {
      offProgress();
      offState();
      offReload();
      window.clearTimeout(reloadTimer.current);
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
    };
  }, [live, direction]);

  const act = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  const { rows, transfers } = state.current;
  const totals = list?.totals;
  const finished = useMemo(() => (totals === undefined ? 0 : (totals.states['completed'] ?? 0) + (totals.states['failed'] ?? 0) + (totals.states['cancelled'] ?? 0)), [totals]);

  const renderRow = (row: Row) => {
    if (row.kind === 'user') return <div class="group user">{row.username} <span class="muted">({plural(row.files, 'file')})</span></div>;
    if (row.kind === 'folder') return <div class="group folder">{row.folder}</div>;
    const t = transfers.get(row.id);
    if (t === undefined) return null;
    const name = row.name;
    const percent = t.size === undefined || t.size === 0 ? (t.state === 'completed' ? 100 : 0) : Math.min(100, (t.bytesTransferred / t.size) * 100);
    return (
      <div class="file">
        <span class="name" title={t.filename}>
          {name}
        </span>
        <progress max={100} value={percent} aria-label={`${name}: ${percent.toFixed(0)} %`} />
        <span class="state">
          {t.state}
          {t.place === undefined || t.state !== 'queued' ? '' : ` (place ${t.place})`}
        </span>
        <span class="number">{t.state === 'transferring' ? `${bytes(t.speed)}/s` : t.size === undefined ? '' : bytes(t.size)}</span>
        {canWrite ? (
          <span class="actions">
            {ACTIVE.has(t.state) ? (
              <button type="button" aria-label={`Cancel ${name}`} onClick={() => void act(() => api.cancelTransfer({ params: { id: t.id } }))}>
                Cancel
              </button>
            ) : null}
            {t.state === 'failed' || t.state === 'cancelled' ? (
              <button type="button" aria-label={`Retry ${name}`} onClick={() => void act(() => api.retryTransfer({ params: { id: t.id } }))}>
                Retry
              </button>
            ) : null}
            {FINISHED.has(t.state) ? (
              <button type="button" class="secondary" aria-label={`Remove ${name}`} onClick={() => void act(() => api.removeTransfer({ params: { id: t.id } }))}>
                Remove
              </button>
            ) : null}
          </span>
        ) : null}
      </div>
    );
  };

  return (
    <section aria-labelledby="transfers-title" class="screen wide">
      <h1 id="transfers-title">Transfers</h1>
      <div class="toolbar">
        <div role="group" aria-label="Direction">
          {(['download', 'upload'] as const).map((which) => (
            <button type="button" key={which} class={which === direction ? '' : 'secondary'} aria-pressed={which === direction} onClick={() => setDirection(which)}>
              {which === 'download' ? 'Downloads' : 'Uploads'}
            </button>
          ))}
        </div>
        <span class="muted" role="status" aria-label="Transfer totals">
          {totals === undefined ? '…' : `${plural(totals.files, 'file')}, ${bytes(totals.bytesTransferred)} of ${bytes(totals.bytes)}${totals.speed > 0 ? `, ${bytes(totals.speed)}/s` : ''}`}
        </span>
        {canWrite ? (
          <button type="button" class="secondary" disabled={finished === 0} onClick={() => void act(() => api.clearTransfers({ query: { state: 'finished', direction } }))}>
            Clear finished
          </button>
        ) : null}
      </div>
      {error === undefined ? null : <p role="alert" class="error">{error}</p>}
      {list !== undefined && rows.length === 0 ? <p class="muted">No {direction === 'download' ? 'downloads' : 'uploads'}.</p> : null}
      <WindowedList items={rows} rowHeight={ROW_HEIGHT} label={direction === 'download' ? 'Downloads' : 'Uploads'} render={renderRow} />
      {list?.truncated === true ? <p class="muted">Only the first 10,000 are shown.</p> : null}
    </section>
  );
}
