// `slsk download` and `slsk get` through a running daemon: the file (or the folder) is enqueued in the
// daemon's download queue and followed there, shown as the direct download shows it (the progress bar,
// the same lines and JSON Lines, the path of the finished file on stdout). The daemon saves in its own
// downloads folder (downloads.folder and downloads.layout), not --to. Giving up (--timeout/--wait) or
// Ctrl-C leaves the download with the daemon, which carries on: `slsk transfers` shows it.

import type { FolderDownloadJson, TransferJson } from '../daemon/http/transfer-routes.ts';
import type { Transfer, TransferState } from '../transfers/index.ts';
import { writeOut, type CliIo } from './command.ts';
import { ClientExit } from './client-options.ts';
import { openDaemonEvents, Wakeup } from './daemon-events.ts';
import type { DaemonSession } from './daemon-link.ts';
import { CHECK_MS } from './daemon-search.ts';
import { humanSize, quoted } from './format.ts';
import { formatJson } from './json.ts';
import { interruptedExitCode } from './stop-signals.ts';
import { describeState, DownloadView } from './transfer-run.ts';

/** transferState events kept before the enqueue's reply says which transfer is ours. */
const MAX_EARLY_STATES = 100;

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/** The API's transfer in the library's shape, so the direct download's view shows it unchanged. */
export function asTransfer(t: TransferJson): Transfer {
  return {
    id: t.id,
    direction: t.direction,
    username: t.username,
    filename: t.filename,
    size: t.size === undefined ? undefined : BigInt(t.size),
    bytes: BigInt(t.bytesTransferred),
    // The API does not say where the current connection resumed.
    offset: 0n,
    speed: t.speed,
    eta: t.eta,
    state: t.state,
    reason: t.reason,
    place: t.place,
    attempts: t.attempts,
    retryAt: ms(t.retryAt),
    localPath: t.localPath,
    createdAt: ms(t.createdAt) ?? 0,
    updatedAt: ms(t.updatedAt) ?? 0,
    finishedAt: ms(t.finishedAt),
  };
}

/** Ended for good: a failed transfer with a retry ahead is not. */
export const isFinal = (t: Pick<TransferJson, 'state' | 'retryAt'>): boolean =>
  t.state === 'completed' || t.state === 'cancelled' || (t.state === 'failed' && t.retryAt === undefined);

export interface DaemonDownloadRequest {
  readonly username: string;
  readonly filename: string;
  readonly size?: bigint | undefined;
  readonly waitMs: number;
  readonly waitOption: string;
  readonly command: string;
  readonly json: boolean;
  /** Enqueue and return at once (the transfer's id on stdout). */
  readonly noWait: boolean;
}

const leftWithDaemon = (id: string): string => `; the daemon carries on with it ('slsk transfers list' shows it, 'slsk transfers cancel ${id}' stops it)`;

/** One file: 0 when it is here (its path on stdout), 1 refused/failed/--timeout, 130 on Ctrl-C. */
export async function downloadViaDaemon(session: DaemonSession, request: DaemonDownloadRequest): Promise<number> {
  const { api, io, signal } = session;
  const wakeup = new Wakeup();
  let id: string | undefined;
  // Every state the transfer passes through, from its events: a read of the transfer after a wake-up
  // may come too late to see a short one (a small file is `transferring` for a moment only).
  // Before the enqueue's reply names our transfer, every transfer's are kept (a bounded few).
  const states: { id: string; state: TransferState }[] = [];
  const stream = await openDaemonEvents(session, ['transferState', 'transferProgress'], (event) => {
    if (event.event === 'transferState' && event.data.state !== 'removed' && (id === undefined ? states.length < MAX_EARLY_STATES : event.data.id === id)) {
      states.push({ id: event.data.id, state: event.data.state });
    }
    if (event.event === 'resync' || (id === undefined || ('id' in event.data && event.data.id === id))) wakeup.nudge();
  });
  const view = new DownloadView(io, request.json, request);
  const abort = (): void => wakeup.nudge();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const { transfers } = await api.enqueueDownloads({
      body: { username: request.username, files: [{ filename: request.filename, ...(request.size === undefined ? {} : { size: Number(request.size) }) }] },
    });
    let last = transfers[0]!;
    const transferId = last.id;
    id = transferId;
    if (request.noWait) {
      await writeOut(io.stdout, request.json ? formatJson({ event: 'queued', id: transferId, user: last.username, filename: last.filename, state: last.state }, false) + '\n' : `${transferId}\n`);
      io.stderr.write(`queued with the daemon: ${quoted(last.filename)} from ${last.username} ('slsk transfers watch' follows it)\n`);
      return ClientExit.ok;
    }
    view.begin(asTransfer(last));
    /** The state last printed. */
    let shown: TransferState = last.state;
    const deadline = Date.now() + request.waitMs;
    for (;;) {
      if (isFinal(last)) break;
      if (signal.aborted || Date.now() >= deadline) break;
      await wakeup.wait(Math.min(CHECK_MS, deadline - Date.now()));
      if (signal.aborted) break;
      const current = await api.transfer({ params: { id: transferId } });
      const transfer = asTransfer(current);
      // The events give the states in order; the read gives the figures (and the state, when no
      // event came: after a resync).
      const mine = states.splice(0).filter((seen) => seen.id === transferId);
      for (const seen of mine) {
        if (seen.state === shown) continue;
        view.state({ ...transfer, state: seen.state }, shown);
        shown = seen.state;
      }
      if (mine.length === 0 && current.state !== shown) {
        view.state(transfer, shown);
        shown = current.state;
      }
      if (current.bytesTransferred !== last.bytesTransferred) view.progress(transfer);
      if (current.place !== undefined && current.place !== last.place) view.place(transfer);
      last = current;
    }
    const transfer = asTransfer(last);
    // Its final state is printed whatever the events said last (one may still be on its way).
    if (isFinal(last) && shown !== last.state) view.state(transfer, shown);
    view.stop();
    await view.flush();
    if (isFinal(last)) {
      await view.done(transfer);
      if (last.state === 'completed') return ClientExit.ok;
      io.stderr.write(`slsk ${request.command}: could not download ${quoted(request.filename)} from ${request.username}: ${last.reason ?? last.state}\n`);
      return ClientExit.failure;
    }
    if (signal.aborted) {
      await view.stopped('interrupted', transfer);
      io.stderr.write(`slsk ${request.command}: interrupted${leftWithDaemon(transferId)}\n`);
      return interruptedExitCode(session.stopRequest() ?? 'SIGINT');
    }
    await view.stopped('timeout', transfer);
    io.stderr.write(`slsk ${request.command}: gave up waiting after ${request.waitMs / 1000} s (${describeState(transfer)}); wait longer with ${request.waitOption} SECONDS${leftWithDaemon(transferId)}\n`);
    return ClientExit.failure;
  } finally {
    signal.removeEventListener('abort', abort);
    view.stop();
    stream.close();
  }
}

export interface DaemonFolderRequest {
  readonly username: string;
  readonly folder: string;
  readonly waitMs: number;
  readonly waitOption: string;
  readonly command: string;
  readonly json: boolean;
  readonly noWait: boolean;
}

type FolderFile = FolderDownloadJson['files'][number];
const FILE_FINAL = new Set(['completed', 'cancelled', 'already-present', 'removed']);

function announce(io: CliIo, group: FolderDownloadJson, emit: (event: Record<string, unknown>) => void, json: boolean): void {
  const present = group.files.filter((file) => file.state === 'already-present');
  if (json) {
    emit({ event: 'folder', user: group.username, folder: group.folder, id: group.id, files: group.files.length, alreadyPresent: present.length, refused: group.refused.map((r) => ({ filename: r.remotePath, code: r.code, reason: r.reason })) });
    for (const file of present) emit({ event: 'file', user: group.username, filename: file.remotePath, destination: file.destination, state: 'already-present', reason: null, path: null, size: file.size });
    return;
  }
  const queued = group.files.length - present.length;
  const already = present.length === 0 ? '' : `, ${present.length} already here`;
  const refused = group.refused.length === 0 ? '' : `, ${group.refused.length} refused`;
  io.stderr.write(`${quoted(group.folder)} from ${group.username}: ${queued} files to download${already}${refused}\n`);
  for (const r of group.refused) io.stderr.write(`refused ${quoted(r.remotePath)}: ${r.reason}\n`);
}

/** A whole folder: as `slsk download USER 'Folder\'` prints it directly, one line per file as it ends. */
export async function downloadFolderViaDaemon(session: DaemonSession, request: DaemonFolderRequest): Promise<number> {
  const { api, io, signal } = session;
  const wakeup = new Wakeup();
  let writing = Promise.resolve();
  const out = (text: string): void => {
    writing = writing.then(() => writeOut(io.stdout, text));
  };
  const emit = (event: Record<string, unknown>): void => out(formatJson(event, false) + '\n');
  const stream = await openDaemonEvents(session, ['transferState'], () => wakeup.nudge());
  const abort = (): void => wakeup.nudge();
  signal.addEventListener('abort', abort, { once: true });
  try {
    let group = await api.enqueueFolder({ body: { username: request.username, folder: request.folder } });
    if (request.noWait) {
      if (request.json) emit({ event: 'folder', user: group.username, folder: group.folder, id: group.id, files: group.files.length, queued: true });
      else out(`${group.id}\n`);
      await writing;
      io.stderr.write(`queued with the daemon: ${group.files.length} files of ${quoted(group.folder)} from ${group.username} ('slsk transfers watch' follows them)\n`);
      return ClientExit.ok;
    }
    announce(io, group, emit, request.json);
    const reported = new Set(group.files.filter((file) => file.state === 'already-present').map((file) => file.remotePath));
    const report = async (file: FolderFile): Promise<void> => {
      reported.add(file.remotePath);
      const transfer = file.transferId === undefined ? undefined : await api.transfer({ params: { id: file.transferId } }).catch(() => undefined);
      const reason = transfer?.reason ?? null;
      if (request.json) {
        emit({ event: 'file', user: request.username, filename: file.remotePath, destination: file.destination, state: file.state, reason, path: transfer?.localPath ?? null, size: file.size });
      } else if (file.state === 'completed') {
        io.stderr.write(`downloaded ${file.destination} (${humanSize(BigInt(file.size))})\n`);
        out(`${transfer?.localPath ?? ''}\n`);
      } else {
        io.stderr.write(`${file.state} ${file.destination}: ${reason ?? file.state}\n`);
      }
    };
    const deadline = Date.now() + request.waitMs;
    for (;;) {
      for (const file of group.files) {
        const final = FILE_FINAL.has(file.state) || (group.finished && file.state === 'failed');
        if (final && !reported.has(file.remotePath)) await report(file);
      }
      if (group.finished || signal.aborted || Date.now() >= deadline) break;
      await wakeup.wait(Math.min(CHECK_MS, deadline - Date.now()));
      if (signal.aborted) break;
      group = await api.folderDownload({ params: { id: group.id } });
    }
    const counts = group.counts;
    const stopped = group.finished ? null : signal.aborted ? 'interrupted' : 'timeout';
    if (request.json) emit({ event: 'summary', user: request.username, folder: group.folder, complete: group.complete, counts, stopped });
    await writing;
    if (stopped !== null) {
      const left = group.files.filter((file) => file.state !== 'completed' && file.state !== 'already-present').length;
      const carryOn = `; the daemon carries on with the ${left} files still missing ('slsk transfers list' shows them)`;
      if (stopped === 'interrupted') {
        io.stderr.write(`slsk ${request.command}: interrupted${carryOn}\n`);
        return interruptedExitCode(session.stopRequest() ?? 'SIGINT');
      }
      io.stderr.write(`slsk ${request.command}: gave up waiting after ${request.waitMs / 1000} s${carryOn}; or wait longer with ${request.waitOption} SECONDS\n`);
      return ClientExit.failure;
    }
    if (group.complete) return ClientExit.ok;
    const failed = group.files.filter((file) => file.state !== 'completed' && file.state !== 'already-present');
    io.stderr.write(`slsk ${request.command}: ${failed.length} of ${group.files.length} files of ${quoted(group.folder)} could not be downloaded: ${failed.map((f) => `${f.remotePath} (${f.state})`).join(', ')}\n`);
    return ClientExit.failure;
  } finally {
    signal.removeEventListener('abort', abort);
    stream.close();
  }
}
