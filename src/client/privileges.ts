// Privileges: how long we have left, gifts to and from other users, and who is privileged. The set
// of privileged users comes from the server's PrivilegedUsers list at login and AddPrivilegedUser
// after it, and is corrected by every status or privileges reply that names a user; uploaders
// serve privileged users first.

import type { ServerResponse } from '../protocol/index.ts';
import { ClientError } from './errors.ts';
import { confirmedOrRefused, type NoticeClaims } from './notices.ts';
import type { ServerLink } from './server-link.ts';

/** Someone gave us privileges (the server's PrivilegesNotification, acknowledged for you). */
export interface PrivilegesGiven {
  /** The server's notification id, already acknowledged. */
  id: number;
  /** Who gave them. */
  from: string;
}

type Signal = { signal?: AbortSignal };

export interface PrivilegeEvents {
  added(username: string): void;
  given(event: PrivilegesGiven): void;
}

const DAY_SECONDS = 86_400;
/** Rounding of the server's seconds and the time between the two answers. */
const CLOCK_SLACK_SECONDS = 60;

/** The most days one GiveUserPrivileges may carry (a uint32 on the wire). */
export const MAX_GIFT_DAYS = 0xffff_ffff;

export class Privileges {
  private readonly users = new Set<string>();
  private readonly requireLink: (what: string) => ServerLink;
  private readonly events: PrivilegeEvents;
  private readonly answers: { claims: NoticeClaims; requestMs: number };

  /** `answers`: where the server's notices refusing a gift arrive, and how long to wait for an answer. */
  constructor(requireLink: (what: string) => ServerLink, events: PrivilegeEvents, answers: { claims: NoticeClaims; requestMs: number }) {
    this.requireLink = requireLink;
    this.events = events;
    this.answers = answers;
  }

  has(username: string): boolean {
    return this.users.has(username);
  }

  get list(): readonly string[] {
    return [...this.users].sort();
  }

  /** Keeps the set up to date and acknowledges notifications; `link` is the connection it came on. */
  serverMessage(link: ServerLink, message: ServerResponse): void {
    switch (message.name) {
      case 'PrivilegedUsers':
        // The whole list, sent at every login: what we knew from an earlier session may be stale.
        this.users.clear();
        for (const name of message.users) this.users.add(name);
        break;
      case 'AddPrivilegedUser':
        if (this.users.has(message.username)) break;
        this.users.add(message.username);
        this.events.added(message.username);
        break;
      case 'GetUserStatus':
      case 'GetUserPrivileges':
        // Privileges run out without a message saying so; these replies tell us they did.
        if (message.privileged) this.users.add(message.username);
        else this.users.delete(message.username);
        break;
      case 'PrivilegesNotification':
        link.send({ name: 'PrivilegesNotificationAck', notificationId: message.notificationId });
        this.events.given({ id: message.notificationId, from: message.username });
        break;
      default:
    }
  }

  /** Our privileges left, in seconds (0: none). */
  async check(options: Signal = {}): Promise<number> {
    const reply = await this.requireLink('check privileges').sendAndWait({ name: 'CheckPrivileges' }, 'CheckPrivileges', () => true, options.signal);
    return reply.timeLeft;
  }

  /** Whether a user is privileged now, as the server says. */
  async userPrivileged(username: string, options: Signal = {}): Promise<boolean> {
    const reply = await this.requireLink('user privileges').lookup({ name: 'GetUserPrivileges', username }, 'GetUserPrivileges', options.signal);
    return reply.privileged;
  }

  /**
   * Gives `days` of our own privileges to a user; resolves with our seconds left afterwards. The
   * server takes them from ours, so it refuses (ClientError PRIVILEGES_REFUSED, with its notice as
   * the message) when we have fewer, or the user does not exist.
   */
  give(username: string, days: number, options: Signal = {}): Promise<number> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_GIFT_DAYS) {
      throw new ClientError('INVALID_ARGUMENT', `privileges are given in whole days, at least 1; got ${days}`);
    }
    if (typeof username !== 'string' || username === '') throw new ClientError('INVALID_ARGUMENT', 'give privileges to a username');
    const link = this.requireLink('give privileges');
    return this.check(options).then((before) =>
      // The gift has no reply of its own: the server follows it with the giver's new balance
      // (docs/flows.md §7 "Privileges"), and a refusal with a notice. Only a balance that shows the
      // days gone confirms it: a CheckPrivileges answering an earlier request may still be on
      // its way. (Asking for the balance after the gift would not do either: that answer comes
      // before a refusal's notice, which the server stores first.)
      confirmedOrRefused({
        what: `giving ${days} days of privileges to ${username}`,
        timeoutMs: this.answers.requestMs,
        signal: options.signal,
        claims: this.answers.claims,
        accepts: () => true,
        confirmation: (signal, confirming) =>
          link
            .waitFor('CheckPrivileges', confirming((m) => m.timeLeft <= before - days * DAY_SECONDS + CLOCK_SLACK_SECONDS), this.answers.requestMs, signal)
            .then((reply) => reply.timeLeft),
        send: () => link.send({ name: 'GiveUserPrivileges', username, days }),
        refused: (notice) => new ClientError('PRIVILEGES_REFUSED', `the server refused the gift of privileges to ${username}: ${notice}`),
      }),
    );
  }

}
