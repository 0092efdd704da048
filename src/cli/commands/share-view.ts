// What `slsk share` shows of itself (a status line on a terminal, a log, or JSON Lines), and the
// upload figures it shows and tells searchers.

import type { IncomingSearch } from '../../client/index.ts';
import type { ScanProgress, ScanSummary } from '../../shares/index.ts';
import type { Transfer, TransferManager, TransferState } from '../../transfers/index.ts';
import { writeOut, type CliIo } from '../command.ts';
import type { ConnectionEvent } from '../client-session.ts';
import { clockTime, humanSize, humanSpeed, plural, quoted } from '../format.ts';
import { formatJson } from '../json.ts';
import { elapsed, terminalColumns } from '../transfer-run.ts';

export interface UploadCounts {
  active: number;
  queued: number;
  done: number;
  failed: number;
  /** Bytes/s of the uploads in progress together. */
  speed: number;
}

const ACTIVE: ReadonlySet<TransferState> = new Set(['requesting', 'connecting', 'transferring']);

/** Uploads finished this run, and the average speed we tell searchers. */
export class UploadStats {
  done = 0;
  failed = 0;
  #speeds: number[] = [];

  changed(transfer: Transfer): void {
    if (transfer.state === 'completed') {
      this.done++;
      if (transfer.speed > 0) this.#speeds = [...this.#speeds.slice(-19), transfer.speed];
    } else if (transfer.state === 'failed' || transfer.state === 'cancelled') {
      this.failed++;
    }
  }

  /** The mean of the last 20 finished uploads' speeds (0 before the first). */
  averageSpeed(): number {
    if (this.#speeds.length === 0) return 0;
    return Math.round(this.#speeds.reduce((sum, speed) => sum + speed, 0) / this.#speeds.length);
  }

  counts(manager: TransferManager): UploadCounts {
    let active = 0;
    let queued = 0;
    let speed = 0;
    for (const transfer of manager.list({ direction: 'upload', finished: false })) {
      if (ACTIVE.has(transfer.state)) {
        active++;
        if (transfer.state === 'transferring') speed += transfer.speed;
      } else if (transfer.state === 'queued') {
        queued++;
      }
    }
    return { active, queued, done: this.done, failed: this.failed, speed };
  }
}

/**
 * What `slsk share` shows: with --json, JSON Lines on stdout; on a terminal (stderr), one status
 * line redrawn in place with upload results printed above it on stdout; otherwise a timestamped log
 * on stdout.
 */
export class ShareView {
  readonly #io: CliIo;
  readonly #json: boolean;
  readonly #tty: boolean;
  readonly #username: string;
  readonly #slots: number;
  #writing: Promise<void> = Promise.resolve();
  #status = '';
  #plainScanAt = 0;
  #searches = 0;
  #browses = 0;
  #files = 0;
  #online = false;

  constructor(io: CliIo, json: boolean, username: string, slots: number) {
    this.#io = io;
    this.#json = json;
    this.#tty = !json && io.stderr.isTTY === true;
    this.#username = username;
    this.#slots = slots;
  }

  scanning(folders: number): void {
    if (this.#json) return;
    if (this.#tty) this.#setStatus(`scanning ${plural(folders, 'folder')}…`);
    else this.#log(`scanning ${plural(folders, 'folder')}…`);
  }

  scanProgress(progress: ScanProgress): void {
    if (this.#json) {
      this.#emit({ event: 'scanProgress', files: progress.scannedFiles, folder: progress.currentFolder });
      return;
    }
    const text = `scanning: ${plural(progress.scannedFiles, 'file')}, in ${progress.currentFolder}`;
    if (this.#tty) return this.#setStatus(text);
    const now = Date.now();
    if (now - this.#plainScanAt < 5000) return;
    this.#plainScanAt = now;
    this.#log(text);
  }

  scanned(summary: ScanSummary): void {
    if (this.#json) {
      const { files, folders, added, changed, removed, skipped, warnings, durationMs } = summary;
      this.#emit({ event: 'scanDone', files, folders, added, changed, removed, skipped, warnings, durationMs: Math.round(durationMs) });
      return;
    }
    this.clear();
    const changes = `${summary.added} new, ${summary.changed} changed, ${summary.removed} removed${summary.skipped > 0 ? `, ${summary.skipped} left out` : ''}`;
    this.#log(`scanned ${plural(summary.files, 'file')} in ${plural(summary.folders, 'folder')} (${changes}) in ${elapsed(summary.durationMs / 1000)}`);
  }

  online(server: string, counts: { files: number; folders: number }, uploads: UploadCounts): void {
    this.#online = true;
    this.#files = counts.files;
    if (this.#json) {
      this.#emit({ event: 'online', username: this.#username, server, files: counts.files, folders: counts.folders, slots: this.#slots });
      return;
    }
    this.#log(`online as ${this.#username} on ${server}, sharing ${plural(counts.files, 'file')} in ${plural(counts.folders, 'folder')}; Ctrl-C to stop`);
    this.#refresh(uploads);
  }

  /** The server connection lost (a reconnect follows after `retryInMs`), or back. */
  connection(event: ConnectionEvent, server: string): void {
    if (this.#json) {
      this.#emit(event.kind === 'lost' ? { event: 'disconnected', server, retryInMs: event.retryInMs } : { event: 'reconnected', server });
      return;
    }
    this.#log(
      event.kind === 'lost'
        ? `lost the connection to the server ${server}; logging in again in ${(event.retryInMs / 1000).toFixed(1)} s`
        : `back online on ${server}: shares announced again`,
    );
  }

  search(search: IncomingSearch, files: number, uploads: UploadCounts): void {
    this.#searches++;
    if (this.#json) this.#emit({ event: 'search', user: search.username, query: search.query, files });
    else if (this.#tty) this.#refresh(uploads);
    else this.#log(`search from ${search.username}: ${JSON.stringify(search.query)}, answered with ${plural(files, 'file')}`);
  }

  browse(user: string, uploads: UploadCounts): void {
    this.#browses++;
    if (this.#json) this.#emit({ event: 'browse', user });
    else if (this.#tty) this.#refresh(uploads);
    else this.#log(`${user} browses the shares`);
  }

  upload(transfer: Transfer, previous: TransferState | undefined, uploads: UploadCounts): void {
    if (this.#json) {
      this.#emit({
        event: 'upload',
        state: transfer.state,
        previous: previous ?? null,
        user: transfer.username,
        filename: transfer.filename,
        size: transfer.size ?? null,
        bytes: transfer.bytes,
        speed: Math.round(transfer.speed),
        reason: transfer.reason ?? null,
      });
      return;
    }
    const what = `${quoted(transfer.filename)} to ${transfer.username}`;
    let line: string | undefined;
    switch (transfer.state) {
      case 'queued':
        // Back in the queue after a failed attempt, or newly queued.
        line = transfer.reason === undefined ? `upload queued: ${what}` : `upload of ${what} waits to be tried again: ${transfer.reason}`;
        break;
      case 'transferring':
        line = `uploading ${what}${transfer.offset > 0n ? ` from ${humanSize(transfer.offset)}` : ''}`;
        break;
      case 'completed':
        line = `uploaded ${what}: ${humanSize(transfer.size ?? transfer.bytes)}${transfer.speed > 0 ? ` at ${humanSpeed(transfer.speed)}` : ''}`;
        break;
      case 'failed':
      case 'cancelled':
        line = `upload of ${what} failed: ${transfer.reason ?? transfer.state}`;
        break;
      default:
    }
    // On a terminal only results get a line; the status line counts the rest.
    const result = transfer.state === 'completed' || transfer.state === 'failed' || transfer.state === 'cancelled';
    if (line !== undefined && (!this.#tty || result)) this.#log(line);
    this.#refresh(uploads);
  }

  uploadProgress(transfer: Transfer, uploads: UploadCounts): void {
    if (this.#json) {
      this.#emit({ event: 'uploadProgress', user: transfer.username, filename: transfer.filename, size: transfer.size ?? null, bytes: transfer.bytes, speed: Math.round(transfer.speed) });
    } else {
      this.#refresh(uploads);
    }
  }

  warning(error: Error): void {
    if (this.#json) this.#emit({ event: 'warning', message: error.message });
    else this.#above(() => this.#io.stderr.write(`warning: ${error.message}\n`));
  }

  async stopped(stats: UploadStats): Promise<void> {
    if (this.#json) {
      this.#emit({ event: 'stopped', searches: this.#searches, browses: this.#browses, uploads: { done: stats.done, failed: stats.failed } });
    } else {
      this.#log(
        `stopped: ${plural(this.#searches, 'search', 'searches')} answered, ${plural(this.#browses, 'browse')}, ${plural(stats.done, 'upload')} done${stats.failed > 0 ? `, ${stats.failed} failed` : ''}`,
      );
    }
    await this.#writing;
  }

  /** Takes the status line off the terminal (before exiting). */
  clear(): void {
    if (this.#tty && this.#status !== '') this.#io.stderr.write('\r\x1b[K');
    this.#status = '';
  }

  #refresh(uploads: UploadCounts): void {
    if (!this.#tty || !this.#online) return;
    const speed = uploads.speed > 0 ? ` at ${humanSpeed(uploads.speed)}` : '';
    this.#setStatus(
      `online · ${plural(this.#files, 'file')} shared · ${plural(this.#searches, 'search', 'searches')} answered · ${plural(this.#browses, 'browse')} · ` +
        `uploads: ${uploads.active} active${speed}, ${uploads.queued} queued, ${uploads.done} done${uploads.failed > 0 ? `, ${uploads.failed} failed` : ''}`,
    );
  }

  #setStatus(text: string): void {
    const columns = terminalColumns(this.#io.stderr);
    this.#status = text.length > columns ? `${text.slice(0, columns - 1)}…` : text;
    this.#io.stderr.write(`\r\x1b[K${this.#status}`);
  }

  /** Writes above the status line: clears it, writes, draws it again. */
  #above(write: () => void): void {
    if (this.#tty && this.#status !== '') this.#io.stderr.write('\r\x1b[K');
    write();
    if (this.#tty && this.#status !== '') this.#io.stderr.write(this.#status);
  }

  #log(text: string): void {
    const line = `[${clockTime(new Date())}] ${text}\n`;
    if (this.#tty) {
      // stdout and stderr are the same terminal: keep the order by writing synchronously.
      this.#above(() => this.#io.stdout.write(line));
      return;
    }
    this.#writing = this.#writing.then(() => writeOut(this.#io.stdout, line));
  }

  #emit(event: Record<string, unknown>): void {
    const line = formatJson({ event: event['event'], time: Date.now(), ...event }, false) + '\n';
    this.#writing = this.#writing.then(() => writeOut(this.#io.stdout, line));
  }
}
