// Downloads: asking the uploader (PeerTransferQueue, or the legacy request), its refusals and
// places in its queue, its offers, the F connection it opens (or we open, legacy) and receiving the
// file into the incomplete folder, then moving it into place. Retries with backoff.

import { existsSync, statSync } from 'node:fs';
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { EstablishedSocket } from '../client/peers.ts';
import { InFlight } from '../net/in-flight.ts';
import {
  FILE_TICKET_BYTES,
  TransferDirection as WireDirection,
  TransferRefusal,
  decodeFileTransferInit,
  encodeFileOffset,
  encodeFileTransferInit,
  type PeerMessage,
  type PeerMessageOf,
} from '../protocol/index.ts';
import type { Attempt } from './attempt.ts';
import { downloadKey, reasonOf, type TransferCore } from './core.ts';
import { entryFromRow, isFinished, newEntry, snapshotOf, type Entry } from './entry.ts';
import { TransferFailure, readExactly, receiveFile } from './file-io.ts';
import { incompletePathFor, insideFolder, localFileName, moveWithoutOverwrite } from './paths.ts';
import type { DownloadOptions, Transfer } from './types.ts';

/** PeerTransferRequest direction 0: a downloader asks (legacy). */
export const LEGACY_REQUEST = WireDirection.upload;
/** Sizes travel as uint64; we keep them as safe integers. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;
/** How long placeInQueue() waits for the uploader's answer unless told otherwise. */
const PLACE_TIMEOUT_MS = 30_000;

/** Refusals that mean "still queued, ask again later" (N+ also sends "User limit of …"). */
const stillQueued = (reason: string): boolean =>
  reason === TransferRefusal.tooManyFiles || reason === TransferRefusal.tooManyMegabytes || reason.startsWith('User limit of');
/** Refusals worth another attempt (counted against maxAttempts). */
const transient = (reason: string): boolean => reason === TransferRefusal.pendingShutdown || reason === TransferRefusal.fileReadError;

export class Downloads {
  private readonly core: TransferCore;
  /** Live downloads by (user, file): one at a time per file and peer. */
  private readonly byKey = new Map<string, Entry>();
  /** placeInQueue() questions in flight, by transfer id: callers asking at once share one question. */
  private readonly places: InFlight<string, number>;
  /** Incoming F connections that have not said yet which transfer they are for; close() ends them. */
  private readonly unclaimedSockets = new Set<Socket>();

  constructor(core: TransferCore) {
    this.core = core;
    this.places = new InFlight({
      timeoutMs: PLACE_TIMEOUT_MS,
      describe: (id) => {
        const e = core.live.get(String(id));
        return e === undefined ? `the place of download ${String(id)}` : `${e.username}'s answer about our place for ${e.filename}`;
      },
    });
  }

  close(): void {
    this.places.close('the transfer manager closed');
    // A peer may keep a spare file connection open without ever sending its ticket: closing does
    // not wait the handshake timeout out for it.
    for (const socket of this.unclaimedSockets) socket.destroy();
  }

  add(e: Entry): void {
    this.byKey.set(downloadKey(e.username, e.filename), e);
  }

  forget(e: Entry): void {
    const key = downloadKey(e.username, e.filename);
    if (this.byKey.get(key) === e) this.byKey.delete(key);
  }

  clear(): void {
    this.byKey.clear();
  }

  private live(username: string, filename: string): Entry | undefined {
    return this.byKey.get(downloadKey(username, filename));
  }

  /** Asks `username` for `virtualPath`; a live download of the same file is returned instead. */
  download(username: string, virtualPath: string, options: DownloadOptions): Entry {
    const core = this.core;
    const existing = this.live(username, virtualPath);
    if (existing !== undefined) return existing;
    const size = options.size === undefined ? undefined : Number(options.size);
    const e = newEntry({ direction: 'download', username, filename: virtualPath, size, state: 'queued' }, core.now(), core.order());
    e.legacy = options.legacy === true;
    e.destination = options.to === undefined ? undefined : isAbsolute(options.to) ? options.to : resolve(core.downloadDir, options.to);
    e.incompletePath = incompletePathFor(core.incompleteDir, username, virtualPath);
    try {
      e.bytes = e.offset = statSync(e.incompletePath).size;
    } catch {
      // no partial file yet
    }
    core.live.set(e.id, e);
    this.add(e);
    core.save(e);
    core.events.emit('transferAdded', snapshotOf(e));
    this.request(e);
    return e;
  }

  /** Back to live from the store (a retry, or an offer of a file we had failed), unless the file is live again. */
  revive(e: Entry): Entry | undefined {
    if (this.live(e.username, e.filename) !== undefined) return undefined;
    this.core.live.set(e.id, e);
    this.add(e);
    return e;
  }

  /** Sends PeerTransferQueue (or the legacy request) in a new attempt; waits for login first. */
  request(e: Entry): void {
    const core = this.core;
    if (core.closing) return;
    const attempt = core.begin(e);
    if (!core.client.loggedIn) {
      e.waitingLogin = true;
      if (e.state !== 'queued' || e.reason !== 'Not connected') core.setState(e, 'queued', 'Not connected');
      return;
    }
    e.waitingLogin = false;
    core.setState(e, 'requesting', undefined);
    let message: PeerMessage;
    if (e.legacy) {
      const ticket = core.newTicket();
      attempt.ticket = ticket;
      core.downloadTickets.set(ticket, { entry: e, attempt });
      message = { name: 'PeerTransferRequest', direction: LEGACY_REQUEST, ticket, filename: e.filename };
    } else {
      message = { name: 'PeerTransferQueue', filename: e.filename };
    }
    core.track(
      core.client.sendToPeer(e.username, message).then(
        () => {
          if (core.current(e, attempt) && e.state === 'requesting') core.setState(e, 'queued', undefined);
        },
        (error: unknown) => {
          if (core.current(e, attempt)) this.retryLater(e, reasonOf(error));
        },
      ),
    );
  }

  resumeAfterLogin(): void {
    for (const e of this.byKey.values()) if (e.waitingLogin) this.request(e);
  }

  /**
   * A download failed in a way worth another try: failed now (with retryAt), asked again later in
   * a new attempt. "Still queued" refusals retry without limit; everything else up to maxAttempts.
   */
  private retryLater(e: Entry, reason: string): void {
    const core = this.core;
    if (core.closing || isFinished(e)) return;
    core.endAttempt(e);
    let delay: number;
    if (stillQueued(reason)) {
      delay = core.backoff(e.queuedRetries++);
    } else {
      e.attempts++;
      if (e.attempts >= core.retryOptions.maxAttempts) {
        e.retryAt = undefined;
        core.setState(e, 'failed', reason);
        return;
      }
      delay = core.backoff(e.attempts - 1);
    }
    e.retryAt = core.now() + delay;
    core.setState(e, 'failed', reason);
    core.begin(e).setTimer(delay, core.guarded(() => this.request(e)));
  }

  private fail(e: Entry, reason: string): void {
    this.core.endAttempt(e);
    e.retryAt = undefined;
    this.core.setState(e, 'failed', reason);
  }

  cancel(e: Entry): void {
    this.core.endAttempt(e);
    e.retryAt = undefined;
    this.core.setState(e, 'cancelled', TransferRefusal.cancelled);
  }

  /** Asks again now, attempts reset (failed and cancelled ones included). */
  retry(e: Entry): void {
    e.attempts = 0;
    e.queuedRetries = 0;
    this.request(e);
  }

  // ---- the uploader's answers ------------------------------------------------------------------

  /** The uploader's PeerTransferQueueFailed. */
  refused(username: string, filename: string, reason: string): void {
    const e = this.live(username, filename);
    if (e === undefined || e.attempt?.socket !== undefined) return;
    if (stillQueued(reason) || transient(reason)) this.retryLater(e, reason);
    else this.fail(e, reason);
  }

  /**
   * The uploader's PeerUploadFailed: its F connection to us failed. It names only the file, so it
   * counts only while we wait for that connection; any other time it is about an older attempt
   * (one we cancelled, retried, or are already retrying ourselves).
   */
  uploadFailed(username: string, filename: string): void {
    const e = this.live(username, filename);
    if (e === undefined || e.state !== 'connecting' || e.attempt?.socket !== undefined) return;
    this.retryLater(e, 'Upload failed');
  }

  placeReplied(username: string, filename: string, place: number): void {
    const e = this.live(username, filename);
    if (e === undefined) return;
    e.place = place;
    this.core.events.emit('transferPlace', snapshotOf(e));
  }

  pollPlaces(): void {
    for (const e of this.byKey.values()) {
      if (e.state === 'queued' && !e.waitingLogin) this.core.send(e.username, { name: 'PeerPlaceInQueueRequest', filename: e.filename });
    }
  }

  /** Asks the uploader for our place in its queue; callers asking at once share one question. */
  placeInQueue(e: Entry, options: { timeoutMs?: number; signal?: AbortSignal }): Promise<number> {
    const core = this.core;
    const ask = (signal: AbortSignal): Promise<number> =>
      new Promise<number>((resolve, reject) => {
        const listener = (transfer: Transfer): void => {
          if (transfer.id !== e.id || transfer.place === undefined) return;
          core.events.off('transferPlace', listener);
          resolve(transfer.place);
        };
        core.events.on('transferPlace', listener);
        signal.addEventListener('abort', () => core.events.off('transferPlace', listener), { once: true });
        core.client.sendToPeer(e.username, { name: 'PeerPlaceInQueueRequest', filename: e.filename }).catch((error: unknown) => {
          core.events.off('transferPlace', listener);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      });
    return this.places.run(e.id, ask, { timeoutMs: options.timeoutMs, signal: options.signal });
  }

  /** The finished file of this (user, path) is already here. */
  private alreadyComplete(username: string, filename: string, size: number | undefined): boolean {
    const row = this.core.store?.latest('download', username, filename, 'completed');
    if (row?.localPath !== undefined && existsSync(row.localPath)) return true;
    if (size === undefined) return false;
    try {
      return statSync(insideFolder(this.core.downloadDir, localFileName(filename))).size === size;
    } catch {
      return false;
    }
  }

  /** The uploader offers a file (PeerTransferRequest direction 1): allow it if we want it. */
  offered(username: string, ticket: number, filename: string, filesize: bigint | undefined): void {
    const core = this.core;
    const size = filesize === undefined ? undefined : Number(filesize);
    const reply = (allowed: boolean, reason?: string): void =>
      core.send(username, allowed ? { name: 'PeerTransferReply', ticket, allowed: true } : { name: 'PeerTransferReply', ticket, allowed: false, reason: reason ?? TransferRefusal.cancelled });
    // A download we still want, failed ones included (N+ does the same).
    let e = this.live(username, filename);
    const failedRow = e === undefined ? core.store?.latest('download', username, filename, 'failed') : undefined;
    if (e === undefined && failedRow === undefined) {
      reply(false, this.alreadyComplete(username, filename, size) ? TransferRefusal.complete : TransferRefusal.cancelled);
      return;
    }
    const knownSize = size ?? e?.size ?? (failedRow?.size === undefined ? undefined : Number(failedRow.size));
    if (e?.attempt?.socket !== undefined || knownSize === undefined || knownSize > MAX_SIZE) {
      reply(false, TransferRefusal.cancelled);
      return;
    }
    e ??= this.revive(entryFromRow(failedRow!, core.order()))!;
    e.size = knownSize;
    const attempt = core.begin(e);
    attempt.ticket = ticket;
    core.tickets.add(ticket);
    core.downloadTickets.set(ticket, { entry: e, attempt });
    core.setState(e, 'connecting', undefined);
    reply(true);
    attempt.setTimer(
      core.timeouts.fileConnectionMs,
      core.guarded(() => {
        if (core.current(e, attempt) && attempt.socket === undefined) this.retryLater(e, 'Timed out');
      }),
    );
  }

  /** A PeerTransferReply to our legacy request. */
  legacyReplied(username: string, message: PeerMessageOf<'PeerTransferReply'>): void {
    const core = this.core;
    const found = core.downloadTickets.get(message.ticket);
    if (found === undefined) return;
    const { entry: e, attempt } = found;
    if (!core.current(e, attempt) || !e.legacy || e.username !== username || (e.state !== 'requesting' && e.state !== 'queued')) return;
    if (message.allowed) {
      if (message.filesize !== undefined) e.size = Number(message.filesize);
      if (e.size === undefined || e.size > MAX_SIZE) return this.fail(e, 'Unknown size');
      core.setState(e, 'connecting', undefined);
      core.track(this.legacyConnect(e, attempt, message.ticket));
      return;
    }
    const reason = message.reason ?? TransferRefusal.cancelled;
    if (reason === TransferRefusal.queued) {
      // Queued: the uploader offers it later with its own ticket (matched by file name).
      core.endAttempt(e);
      if (e.state !== 'queued') core.setState(e, 'queued', undefined);
    } else if (stillQueued(reason) || transient(reason)) this.retryLater(e, reason);
    else this.fail(e, reason);
  }

  /** Legacy flow, allowed: we open the F connection, send the ticket, then the offset. */
  private async legacyConnect(e: Entry, attempt: Attempt, ticket: number): Promise<void> {
    let connection: EstablishedSocket;
    try {
      connection = await this.core.client.openFileConnection(e.username, { signal: attempt.signal });
    } catch (error) {
      if (this.core.current(e, attempt)) this.retryLater(e, reasonOf(error));
      return;
    }
    if (!this.core.current(e, attempt) || e.state !== 'connecting') {
      connection.socket.destroy();
      return;
    }
    connection.socket.write(encodeFileTransferInit(ticket));
    await this.receive(e, attempt, connection.socket, connection.rest);
  }

  /** An F connection from a peer: the uploader of one of our downloads, with the ticket of its offer. */
  async incoming(connection: EstablishedSocket): Promise<void> {
    const core = this.core;
    const { socket } = connection;
    let head;
    this.unclaimedSockets.add(socket);
    try {
      head = await readExactly(socket, FILE_TICKET_BYTES, connection.rest, core.timeouts.handshakeMs, 'transfer ticket');
    } catch {
      socket.destroy();
      return;
    } finally {
      this.unclaimedSockets.delete(socket);
    }
    const { ticket } = decodeFileTransferInit(head.bytes);
    const found = core.downloadTickets.get(ticket);
    if (found === undefined) return void socket.destroy();
    const { entry: e, attempt } = found;
    if (!core.current(e, attempt) || e.username !== connection.username || e.state !== 'connecting' || attempt.socket !== undefined) {
      socket.destroy();
      return;
    }
    attempt.clearTimer();
    await this.receive(e, attempt, socket, head.rest);
  }

  /** Answers the offset and receives the rest of the file, then moves it into place. */
  private async receive(e: Entry, attempt: Attempt, socket: Socket, initial: Uint8Array): Promise<void> {
    const core = this.core;
    const current = (): boolean => core.current(e, attempt);
    attempt.socket = socket;
    let release!: () => void;
    const previous = e.io;
    e.io = new Promise((resolve) => (release = resolve));
    try {
      await previous;
      const path = e.incompletePath ?? incompletePathFor(core.incompleteDir, e.username, e.filename);
      e.incompletePath = path;
      const size = e.size!;
      await mkdir(core.incompleteDir, { recursive: true });
      // Create the partial file if needed; what it holds is our offset.
      await (await open(path, 'a')).close();
      let offset = (await stat(path)).size;
      if (offset > size) {
        await truncate(path, 0);
        offset = 0;
      }
      if (!current() || socket.destroyed) throw new TransferFailure('Connection closed');
      socket.write(encodeFileOffset(BigInt(offset)));
      core.beginBytes(e, offset);
      core.setState(e, 'transferring', undefined);
      await receiveFile({
        socket,
        initial,
        path,
        offset,
        size,
        ...core.streamControls(e, attempt),
      });
      if (!current()) return;
      e.attempts = 0;
      core.lastProgress(e);
      const folder = e.destination ?? core.downloadDir;
      try {
        e.localPath = await moveWithoutOverwrite(path, folder, localFileName(e.filename));
      } catch (error) {
        core.warn(error);
        if (current()) this.fail(e, 'File move error');
        return;
      }
      if (current()) core.setState(e, 'completed', undefined);
    } catch (error) {
      socket.destroy();
      // An older attempt's connection failing late (after a cancel, a retry, a new offer) is not news.
      if (!current()) return;
      if (e.bytes > e.offset) e.attempts = 0;
      core.lastProgress(e);
      this.retryLater(e, reasonOf(error));
    } finally {
      release();
    }
  }
}
