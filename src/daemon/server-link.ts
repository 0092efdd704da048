// The daemon's login to the Soulseek server: connect and disconnect on request (the API's PUT and
// DELETE /application/connection), the client library's own reconnect after a lost connection, and
// retries of a first login that found the server unreachable (the library only reconnects after a
// login succeeded once). Every change of state is reported once, as a `serverConnection` event.

import { LoginError, type Client } from '../client/index.ts';
import { InFlight } from '../net/in-flight.ts';
import { connectionTransition, ConnectionStates, type ConnectionState } from './connection-state.ts';
import type { DaemonEventMap } from './events/index.ts';
import { HttpError } from './http/index.ts';
import type { ServerConnection } from './http/routes.ts';

export interface ServerLinkSettings {
  readonly server: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** First wait before retrying a failed first login; doubles up to retryMaxMs. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Deadline of one login attempt. */
  readonly loginTimeoutMs?: number;
}

export type ConnectionEvent = DaemonEventMap['serverConnection'];

export class DaemonServerLink {
  readonly #client: Client;
  readonly #settings: ServerLinkSettings;
  readonly #changed: (event: ConnectionEvent) => void;
  // Two PUTs at once (or a PUT during the start-up login) share one login.
  readonly #logins: InFlight<'login', ServerConnection>;
  #state: ConnectionState = ConnectionStates.disconnected;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryAttempt = 0;
  #closed = false;

  constructor(client: Client, settings: ServerLinkSettings, changed: (event: ConnectionEvent) => void) {
    this.#client = client;
    this.#settings = settings;
    this.#changed = changed;
    this.#logins = new InFlight({ timeoutMs: settings.loginTimeoutMs ?? 60_000, describe: () => `logging in to ${settings.server}` });
    client.on('loggedIn', (info) => {
      // A login that finished while disconnect() was closing the client is being undone.
      if (this.#state === ConnectionStates.disconnecting || this.#state === ConnectionStates.disconnected) return;
      this.#move(ConnectionStates.loggedIn, { username: info.username });
    });
    client.on('disconnected', ({ reason, willReconnect }) => {
      // Our own disconnect() reports its end itself.
      if (this.#state === ConnectionStates.disconnecting || this.#state === ConnectionStates.disconnected) return;
      this.#move(willReconnect ? ConnectionStates.reconnecting : ConnectionStates.disconnected, { reason });
    });
    client.on('kicked', () => {
      if (this.#state !== ConnectionStates.disconnected) this.#move(ConnectionStates.disconnected, { reason: 'logged in elsewhere with the same user name' });
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** As GET /application shows it; the API has no separate `reconnecting` (it is a login in progress). */
  snapshot(): ServerConnection {
    const state = this.#state === ConnectionStates.reconnecting ? 'connecting' : this.#state;
    const username = this.#client.username ?? this.#settings.username;
    return { state, address: this.#settings.server, ...(username === undefined ? {} : { username }) };
  }

  /** Logs in (joining a login in progress); resolves once logged in. */
  async connect(): Promise<ServerConnection> {
    if (this.#closed) throw new HttpError(503, 'stopping', 'The daemon is stopping');
    const { username, password } = this.#settings;
    if (username === undefined || password === undefined) {
      throw new HttpError(409, 'not_configured', 'No Soulseek account is configured: set soulseek.username and soulseek.password (config file, SLSK_* environment or flags) and restart the daemon');
    }
    if (this.#state === ConnectionStates.loggedIn) return this.snapshot();
    return this.#logins.run('login', (signal) => this.#login(username, password, signal));
  }

  /** Logs out and stays offline until connect(). */
  async disconnect(): Promise<ServerConnection> {
    this.#stopRetrying();
    if (this.#state === ConnectionStates.disconnected || this.#state === ConnectionStates.disconnecting) return this.snapshot();
    this.#move(ConnectionStates.disconnecting, {});
    // A login in progress is abandoned: its signal aborts, and it settles as refused.
    this.#logins.close('disconnected on request');
    await this.#client.close();
    this.#move(ConnectionStates.disconnected, { reason: 'disconnected on request' });
    return this.snapshot();
  }

  /** Stops retrying; the caller closes the client. */
  close(): void {
    this.#closed = true;
    this.#stopRetrying();
    this.#logins.close('the daemon is stopping');
  }

  async #login(username: string, password: string, signal: AbortSignal): Promise<ServerConnection> {
    this.#stopRetrying();
    // The library may be waiting to reconnect on its own: start over so there is only one login.
    if (this.#state === ConnectionStates.reconnecting) await this.#client.close();
    this.#move(ConnectionStates.connecting, {});
    try {
      await this.#client.login({ server: this.#settings.server, username, password, signal });
      this.#retryAttempt = 0;
      return this.snapshot();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.#state !== ConnectionStates.connecting) throw new HttpError(409, 'disconnected', `The login was abandoned: ${reason}`);
      if (error instanceof LoginError) {
        // A refused login (wrong password, bad name) will not get better by itself.
        this.#move(ConnectionStates.disconnected, { reason });
        throw new HttpError(502, 'login_refused', `The server ${this.#settings.server} refused the login: ${reason}; fix soulseek.username / soulseek.password`);
      }
      this.#move(ConnectionStates.reconnecting, { reason });
      this.#scheduleRetry();
      throw new HttpError(502, 'server_unreachable', `Could not log in to ${this.#settings.server}: ${reason}; the daemon keeps trying`);
    }
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    const delay = Math.min(this.#settings.retryMaxMs, this.#settings.retryInitialMs * 2 ** this.#retryAttempt);
    this.#retryAttempt++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      // The outcome is recorded (and reported) by #login; nobody waits on this attempt.
      this.connect().catch(() => {});
    }, delay);
    this.#retryTimer.unref();
  }

  #stopRetrying(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #move(to: ConnectionState, details: { username?: string; reason?: string }): void {
    if (this.#state === to) return;
    this.#state = connectionTransition(this.#state, to);
    if (to === ConnectionStates.disconnecting) return;
    this.#changed({ state: to, ...details });
  }
}
