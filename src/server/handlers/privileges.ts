// Privileges: how long a user has left, gifts from one user to another (and grants by an admin),
// the notice the receiver acknowledges, and who hears when someone becomes privileged or stops
// being so. While the server runs, the in-memory table in ServerCore is the truth and every change
// is written through to the store; the store is read once, at start.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { Handler } from './context.ts';

export const DAY_MS = 86_400_000;
/** Most days an admin grants at once (ten years): keeps every privilege end far inside a safe integer. */
export const MAX_GRANT_DAYS = 3650;
/** PrivilegesNotification tickets waiting for their acknowledgement; the oldest are forgotten past this. */
const PENDING_NOTICES_LIMIT = 10_000;
const UINT32_MAX = 0xffff_ffff;

/** Tickets of PrivilegesNotification sent and not yet acknowledged, each with its recipient. Bounded. */
export class PrivilegeNotices {
  private readonly pending = new Map<number, string>();
  private next = 1;

  /** A fresh ticket for a notification to `recipient`. */
  issue(recipient: string): number {
    const ticket = this.next;
    this.next = this.next === UINT32_MAX ? 1 : this.next + 1;
    this.pending.delete(ticket);
    this.pending.set(ticket, recipient);
    if (this.pending.size > PENDING_NOTICES_LIMIT) this.pending.delete(this.pending.keys().next().value!);
    return ticket;
  }

  /** True when `ticket` was sent to `recipient` and not acknowledged yet; it is then forgotten. */
  acknowledge(recipient: string, ticket: number): boolean {
    if (this.pending.get(ticket) !== recipient) return false;
    this.pending.delete(ticket);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }
}

/** "3 days and 4 hours": how long privileges last, in the words of the notices. */
export function describeDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days === 0) return hours === 0 ? 'less than an hour' : plural(hours, 'hour');
  return hours % 24 === 0 ? plural(days, 'day') : `${plural(days, 'day')} and ${plural(hours % 24, 'hour')}`;
}

export const checkPrivileges: Handler<'CheckPrivileges'> = ({ core, user }) => {
  sendTimeLeft(core, user.username);
};

export const getUserPrivileges: Handler<'GetUserPrivileges'> = ({ core, user }, m) => {
  user.send(serverResponse.GetUserPrivileges({ username: m.username, privileged: core.isPrivileged(m.username) }));
};

/**
 * Moves `days` from the giver to the target. The giver must have at least that much left: a gift
 * larger than what the giver has is refused, not cut down (soulfind caps it), so nobody gives
 * away more, or less, than they asked to. Every refusal is a server notice and moves nothing.
 */
export const giveUserPrivileges: Handler<'GiveUserPrivileges'> = async ({ core, user }, m) => {
  const refuse = (text: string): void => core.sendServerNotice(user, text);
  if (m.days === 0) return refuse('Give at least one day of privileges.');
  if (m.username === user.username) return refuse('You cannot give privileges to yourself.');
  if (!core.network.online.has(m.username) && (await core.store.getAccount(m.username)) === undefined) {
    return refuse(`There is no user named "${m.username}".`);
  }
  // From here to the memory update nothing awaits, so two gifts cannot both spend the same days.
  const now = core.now();
  const left = core.privilegedUntil(user.username) - now;
  if (left <= 0) return refuse('You have no privileges to give.');
  const amount = m.days * DAY_MS;
  if (amount > left) {
    return refuse(`You have ${describeDuration(left)} of privileges left, not enough to give ${describeDuration(amount)}.`);
  }
  const giverUntil = now + left - amount;
  const targetUntil = Math.max(now, core.privilegedUntil(m.username)) + amount;
  const before = { giver: core.privilegedUntil(user.username), target: core.privilegedUntil(m.username) };
  applyPrivileges(core, user.username, giverUntil);
  applyPrivileges(core, m.username, targetUntil);
  try {
    if (!(await core.store.movePrivileges(user.username, giverUntil, m.username, targetUntil))) {
      throw new Error(`an account vanished while ${user.username} gave privileges to ${m.username}`);
    }
  } catch (error) {
    applyPrivileges(core, user.username, before.giver);
    applyPrivileges(core, m.username, before.target);
    throw error;
  }
  core.log.info({ user: user.username, to: m.username, days: m.days }, 'privileges given');
  notifyReceiver(core, m.username, user.username);
  sendTimeLeft(core, user.username);
};

export const privilegesNotificationAck: Handler<'PrivilegesNotificationAck'> = ({ core, user, session }, m) => {
  // An unknown ticket (never sent, sent to someone else, or already acknowledged) is ignored.
  const known = core.privilegeNotices.acknowledge(user.username, m.notificationId);
  session.log.debug({ user: user.username, ticket: m.notificationId, known }, 'privileges notification acknowledged');
};

/**
 * An admin's grant: `days` more for `username`, counted from the current end or from now,
 * whichever is later. Resolves to the new end, or undefined when there is no such account.
 */
export async function grantPrivileges(core: ServerCore, username: string, days: number, giver: string): Promise<number | undefined> {
  if (!core.network.online.has(username) && (await core.store.getAccount(username)) === undefined) return undefined;
  const before = core.privilegedUntil(username);
  const until = Math.max(core.now(), before) + days * DAY_MS;
  applyPrivileges(core, username, until);
  try {
    if (!(await core.store.setPrivilegedUntil(username, until))) {
      applyPrivileges(core, username, before);
      return undefined;
    }
  } catch (error) {
    applyPrivileges(core, username, before);
    throw error;
  }
  notifyReceiver(core, username, giver);
  return until;
}

/** The receiver, if online, hears who gave the privileges (to acknowledge) and its new time left. */
function notifyReceiver(core: ServerCore, username: string, giver: string): void {
  const receiver = core.network.online.get(username);
  if (receiver === undefined) return;
  receiver.send(serverResponse.PrivilegesNotification({ notificationId: core.privilegeNotices.issue(username), username: giver }));
  sendTimeLeft(core, username);
}

function sendTimeLeft(core: ServerCore, username: string): void {
  core.network.online.get(username)?.send(serverResponse.CheckPrivileges({ timeLeft: Math.min(core.privilegeSecondsLeft(username), UINT32_MAX) }));
}

/**
 * Records a new end in memory and tells the network: everyone online hears AddPrivilegedUser when
 * the user becomes privileged (there is no message for the opposite; clients learn it from status
 * pushes and the next PrivilegedUsers list), and an online user's flag follows at once.
 */
export function applyPrivileges(core: ServerCore, username: string, until: number): void {
  const was = core.isPrivileged(username);
  core.recordPrivileges(username, until);
  if (!was && core.isPrivileged(username)) {
    const added = serverResponse.AddPrivilegedUser({ username });
    for (const member of core.network.online.values()) member.send(added);
  }
  refreshFlag(core, username);
}

/**
 * Privileges that ran out: the server calls this every second, so an online user's flag turns
 * false within a second of the end (CheckPrivileges and GetUserPrivileges read the clock and are
 * exact at any moment).
 */
export function expirePrivileges(core: ServerCore): void {
  for (const username of core.takeExpiredPrivileges()) refreshFlag(core, username);
}

/** Brings an online user's privileged flag in line with the table: watchers and room mates hear it. */
function refreshFlag(core: ServerCore, username: string): void {
  const user = core.network.online.get(username);
  if (user === undefined) return;
  const privileged = core.isPrivileged(username);
  if (user.privileged === privileged) return;
  user.privileged = privileged;
  // Privileged users may search their wishlist more often; the client learns its new interval.
  const interval = privileged ? core.config.privilegedWishlistIntervalSeconds : core.config.wishlistIntervalSeconds;
  user.send(serverResponse.WishlistInterval({ interval }));
  core.network.pushStatus(username, user.status, privileged, user);
}
