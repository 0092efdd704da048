// The Soulseek server: accepts TCP connections, turns each into a session, and runs the network
// through ServerCore. Start it with SoulseekServer.start(); stop it with close().

import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { FramedConnection } from '../net/connection.ts';
import { resolveConfig, type ServerConfig, type ServerConfigInput } from './config.ts';
import { ServerCore } from './core.ts';
import { refreshPotentialParents } from './handlers/distributed.ts';
import { expirePrivileges } from './handlers/privileges.ts';
import { createLogger, type Logger } from './log.ts';
import { loadRoomState } from './private-rooms.ts';
import { KeyedRateLimiter, type Clock } from './rate-limit.ts';
import { InterestIndex } from './recommendations.ts';
import { Session } from './session.ts';
import { STATUS_FILE, StatusFile, serverStatus } from './status.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import type { ServerStore } from './store/store.ts';

export const DATABASE_FILE = 'slsk-server.sqlite';

export interface ServerOptions extends ServerConfigInput {
  /** Use this store instead of the SQLite file under dataDir. */
  store?: ServerStore;
  logger?: Logger;
  now?: Clock;
  random?: () => number;
}

export class SoulseekServer {
  readonly config: ServerConfig;
  readonly core: ServerCore;
  readonly log: Logger;
  private readonly listener: Server;
  private readonly sessions = new Set<Session>();
  /** Per IP: connections that ended without a login (failed logins, or no Login at all). */
  private readonly failedConnections: KeyedRateLimiter;
  /** Per IP: connections open now that have not logged in yet. */
  private readonly pendingLogins = new Map<string, number>();
  /** One log line per address and minute about refused connections: a flood must not fill the log instead. */
  private readonly refusalLogs: KeyedRateLimiter;
  private readonly timers: NodeJS.Timeout[] = [];
  /** For `slsk server status`; only a server on its own database folder writes one. */
  private readonly statusFile: StatusFile | undefined;
  private closing: Promise<void> | undefined;

  private constructor(config: ServerConfig, core: ServerCore, log: Logger, writesStatusFile: boolean) {
    this.config = config;
    this.core = core;
    this.log = log;
    if (writesStatusFile) this.statusFile = new StatusFile(join(config.dataDir, STATUS_FILE), () => serverStatus(core, this.address), log);
    const perMinute = config.limits.failedConnectionsPerMinutePerIp;
    this.failedConnections = new KeyedRateLimiter(perMinute, perMinute, core.now);
    this.refusalLogs = new KeyedRateLimiter(1, 1, core.now);
    this.listener = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Opens the store, listens, and resolves once connections are accepted. */
  static async start(options: ServerOptions = {}): Promise<SoulseekServer> {
    const { store: givenStore, logger, now, random, ...input } = options;
    const config = resolveConfig(input);
    const log = logger ?? createLogger(config.logLevel);
    let store = givenStore;
    if (store === undefined) {
      mkdirSync(config.dataDir, { recursive: true });
      store = await openSqliteStore(join(config.dataDir, DATABASE_FILE), {
        passwordCost: config.passwordCost,
        pendingMessagesPerRecipient: config.limits.inboxSize,
        pendingMessagesPerSender: config.limits.inboxSharePerSender,
      });
    }
    const privileges = new Map<string, number>();
    const startedAt = (now ?? Date.now)();
    for (const account of await store.listAccounts()) {
      if (account.privilegedUntil > startedAt) privileges.set(account.username, account.privilegedUntil);
    }
    const interests = InterestIndex.from(await store.allInterests());
    const core = new ServerCore({ config, store, log, privileges, interests, ...(now ? { now } : {}), ...(random ? { random } : {}) });
    await loadRoomState(core.network, store);
    const server = new SoulseekServer(config, core, log, givenStore === undefined);
    try {
      await server.listen();
    } catch (error) {
      // The caller gets no server to close, so release the store opened here.
      if (givenStore === undefined) await store.close();
      throw error;
    }
    return server;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen({ host: this.config.host, port: this.config.port, backlog: 4096 }, () => {
        this.listener.off('error', reject);
        this.listener.on('error', (error) => this.log.error({ err: error }, 'listener error'));
        const timer = setInterval(() => refreshPotentialParents(this.core), 1000);
        timer.unref();
        this.timers.push(timer);
        // Privileges end between requests too: an online user's flag and wishlist interval follow within a second.
        const privilegesTimer = setInterval(() => expirePrivileges(this.core), 1000);
        privilegesTimer.unref();
        this.timers.push(privilegesTimer);
        this.statusFile?.start();
        this.log.info({ host: this.config.host, port: this.port, dataDir: this.config.dataDir }, 'server listening');
        resolve();
      });
    });
  }

  /** The port actually listened on (useful with port 0). */
  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  get address(): { host: string; port: number } {
    return { host: this.config.host, port: this.port };
  }

  get onlineCount(): number {
    return this.core.network.online.size;
  }

  private accept(socket: Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const connection = new FramedConnection(socket, 'server', {
      maxFrameBytes: this.config.limits.maxMessageBytes,
      limitForCode: () => this.config.limits.maxMessageBytes,
      maxWriteBufferBytes: this.config.limits.maxWriteBufferBytes,
      keepAliveMs: 60_000,
    });
    const ip = connection.remoteAddress;
    // What counts against an address is what is abusive: connections that end without logging in,
    // and too many open at once before logging in. Logins that succeed never count, so a household
    // or an office behind one address is never locked out by its own clients.
    if (!this.failedConnections.available(ip)) {
      if (this.refusalLogs.take(ip)) this.log.warn({ ip }, 'too many connections without a login from this address, refusing its connections');
      socket.destroy();
      return;
    }
    const pending = this.pendingLogins.get(ip) ?? 0;
    if (pending >= this.config.limits.pendingLoginsPerIp) {
      if (this.refusalLogs.take(ip)) this.log.warn({ ip, pending }, 'too many connections waiting to log in from this address, refusing more');
      socket.destroy();
      return;
    }
    this.pendingLogins.set(ip, pending + 1);
    let waitingForLogin = true;
    const loginEnded = (succeeded: boolean): void => {
      if (!waitingForLogin) return;
      waitingForLogin = false;
      const left = (this.pendingLogins.get(ip) ?? 1) - 1;
      if (left > 0) this.pendingLogins.set(ip, left);
      else this.pendingLogins.delete(ip);
      if (!succeeded) this.failedConnections.take(ip);
    };
    const session = new Session(this.core, connection);
    session.onLoginEnded = loginEnded;
    this.sessions.add(session);
    session.log.debug({ port: connection.remotePort }, 'connection accepted');
    const loginTimer = setTimeout(() => {
      if (session.state === 'login') {
        session.log.info('no login in time, closing');
        session.close('login timeout');
      }
    }, this.config.limits.loginTimeoutSeconds * 1000);
    loginTimer.unref();
    connection.on('close', () => {
      clearTimeout(loginTimer);
      loginEnded(false);
    });
    void session.finished.then(() => this.sessions.delete(session));
    const idleSeconds = this.config.limits.idleTimeoutSeconds;
    if (idleSeconds > 0) {
      socket.setTimeout(idleSeconds * 1000, () => connection.close({ kind: 'idle', idleMs: idleSeconds * 1000 }));
    }
  }

  /** Stops accepting, closes every session, and closes the store (flushing it). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      const statusRemoved = this.statusFile?.stop();
      const stopped = new Promise<void>((resolve) => this.listener.close(() => resolve()));
      // Each session ends once its connection closed and what it sent before has been handled,
      // so the store is closed only after the last write.
      const finished = [...this.sessions].map((session) => {
        session.close('server shutting down');
        return session.finished;
      });
      await Promise.all(finished);
      await stopped;
      await statusRemoved;
      await this.core.store.close();
      this.log.info('server stopped');
      this.log.flush();
    })();
    return this.closing;
  }
}
