// The transfer manager: downloads and uploads over a Client (docs/flows.md §6), the transfer list kept
// in SQLite. This file is the public API and the lifecycle; the work is in downloads.ts,
// uploads.ts (with upload-queue.ts), one try at a time (attempt.ts) through the state machine of
// states.ts, sharing core.ts. Only live transfers are kept in memory; finished ones are read back
// from the store when asked for.

import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import type { EstablishedSocket } from '../client/peers.ts';
import { InFlight } from '../net/in-flight.ts';
import type { PeerMessage } from '../protocol/index.ts';
import { TransferCore } from './core.ts';
import { Downloads, LEGACY_REQUEST } from './downloads.ts';
import { entryFromRow, isFinished, snapshotOf, snapshotOfRow, type Entry } from './entry.ts';
import { ACTIVE_STATES } from './states.ts';
import { TransferStore } from './store.ts';
import type { DownloadOptions, SpeedLimits, Transfer, TransferDirection, TransferEvents, TransferManagerOptions } from './types.ts';
import { UPLOAD_OFFER, Uploads } from './uploads.ts';

/** What an ignored user may ask of us that we leave unanswered (an offer of a file we asked for still counts). */
const IGNORABLE_REQUESTS: ReadonlySet<PeerMessage['name']> = new Set(['PeerTransferQueue', 'PeerTransferRequest', 'PeerPlaceInQueueRequest']);
/** The longest a timer can wait: whenDone() without a deadline. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

export class TransferManager extends EventEmitter<TransferEvents> {
  private readonly core: TransferCore;
  private readonly downloads: Downloads;
  private readonly uploads: Uploads;
  /** whenDone() waits, by transfer id: every caller waiting on one transfer shares one wait. */
  private readonly endings = new InFlight<string, Transfer>({ timeoutMs: NO_DEADLINE_MS, describe: (id) => `transfer ${String(id)}` });
  private placeTimer: NodeJS.Timeout | undefined;

  private readonly onPeerMessage = (event: { username: string; message: PeerMessage }): void =>
    this.core.guarded(() => this.peerMessage(event.username, event.message))();
  private readonly onLoggedIn = (): void =>
    this.core.guarded(() => {
      this.downloads.resumeAfterLogin();
      this.uploads.pump();
    })();
  private readonly onFileConnection = (connection: EstablishedSocket): void => {
    this.core.track(this.downloads.incoming(connection));
  };

  constructor(options: TransferManagerOptions) {
    super();
    this.core = new TransferCore(options, this);
    this.downloads = new Downloads(this.core);
    this.uploads = new Uploads(this.core);
    this.uploads.slots = Math.max(0, options.uploadSlots ?? 2);
    this.core.onStateChanged = (e, previous) => {
      if (e.direction === 'upload') this.uploads.queue.stateChanged(e, previous);
    };
    this.core.onRetired = (e) => {
      if (e.direction === 'upload') this.uploads.queue.remove(e);
      else this.downloads.forget(e);
    };
  }

  get downloadDir(): string {
    return this.core.downloadDir;
  }

  get incompleteDir(): string {
    return this.core.incompleteDir;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Opens the database, takes the Client's peer messages and F connections, resumes unfinished
   * downloads (asking the peers again; the partial files give the offsets) and keeps queued uploads.
   * Await it before download().
   */
  async start(): Promise<void> {
    const core = this.core;
    if (core.started) return;
    await mkdir(core.downloadDir, { recursive: true });
    await mkdir(core.incompleteDir, { recursive: true });
    core.store = new TransferStore(core.databasePath);
    core.closing = false;
    core.started = true;
    for (const row of core.store.unfinished()) this.load(entryFromRow(row, core.order()));
    this.core.client.on('peerMessage', this.onPeerMessage);
    this.core.client.on('loggedIn', this.onLoggedIn);
    this.core.client.setFileConnectionHandler(this.onFileConnection);
    if (core.placeIntervalMs > 0) {
      this.placeTimer = setInterval(core.guarded(() => this.downloads.pollPlaces()), core.placeIntervalMs);
      this.placeTimer.unref();
    }
    for (const e of core.live.values()) if (e.direction === 'download') this.downloads.request(e);
    this.uploads.pump();
  }

  private load(e: Entry): void {
    // Whatever was on its way when we stopped (or were killed) starts over from the queue.
    if (ACTIVE_STATES.has(e.state)) e.state = 'queued';
    if (e.direction === 'download' && e.incompletePath !== undefined) {
      try {
        e.bytes = e.offset = statSync(e.incompletePath).size;
      } catch {
        e.bytes = e.offset = 0;
      }
    }
    if (e.direction === 'upload') e.retryAt = undefined;
    this.core.live.set(e.id, e);
    if (e.direction === 'upload') this.uploads.add(e);
    else this.downloads.add(e);
  }

  /** Stops every transfer (unfinished ones are kept, to resume on the next start) and closes the database. */
  async close(): Promise<void> {
    const core = this.core;
    if (!core.started || core.closing) return;
    core.closing = true;
    core.client.off('peerMessage', this.onPeerMessage);
    core.client.off('loggedIn', this.onLoggedIn);
    core.client.setFileConnectionHandler(undefined);
    clearInterval(this.placeTimer);
    for (const e of core.live.values()) core.endAttempt(e);
    this.downloads.close();
    this.endings.close('the transfer manager closed; unfinished transfers resume at the next start()');
    await this.uploads.close();
    await core.drain();
    // Whatever was on its way resumes next time, without events now.
    for (const e of core.live.values()) {
      if (ACTIVE_STATES.has(e.state)) {
        e.state = 'queued';
        e.reason = undefined;
        core.save(e);
      }
    }
    core.store?.close();
    core.store = undefined;
    core.live.clear();
    core.tickets.clear();
    core.downloadTickets.clear();
    this.uploads.queue.clear();
    this.downloads.clear();
    core.started = false;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- queries and settings --------------------------------------------------------------------

  get(id: string): Transfer | undefined {
    const e = this.core.live.get(id);
    if (e !== undefined) return snapshotOf(e);
    const row = this.core.store?.get(id);
    return row === undefined ? undefined : snapshotOfRow(row);
  }

  /**
   * The transfers, oldest first: every one by default, finished ones read from the store;
   * `finished: false` lists only the live ones (queued or on their way) without reading the store,
   * `finished: true` only the history.
   */
  list(filter: { direction?: TransferDirection; finished?: boolean } = {}): Transfer[] {
    const wanted = (t: { direction: TransferDirection }): boolean => filter.direction === undefined || t.direction === filter.direction;
    if (filter.finished === false) return [...this.core.live.values()].filter(wanted).sort((a, b) => a.createdAt - b.createdAt || a.order - b.order).map(snapshotOf);
    const rows = this.core.store?.all() ?? [];
    return rows
      .filter((row) => wanted(row) && (filter.finished === undefined || !this.core.live.has(row.id)))
      .map((row) => {
        const e = this.core.live.get(row.id);
        return e === undefined ? snapshotOfRow(row) : snapshotOf(e);
      });
  }

  /** Uploads waiting in our queue, in the order they will be served. */
  uploadQueue(): Transfer[] {
    return this.uploads.order().map(snapshotOf);
  }

  setSpeedLimits(limits: SpeedLimits): void {
    if (limits.uploadBytesPerSecond !== undefined) this.core.uploadLimiter.setRate(limits.uploadBytesPerSecond);
    if (limits.downloadBytesPerSecond !== undefined) this.core.downloadLimiter.setRate(limits.downloadBytesPerSecond);
  }

  setUploadSlots(slots: number): void {
    this.uploads.slots = Math.max(0, slots);
    this.uploads.pump();
  }

  /**
   * What the queue requests have cost so far, for tests and benchmarks: live entries looked at and
   * rows read from the store. A queue request looks only at the requesting user's live uploads.
   */
  costs(): { liveEntriesScanned: number; rowsRead: number } {
    return { liveEntriesScanned: this.uploads.queue.scanned, rowsRead: this.core.store?.rowsRead ?? 0 };
  }

  // ---- downloads -------------------------------------------------------------------------------

  /**
   * Asks `username` for `virtualPath` (a live download of the same file is returned instead). The
   * transfer is updated through the events; whenDone(transfer.id) settles when it ends.
   */
  download(username: string, virtualPath: string, options: DownloadOptions = {}): Transfer {
    if (!this.core.started || this.core.closing) throw new Error('the transfer manager is not started: await transfers.start() first');
    return snapshotOf(this.downloads.download(username, virtualPath, options));
  }

  /**
   * Settles when the transfer reaches a final state (completed, cancelled, failed with no retry),
   * at once if it already has. Callers waiting on one transfer share one wait; `signal` detaches
   * this caller only. Rejects when the manager closes first, or for an unknown id.
   */
  whenDone(id: string, options: { signal?: AbortSignal } = {}): Promise<Transfer> {
    const now = this.get(id);
    if (now === undefined) return Promise.reject(new Error(`no transfer ${id}: list() shows the transfers there are`));
    if (isFinished(now)) return Promise.resolve(now);
    const wait = (signal: AbortSignal): Promise<Transfer> =>
      new Promise<Transfer>((resolve) => {
        const listener = (transfer: Transfer): void => {
          if (transfer.id !== id) return;
          this.off('transferDone', listener);
          resolve(transfer);
        };
        this.on('transferDone', listener);
        signal.addEventListener('abort', () => this.off('transferDone', listener), { once: true });
      });
    return this.endings.run(id, wait, { signal: options.signal });
  }

  /** Asks the uploader for our place in its queue; resolves with it (or rejects after timeoutMs, default 30 s). */
  placeInQueue(id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    const e = this.core.live.get(id);
    if (e === undefined || e.direction !== 'download') return Promise.reject(new Error(`no download ${id} waiting in a queue`));
    return this.downloads.placeInQueue(e, options);
  }

  // ---- peer messages ---------------------------------------------------------------------------

  private peerMessage(username: string, message: PeerMessage): void {
    if (this.core.closing) return;
    // Silence, unlike a ban's refusal: an ignored user is not told they are ignored.
    if (IGNORABLE_REQUESTS.has(message.name) && !(message.name === 'PeerTransferRequest' && message.direction === UPLOAD_OFFER) && this.core.isIgnored(username)) return;
    switch (message.name) {
      case 'PeerTransferQueue':
        this.uploads.queueRequest(username, message.filename, undefined);
        break;
      case 'PeerTransferRequest':
        if (message.direction === UPLOAD_OFFER) this.downloads.offered(username, message.ticket, message.filename, message.filesize);
        else if (message.direction === LEGACY_REQUEST) this.uploads.queueRequest(username, message.filename, message.ticket);
        break;
      case 'PeerTransferReply':
        if (!this.uploads.replied(username, message)) this.downloads.legacyReplied(username, message);
        break;
      case 'PeerPlaceInQueueRequest':
        this.uploads.placeRequested(username, message.filename);
        break;
      case 'PeerPlaceInQueueReply':
        this.downloads.placeReplied(username, message.filename, message.place);
        break;
      case 'PeerTransferQueueFailed':
        this.downloads.refused(username, message.filename, message.reason);
        break;
      case 'PeerUploadFailed':
        this.downloads.uploadFailed(username, message.filename);
        break;
      default:
    }
  }

  // ---- cancel, retry, remove -------------------------------------------------------------------

  /** Stops a transfer for good. An upload's downloader is told `Cancelled`. */
  cancel(id: string): Transfer | undefined {
    const e = this.core.live.get(id);
    if (e === undefined || this.core.closing) return this.get(id);
    if (e.direction === 'download') this.downloads.cancel(e);
    else this.uploads.cancel(e);
    return snapshotOf(e);
  }

  /**
   * Asks again now: a download not completed is queued with the uploader again (failed and
   * cancelled ones included, attempts reset); a failed or cancelled upload goes back in our queue.
   * The old attempt's late events (its connection closing, a reply to its ticket) are ignored.
   */
  retry(id: string): Transfer | undefined {
    const core = this.core;
    if (!core.started || core.closing) return this.get(id);
    let e = core.live.get(id);
    if (e === undefined) {
      const row = core.store?.get(id);
      if (row === undefined || row.state === 'completed') return row === undefined ? undefined : snapshotOfRow(row);
      const revived = entryFromRow(row, core.order());
      if (revived.direction === 'download') {
        if (this.downloads.revive(revived) === undefined) return snapshotOfRow(row);
      } else core.live.set(revived.id, revived);
      e = revived;
    }
    if (e.state === 'completed' || ACTIVE_STATES.has(e.state)) return snapshotOf(e);
    if (e.direction === 'download') this.downloads.retry(e);
    else this.uploads.retry(e);
    return snapshotOf(e);
  }

  /** Cancels if needed and forgets the transfer; an unfinished download's partial file is deleted. */
  async remove(id: string): Promise<void> {
    const live = this.core.live.get(id);
    if (live !== undefined) {
      this.cancel(id);
      await live.io;
    }
    const row = this.core.store?.get(id);
    this.core.store?.delete(id);
    // Views kept beside the manager (the daemon's transfer list) learn of it without a scan.
    if (row !== undefined) this.emit('transferRemoved', snapshotOfRow(row));
    const incomplete = row?.incompletePath;
    if (row?.direction === 'download' && row.state !== 'completed' && incomplete !== undefined) {
      await unlink(incomplete).catch(() => {});
    }
  }
}
