// What we send to each user over P connections, so it reaches the peer whichever connection
// survives a race. When we connect to a peer at the moment it connects to us, real clients
// (Nicotine+) keep the newer connection and close the older without reading what is still on it.
// So every message goes out on the user's current connection (the newest adopted), and messages
// written on a connection that the peer closes within `windowMs` of the write are sent again on
// the connection that survives, or on the next one made or accepted within that window.

import type { CloseReason } from '../net/connection.ts';
import type { PeerMessage } from '../protocol/index.ts';
import type { ClientLogger } from './options.ts';
import type { PeerConnection } from './peer-connection.ts';

interface Written {
  readonly message: PeerMessage;
  readonly at: number;
  /** Times it was sent again; once is enough for a race, more would loop between two losers. */
  readonly resends: number;
}

interface Orphan {
  readonly message: PeerMessage;
  readonly resends: number;
  /** Dropped if no connection to the user turns up by then. */
  readonly until: number;
}

export interface PeerOutboxOptions {
  /** How long after a write the peer closing the connection means it may not have read it. */
  windowMs: number;
  /** Most recent messages remembered per connection, and waiting per user. */
  maxRemembered: number;
  /** The user's open P connection we send on now, if any. */
  current: (username: string) => PeerConnection | undefined;
  log: ClientLogger;
}

const MAX_RESENDS = 1;

/** Closes that mean the peer (or the network) ended the connection, not us. */
function closedByPeer(reason: CloseReason): boolean {
  return reason.kind === 'remote' || reason.kind === 'socket-error';
}

export class PeerOutbox {
  private readonly options: PeerOutboxOptions;
  private readonly written = new Map<PeerConnection, Written[]>();
  private readonly orphans = new Map<string, Orphan[]>();

  constructor(options: PeerOutboxOptions) {
    this.options = options;
  }

  /** Sends on `connection`, remembering the message for a while; false when it is closed. */
  write(connection: PeerConnection, message: PeerMessage, resends = 0): boolean {
    if (connection.closed || !connection.send(message)) return false;
    const now = Date.now();
    const recent = (this.written.get(connection) ?? []).filter((w) => now - w.at < this.options.windowMs);
    recent.push({ message, at: now, resends });
    if (recent.length > this.options.maxRemembered) recent.splice(0, recent.length - this.options.maxRemembered);
    this.written.set(connection, recent);
    return true;
  }

  /** A P connection closed: what the peer may not have read on it waits for the next one. */
  closed(connection: PeerConnection, reason: CloseReason): void {
    const recent = this.written.get(connection) ?? [];
    this.written.delete(connection);
    if (!closedByPeer(reason)) return;
    const now = Date.now();
    const unread = recent.filter((w) => now - w.at < this.options.windowMs && w.resends < MAX_RESENDS);
    if (unread.length === 0) return;
    const username = connection.username;
    const waiting = this.orphans.get(username) ?? [];
    waiting.push(...unread.map((w) => ({ message: w.message, resends: w.resends + 1, until: now + this.options.windowMs })));
    if (waiting.length > this.options.maxRemembered) waiting.splice(0, waiting.length - this.options.maxRemembered);
    this.orphans.set(username, waiting);
    this.options.log.debug?.({ peer: username, messages: unread.length }, 'the peer closed a connection right after we wrote on it; sending again on the next one');
    this.flush(username);
  }

  /** Sends what waits for `username` on its current connection, if it has one now. */
  flush(username: string): void {
    const waiting = this.orphans.get(username);
    if (waiting === undefined) return;
    const connection = this.options.current(username);
    if (connection === undefined || connection.closed) return;
    this.orphans.delete(username);
    const now = Date.now();
    for (const orphan of waiting) {
      if (orphan.until < now) continue;
      this.write(connection, orphan.message, orphan.resends);
    }
  }

  /** Forgets what is past the window: messages the peer has had time to read, and what waited too long for a connection (run from the idle sweep). */
  prune(): void {
    const now = Date.now();
    for (const [connection, recent] of this.written) {
      const fresh = recent.filter((w) => now - w.at < this.options.windowMs);
      if (fresh.length === 0) this.written.delete(connection);
      else this.written.set(connection, fresh);
    }
    for (const [username, waiting] of this.orphans) {
      const alive = waiting.filter((o) => o.until >= now);
      if (alive.length === 0) this.orphans.delete(username);
      else this.orphans.set(username, alive);
    }
  }
}
