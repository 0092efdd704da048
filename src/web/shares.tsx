// Shares: the shared folders with their visibility and counts, the scan (live from scanProgress
// events), and a rescan for keys that may change things.

import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from './api.ts';
import { bytes, count, time } from './format.ts';
import type { LiveEvents } from './live.ts';

type Shares = Awaited<ReturnType<typeof api.shares>>;
type Progress = { state: 'scanning' | 'done' | 'failed'; files: number; error?: string };

export function SharesScreen({ live, canWrite }: { live: LiveEvents; canWrite: boolean }) {
  const [shares, setShares] = useState<Shares | undefined>();
  const [progress, setProgress] = useState<Progress | undefined>();
  const [error, setError] = useState<string | undefined>();

  const load = async (): Promise<void> => {
    try {
      setShares(await api.shares());
      setError(undefined);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  useEffect(() => {
    void load();
    const offScan = live.on('scanProgress', (data) => {
      setProgress({ state: data.state, files: data.files, ...(data.error === undefined ? {} : { error: data.error }) });
      // The counts change when a scan ends.
      if (data.state !== 'scanning') void load();
    });
    const offReload = live.onReload(() => void load());
    return () => {
      offScan();
      offReload();
    };
  }, [live]);

  const rescan = async (): Promise<void> => {
    // Shown as scanning before the reply: a small scan can end, and say so in an event, before the
    // reply arrives, and must not be shown as running after that.
    setProgress((current) => ({ state: 'scanning', files: current?.state === 'scanning' ? current.files : 0 }));
    try {
      await api.rescanShares();
    } catch (caught) {
      setError(messageOf(caught));
      setProgress(undefined);
    }
  };

  const scanning = progress?.state === 'scanning' || (progress === undefined && shares?.scan.state === 'scanning');
  const last = shares?.scan.last;
  return (
    <section aria-labelledby="shares-title" class="screen">
      <h1 id="shares-title">Shares</h1>
      {error === undefined ? null : <p role="alert" class="error">{error}</p>}
      <div class="card">
        <h2>Scan</h2>
        <p role="status" aria-label="Scan state" data-testid="scan-state">
          {scanning
            ? `Scanning: ${count(progress?.files ?? shares?.scan.current?.scannedFiles ?? 0)} files so far`
            : progress?.state === 'failed'
              ? `The scan failed: ${progress.error ?? 'unknown error'}`
              : last === undefined
                ? 'Not scanned yet'
                : `Last scan ${last.outcome === 'done' ? 'finished' : 'failed'} ${time(last.finishedAt)}${last.summary === undefined ? '' : `: ${count(last.summary.files)} files, ${count(last.summary.added)} added, ${count(last.summary.changed)} changed, ${count(last.summary.removed)} removed`}`}
        </p>
        {canWrite ? (
          <button type="button" onClick={() => void rescan()} disabled={scanning}>
            Rescan
          </button>
        ) : null}
      </div>
      <div class="card table-wrap">
        <table>
          <caption>Shared folders</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Folder on disk</th>
              <th scope="col">Visible to</th>
              <th scope="col" class="number">Folders</th>
              <th scope="col" class="number">Files</th>
              <th scope="col" class="number">Size</th>
            </tr>
          </thead>
          <tbody>
            {(shares?.folders ?? []).map((folder) => (
              <tr key={folder.name}>
                <th scope="row">{folder.name}</th>
                <td class="path">{folder.path}</td>
                <td>{folder.visibility}</td>
                <td class="number">{count(folder.folders)}</td>
                <td class="number">{count(folder.files)}</td>
                <td class="number">{bytes(folder.bytes)}</td>
              </tr>
            ))}
          </tbody>
          {shares === undefined ? null : (
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  In all
                </th>
                <td class="number">{count(shares.totals.folders)}</td>
                <td class="number">{count(shares.totals.files)}</td>
                <td class="number">{bytes(shares.totals.bytes)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </section>
  );
}
