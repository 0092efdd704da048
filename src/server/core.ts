// The server's shared state and the services handlers use: the network, the store, the clock,
// privileges, server notices. Sessions hand their messages here.

import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { serverResponse, type ServerRequest } from '../protocol/index.ts';
import type { CloseReason } from '../net/connection.ts';
import { KickBans } from './admin.ts';
import type { ServerConfig } from './config.ts';
import { SERVER_USERNAME } from './handlers/chat.ts';
import type { ActiveContext, Handler } from './handlers/context.ts';
import { handlers } from './handlers/index.ts';
import { login } from './handlers/login.ts';
import { PrivilegeNotices } from './handlers/privileges.ts';
import type { Logger } from './log.ts';
import { Network, OnlineUser } from './network.ts';
import { KeyedRateLimiter, TokenBucket, type Clock } from './rate-limit.ts';
import { InterestIndex } from './recommendations.ts';
import { logTreeLeave } from './tree.ts';
import type { Session, SessionHost } from './session.ts';
import type { ServerStore, StoredStats } from './store/store.ts';

/** Successful logins remembered so a returning user skips scrypt; bounded. */
const VERIFIED_CACHE_LIMIT = 100_000;

export interface CoreOptions {
  config: ServerConfig;
  store: ServerStore;
  log: Logger;
  now?: Clock;
  random?: () => number;
  /** Privileged accounts at start-up: username → privileged until (ms). */
  privileges?: Map<string, number>;
  /** Everyone's stored interests (InterestIndex.from(await store.allInterests())); empty if not given. */
  interests?: InterestIndex;
}

export class ServerCore implements SessionHost {
  readonly config: ServerConfig;
  readonly store: ServerStore;
  readonly log: Logger;
  readonly now: Clock;
  readonly random: () => number;
  readonly network = new Network();
  /** When this server started (ms). */
  readonly startedAt: number;
  readonly excludedPhrases: string[];
  /** Users asking for PotentialParents. */
  readonly parentSeekers = new Set<OnlineUser>();
  /** Users that take distributed children. */
  readonly parentCandidates = new Set<OnlineUser>();
  readonly publicChatListeners = new Set<OnlineUser>();
  /** Every user's liked and hated items, kept in step with the store, for recommendations. */
  readonly interests: InterestIndex;
  private readonly privileges: Map<string, number>;
  /** PrivilegesNotification tickets waiting for their acknowledgement. */
  readonly privilegeNotices = new PrivilegeNotices();
  /** Users an admin kicked, kept out for a while. */
  readonly kickBans: KickBans;
  /** New accounts per IP (limits.registrationsPerHourPerIp). */
  readonly registrations: KeyedRateLimiter;
  private readonly verified = new Map<string, string>();
  /** A KeyObject made once: building the key on every HMAC call cost more than the HMAC. */
  private readonly verifyKey = createSecretKey(randomBytes(32));

  constructor(options: CoreOptions) {
    this.config = options.config;
    this.store = options.store;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.startedAt = this.now();
    this.privileges = options.privileges ?? new Map();
    this.kickBans = new KickBans(this.now);
    const perHour = options.config.limits.registrationsPerHourPerIp;
    this.registrations = new KeyedRateLimiter(perHour, perHour / 60, this.now);
    this.interests = options.interests ?? new InterestIndex();
    this.excludedPhrases = options.config.excludedSearchPhrases.map((phrase) => phrase.toLowerCase());
  }

  get maxPendingMessages(): number {
    return this.config.limits.maxPendingMessages;
  }

  handle(session: Session, message: ServerRequest): void | Promise<void> {
    if (message.name === 'Login') return login(this, session, message);
    const user = session.user;
    if (user === undefined) return;
    const handler = handlers[message.name] as Handler<typeof message.name>;
    const ctx: ActiveContext = { core: this, session, user };
    return handler(ctx, message as never);
  }

  sessionClosed(session: Session, reason: CloseReason): void {
    const user = session.user;
    const detail = describeClose(reason);
    if (reason.kind === 'protocol' || reason.kind === 'slow-consumer') session.log.warn({ user: user?.username, reason: detail }, 'session closed');
    else session.log.info({ user: user?.username, reason: detail }, 'session closed');
    if (user !== undefined && this.network.online.get(user.username) === user) this.dropUser(user, detail);
  }

  /** Registers a freshly logged-in user, with the stats stored for it. */
  addUser(session: Session, username: string, stats: StoredStats): OnlineUser {
    const limits = this.config.limits;
    const user = new OnlineUser({
      username,
      link: session,
      ip: session.connection.remoteAddress,
      privileged: this.isPrivileged(username),
      stats,
      searches: new TokenBucket(limits.searchBurst, limits.searchesPerMinute, this.now),
      privateMessages: new TokenBucket(limits.privateMessageBurst, limits.privateMessagesPerMinute, this.now),
      now: this.now(),
    });
    this.network.add(user);
    return user;
  }

  /** Takes a user off the network (logout, disconnect, or replaced by a newer login). */
  dropUser(user: OnlineUser, reason: string): void {
    logTreeLeave(this.log, user);
    this.network.remove(user);
    this.parentSeekers.delete(user);
    this.parentCandidates.delete(user);
    this.publicChatListeners.delete(user);
    if (!this.network.online.has(user.username)) {
      this.network.pushStatus(user.username, 0, user.privileged);
    }
    this.log.debug({ user: user.username, reason }, 'user offline');
  }

  /** Password check, with successful ones remembered (keyed HMAC, never the password) to spare scrypt. */
  async verifyPassword(username: string, password: string): Promise<boolean> {
    if (this.verified.get(username) === this.passwordDigest(username, password)) return true;
    const ok = await this.store.verifyPassword(username, password);
    if (ok) this.rememberPassword(username, password);
    return ok;
  }

  /** Remembers a password known to be right (just verified, or just registered). */
  rememberPassword(username: string, password: string): void {
    if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(username, this.passwordDigest(username, password));
  }

  private passwordDigest(username: string, password: string): string {
    return createHmac('sha256', this.verifyKey).update(username).update('\0').update(password).digest('base64');
  }

  forgetVerifiedPassword(username: string): void {
    this.verified.delete(username);
  }

  isPrivileged(username: string): boolean {
    return (this.privileges.get(username) ?? 0) > this.now();
  }

  privilegeSecondsLeft(username: string): number {
    return Math.max(0, Math.floor(((this.privileges.get(username) ?? 0) - this.now()) / 1000));
  }

  *privilegedUsers(): Iterable<string> {
    const now = this.now();
    for (const [name, until] of this.privileges) if (until > now) yield name;
  }

  /** When the user's privileges end (ms), 0 when it has none. */
  privilegedUntil(username: string): number {
    return this.privileges.get(username) ?? 0;
  }

  /** Records in memory when privileges end; handlers/privileges.ts writes the store and tells the network. */
  recordPrivileges(username: string, until: number): void {
    if (until > this.now()) this.privileges.set(username, until);
    else this.privileges.delete(username);
  }

  /** Forgets the privileges that have run out, and says whose they were. */
  takeExpiredPrivileges(): string[] {
    const now = this.now();
    const expired: string[] = [];
    for (const [name, until] of this.privileges) if (until <= now) expired.push(name);
    for (const name of expired) this.privileges.delete(name);
    return expired;
  }

  /**
   * Charges `bytes` of database growth to the user's connection. False once the connection's
   * allowance (limits.storedBytesPerConnection) is spent: the caller then stores nothing. The user
   * is told once.
   */
  chargeStorage(user: OnlineUser, bytes: number, what: string): boolean {
    const limit = this.config.limits.storedBytesPerConnection;
    if (user.storedBytes + bytes > limit) {
      const firstRefusal = user.storedBytes <= limit;
      // Past the limit for good: only a new connection gets a new allowance.
      user.storedBytes = limit + 1;
      if (firstRefusal) {
        this.log.warn({ user: user.username, what, limit }, 'connection stored its limit of bytes, further writes refused');
        this.sendServerNotice(user, storageLimitNotice(limit));
      }
      return false;
    }
    user.storedBytes += bytes;
    return true;
  }

  /** A private message from the `server` user, stored like any other so the client can acknowledge it. */
  sendServerNotice(user: OnlineUser, text: string): void {
    this.store
      .storePrivateMessage({ timestamp: Math.floor(this.now() / 1000), from: SERVER_USERNAME, to: user.username, message: text })
      .then(
        (stored) =>
          user.send(
            serverResponse.PrivateChatMessage({
              chatId: stored.id,
              timestamp: stored.timestamp,
              username: SERVER_USERNAME,
              message: text,
              isDirect: true,
            }),
          ),
        (error: unknown) => this.log.error({ err: error }, 'could not store a server notice'),
      );
  }
}

export function storageLimitNotice(limit: number): string {
  return `This connection has stored ${limit} bytes on the server (private messages, interests, tickers, rooms): nothing more is stored until you log in again.`;
}

export function describeClose(reason: CloseReason): string {
  switch (reason.kind) {
    case 'remote':
      return 'closed by the client';
    case 'local':
      return reason.detail;
    case 'protocol':
      return `bad frame: ${reason.error.message}`;
    case 'slow-consumer':
      return `not reading: ${reason.bufferedBytes} bytes queued`;
    case 'idle':
      return `idle for ${reason.idleMs} ms`;
    case 'socket-error':
      return `socket error: ${reason.error.message}`;
  }
}
