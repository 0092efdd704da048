// What `slsk download` and `slsk get` share: where files go (--to, --incomplete), the overall wait,
// and `runDownload`, which runs one download through a TransferManager on the session's client and
// shows it — a progress bar redrawn in place on a terminal, plain lines otherwise, JSON Lines with
// --json — then turns the way it ended into an exit code.

import { existsSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Transfer, TransferManager, TransferState } from '../transfers/index.ts';
import { UsageError, writeOut, type CliIo, type CliOutput } from './command.ts';
import { ClientExit } from './client-options.ts';
import { CommandFailure, stoppedFailure, type ClientSession } from './client-session.ts';
import { humanDuration, humanSize, humanSpeed, quoted } from './format.ts';
import { formatJson } from './json.ts';
import { interruptedExitCode } from './stop-signals.ts';

/** How long a download may take in all, queueing included, unless --timeout/--wait says otherwise. */
export const DEFAULT_WAIT_SECONDS = 600;

/** parseArgs options for where downloads go. */
export const FOLDER_OPTIONS = {
  to: { type: 'string' },
  incomplete: { type: 'string' },
} as const;

export const folderHelp = `  --to DIR            put the finished file in DIR (default: the current folder)
  --incomplete DIR    keep the partial file here while it downloads (default: .incomplete in the
                      --to folder, removed when empty). On the same file system as --to, the
                      finished file is moved into place rather than copied`;

export interface DownloadFolders {
  to: string;
  incomplete: string;
  /** No --incomplete: `<to>/.incomplete`. */
  incompleteIsDefault: boolean;
}

export function downloadFolders(values: { to?: string | undefined; incomplete?: string | undefined }): DownloadFolders {
  if (values.to === '') throw new UsageError('--to needs a folder');
  if (values.incomplete === '') throw new UsageError('--incomplete needs a folder');
  const to = resolve(values.to ?? process.cwd());
  return { to, incomplete: resolve(values.incomplete ?? join(to, '.incomplete')), incompleteIsDefault: values.incomplete === undefined };
}

export interface DownloadRequest {
  username: string;
  /** The virtual path, as the sharer shares it. */
  filename: string;
  /** From the search result, when known; the uploader's offer overrides it. */
  size?: bigint;
  folders: DownloadFolders;
  waitMs: number;
  /** The option that sets `waitMs`, for messages. */
  waitOption: string;
  /** `slsk <command>`, for messages. */
  command: string;
}

/**
 * Downloads one file and waits for it to end. Resolves to 0 (completed; the path is printed on
 * stdout), 1 (refused, failed, or still not done after `waitMs`) or 130 (Ctrl-C: the partial file
 * stays and the same command resumes it); throws the session's failure when the server is lost.
 */
export async function runDownload(session: ClientSession, request: DownloadRequest): Promise<number> {
  const { io, settings, signal } = session;
  const { manager, close } = await oneShotDownloads(session, request.folders);
  const view = new DownloadView(io, settings.json, request);
  const mine = (transfer: Transfer): boolean => transfer.direction === 'download';
  let latest: Transfer | undefined;
  manager.on('transferState', (transfer, previous) => {
    if (!mine(transfer)) return;
    latest = transfer;
    view.state(transfer, previous);
  });
  manager.on('transferProgress', (transfer) => {
    if (!mine(transfer)) return;
    latest = transfer;
    view.progress(transfer);
  });
  manager.on('transferPlace', (transfer) => {
    if (!mine(transfer)) return;
    latest = transfer;
    view.place(transfer);
  });
  // Problems that are not this download's (a reply that could not be sent) are not shown.
  manager.on('warning', () => {});

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const ended = new Promise<{ how: 'done'; transfer: Transfer } | { how: 'timeout' | 'stopped' }>((resolveEnd) => {
      manager.on('transferDone', (transfer) => {
        if (mine(transfer)) resolveEnd({ how: 'done', transfer });
      });
      timer = setTimeout(() => resolveEnd({ how: 'timeout' }), request.waitMs);
      onAbort = () => resolveEnd({ how: 'stopped' });
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
    await manager.start();
    const added = manager.download(request.username, request.filename, request.size === undefined ? {} : { size: request.size });
    latest ??= added;
    view.begin(added);
    const end = await ended;
    view.stop();
    await view.flush();

    if (end.how === 'done') {
      const transfer = end.transfer;
      await view.done(transfer);
      if (transfer.state === 'completed') return ClientExit.ok;
      const why = transfer.reason ?? transfer.state;
      return failure(io, request.command, `could not download ${quoted(request.filename)} from ${request.username}: ${why}`);
    }
    const current = latest === undefined ? undefined : manager.get(latest.id);
    const partial = partialNote(current, request.folders.incomplete);
    if (end.how === 'stopped') {
      if (session.stopReason() !== 'interrupted') throw stoppedFailure(session, 'downloading');
      await view.stopped('interrupted', current);
      io.stderr.write(`slsk ${request.command}: interrupted${partial}\n`);
      return interruptedExitCode(session.stopRequest() ?? 'SIGINT');
    }
    await view.stopped('timeout', current);
    const where = current === undefined ? '' : ` (${describeState(current)})`;
    return failure(
      io,
      request.command,
      `gave up after ${request.waitMs / 1000} s${where}; wait longer with ${request.waitOption} SECONDS${partial}`,
    );
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    view.stop();
    await close();
  }
}

/**
 * The TransferManager a one-shot download command runs on the session's client, and how to put it
 * away: `close()` closes it and removes the incomplete folder when this run leaves it empty and it
 * is ours to tidy (the default <to>/.incomplete, or a folder named with --incomplete that this run
 * made).
 */
export async function oneShotDownloads(session: ClientSession, folders: DownloadFolders): Promise<{ manager: TransferManager; close: () => Promise<void> }> {
  const { TransferManager } = await import('../transfers/index.ts');
  const tidyIncomplete = folders.incompleteIsDefault || !existsSync(folders.incomplete);
  const manager = new TransferManager({
    client: session.client,
    // One-shot: nothing to remember between runs. The partial file alone is enough to resume, as its
    // name comes from the user and the path.
    database: ':memory:',
    downloadDir: folders.to,
    incompleteDir: folders.incomplete,
    resolveUpload: () => undefined,
    uploadSlots: 0,
    // A person is waiting: retry connection problems a few times soon, rather than ten times over an hour.
    retry: { initialDelayMs: 3_000, maxDelayMs: 30_000, maxAttempts: 4 },
    placeInQueueIntervalMs: 30_000,
  });
  const close = async (): Promise<void> => {
    await manager.close();
    if (!tidyIncomplete) return;
    try {
      if ((await readdir(folders.incomplete)).length === 0) await rmdir(folders.incomplete);
    } catch {
      // not there, or not empty: leave it
    }
  };
  return { manager, close };
}

/** One line on stderr (with --json too: the reason is also in the last event on stdout). */
function failure(io: CliIo, command: string, message: string): number {
  io.stderr.write(`slsk ${command}: ${message}\n`);
  return ClientExit.failure;
}

function partialNote(transfer: Transfer | undefined, folder: string): string {
  if (transfer === undefined || transfer.bytes === 0n) return '';
  const of = transfer.size === undefined ? '' : ` of ${humanSize(transfer.size)}`;
  return `; the ${humanSize(transfer.bytes)}${of} received so far stay in ${folder}; the same command resumes from there`;
}

export function describeState(transfer: Transfer): string {
  switch (transfer.state) {
    case 'queued':
      return transfer.place === undefined ? `still queued with ${transfer.username}` : `still queued with ${transfer.username}, place ${transfer.place}`;
    case 'failed':
      return `last attempt failed: ${transfer.reason ?? 'unknown reason'}`;
    default:
      return transfer.state;
  }
}

function percentOf(transfer: Transfer): number | undefined {
  if (transfer.size === undefined) return undefined;
  if (transfer.size === 0n) return 100;
  return Number((transfer.bytes * 1000n) / transfer.size) / 10;
}

/** The download as it goes: a bar on a terminal's stderr, plain lines on other stderr, JSON Lines on stdout with --json. */
export class DownloadView {
  readonly #io: CliIo;
  readonly #json: boolean;
  readonly #tty: boolean;
  readonly #request: Pick<DownloadRequest, 'username' | 'filename'>;
  #writing: Promise<void> = Promise.resolve();
  #last: Transfer | undefined;
  #redraw: NodeJS.Timeout | undefined;
  #plainAt = 0;
  #transferStartedAt = 0;
  #drawn = false;

  constructor(io: CliIo, json: boolean, request: Pick<DownloadRequest, 'username' | 'filename'>) {
    this.#io = io;
    this.#json = json;
    this.#tty = !json && io.stderr.isTTY === true;
    this.#request = request;
  }

  begin(transfer: Transfer): void {
    this.#last = transfer;
    if (this.#tty) {
      this.#draw();
      // Keeps the retry countdown and the state line fresh between events.
      this.#redraw = setInterval(() => this.#draw(), 1000);
    } else if (!this.#json) {
      const resume = transfer.bytes > 0n ? `, resuming at ${humanSize(transfer.bytes)}` : '';
      this.#line(`asking ${transfer.username} for ${quoted(transfer.filename)}${resume}`);
    }
  }

  state(transfer: Transfer, previous: TransferState): void {
    this.#last = transfer;
    if (transfer.state === 'transferring') this.#transferStartedAt = Date.now();
    if (this.#json) {
      this.#emit({
        event: 'state',
        ...this.#fields(transfer),
        state: transfer.state,
        previous,
        reason: transfer.reason ?? null,
        retryAt: transfer.retryAt ?? null,
        offset: transfer.offset,
      });
      return;
    }
    if (this.#tty) return this.#draw();
    // Plain lines: the states a person cares about (requesting → queued is the usual hand-shake).
    if (transfer.state === 'requesting' || transfer.state === 'completed' || transfer.state === 'cancelled') return;
    if (transfer.state === 'failed' && transfer.retryAt === undefined) return;
    this.#line(this.#stateText(transfer));
  }

  progress(transfer: Transfer): void {
    this.#last = transfer;
    if (this.#json) {
      this.#emit({
        event: 'progress',
        ...this.#fields(transfer),
        percent: percentOf(transfer) ?? null,
        speed: Math.round(transfer.speed),
        eta: transfer.eta === undefined ? null : Math.round(transfer.eta),
      });
      return;
    }
    if (this.#tty) return this.#draw();
    const now = Date.now();
    if (now - this.#plainAt < 5000 || transfer.bytes === transfer.size) return;
    this.#plainAt = now;
    this.#line(this.#progressText(transfer));
  }

  place(transfer: Transfer): void {
    this.#last = transfer;
    if (this.#json) this.#emit({ event: 'place', ...this.#fields(transfer), place: transfer.place ?? null });
    else if (this.#tty) this.#draw();
    else this.#line(this.#stateText(transfer));
  }

  async done(transfer: Transfer): Promise<void> {
    if (this.#json) {
      this.#emit({
        event: 'done',
        ...this.#fields(transfer),
        state: transfer.state,
        reason: transfer.reason ?? null,
        path: transfer.localPath ?? null,
        speed: Math.round(transfer.speed),
      });
    } else if (transfer.state === 'completed') {
      const took = this.#transferStartedAt > 0 ? ` in ${elapsed((Date.now() - this.#transferStartedAt) / 1000)}` : '';
      const moved = transfer.bytes - transfer.offset;
      const resumed = transfer.offset > 0n ? ` (resumed at ${humanSize(transfer.offset)})` : '';
      const speed = transfer.speed > 0 && moved > 0n ? `, ${humanSpeed(transfer.speed)}` : '';
      this.#io.stderr.write(`downloaded ${humanSize(moved)}${took}${speed}${resumed}\n`);
      this.#writing = this.#writing.then(() => writeOut(this.#io.stdout, `${transfer.localPath ?? ''}\n`));
    }
    await this.flush();
  }

  async stopped(why: 'timeout' | 'interrupted', transfer: Transfer | undefined): Promise<void> {
    if (!this.#json) return;
    this.#emit({
      event: 'stopped',
      user: this.#request.username,
      filename: this.#request.filename,
      why,
      state: transfer?.state ?? null,
      bytes: transfer?.bytes ?? 0n,
      size: transfer?.size ?? null,
    });
    await this.flush();
  }

  stop(): void {
    clearInterval(this.#redraw);
    this.#redraw = undefined;
    if (this.#tty && this.#drawn) {
      this.#io.stderr.write('\r\x1b[K');
      this.#drawn = false;
    }
  }

  flush(): Promise<void> {
    return this.#writing;
  }

  #fields(transfer: Transfer) {
    return { user: transfer.username, filename: transfer.filename, bytes: transfer.bytes, size: transfer.size ?? null };
  }

  #emit(event: Record<string, unknown>): void {
    const line = formatJson(event, false) + '\n';
    this.#writing = this.#writing.then(() => writeOut(this.#io.stdout, line));
  }

  #line(text: string): void {
    this.#io.stderr.write(`${text}\n`);
  }

  #stateText(transfer: Transfer): string {
    switch (transfer.state) {
      case 'queued':
        if (transfer.reason === 'Not connected') return 'waiting for the connection to the server';
        return transfer.place === undefined ? `queued with ${transfer.username}` : `queued with ${transfer.username}: place ${transfer.place}`;
      case 'requesting':
        return `asking ${transfer.username}`;
      case 'connecting':
        return `${transfer.username} is sending it: connecting`;
      case 'transferring': {
        const size = transfer.size === undefined ? '' : ` (${humanSize(transfer.size)})`;
        const from = transfer.offset > 0n ? `, resuming at ${humanSize(transfer.offset)}` : '';
        return `receiving${size}${from}`;
      }
      case 'failed': {
        const retry = transfer.retryAt === undefined ? '' : `; trying again in ${Math.max(0, Math.ceil((transfer.retryAt - Date.now()) / 1000))} s`;
        return `failed: ${transfer.reason ?? 'unknown reason'}${retry}`;
      }
      default:
        return transfer.state;
    }
  }

  #progressText(transfer: Transfer): string {
    const percent = percentOf(transfer);
    const parts = [
      percent === undefined ? '' : `${percent.toFixed(0).padStart(3)}%`,
      transfer.size === undefined ? humanSize(transfer.bytes) : `${humanSize(transfer.bytes)} of ${humanSize(transfer.size)}`,
      transfer.speed > 0 ? humanSpeed(transfer.speed) : '',
      transfer.eta === undefined ? '' : `ETA ${humanDuration(transfer.eta)}`,
    ];
    return parts.filter((part) => part !== '').join('  ');
  }

  /** One line: the file name, then a bar with %, bytes, speed and ETA, or what it waits for. */
  #draw(): void {
    const transfer = this.#last;
    if (transfer === undefined) return;
    const columns = terminalColumns(this.#io.stderr);
    let status: string;
    if (transfer.state === 'transferring') {
      const percent = percentOf(transfer) ?? 0;
      const width = 20;
      const filled = Math.min(width, Math.floor((percent / 100) * width));
      const bar = `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}]`;
      status = `${bar} ${this.#progressText(transfer)}`;
    } else {
      status = this.#stateText(transfer);
    }
    const name = transfer.filename.slice(transfer.filename.lastIndexOf('\\') + 1);
    const room = columns - status.length - 2;
    const shown = room <= 3 ? '' : name.length <= room ? name : `${name.slice(0, room - 1)}…`;
    this.#io.stderr.write(`\r\x1b[K${shown === '' ? '' : `${shown}  `}${status}`.slice(0, columns + 4));
    this.#drawn = true;
  }
}

/** A time taken: "0.3 s", "42.0 s", then "1:05", "1:02:03". */
export function elapsed(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : humanDuration(seconds);
}

/** The usable width of a terminal stream (one less than its columns, so the cursor never wraps); 80 when unknown. */
export function terminalColumns(stream: CliOutput): number {
  const columns = (stream as CliOutput & { columns?: number }).columns;
  return Math.max(20, (columns !== undefined && columns > 0 ? columns : 80) - 1);
}

/** The command's own failure for a user who cannot send us anything. */
export function userOffline(username: string): CommandFailure {
  return new CommandFailure(`${username} is offline: only the user's own client can send the file; try again when they are online`);
}
