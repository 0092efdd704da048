// Login: the checks in the order real servers make them, registration on first login, the
// replacement of an older session of the same user, and what the server sends after success.

import { createHash } from 'node:crypto';
import { LoginFailure, serverResponse, type ServerRequestOf } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { Session } from '../session.ts';
import { AccountExistsError } from '../store/store.ts';
import { deliverPending, SERVER_USERNAME } from './chat.ts';
import { applyPrivileges } from './privileges.ts';
import { sendRoomList } from './room-lists.ts';

export const MAX_USERNAME_LENGTH = 30;

export const BANNED_DETAIL = 'This account is banned from this server.';

export function registrationLimitDetail(perHour: number): string {
  return `Too many new accounts from your address (at most ${perHour} an hour): this name was not registered. Log in with an existing account, or try again later.`;
}

/** The detail sent after INVALIDUSERNAME, or undefined when the name is fine. */
export function usernameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Nick empty.';
  if (name.length > MAX_USERNAME_LENGTH) return 'Nick too long.';
  if (name !== name.trim()) return 'Nick has leading or trailing spaces.';
  // Printable only: no control, format, unassigned or separator characters other than the space.
  if (/[\p{C}\p{Zl}\p{Zp}]/u.test(name)) return 'Nick contains invalid characters.';
  if (name.toLowerCase() === SERVER_USERNAME) return 'Nick is reserved.';
  return undefined;
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

export async function login(core: ServerCore, session: Session, m: ServerRequestOf<'Login'>): Promise<void> {
  if (session.loginStarted) return;
  session.loginStarted = true;
  // Fields passed per call rather than through a child logger: a child per login cost ~7% of login time.
  const log = {
    info: (fields: object | string, message?: string) =>
      typeof fields === 'string' ? session.log.info({ user: m.username }, fields) : session.log.info({ user: m.username, ...fields }, message),
    debug: (fields: object, message: string) => session.log.debug({ user: m.username, ...fields }, message),
  };
  const fail = (reason: string, detail?: string): void => {
    log.info({ reason, version: m.version, minor: m.minorVersion }, 'login refused');
    session.send(
      serverResponse.Login(detail === undefined ? { result: false, failureReason: reason } : { result: false, failureReason: reason, rejectionDetail: detail }),
    );
    session.close(`login refused: ${reason}`);
  };

  if (m.version === 0) return fail(LoginFailure.invalidVersion);
  const problem = usernameProblem(m.username);
  if (problem !== undefined) return fail(LoginFailure.invalidUsername, problem);
  if (m.password === '') return fail(LoginFailure.emptyPassword);

  let account = await core.store.getAccount(m.username);
  // The official server leaves a banned user without a reply until its connection times out, which
  // clients report as an unreachable server; a refusal with a reason says what happened at once.
  // Only the account's owner learns of the ban: anyone else gets the wrong-password answer.
  const kickedFor = core.kickBans.remainingMs(m.username);
  if (account !== undefined && (account.banned || kickedFor > 0)) {
    if (!(await core.verifyPassword(m.username, m.password))) return fail(LoginFailure.invalidPassword);
    if (account.banned) return fail(LoginFailure.banned, BANNED_DETAIL);
    // A kicked user is kept out like a banned one until the kick ban ends.
    const minutes = Math.ceil(kickedFor / 60_000);
    return fail(LoginFailure.banned, `Kicked by an admin; you may log in again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }
  if (account === undefined && core.config.private) return fail(LoginFailure.serverPrivate);
  if (!core.network.online.has(m.username) && core.network.online.size >= core.config.maxUsers) return fail(LoginFailure.serverFull);
  if (account === undefined && !core.registrations.take(session.connection.remoteAddress)) {
    return fail(LoginFailure.registrationLimit, registrationLimitDetail(core.config.limits.registrationsPerHourPerIp));
  }
  if (account === undefined) {
    try {
      account = await core.store.createAccount(m.username, m.password);
      core.rememberPassword(m.username, m.password);
      // An account removed with `slsk server user remove` while the server ran left its interests
      // and privileges in memory: the new account with that name starts without them.
      core.interests.forgetUser(m.username);
      core.recordPrivileges(m.username, 0);
      log.info('account registered');
    } catch (error) {
      // Two first logins raced: the other one created it, so check the password like any login.
      if (!(error instanceof AccountExistsError)) throw error;
      if (!(await core.store.verifyPassword(m.username, m.password))) return fail(LoginFailure.invalidPassword);
    }
  } else if (!(await core.verifyPassword(m.username, m.password))) {
    return fail(LoginFailure.invalidPassword);
  }
  const stats = await core.store.getStats(m.username);
  if (session.disconnected) return;

  // Privileges written to the store while the server runs (`slsk server user privileges`) count
  // from the user's next login. The later end wins, so a gift still being written is not undone.
  if (account !== undefined && account.privilegedUntil > Math.max(core.now(), core.privilegedUntil(m.username))) {
    applyPrivileges(core, m.username, account.privilegedUntil);
  }

  const previous = core.network.online.get(m.username);
  // Register the new session before dropping the old one, so watchers never see the user go
  // offline in between.
  const user = core.addUser(session, m.username, stats);
  if (previous !== undefined) {
    // Newest wins: the old session hears Kicked and is closed.
    previous.send(serverResponse.Kicked({}));
    core.dropUser(previous, 'logged in elsewhere');
    previous.link.close('logged in elsewhere');
  }
  session.activate(user);
  log.info({ version: m.version, minor: m.minorVersion, ip: user.ip }, 'logged in');

  session.send(
    serverResponse.Login({
      result: true,
      greeting: core.config.motd,
      ipAddress: user.ip,
      md5Hash: md5Hex(m.password),
      privileged: user.privileged,
    }),
  );
  // The RoomList, then the member and operator lists of each private room the user is in.
  sendRoomList(core, user, core.config.loginRoomListMinUsers);
  session.send(serverResponse.ParentMinSpeed({ parentMinSpeed: core.config.parentMinSpeed }));
  session.send(serverResponse.ParentSpeedRatio({ parentSpeedRatio: core.config.parentSpeedRatio }));
  session.send(
    serverResponse.WishlistInterval({
      interval: user.privileged ? core.config.privilegedWishlistIntervalSeconds : core.config.wishlistIntervalSeconds,
    }),
  );
  session.send(serverResponse.PrivilegedUsers({ users: [...core.privilegedUsers()] }));
  session.send(serverResponse.ExcludedSearchPhrases({ phrases: core.config.excludedSearchPhrases }));
  const redelivered = await deliverPending(core, user);
  if (redelivered > 0) log.debug({ count: redelivered }, 'offline messages delivered');
  core.network.pushStatus(user.username, user.status, user.privileged, user);
}
