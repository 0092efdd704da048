// Uploads: queue requests (checked in Nicotine+'s order against the per-user limits), the serving
// order and the slots, and one upload attempt: offer, reply, F connection, ticket, offset, bytes.

import type { Socket } from 'node:net';
import { stat } from 'node:fs/promises';
import { InFlight } from '../net/in-flight.ts';
import {
  FILE_OFFSET_BYTES,
  TransferDirection as WireDirection,
  TransferRefusal,
  decodeFileOffset,
  encodeFileTransferInit,
  type PeerMessageOf,
} from '../protocol/index.ts';
import type { Attempt } from './attempt.ts';
import { reasonOf, type TransferCore } from './core.ts';
import { isFinished, newEntry, snapshotOf, type Entry } from './entry.ts';
import { TransferFailure, readExactly, sendFile } from './file-io.ts';
import type { UploadSource } from './types.ts';
import { UploadQueue } from './upload-queue.ts';

/** PeerTransferRequest direction 1: the uploader offers the file. */
export const UPLOAD_OFFER = WireDirection.download;
const MiB = 1024 * 1024;

type Reply = PeerMessageOf<'PeerTransferReply'>;

export class Uploads {
  private readonly core: TransferCore;
  readonly queue = new UploadQueue();
  /** Uploads in progress at once (offer, connection and transfer). */
  slots = 2;
  private readonly lastServed = new Map<string, number>();
  private servedCount = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  /** Queue requests are handled one at a time, in the order they arrived. */
  private requests: Promise<void> = Promise.resolve();
  /** Requests waiting their turn, per user: bounded by the per-user file limit, so a flood cannot pile up. */
  private readonly pending = new Map<string, number>();
  /** Offers waiting for the downloader's PeerTransferReply, by ticket; the deadline is replyMs. */
  private readonly replies: InFlight<number, Reply | undefined>;
  private readonly answer = new Map<number, { username: string; resolve: (reply: Reply | undefined) => void }>();

  constructor(core: TransferCore) {
    this.core = core;
    this.replies = new InFlight({ timeoutMs: core.timeouts.replyMs, describe: (ticket) => `the reply to upload offer ${String(ticket)}` });
  }

  /** Stops pumping and every offer's wait; the queue requests in progress finish. */
  async close(): Promise<void> {
    clearTimeout(this.pumpTimer);
    this.replies.close('the transfer manager closed');
    await this.requests;
  }

  add(e: Entry): void {
    this.queue.add(e);
  }

  // ---- queue requests ----------------------------------------------------------------------------

  /** PeerTransferQueue, or a legacy PeerTransferRequest (direction 0) when `legacyTicket` is set. */
  queueRequest(username: string, filename: string, legacyTicket: number | undefined): void {
    const waiting = this.pending.get(username) ?? 0;
    if (waiting >= this.core.limits.maxQueuedFilesPerUser) {
      // More requests in line than the user may have files queued: they could not all be queued anyway.
      this.refuse(username, filename, legacyTicket, TransferRefusal.tooManyFiles);
      return;
    }
    this.pending.set(username, waiting + 1);
    this.requests = this.requests
      .then(() => this.handleQueueRequest(username, filename, legacyTicket))
      .catch((error: unknown) => this.core.warn(error))
      .finally(() => {
        const left = (this.pending.get(username) ?? 1) - 1;
        if (left > 0) this.pending.set(username, left);
        else this.pending.delete(username);
      });
  }

  /** A queue request's answer: PeerTransferQueueFailed, or the PeerTransferReply of a legacy request. */
  private refuse(username: string, filename: string, legacyTicket: number | undefined, reason: string): void {
    if (legacyTicket !== undefined) this.core.send(username, { name: 'PeerTransferReply', ticket: legacyTicket, allowed: false, reason });
    else if (reason !== TransferRefusal.queued) this.core.send(username, { name: 'PeerTransferQueueFailed', filename, reason });
  }

  private async handleQueueRequest(username: string, filename: string, legacyTicket: number | undefined): Promise<void> {
    const core = this.core;
    const answer = (reason: string): void => this.refuse(username, filename, legacyTicket, reason);
    // The checks in N+'s order (docs/flows.md §6 step 2).
    if (core.isBanned(username)) return answer(TransferRefusal.banned);
    // Already queued: ignored (a legacy request still learns it is queued). One being sent right now
    // does not count: the downloader asks again because it wants the file again (or its end failed).
    if (this.queue.waiting(username, filename) !== undefined) {
      if (legacyTicket !== undefined) answer(TransferRefusal.queued);
      return;
    }
    if (core.closing) return answer(TransferRefusal.pendingShutdown);
    const { files, bytes } = this.queue.totals(username);
    if (files >= core.limits.maxQueuedFilesPerUser) return answer(TransferRefusal.tooManyFiles);
    if (bytes >= core.limits.maxQueuedMegabytesPerUser * MiB) return answer(TransferRefusal.tooManyMegabytes);
    const source = await this.resolveSafely(filename, username);
    if (core.closing) return answer(TransferRefusal.pendingShutdown);
    if (source === undefined) return answer(TransferRefusal.fileNotShared);
    if (this.queue.waiting(username, filename) !== undefined) return legacyTicket !== undefined ? answer(TransferRefusal.queued) : undefined;
    const e = newEntry({ direction: 'upload', username, filename, size: Number(source.size), state: 'queued' }, core.now(), core.order());
    e.localPath = source.path;
    core.live.set(e.id, e);
    this.queue.add(e);
    core.save(e);
    core.events.emit('transferAdded', snapshotOf(e));
    // N+/aio never answer a legacy request allowed=true (anyone could spoof it): queued, then our own offer.
    answer(TransferRefusal.queued);
    this.pump();
  }

  private async resolveSafely(filename: string, username: string): Promise<UploadSource | undefined> {
    try {
      const source = await this.core.resolveUpload(filename, username);
      if (source === undefined || typeof source.path !== 'string') return undefined;
      const size = Number(source.size);
      if (!Number.isSafeInteger(size) || size < 0) return undefined;
      return source;
    } catch (error) {
      this.core.warn(error);
      return undefined;
    }
  }

  /** Queued uploads in serving order. */
  order(): Entry[] {
    return this.queue.order(this.core.isPrivileged, this.lastServed);
  }

  placeRequested(username: string, filename: string): void {
    const e = this.queue.waiting(username, filename);
    if (e === undefined || e.state !== 'queued') return;
    const place = this.order().indexOf(e) + 1;
    if (place > 0) this.core.send(username, { name: 'PeerPlaceInQueueReply', filename, place });
  }

  // ---- slots -------------------------------------------------------------------------------------

  /** Starts queued uploads while slots are free. */
  pump(): void {
    const core = this.core;
    if (!core.started || core.closing) return;
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (!core.client.loggedIn) return;
    let free = this.slots - this.queue.active;
    if (free <= 0) return;
    const now = core.now();
    let wakeAt = Infinity;
    for (const e of this.order()) {
      if (e.notBefore > now) {
        wakeAt = Math.min(wakeAt, e.notBefore);
        continue;
      }
      this.lastServed.set(e.username, ++this.servedCount);
      core.track(this.upload(e));
      if (--free <= 0) return;
    }
    if (wakeAt < Infinity) {
      this.pumpTimer = setTimeout(core.guarded(() => this.pump()), Math.max(1, wakeAt - now));
      this.pumpTimer.unref();
    }
  }

  /** Puts an upload back in the queue for later (peer offline, no reply…), or drops it after maxAttempts. */
  private requeue(e: Entry, reason: string): void {
    const core = this.core;
    if (core.closing || isFinished(e)) return;
    core.endAttempt(e);
    e.attempts++;
    if (e.attempts >= core.retryOptions.maxAttempts) {
      core.setState(e, 'failed', reason);
      return;
    }
    e.notBefore = e.retryAt = core.now() + core.backoff(e.attempts - 1);
    core.setState(e, 'queued', reason);
  }

  // ---- offers and their replies ------------------------------------------------------------------

  private waitForReply(username: string, ticket: number, attempt: Attempt): Promise<Reply | undefined> {
    return this.replies
      .run(
        ticket,
        (signal) =>
          new Promise<Reply | undefined>((resolve) => {
            this.answer.set(ticket, { username, resolve });
            signal.addEventListener('abort', () => this.answer.delete(ticket), { once: true });
          }),
        { signal: attempt.signal },
      )
      .catch(() => undefined); // the deadline, close(), or the attempt ended: no reply
  }

  /** A PeerTransferReply to one of our offers; false when it is not ours (a legacy download's, maybe). */
  replied(username: string, message: Reply): boolean {
    const pending = this.answer.get(message.ticket);
    if (pending === undefined || pending.username !== username) return false;
    this.answer.delete(message.ticket);
    pending.resolve(message);
    return true;
  }

  /** One upload attempt: offer, reply, F connection, ticket, offset, bytes. */
  private async upload(e: Entry): Promise<void> {
    const core = this.core;
    const attempt = core.begin(e);
    const ticket = core.newTicket();
    attempt.ticket = ticket;
    const current = (): boolean => core.current(e, attempt);
    core.setState(e, 'requesting', undefined);
    try {
      // Ask the shares again: the file may have been unshared since it was queued.
      const source = await this.resolveSafely(e.filename, e.username);
      if (!current()) return;
      if (source === undefined) return this.dropUnshared(e, TransferRefusal.fileNotShared);
      let size: number;
      try {
        size = (await stat(source.path)).size;
      } catch {
        if (current()) this.dropUnshared(e, TransferRefusal.fileReadError);
        return;
      }
      if (!current()) return;
      e.localPath = source.path;
      e.size = size;
      this.queue.resized(e);
      const replied = this.waitForReply(e.username, ticket, attempt);
      try {
        await core.client.sendToPeer(e.username, { name: 'PeerTransferRequest', direction: UPLOAD_OFFER, ticket, filename: e.filename, filesize: BigInt(size) });
      } catch (error) {
        this.answer.get(ticket)?.resolve(undefined);
        if (current()) this.requeue(e, reasonOf(error));
        return;
      }
      const reply = await replied;
      if (!current()) return;
      if (reply === undefined) return this.requeue(e, 'Timed out');
      // Their reason (Cancelled, Complete…): the upload is dropped.
      if (!reply.allowed) return core.setState(e, 'failed', reply.reason ?? TransferRefusal.cancelled);
      core.setState(e, 'connecting', undefined);
      const connected = await this.connect(e, attempt, ticket, size);
      if (connected === undefined) return;
      const { socket, offset } = connected;
      core.beginBytes(e, offset);
      core.setState(e, 'transferring', undefined);
      try {
        await sendFile({
          socket,
          path: source.path,
          offset,
          size,
          ...core.streamControls(e, attempt),
        });
      } catch (error) {
        socket.destroy();
        if (!current()) return;
        core.lastProgress(e);
        // The F connection died before every byte went out: the downloader may queue it again.
        core.send(e.username, { name: 'PeerUploadFailed', filename: e.filename });
        core.setState(e, 'failed', reasonOf(error));
        return;
      }
      socket.destroy();
      if (!current()) return;
      const speed = core.lastProgress(e);
      if (e.bytes > e.startBytes) core.client.reportUploadSpeed(speed);
      core.setState(e, 'completed', undefined);
    } finally {
      // An offer whose attempt ended before the reply: its wait ends now, not at the deadline.
      this.answer.get(ticket)?.resolve(undefined);
      this.answer.delete(ticket);
      this.pump();
    }
  }

  /** The queued file cannot be sent any more (unshared, unreadable): the downloader is told, the upload fails. */
  private dropUnshared(e: Entry, reason: string): void {
    this.core.send(e.username, { name: 'PeerTransferQueueFailed', filename: e.filename, reason });
    this.core.setState(e, 'failed', reason);
  }

  /**
   * The F connection of an allowed offer, with the downloader's offset. The ticket/offset exchange
   * is part of connecting: a connection the downloader accepts but never answers on (slsk-client
   * ignores direct F connections) loses to the indirect one.
   */
  private async connect(e: Entry, attempt: Attempt, ticket: number, size: number): Promise<{ socket: Socket; offset: number } | undefined> {
    const core = this.core;
    let socket: Socket | undefined;
    try {
      const connection = await core.client.openFileConnection(e.username, {
        signal: attempt.signal,
        handshake: async (candidate) => {
          candidate.socket.write(encodeFileTransferInit(ticket));
          const head = await readExactly(candidate.socket, FILE_OFFSET_BYTES, candidate.rest, core.timeouts.handshakeMs, 'file offset');
          return decodeFileOffset(head.bytes).offset;
        },
      });
      socket = connection.socket;
      if (!core.current(e, attempt)) {
        socket.destroy();
        return undefined;
      }
      attempt.socket = socket;
      return { socket, offset: offsetFrom(connection.verified!, size) };
    } catch (error) {
      socket?.destroy();
      if (core.current(e, attempt)) this.requeue(e, reasonOf(error));
      return undefined;
    }
  }

  /** Our side stops the upload for good; the downloader is told `Cancelled`. */
  cancel(e: Entry): void {
    const core = this.core;
    core.endAttempt(e);
    e.retryAt = undefined;
    core.send(e.username, { name: 'PeerTransferQueueFailed', filename: e.filename, reason: TransferRefusal.cancelled });
    core.setState(e, 'cancelled', TransferRefusal.cancelled);
    this.pump();
  }

  /** Back in the queue now (retry()): attempts reset. */
  retry(e: Entry): void {
    e.attempts = 0;
    e.queuedRetries = 0;
    e.notBefore = 0;
    if (!this.queue.has(e)) this.queue.add(e);
    this.core.setState(e, 'queued', undefined);
    this.pump();
  }
}

/** The downloader's offset. Soulseek NS sign-extends offsets past 2 GiB (high half all ones). */
export function offsetFrom(raw: bigint, size: number): number {
  let offset = raw;
  if (offset >> 32n === 0xffff_ffffn) offset &= 0xffff_ffffn;
  if (offset > BigInt(size)) throw new TransferFailure('Invalid offset', `the downloader asked for offset ${raw} of a ${size}-byte file`);
  return Number(offset);
}
