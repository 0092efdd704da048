// What downloads, uploads and the manager share: the settings, the store, the live transfers and
// their indexes, and the one place a transfer changes state (through the state machine, saved,
// announced, and out of the live structures once finished).

import type { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { PeerMessage } from '../protocol/index.ts';
import { Attempt } from './attempt.ts';
import { isFinished, rowOf, snapshotOf, type Entry } from './entry.ts';
import { TransferFailure, type StreamControls } from './file-io.ts';
import { TokenBucket } from './rate-limit.ts';
import { transition, type TransferState } from './states.ts';
import type { TransferStore } from './store.ts';
import {
  defaultRetry,
  defaultTransferLimits,
  defaultTransferTimeouts,
  type ResolveUpload,
  type RetryOptions,
  type TransferClient,
  type TransferEvents,
  type TransferLimits,
  type TransferManagerOptions,
  type TransferTimeouts,
} from './types.ts';

/** The (user, file) key of a live download. */
export const downloadKey = (username: string, filename: string): string => `${username}\u0000${filename}`;

export function reasonOf(error: unknown): string {
  if (error instanceof TransferFailure) return error.reason;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'PEER_UNREACHABLE') return message.includes('offline') ? 'User offline' : 'Cannot connect';
  if (code === 'NOT_CONNECTED') return 'Not connected';
  if (code === 'TIMEOUT' || code === 'IN_FLIGHT_TIMEOUT') return 'Timed out';
  if (code === 'PEER_CLOSED') return 'Connection closed';
  return message;
}

export class TransferCore {
  readonly client: TransferClient;
  readonly events: EventEmitter<TransferEvents>;
  readonly databasePath: string;
  readonly downloadDir: string;
  readonly incompleteDir: string;
  readonly resolveUpload: ResolveUpload;
  readonly limits: TransferLimits;
  readonly isPrivileged: (username: string) => boolean;
  readonly isBanned: (username: string) => boolean;
  readonly isIgnored: (username: string) => boolean;
  readonly retryOptions: RetryOptions;
  readonly timeouts: TransferTimeouts;
  readonly placeIntervalMs: number;
  readonly progressIntervalMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly uploadLimiter: TokenBucket;
  readonly downloadLimiter: TokenBucket;

  store: TransferStore | undefined;
  started = false;
  closing = false;
  /** Live transfers by id; finished ones are in the store only. */
  readonly live = new Map<string, Entry>();
  /** Tickets in use (our upload offers, downloads' offers and legacy requests): a new one must differ. */
  readonly tickets = new Set<number>();
  /** Downloads by the ticket of their current attempt (the uploader's offer, or our legacy request). */
  readonly downloadTickets = new Map<number, { entry: Entry; attempt: Attempt }>();
  private nextOrder = 0;
  private readonly running = new Set<Promise<unknown>>();
  /** Told after every state change of a live entry (the indexes follow it). */
  onStateChanged: (e: Entry, previous: TransferState) => void = () => {};
  /** Told when an entry finishes and leaves the live structures. */
  onRetired: (e: Entry) => void = () => {};

  constructor(options: TransferManagerOptions, events: EventEmitter<TransferEvents>) {
    this.client = options.client;
    this.events = events;
    this.databasePath = options.database;
    this.downloadDir = resolve(options.downloadDir);
    this.incompleteDir = resolve(options.incompleteDir);
    this.resolveUpload = options.resolveUpload;
    this.limits = { ...defaultTransferLimits, ...options.limits };
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

  order(): number {
    return this.nextOrder++;
  }

  // ---- background work -------------------------------------------------------------------------

  /** Keeps `promise` until it settles (close() waits for it); its failure becomes a warning. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.warn(error));
    this.running.add(tracked);
    tracked.finally(() => this.running.delete(tracked)).catch(() => {});
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  warn(error: unknown): void {
    if (this.events.listenerCount('warning') > 0) this.events.emit('warning', error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * `callback` for a timer or an event listener: an error it throws (a TransferStateError is a bug)
   * becomes a warning instead of an uncaught exception in the application.
   */
  guarded(callback: () => void): () => void {
    return () => {
      try {
        callback();
      } catch (error) {
        this.warn(error);
      }
    };
  }

  /** Sends without waiting; a failure is a warning (the peer will ask again or time out). */
  send(username: string, message: PeerMessage): void {
    this.client.sendToPeer(username, message).catch((error: unknown) => this.warn(error));
  }

  // ---- attempts, tickets, backoff --------------------------------------------------------------

  /** Ends the entry's current attempt (if any) and starts a new one. */
  begin(e: Entry): Attempt {
    this.endAttempt(e);
    const attempt = new Attempt();
    e.attempt = attempt;
    return attempt;
  }

  /** Ends the entry's current attempt: nothing it still has in flight may touch the entry. */
  endAttempt(e: Entry): void {
    const attempt = e.attempt;
    if (attempt === undefined) return;
    e.attempt = undefined;
    if (attempt.ticket !== undefined) {
      this.tickets.delete(attempt.ticket);
      if (this.downloadTickets.get(attempt.ticket)?.attempt === attempt) this.downloadTickets.delete(attempt.ticket);
    }
    attempt.end();
  }

  /** True while `attempt` is the entry's current try and the manager runs. */
  current(e: Entry, attempt: Attempt): boolean {
    return e.attempt === attempt && !attempt.ended && !this.closing;
  }

  newTicket(): number {
    for (;;) {
      const ticket = 1 + Math.floor(this.random() * 0x7fff_fffe);
      if (!this.tickets.has(ticket)) {
        this.tickets.add(ticket);
        return ticket;
      }
    }
  }

  backoff(step: number): number {
    const { initialDelayMs, maxDelayMs } = this.retryOptions;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, Math.min(step, 30)));
    return Math.max(1, Math.round(base * (0.75 + this.random() * 0.5)));
  }

  // ---- state ---------------------------------------------------------------------------------

  save(e: Entry): void {
    this.store?.save(rowOf(e));
  }

  /**
   * The one way a transfer changes state: checked by the state machine (states.ts), saved, and
   * announced; a finished transfer leaves the live structures (its attempt ends).
   */
  setState(e: Entry, state: TransferState, reason: string | undefined): void {
    if (this.closing) return;
    const previous = e.state;
    e.state = transition(previous, state);
    e.reason = reason;
    e.updatedAt = this.now();
    if (state !== 'failed' && state !== 'queued') e.retryAt = undefined;
    if (state !== 'queued') e.place = undefined;
    const done = isFinished(e);
    if (done) e.finishedAt = e.updatedAt;
    this.save(e);
    this.onStateChanged(e, previous);
    if (done) this.retire(e);
    this.events.emit('transferState', snapshotOf(e), previous);
    if (done) this.events.emit('transferDone', snapshotOf(e));
  }

  private retire(e: Entry): void {
    this.endAttempt(e);
    if (this.live.get(e.id) === e) this.live.delete(e.id);
    this.onRetired(e);
  }

  // ---- progress --------------------------------------------------------------------------------

  beginBytes(e: Entry, offset: number): void {
    const now = this.now();
    e.bytes = e.offset = offset;
    e.speed = 0;
    e.startedAt = e.progressAt = now;
    e.startBytes = e.progressBytes = offset;
  }

  /**
   * What the attempt's file stream runs under: the speed limit of its direction, the idle timeout,
   * the attempt's signal, and progress that counts only while the attempt is still the current one.
   */
  streamControls(e: Entry, attempt: Attempt): StreamControls {
    return {
      limiter: e.direction === 'upload' ? this.uploadLimiter : this.downloadLimiter,
      idleMs: this.timeouts.idleMs,
      signal: attempt.signal,
      onBytes: (bytes) => {
        if (this.current(e, attempt)) this.progressed(e, bytes);
      },
    };
  }

  progressed(e: Entry, bytes: number): void {
    e.bytes = bytes;
    const now = this.now();
    const elapsed = now - e.progressAt;
    if (elapsed < this.progressIntervalMs) return;
    const current = ((bytes - e.progressBytes) * 1000) / Math.max(1, elapsed);
    e.speed = e.speed === 0 ? current : e.speed * 0.5 + current * 0.5;
    e.progressAt = now;
    e.progressBytes = bytes;
    this.events.emit('transferProgress', snapshotOf(e));
  }

  /** The final progress event: speed becomes the average over the connection. */
  lastProgress(e: Entry): number {
    const elapsed = Math.max(1, this.now() - e.startedAt);
    const moved = e.bytes - e.startBytes;
    e.speed = (moved * 1000) / elapsed;
    if (moved > 0) this.events.emit('transferProgress', snapshotOf(e));
    return e.speed;
  }
}
