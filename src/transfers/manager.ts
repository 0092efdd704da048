// Transfers: downloads and uploads over a Client, with the upload queue (slots, privileged users
// first, round-robin between users, per-user limits), resume from partial files, retries with
// backoff, global speed limits, and the transfer list kept in SQLite. FLOWS.md §6 is the protocol.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, stat, truncate, unlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { EstablishedSocket } from '../client/peers.ts';
import {
  FILE_OFFSET_BYTES,
  FILE_TICKET_BYTES,
  TransferDirection as WireDirection,
  TransferRefusal,
  decodeFileOffset,
  decodeFileTransferInit,
  encodeFileOffset,
  encodeFileTransferInit,
  type PeerMessage,
  type PeerMessageOf,
} from '../protocol/index.ts';
import { TransferFailure, readExactly, receiveFile, sendFile } from './file-io.ts';
import { incompletePathFor, insideFolder, localFileName, moveWithoutOverwrite } from './paths.ts';
import { serveOrder } from './queue.ts';
import { TokenBucket } from './rate-limit.ts';
import { TransferStore, type TransferRow } from './store.ts';
import {
  defaultRetry,
  defaultTransferTimeouts,
  type DownloadOptions,
  type ResolveUpload,
  type RetryOptions,
  type SpeedLimits,
  type Transfer,
  type TransferClient,
  type TransferDirection,
  type TransferEvents,
  type TransferLimits,
  type TransferManagerOptions,
  type TransferState,
  type TransferTimeouts,
  type UploadSource,
} from './types.ts';

/** PeerTransferRequest directions: 0 a downloader asks (legacy), 1 an uploader offers the file. */
const LEGACY_REQUEST = WireDirection.upload;
const UPLOAD_OFFER = WireDirection.download;
/** What an ignored user may ask of us that we leave unanswered (an offer of a file we asked for still counts). */
const IGNORABLE_REQUESTS: ReadonlySet<PeerMessage['name']> = new Set(['PeerTransferQueue', 'PeerTransferRequest', 'PeerPlaceInQueueRequest']);

const ACTIVE_STATES: ReadonlySet<TransferState> = new Set(['requesting', 'connecting', 'transferring']);
const MiB = 1024 * 1024;
/** Sizes travel as uint64; we keep them as safe integers. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** Refusals that mean "still queued, ask again later" (N+ also sends "User limit of …"). */
const stillQueued = (reason: string): boolean =>
  reason === TransferRefusal.tooManyFiles || reason === TransferRefusal.tooManyMegabytes || reason.startsWith('User limit of');
/** Refusals worth another attempt (counted against maxAttempts). */
const transient = (reason: string): boolean => reason === TransferRefusal.pendingShutdown || reason === TransferRefusal.fileReadError;

interface Entry {
  id: string;
  direction: TransferDirection;
  username: string;
  filename: string;
  size: number | undefined;
  bytes: number;
  offset: number;
  speed: number;
  state: TransferState;
  reason: string | undefined;
  place: number | undefined;
  attempts: number;
  retryAt: number | undefined;
  localPath: string | undefined;
  destination: string | undefined;
  incompletePath: string | undefined;
  legacy: boolean;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | undefined;
  // ---- runtime only
  /** Queue order (uploads). */
  order: number;
  ticket: number | undefined;
  socket: Socket | undefined;
  abort: AbortController | undefined;
  /** The retry, or the wait for the uploader's F connection. */
  timer: NodeJS.Timeout | undefined;
  /** Upload: not started again before this time. */
  notBefore: number;
  /** Backoff step for "still queued" refusals (not limited by maxAttempts). */
  queuedRetries: number;
  /** Download: wait for login before asking the peer. */
  waitingLogin: boolean;
  progressAt: number;
  progressBytes: number;
  startedAt: number;
  startBytes: number;
  /** Download: the current F connection's work; the next one waits for it (the partial file must be complete). */
  io: Promise<void>;
}

const finished = (e: Entry): boolean => e.state === 'completed' || e.state === 'cancelled' || (e.state === 'failed' && e.retryAt === undefined);

function reasonOf(error: unknown): string {
  if (error instanceof TransferFailure) return error.reason;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'PEER_UNREACHABLE') return message.includes('offline') ? 'User offline' : 'Cannot connect';
  if (code === 'NOT_CONNECTED') return 'Not connected';
  if (code === 'TIMEOUT') return 'Timed out';
  if (code === 'PEER_CLOSED') return 'Connection closed';
  return message;
}

export class TransferManager extends EventEmitter<TransferEvents> {
  private readonly client: TransferClient;
  private readonly databasePath: string;
  readonly downloadDir: string;
  readonly incompleteDir: string;
  private readonly resolveUpload: ResolveUpload;
  private uploadSlots: number;
  private readonly limits: TransferLimits;
  private readonly isPrivileged: (username: string) => boolean;
  private readonly isBanned: (username: string) => boolean;
  private readonly isIgnored: (username: string) => boolean;
  private readonly retryOptions: RetryOptions;
  private readonly timeouts: TransferTimeouts;
  private readonly placeIntervalMs: number;
  private readonly progressIntervalMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly uploadLimiter: TokenBucket;
  private readonly downloadLimiter: TokenBucket;

  private store: TransferStore | undefined;
  private readonly entries = new Map<string, Entry>();
  /** Upload offers waiting for the downloader's PeerTransferReply, by ticket. */
  private readonly pendingReplies = new Map<number, { username: string; resolve: (reply: PeerMessageOf<'PeerTransferReply'>) => void }>();
  /** Downloads by the ticket of their offer (or of our legacy request). */
  private readonly downloadTickets = new Map<number, Entry>();
  private readonly lastServed = new Map<string, number>();
  private servedCount = 0;
  private nextOrder = 0;
  private started = false;
  private closing = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private placeTimer: NodeJS.Timeout | undefined;
  /** Queue requests are handled one at a time, in the order they arrived. */
  private requests: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<unknown>>();
  /** Incoming F connections that have not said yet which transfer they are for; close() ends them. */
  private readonly unclaimedFileSockets = new Set<Socket>();

  private readonly onPeerMessage = (event: { username: string; message: PeerMessage }): void => this.peerMessage(event.username, event.message);
  private readonly onLoggedIn = (): void => this.resumeAfterLogin();
  private readonly onFileConnection = (connection: EstablishedSocket): void => {
    this.track(this.incomingFileConnection(connection));
  };

  constructor(options: TransferManagerOptions) {
    super();
    this.client = options.client;
    this.databasePath = options.database;
    this.downloadDir = resolve(options.downloadDir);
    this.incompleteDir = resolve(options.incompleteDir);
    this.resolveUpload = options.resolveUpload;
    this.uploadSlots = Math.max(0, options.uploadSlots ?? 2);
    this.limits = { ...options.limits };
    this.isPrivileged = options.isPrivileged ?? (() => false);
    this.isBanned = options.isBanned ?? (() => false);
    this.isIgnored = options.isIgnored ?? (() => false);
    this.retryOptions = { ...defaultRetry, ...options.retry };
    this.timeouts = { ...defaultTransferTimeouts, ...options.timeouts };
    this.placeIntervalMs = options.placeInQueueIntervalMs ?? 5 * 60_000;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.uploadLimiter = new TokenBucket(options.speedLimits?.uploadBytesPerSecond ?? 0, this.now);
    this.downloadLimiter = new TokenBucket(options.speedLimits?.downloadBytesPerSecond ?? 0, this.now);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Opens the database, takes the Client's peer messages and F connections, resumes unfinished
   * downloads (asking the peers again; the partial files give the offsets) and keeps queued uploads.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await mkdir(this.downloadDir, { recursive: true });
    await mkdir(this.incompleteDir, { recursive: true });
    this.store = new TransferStore(this.databasePath);
    this.closing = false;
    this.started = true;
    for (const row of this.store.all()) this.load(row);
    this.client.on('peerMessage', this.onPeerMessage);
    this.client.on('loggedIn', this.onLoggedIn);
    this.client.setFileConnectionHandler(this.onFileConnection);
    if (this.placeIntervalMs > 0) {
      this.placeTimer = setInterval(() => this.pollPlaces(), this.placeIntervalMs);
      this.placeTimer.unref();
    }
    for (const e of this.entries.values()) {
      if (e.direction === 'download' && !finished(e)) this.requestDownload(e);
    }
    this.pump();
  }

  /** Stops every transfer (unfinished ones are kept, to resume on the next start) and closes the database. */
  async close(): Promise<void> {
    if (!this.started || this.closing) return;
    this.closing = true;
    this.client.off('peerMessage', this.onPeerMessage);
    this.client.off('loggedIn', this.onLoggedIn);
    this.client.setFileConnectionHandler(undefined);
    clearInterval(this.placeTimer);
    clearTimeout(this.pumpTimer);
    for (const e of this.entries.values()) {
      this.clearTimer(e);
      e.abort?.abort();
      e.socket?.destroy();
    }
    for (const pending of this.pendingReplies.values()) pending.resolve({ name: 'PeerTransferReply', ticket: 0, allowed: false, reason: TransferRefusal.pendingShutdown });
    // A peer may keep a spare file connection open without ever sending its ticket: closing does
    // not wait the handshake timeout out for it.
    for (const socket of this.unclaimedFileSockets) socket.destroy();
    await this.requests;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    // Whatever was on its way resumes next time, without events now.
    for (const e of this.entries.values()) {
      if (ACTIVE_STATES.has(e.state)) {
        e.state = 'queued';
        e.reason = undefined;
        this.save(e);
      }
    }
    this.store?.close();
    this.store = undefined;
    this.entries.clear();
    this.downloadTickets.clear();
    this.pendingReplies.clear();
    this.started = false;
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.catch((error: unknown) => this.warn(error));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private warn(error: unknown): void {
    if (this.listenerCount('warning') > 0) this.emit('warning', error instanceof Error ? error : new Error(String(error)));
  }

  // ---- queries and settings --------------------------------------------------------------------

  get(id: string): Transfer | undefined {
    const e = this.entries.get(id);
    return e === undefined ? undefined : this.snapshot(e);
  }

  list(filter: { direction?: TransferDirection } = {}): Transfer[] {
    return [...this.entries.values()].filter((e) => filter.direction === undefined || e.direction === filter.direction).map((e) => this.snapshot(e));
  }

  setSpeedLimits(limits: SpeedLimits): void {
    if (limits.uploadBytesPerSecond !== undefined) this.uploadLimiter.setRate(limits.uploadBytesPerSecond);
    if (limits.downloadBytesPerSecond !== undefined) this.downloadLimiter.setRate(limits.downloadBytesPerSecond);
  }

  setUploadSlots(slots: number): void {
    this.uploadSlots = Math.max(0, slots);
    this.pump();
  }

  /** Uploads waiting in our queue, in the order they will be served. */
  uploadQueue(): Transfer[] {
    return this.queueOrder().map((e) => this.snapshot(e));
  }

  private snapshot(e: Entry): Transfer {
    const remaining = e.size === undefined ? undefined : e.size - e.bytes;
    return {
      id: e.id,
      direction: e.direction,
      username: e.username,
      filename: e.filename,
      size: e.size === undefined ? undefined : BigInt(e.size),
      bytes: BigInt(e.bytes),
      offset: BigInt(e.offset),
      speed: e.speed,
      eta: remaining === undefined || e.speed <= 0 ? undefined : remaining / e.speed,
      state: e.state,
      reason: e.reason,
      place: e.place,
      attempts: e.attempts,
      retryAt: e.retryAt,
      localPath: e.localPath,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      finishedAt: e.finishedAt,
    };
  }

  private newEntry(fields: Pick<Entry, 'direction' | 'username' | 'filename' | 'size' | 'state'> & Partial<Entry>): Entry {
    const now = this.now();
    return {
      id: randomUUID(),
      bytes: 0,
      offset: 0,
      speed: 0,
      reason: undefined,
      place: undefined,
      attempts: 0,
      retryAt: undefined,
      localPath: undefined,
      destination: undefined,
      incompletePath: undefined,
      legacy: false,
      createdAt: now,
      updatedAt: now,
      finishedAt: undefined,
      order: this.nextOrder++,
      ticket: undefined,
      socket: undefined,
      abort: undefined,
      timer: undefined,
      notBefore: 0,
      queuedRetries: 0,
      waitingLogin: false,
      progressAt: 0,
      progressBytes: 0,
      startedAt: 0,
      startBytes: 0,
      io: Promise.resolve(),
      ...fields,
    };
  }

  private load(row: TransferRow): void {
    const e = this.newEntry({
      direction: row.direction,
      username: row.username,
      filename: row.filename,
      size: row.size === undefined ? undefined : Number(row.size),
      state: row.state,
    });
    Object.assign(e, {
      id: row.id,
      bytes: Number(row.bytes),
      offset: Number(row.bytes),
      reason: row.reason,
      attempts: row.attempts,
      retryAt: row.retryAt,
      localPath: row.localPath,
      destination: row.destination,
      incompletePath: row.incompletePath,
      legacy: row.legacy,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      finishedAt: row.finishedAt,
    });
    if (e.direction === 'download' && !finished(e) && e.incompletePath !== undefined) {
      try {
        e.bytes = e.offset = statSync(e.incompletePath).size;
      } catch {
        e.bytes = e.offset = 0;
      }
    }
    // An upload that was on its way when we stopped goes back to the queue.
    if (e.direction === 'upload' && !finished(e)) {
      e.state = 'queued';
      e.retryAt = undefined;
    }
    this.entries.set(e.id, e);
  }

  private save(e: Entry): void {
    this.store?.save({
      id: e.id,
      direction: e.direction,
      username: e.username,
      filename: e.filename,
      size: e.size === undefined ? undefined : BigInt(e.size),
      bytes: BigInt(e.bytes),
      state: e.state,
      reason: e.reason,
      attempts: e.attempts,
      retryAt: e.retryAt,
      localPath: e.localPath,
      destination: e.destination,
      incompletePath: e.incompletePath,
      legacy: e.legacy,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      finishedAt: e.finishedAt,
    });
  }

  private setState(e: Entry, state: TransferState, reason: string | undefined): void {
    if (this.closing) return;
    const previous = e.state;
    e.state = state;
    e.reason = reason;
    e.updatedAt = this.now();
    if (state !== 'failed' && state !== 'queued') e.retryAt = undefined;
    if (state !== 'queued') e.place = undefined;
    const done = finished(e);
    if (done) e.finishedAt = e.updatedAt;
    this.save(e);
    this.emit('transferState', this.snapshot(e), previous);
    if (done) this.emit('transferDone', this.snapshot(e));
  }

  private clearTimer(e: Entry): void {
    clearTimeout(e.timer);
    e.timer = undefined;
  }

  private backoff(step: number): number {
    const { initialDelayMs, maxDelayMs } = this.retryOptions;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, Math.min(step, 30)));
    return Math.max(1, Math.round(base * (0.75 + this.random() * 0.5)));
  }

  private newTicket(): number {
    for (;;) {
      const ticket = 1 + Math.floor(this.random() * 0x7fff_fffe);
      if (!this.pendingReplies.has(ticket) && !this.downloadTickets.has(ticket)) return ticket;
    }
  }

  // ---- progress --------------------------------------------------------------------------------

  private beginBytes(e: Entry, offset: number): void {
    const now = this.now();
    e.bytes = e.offset = offset;
    e.speed = 0;
    e.startedAt = e.progressAt = now;
    e.startBytes = e.progressBytes = offset;
  }

  private progressed(e: Entry, bytes: number): void {
    e.bytes = bytes;
    const now = this.now();
    const elapsed = now - e.progressAt;
    if (elapsed < this.progressIntervalMs) return;
    const current = ((bytes - e.progressBytes) * 1000) / Math.max(1, elapsed);
    e.speed = e.speed === 0 ? current : e.speed * 0.5 + current * 0.5;
    e.progressAt = now;
    e.progressBytes = bytes;
    this.emit('transferProgress', this.snapshot(e));
  }

  /** The final progress event: speed becomes the average over the connection. */
  private lastProgress(e: Entry): number {
    const elapsed = Math.max(1, this.now() - e.startedAt);
    const moved = e.bytes - e.startBytes;
    e.speed = (moved * 1000) / elapsed;
    if (moved > 0) this.emit('transferProgress', this.snapshot(e));
    return e.speed;
  }

  // ---- peer messages ---------------------------------------------------------------------------

  private peerMessage(username: string, message: PeerMessage): void {
    if (this.closing) return;
    // Silence, unlike a ban's refusal: an ignored user is not told they are ignored.
    if (IGNORABLE_REQUESTS.has(message.name) && !(message.name === 'PeerTransferRequest' && message.direction === UPLOAD_OFFER) && this.isIgnored(username)) return;
    switch (message.name) {
      case 'PeerTransferQueue':
        this.queueRequest(username, message.filename, undefined);
        break;
      case 'PeerTransferRequest':
        if (message.direction === UPLOAD_OFFER) this.uploadOffered(username, message.ticket, message.filename, message.filesize);
        else if (message.direction === LEGACY_REQUEST) this.queueRequest(username, message.filename, message.ticket);
        break;
      case 'PeerTransferReply':
        this.transferReply(username, message);
        break;
      case 'PeerPlaceInQueueRequest':
        this.placeRequested(username, message.filename);
        break;
      case 'PeerPlaceInQueueReply':
        this.placeReplied(username, message.filename, message.place);
        break;
      case 'PeerTransferQueueFailed':
        this.downloadRefused(username, message.filename, message.reason);
        break;
      case 'PeerUploadFailed':
        this.uploadFailedRemotely(username, message.filename);
        break;
      default:
    }
  }

  private send(username: string, message: PeerMessage): void {
    this.client.sendToPeer(username, message).catch((error: unknown) => this.warn(error));
  }

  private findDownload(username: string, filename: string, accept: (e: Entry) => boolean = (e) => !finished(e)): Entry | undefined {
    for (const e of this.entries.values()) {
      if (e.direction === 'download' && e.username === username && e.filename === filename && accept(e)) return e;
    }
    return undefined;
  }

  /** The upload of this file to this user waiting in our queue, or offered and waiting for the reply. */
  private findQueuedUpload(username: string, filename: string): Entry | undefined {
    for (const e of this.entries.values()) {
      if (e.direction === 'upload' && e.username === username && e.filename === filename && (e.state === 'queued' || e.state === 'requesting')) return e;
    }
    return undefined;
  }

  // ---- downloads -------------------------------------------------------------------------------

  /** Asks `username` for `virtualPath`; the returned transfer is updated through the events. */
  download(username: string, virtualPath: string, options: DownloadOptions = {}): Transfer {
    if (!this.started || this.closing) throw new Error('the transfer manager is not started');
    const existing = this.findDownload(username, virtualPath);
    if (existing !== undefined) return this.snapshot(existing);
    const size = options.size === undefined ? undefined : Number(options.size);
    const e = this.newEntry({ direction: 'download', username, filename: virtualPath, size, state: 'queued' });
    e.legacy = options.legacy === true;
    e.destination = options.to === undefined ? undefined : isAbsolute(options.to) ? options.to : resolve(this.downloadDir, options.to);
    e.incompletePath = incompletePathFor(this.incompleteDir, username, virtualPath);
    try {
      e.bytes = e.offset = statSync(e.incompletePath).size;
    } catch {
      // no partial file yet
    }
    this.entries.set(e.id, e);
    this.save(e);
    this.emit('transferAdded', this.snapshot(e));
    this.requestDownload(e);
    return this.snapshot(e);
  }

  /** Sends PeerTransferQueue (or the legacy request) for a download. */
  private requestDownload(e: Entry): void {
    if (this.closing || finished(e)) return;
    this.clearTimer(e);
    e.retryAt = undefined;
    if (!this.client.loggedIn) {
      e.waitingLogin = true;
      if (e.state !== 'queued' || e.reason !== 'Not connected') this.setState(e, 'queued', 'Not connected');
      return;
    }
    e.waitingLogin = false;
    this.setState(e, 'requesting', undefined);
    let message: PeerMessage;
    if (e.legacy) {
      if (e.ticket !== undefined) this.downloadTickets.delete(e.ticket);
      e.ticket = this.newTicket();
      this.downloadTickets.set(e.ticket, e);
      message = { name: 'PeerTransferRequest', direction: LEGACY_REQUEST, ticket: e.ticket, filename: e.filename };
    } else {
      message = { name: 'PeerTransferQueue', filename: e.filename };
    }
    this.track(
      this.client.sendToPeer(e.username, message).then(
        () => {
          if (e.state === 'requesting' && !this.closing) this.setState(e, 'queued', undefined);
        },
        (error: unknown) => {
          if (e.state === 'requesting' && !this.closing) this.retryDownload(e, reasonOf(error));
        },
      ),
    );
  }

  private resumeAfterLogin(): void {
    for (const e of this.entries.values()) if (e.waitingLogin && !finished(e)) this.requestDownload(e);
    this.pump();
  }

  /**
   * A download failed in a way worth another try: failed now (with retryAt), asked again later.
   * "Still queued" refusals retry without limit; everything else up to maxAttempts.
   */
  private retryDownload(e: Entry, reason: string): void {
    if (this.closing || finished(e)) return;
    this.clearTimer(e);
    this.forgetTicket(e);
    let delay: number;
    if (stillQueued(reason)) {
      delay = this.backoff(e.queuedRetries++);
    } else {
      e.attempts++;
      if (e.attempts >= this.retryOptions.maxAttempts) {
        e.retryAt = undefined;
        this.setState(e, 'failed', reason);
        return;
      }
      delay = this.backoff(e.attempts - 1);
    }
    e.retryAt = this.now() + delay;
    this.setState(e, 'failed', reason);
    e.timer = setTimeout(() => this.requestDownload(e), delay);
    e.timer.unref();
  }

  private failDownload(e: Entry, reason: string): void {
    this.clearTimer(e);
    this.forgetTicket(e);
    e.retryAt = undefined;
    this.setState(e, 'failed', reason);
  }

  private forgetTicket(e: Entry): void {
    if (e.ticket !== undefined && this.downloadTickets.get(e.ticket) === e) this.downloadTickets.delete(e.ticket);
    e.ticket = undefined;
  }

  /** The uploader's PeerTransferQueueFailed. */
  private downloadRefused(username: string, filename: string, reason: string): void {
    const e = this.findDownload(username, filename);
    if (e === undefined || e.socket !== undefined) return;
    if (stillQueued(reason) || transient(reason)) this.retryDownload(e, reason);
    else this.failDownload(e, reason);
  }

  /** The uploader's PeerUploadFailed: its side of the F connection failed. */
  private uploadFailedRemotely(username: string, filename: string): void {
    const e = this.findDownload(username, filename);
    if (e === undefined || e.socket !== undefined || e.state === 'failed') return;
    this.retryDownload(e, 'Upload failed');
  }

  private placeReplied(username: string, filename: string, place: number): void {
    const e = this.findDownload(username, filename);
    if (e === undefined) return;
    e.place = place;
    this.emit('transferPlace', this.snapshot(e));
  }

  private pollPlaces(): void {
    for (const e of this.entries.values()) {
      if (e.direction === 'download' && e.state === 'queued' && !e.waitingLogin) {
        this.send(e.username, { name: 'PeerPlaceInQueueRequest', filename: e.filename });
      }
    }
  }

  /** Asks the uploader for our place in its queue; resolves with it (or rejects after timeoutMs). */
  placeInQueue(id: string, options: { timeoutMs?: number } = {}): Promise<number> {
    const e = this.entries.get(id);
    if (e === undefined || e.direction !== 'download') return Promise.reject(new Error(`no download ${id}`));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const listener = (transfer: Transfer): void => {
        if (transfer.id !== id || transfer.place === undefined) return;
        clearTimeout(timer);
        this.off('transferPlace', listener);
        resolve(transfer.place);
      };
      const timer = setTimeout(() => {
        this.off('transferPlace', listener);
        reject(new Error(`${e.username} did not tell our place for ${e.filename} within ${timeoutMs} ms`));
      }, timeoutMs);
      // A question nobody answers must not keep the process alive.
      timer.unref();
      this.on('transferPlace', listener);
      this.client.sendToPeer(e.username, { name: 'PeerPlaceInQueueRequest', filename: e.filename }).catch((error: unknown) => {
        clearTimeout(timer);
        this.off('transferPlace', listener);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** The finished file of this (user, path) is already here. */
  private alreadyComplete(username: string, filename: string, size: number | undefined): boolean {
    if (this.findDownload(username, filename, (e) => e.state === 'completed' && e.localPath !== undefined && existsSync(e.localPath)) !== undefined) {
      return true;
    }
    if (size === undefined) return false;
    try {
      return statSync(insideFolder(this.downloadDir, localFileName(filename))).size === size;
    } catch {
      return false;
    }
  }

  /** The uploader offers a file (PeerTransferRequest direction 1): allow it if we want it. */
  private uploadOffered(username: string, ticket: number, filename: string, filesize: bigint | undefined): void {
    const size = filesize === undefined ? undefined : Number(filesize);
    const reply = (allowed: boolean, reason?: string): void =>
      this.send(username, allowed ? { name: 'PeerTransferReply', ticket, allowed: true } : { name: 'PeerTransferReply', ticket, allowed: false, reason: reason ?? TransferRefusal.cancelled });
    // A download we still want, failed ones included (N+ does the same).
    const e = this.findDownload(username, filename) ?? this.findDownload(username, filename, (d) => d.state === 'failed');
    if (e === undefined) {
      reply(false, this.alreadyComplete(username, filename, size) ? TransferRefusal.complete : TransferRefusal.cancelled);
      return;
    }
    if (e.socket !== undefined || (size ?? e.size) === undefined || (size !== undefined && size > MAX_SIZE)) {
      reply(false, TransferRefusal.cancelled);
      return;
    }
    if (size !== undefined) e.size = size;
    this.clearTimer(e);
    this.forgetTicket(e);
    e.ticket = ticket;
    this.downloadTickets.set(ticket, e);
    this.setState(e, 'connecting', undefined);
    reply(true);
    e.timer = setTimeout(() => {
      if (e.state === 'connecting' && e.ticket === ticket && e.socket === undefined) this.retryDownload(e, 'Timed out');
    }, this.timeouts.fileConnectionMs);
    e.timer.unref();
  }

  /** A PeerTransferReply: to one of our upload offers, or to a legacy download request of ours. */
  private transferReply(username: string, message: PeerMessageOf<'PeerTransferReply'>): void {
    const pending = this.pendingReplies.get(message.ticket);
    if (pending !== undefined && pending.username === username) {
      this.pendingReplies.delete(message.ticket);
      pending.resolve(message);
      return;
    }
    const e = this.downloadTickets.get(message.ticket);
    if (e === undefined || !e.legacy || e.username !== username || (e.state !== 'requesting' && e.state !== 'queued')) return;
    if (message.allowed) {
      if (message.filesize !== undefined) e.size = Number(message.filesize);
      if (e.size === undefined) {
        this.failDownload(e, 'Unknown size');
        return;
      }
      this.setState(e, 'connecting', undefined);
      this.track(this.legacyConnect(e, message.ticket));
      return;
    }
    const reason = message.reason ?? TransferRefusal.cancelled;
    if (reason === TransferRefusal.queued) {
      // Queued: the uploader offers it later with its own ticket (matched by file name).
      this.forgetTicket(e);
      if (e.state !== 'queued') this.setState(e, 'queued', undefined);
    } else if (stillQueued(reason) || transient(reason)) this.retryDownload(e, reason);
    else this.failDownload(e, reason);
  }

  /** Legacy flow, allowed: we open the F connection, send the ticket, then the offset. */
  private async legacyConnect(e: Entry, ticket: number): Promise<void> {
    let connection: EstablishedSocket;
    try {
      connection = await this.client.openFileConnection(e.username);
    } catch (error) {
      if (e.state === 'connecting' && e.ticket === ticket) this.retryDownload(e, reasonOf(error));
      return;
    }
    if (e.state !== 'connecting' || e.ticket !== ticket || this.closing) {
      connection.socket.destroy();
      return;
    }
    connection.socket.write(encodeFileTransferInit(ticket));
    await this.receive(e, connection.socket, connection.rest);
  }

  /** An F connection from a peer: the uploader of one of our downloads, with the ticket of its offer. */
  private async incomingFileConnection(connection: EstablishedSocket): Promise<void> {
    const { socket } = connection;
    let head;
    this.unclaimedFileSockets.add(socket);
    try {
      head = await readExactly(socket, FILE_TICKET_BYTES, connection.rest, this.timeouts.handshakeMs, 'transfer ticket');
    } catch {
      socket.destroy();
      return;
    } finally {
      this.unclaimedFileSockets.delete(socket);
    }
    const { ticket } = decodeFileTransferInit(head.bytes);
    const e = this.downloadTickets.get(ticket);
    if (e === undefined || e.username !== connection.username || e.state !== 'connecting' || e.socket !== undefined || this.closing) {
      socket.destroy();
      return;
    }
    this.clearTimer(e);
    await this.receive(e, socket, head.rest);
  }

  /** Answers the offset and receives the rest of the file, then moves it into place. */
  private async receive(e: Entry, socket: Socket, initial: Uint8Array): Promise<void> {
    e.socket = socket;
    const abort = new AbortController();
    e.abort = abort;
    let release!: () => void;
    const previous = e.io;
    e.io = new Promise((resolve) => (release = resolve));
    try {
      await previous;
      const path = e.incompletePath ?? incompletePathFor(this.incompleteDir, e.username, e.filename);
      e.incompletePath = path;
      const size = e.size!;
      await mkdir(this.incompleteDir, { recursive: true });
      // Create the partial file if needed; what it holds is our offset.
      await (await open(path, 'a')).close();
      let offset = (await stat(path)).size;
      if (offset > size) {
        await truncate(path, 0);
        offset = 0;
      }
      if (abort.signal.aborted || socket.destroyed) throw new TransferFailure('Connection closed');
      socket.write(encodeFileOffset(BigInt(offset)));
      this.beginBytes(e, offset);
      this.setState(e, 'transferring', undefined);
      await receiveFile({
        socket,
        initial,
        path,
        offset,
        size,
        limiter: this.downloadLimiter,
        idleMs: this.timeouts.idleMs,
        signal: abort.signal,
        onBytes: (bytes) => this.progressed(e, bytes),
      });
      e.socket = undefined;
      this.forgetTicket(e);
      e.attempts = 0;
      this.lastProgress(e);
      const folder = e.destination ?? this.downloadDir;
      try {
        e.localPath = await moveWithoutOverwrite(path, folder, localFileName(e.filename));
      } catch (error) {
        this.warn(error);
        this.failDownload(e, 'File move error');
        return;
      }
      this.setState(e, 'completed', undefined);
    } catch (error) {
      socket.destroy();
      e.socket = undefined;
      if (this.closing || e.state === 'cancelled') return;
      if (e.bytes > e.offset) e.attempts = 0;
      this.lastProgress(e);
      this.retryDownload(e, reasonOf(error));
    } finally {
      if (e.abort === abort) e.abort = undefined;
      release();
    }
  }

  // ---- uploads ---------------------------------------------------------------------------------

  private queuedBytes(username: string): { files: number; bytes: number } {
    let files = 0;
    let bytes = 0;
    for (const e of this.entries.values()) {
      if (e.direction !== 'upload' || e.username !== username || finished(e)) continue;
      files++;
      bytes += e.size ?? 0;
    }
    return { files, bytes };
  }

  /** PeerTransferQueue, or a legacy PeerTransferRequest (direction 0) when `legacyTicket` is set. */
  private queueRequest(username: string, filename: string, legacyTicket: number | undefined): void {
    this.requests = this.requests.then(() => this.handleQueueRequest(username, filename, legacyTicket)).catch((error: unknown) => this.warn(error));
  }

  private async handleQueueRequest(username: string, filename: string, legacyTicket: number | undefined): Promise<void> {
    const answer = (reason: string): void => {
      if (legacyTicket !== undefined) this.send(username, { name: 'PeerTransferReply', ticket: legacyTicket, allowed: false, reason });
      else if (reason !== TransferRefusal.queued) this.send(username, { name: 'PeerTransferQueueFailed', filename, reason });
    };
    // The checks in N+'s order (FLOWS.md §6 step 2).
    if (this.isBanned(username)) return answer(TransferRefusal.banned);
    // Already queued: ignored (a legacy request still learns it is queued). One being sent right now
    // does not count: the downloader asks again because it wants the file again (or its end failed).
    if (this.findQueuedUpload(username, filename) !== undefined) {
      if (legacyTicket !== undefined) answer(TransferRefusal.queued);
      return;
    }
    if (this.closing) return answer(TransferRefusal.pendingShutdown);
    const { files, bytes } = this.queuedBytes(username);
    const { maxQueuedFilesPerUser, maxQueuedMegabytesPerUser } = this.limits;
    if (maxQueuedFilesPerUser !== undefined && files >= maxQueuedFilesPerUser) return answer(TransferRefusal.tooManyFiles);
    if (maxQueuedMegabytesPerUser !== undefined && bytes >= maxQueuedMegabytesPerUser * MiB) return answer(TransferRefusal.tooManyMegabytes);
    const source = await this.resolveSafely(filename, username);
    if (this.closing) return answer(TransferRefusal.pendingShutdown);
    if (source === undefined) return answer(TransferRefusal.fileNotShared);
    if (this.findQueuedUpload(username, filename) !== undefined) return legacyTicket !== undefined ? answer(TransferRefusal.queued) : undefined;
    const e = this.newEntry({ direction: 'upload', username, filename, size: Number(source.size), state: 'queued' });
    e.localPath = source.path;
    this.entries.set(e.id, e);
    this.save(e);
    this.emit('transferAdded', this.snapshot(e));
    // N+/aio never answer a legacy request allowed=true (anyone could spoof it): queued, then our own offer.
    answer(TransferRefusal.queued);
    this.pump();
  }

  private async resolveSafely(filename: string, username: string): Promise<UploadSource | undefined> {
    try {
      const source = await this.resolveUpload(filename, username);
      if (source === undefined || typeof source.path !== 'string') return undefined;
      const size = Number(source.size);
      if (!Number.isSafeInteger(size) || size < 0) return undefined;
      return source;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  /** Queued uploads in serving order. */
  private queueOrder(): Entry[] {
    const queued = [...this.entries.values()].filter((e) => e.direction === 'upload' && e.state === 'queued');
    return serveOrder(queued, this.isPrivileged, this.lastServed);
  }

  private placeRequested(username: string, filename: string): void {
    const e = this.findQueuedUpload(username, filename);
    if (e === undefined || e.state !== 'queued') return;
    const place = this.queueOrder().indexOf(e) + 1;
    if (place > 0) this.send(username, { name: 'PeerPlaceInQueueReply', filename, place });
  }

  private activeUploads(): number {
    let active = 0;
    for (const e of this.entries.values()) if (e.direction === 'upload' && ACTIVE_STATES.has(e.state)) active++;
    return active;
  }

  /** Starts queued uploads while slots are free. */
  private pump(): void {
    if (!this.started || this.closing) return;
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (!this.client.loggedIn) return;
    let free = this.uploadSlots - this.activeUploads();
    if (free <= 0) return;
    const now = this.now();
    let wakeAt = Infinity;
    for (const e of this.queueOrder()) {
      if (e.notBefore > now) {
        wakeAt = Math.min(wakeAt, e.notBefore);
        continue;
      }
      this.lastServed.set(e.username, ++this.servedCount);
      this.track(this.upload(e));
      if (--free <= 0) return;
    }
    if (wakeAt < Infinity) {
      this.pumpTimer = setTimeout(() => this.pump(), Math.max(1, wakeAt - now));
      this.pumpTimer.unref();
    }
  }

  /** Puts an upload back in the queue for later (peer offline, no reply…), or drops it after maxAttempts. */
  private requeueUpload(e: Entry, reason: string): void {
    if (this.closing || finished(e)) return;
    e.attempts++;
    if (e.attempts >= this.retryOptions.maxAttempts) {
      this.setState(e, 'failed', reason);
      return;
    }
    e.notBefore = e.retryAt = this.now() + this.backoff(e.attempts - 1);
    this.setState(e, 'queued', reason);
  }

  private waitForReply(username: string, ticket: number, signal: AbortSignal): Promise<PeerMessageOf<'PeerTransferReply'> | undefined> {
    return new Promise((resolve) => {
      const done = (reply: PeerMessageOf<'PeerTransferReply'> | undefined): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.pendingReplies.get(ticket)?.resolve === done) this.pendingReplies.delete(ticket);
        resolve(reply);
      };
      const onAbort = (): void => done(undefined);
      const timer = setTimeout(() => done(undefined), this.timeouts.replyMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pendingReplies.set(ticket, { username, resolve: done });
    });
  }

  /** One upload: offer, reply, F connection, ticket, offset, bytes. */
  private async upload(e: Entry): Promise<void> {
    const abort = new AbortController();
    e.abort = abort;
    const ticket = this.newTicket();
    e.ticket = ticket;
    this.setState(e, 'requesting', undefined);
    try {
      // Ask the shares again: the file may have been unshared since it was queued.
      const source = await this.resolveSafely(e.filename, e.username);
      if (abort.signal.aborted) return;
      if (source === undefined) {
        this.send(e.username, { name: 'PeerTransferQueueFailed', filename: e.filename, reason: TransferRefusal.fileNotShared });
        this.setState(e, 'failed', TransferRefusal.fileNotShared);
        return;
      }
      let size: number;
      try {
        size = (await stat(source.path)).size;
      } catch {
        this.send(e.username, { name: 'PeerTransferQueueFailed', filename: e.filename, reason: TransferRefusal.fileReadError });
        this.setState(e, 'failed', TransferRefusal.fileReadError);
        return;
      }
      e.localPath = source.path;
      e.size = size;
      const replied = this.waitForReply(e.username, ticket, abort.signal);
      try {
        await this.client.sendToPeer(e.username, { name: 'PeerTransferRequest', direction: UPLOAD_OFFER, ticket, filename: e.filename, filesize: BigInt(size) });
      } catch (error) {
        this.pendingReplies.get(ticket)?.resolve({ name: 'PeerTransferReply', ticket, allowed: false, reason: '' });
        await replied;
        if (!abort.signal.aborted) this.requeueUpload(e, reasonOf(error));
        return;
      }
      const reply = await replied;
      if (abort.signal.aborted) return;
      if (reply === undefined) {
        this.requeueUpload(e, 'Timed out');
        return;
      }
      if (!reply.allowed) {
        // Their reason (Cancelled, Complete…): the upload is dropped.
        this.setState(e, 'failed', reply.reason ?? TransferRefusal.cancelled);
        return;
      }
      this.setState(e, 'connecting', undefined);
      // The ticket/offset exchange is part of connecting: a connection the downloader accepts but
      // never answers on (slsk-client ignores direct F connections) loses to the indirect one.
      let socket: Socket | undefined;
      let offset: number;
      try {
        const connection = await this.client.openFileConnection(e.username, {
          signal: abort.signal,
          handshake: async (candidate) => {
            candidate.socket.write(encodeFileTransferInit(ticket));
            const head = await readExactly(candidate.socket, FILE_OFFSET_BYTES, candidate.rest, this.timeouts.handshakeMs, 'file offset');
            return decodeFileOffset(head.bytes).offset;
          },
        });
        socket = connection.socket;
        if (abort.signal.aborted) {
          socket.destroy();
          return;
        }
        offset = this.offsetFrom(connection.verified!, size);
      } catch (error) {
        socket?.destroy();
        if (!abort.signal.aborted) this.requeueUpload(e, reasonOf(error));
        return;
      }
      e.socket = socket;
      this.beginBytes(e, offset);
      this.setState(e, 'transferring', undefined);
      try {
        await sendFile({
          socket,
          path: source.path,
          offset,
          size,
          limiter: this.uploadLimiter,
          idleMs: this.timeouts.idleMs,
          signal: abort.signal,
          onBytes: (bytes) => this.progressed(e, bytes),
        });
      } catch (error) {
        socket.destroy();
        if (abort.signal.aborted) return;
        this.lastProgress(e);
        // The F connection died before every byte went out: the downloader may queue it again.
        this.send(e.username, { name: 'PeerUploadFailed', filename: e.filename });
        this.setState(e, 'failed', reasonOf(error));
        return;
      }
      socket.destroy();
      const speed = this.lastProgress(e);
      if (e.bytes > e.startBytes) this.client.reportUploadSpeed(speed);
      this.setState(e, 'completed', undefined);
    } finally {
      e.socket = undefined;
      if (e.abort === abort) e.abort = undefined;
      this.pendingReplies.delete(ticket);
      e.ticket = undefined;
      this.pump();
    }
  }

  /** The downloader's offset. Soulseek NS sign-extends offsets past 2 GiB (high half all ones). */
  private offsetFrom(raw: bigint, size: number): number {
    let offset = raw;
    if (offset >> 32n === 0xffff_ffffn) offset &= 0xffff_ffffn;
    if (offset > BigInt(size)) throw new TransferFailure('Invalid offset', `the downloader asked for offset ${raw} of a ${size}-byte file`);
    return Number(offset);
  }

  // ---- cancel and remove -----------------------------------------------------------------------

  /** Stops a transfer for good. An upload's downloader is told `Cancelled`. */
  cancel(id: string): Transfer | undefined {
    const e = this.entries.get(id);
    if (e === undefined) return undefined;
    if (finished(e) || this.closing) return this.snapshot(e);
    const wasActive = ACTIVE_STATES.has(e.state);
    this.clearTimer(e);
    e.retryAt = undefined;
    if (e.direction === 'download') this.forgetTicket(e);
    e.abort?.abort();
    e.socket?.destroy();
    if (e.direction === 'upload') this.send(e.username, { name: 'PeerTransferQueueFailed', filename: e.filename, reason: TransferRefusal.cancelled });
    this.setState(e, 'cancelled', TransferRefusal.cancelled);
    if (wasActive && e.direction === 'upload') this.pump();
    return this.snapshot(e);
  }

  /**
   * Asks again now: a download not completed is queued with the uploader again (failed and
   * cancelled ones included, attempts reset); a failed or cancelled upload goes back in our queue.
   */
  retry(id: string): Transfer | undefined {
    const e = this.entries.get(id);
    if (e === undefined || this.closing) return e === undefined ? undefined : this.snapshot(e);
    if (e.state === 'completed' || ACTIVE_STATES.has(e.state)) return this.snapshot(e);
    e.attempts = 0;
    e.queuedRetries = 0;
    if (e.direction === 'download') {
      e.retryAt = this.now();
      e.state = e.state === 'cancelled' ? 'failed' : e.state;
      this.requestDownload(e);
    } else {
      e.notBefore = 0;
      this.setState(e, 'queued', undefined);
      this.pump();
    }
    return this.snapshot(e);
  }

  /** Cancels if needed and forgets the transfer; an unfinished download's partial file is deleted. */
  async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (e === undefined) return;
    this.cancel(id);
    await e.io;
    this.entries.delete(id);
    this.store?.delete(id);
    if (e.direction === 'download' && e.state !== 'completed' && e.incompletePath !== undefined) {
      await unlink(e.incompletePath).catch(() => {});
    }
  }
}
