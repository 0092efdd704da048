// Requests we make to peers over their P connection (browse, one folder, user info), each shared by
// every caller asking the same thing at once: one request on the wire, one reply for all, a
// deadline of its own, and each caller free to leave with its own signal. The reply arrives as a
// peer message and settles the request from outside (reply()); a reply nobody asked for is
// reported as unwanted so the caller can drop it.

import { InFlight, InFlightClosedError, untilAborted } from '../net/in-flight.ts';
import type { PeerMessage, PeerMessageOf } from '../protocol/index.ts';
import { AbortError, ClientError, TimeoutError } from './errors.ts';

type SharesReply = PeerMessageOf<'PeerSharesReply'>;
type InfoReply = PeerMessageOf<'PeerUserInfoReply'>;
type FolderReply = PeerMessageOf<'PeerDirectoryContentsReply'>;

/** Sends a message to a user over its P connection, connecting if needed. */
export type SendToPeer = (username: string, message: PeerMessage, signal: AbortSignal) => Promise<void>;

const timeoutError = (what: string, ms: number): Error => new TimeoutError(what, ms);

/** The caller's own abort as an AbortError naming what was given up, the client closing as a ClientError CLOSED; other errors as they are. */
function asCallerError(what: string, signal: AbortSignal | undefined): (error: unknown) => never {
  return (error: unknown) => {
    if (signal?.aborted === true && !(error instanceof ClientError)) throw new AbortError(what, signal.reason);
    if (error instanceof InFlightClosedError) throw new ClientError('CLOSED', `${what}: ${error.message}`, { cause: error });
    throw error;
  };
}

export class PeerRequests {
  private readonly send: SendToPeer;
  private readonly nextTicket: () => number;
  private readonly shares: InFlight<string, SharesReply>;
  private readonly infos: InFlight<string, InfoReply>;
  /** By user and folder: the same folder asked twice at once is one request. */
  private readonly folders: InFlight<string, FolderReply>;
  /** The ticket of each folder request on the wire, to match its reply. */
  private readonly folderTickets = new Map<number, { username: string; key: string }>();

  constructor(options: { send: SendToPeer; timeoutMs: number; nextTicket: () => number }) {
    this.send = options.send;
    this.nextTicket = options.nextTicket;
    const { timeoutMs } = options;
    // A request everyone gave up on ends: the peer may never answer it (it ignores us, or is busy),
    // and the next caller should send a new one rather than wait on it.
    const endWhenAbandoned = true;
    this.shares = new InFlight({ timeoutMs, describe: (user) => `browsing ${String(user)}`, timeoutError, endWhenAbandoned });
    this.infos = new InFlight({ timeoutMs, describe: (user) => `user info of ${String(user)}`, timeoutError, endWhenAbandoned });
    this.folders = new InFlight({ timeoutMs, describe: (key) => `listing ${String(key).split('\0').reverse().join(' of ')}`, timeoutError, endWhenAbandoned });
  }

  browse(username: string, signal?: AbortSignal): Promise<SharesReply> {
    return this.shares
      .run(username, (wait) => this.ask(username, { name: 'PeerSharesRequest' }, wait), { signal })
      .catch(asCallerError(`browsing ${username}`, signal));
  }

  userInfo(username: string, signal?: AbortSignal): Promise<InfoReply> {
    return this.infos
      .run(username, (wait) => this.ask(username, { name: 'PeerUserInfoRequest' }, wait), { signal })
      .catch(asCallerError(`user info of ${username}`, signal));
  }

  folder(username: string, directory: string, signal?: AbortSignal): Promise<FolderReply> {
    const key = `${username}\0${directory}`;
    return this.folders
      .run(
        key,
        async (wait) => {
          const ticket = this.nextTicket();
          this.folderTickets.set(ticket, { username, key });
          try {
            return await this.ask(username, { name: 'PeerDirectoryContentsRequest', ticket, directory }, wait);
          } finally {
            this.folderTickets.delete(ticket);
          }
        },
        { signal },
      )
      .catch(asCallerError(`listing ${directory} of ${username}`, signal));
  }

  /**
   * Whether a reply of this kind from `username` answers a request of ours (else drop it unread).
   * Without a ticket, a folder listing is wanted while any folder request to that user waits.
   */
  wants(username: string, name: PeerMessage['name'], ticket?: number): boolean {
    switch (name) {
      case 'PeerSharesReply':
        return this.shares.has(username);
      case 'PeerUserInfoReply':
        return this.infos.has(username);
      case 'PeerDirectoryContentsReply':
        if (ticket !== undefined) return this.folderTickets.get(ticket)?.username === username;
        for (const asked of this.folderTickets.values()) if (asked.username === username) return true;
        return false;
      default:
        return false;
    }
  }

  /** A reply from `username`: settles the request it answers; false when nobody asked for it. */
  reply(username: string, message: PeerMessage): boolean {
    switch (message.name) {
      case 'PeerSharesReply':
        return this.shares.resolve(username, message);
      case 'PeerUserInfoReply':
        return this.infos.resolve(username, message);
      case 'PeerDirectoryContentsReply': {
        const asked = this.folderTickets.get(message.ticket);
        return asked !== undefined && asked.username === username && this.folders.resolve(asked.key, message);
      }
      default:
        return false;
    }
  }

  close(): void {
    for (const set of [this.shares, this.infos, this.folders]) set.close('the client closed');
  }

  /** Sends the request, then waits for reply() to settle the run (or its deadline). */
  private async ask<V>(username: string, request: PeerMessage, wait: AbortSignal): Promise<V> {
    await this.send(username, request, wait);
    return untilAborted(wait);
  }
}
