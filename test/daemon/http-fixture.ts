// A daemon HTTP server on 127.0.0.1 port 0 with an in-memory DaemonServices, keys of every role and a web
// login, for the HTTP tests. The services are a real implementation of the interface (state kept in
// memory), not a mock: the HTTP layer is what these tests exercise.

import type { TestContext } from 'node:test';
import { startDaemonHttp, type DaemonHttp, type DaemonHttpOptions } from '../../src/daemon/http/server.ts';
import type { DaemonServices } from '../../src/daemon/http/services.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { routes, type ServerConnection } from '../../src/daemon/http/routes.ts';
import { DaemonMetrics } from '../../src/daemon/metrics/index.ts';
import { hashPassword } from '../../src/daemon/http/sessions.ts';
import { createDaemonClient, type DaemonClient } from '../../src/daemon/client.ts';
import type { ApiKeyConfig } from '../../src/daemon/http/auth.ts';
import { MemorySearches } from './memory-searches.ts';
import { MemoryShares, memoryOptions } from './memory-shares.ts';
import { LogRing } from '../../src/daemon/logs.ts';
import { rm } from 'node:fs/promises';
import { MemoryConversations, MemoryRooms } from './memory-chat.ts';
import { MemoryTransfers } from './memory-transfers.ts';
import { MemoryUsers } from './memory-users.ts';
import { MemoryWishlist } from './memory-wishlist.ts';

export const KEYS = {
  read: 'read-key-0123456789abcdef',
  write: 'write-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
} as const;

export const WEB_USER = { username: 'owner', password: 'correct horse battery staple' } as const;

let webHash: Promise<string> | undefined;
/** scrypt is slow on purpose: hash the test password once per process. */
export const webPasswordHash = (): Promise<string> => (webHash ??= hashPassword(WEB_USER.password));

export const baseKeys: readonly ApiKeyConfig[] = [
  { name: 'reader', key: KEYS.read, role: 'read' },
  { name: 'writer', key: KEYS.write, role: 'write' },
  { name: 'boss', key: KEYS.admin, role: 'admin' },
];

export class MemoryServices implements DaemonServices {
  readonly version = '0.1.0-test';
  readonly events = new EventHub();
  readonly searches = new MemorySearches();
  readonly shares = new MemoryShares();
  readonly #settings = memoryOptions();
  readonly settings = this.#settings.options;
  /** Settings the PATCH route applied, and the file it writes. */
  readonly appliedSettings = this.#settings.applied;
  readonly settingsFile = this.#settings.file;
  readonly logs = new LogRing({ capacity: 5, level: 'debug' });
  readonly rooms = new MemoryRooms();
  readonly conversations = new MemoryConversations();
  readonly transfers = new MemoryTransfers();
  readonly users = new MemoryUsers();
  readonly wishlist = new MemoryWishlist(this.searches);
  connection: ServerConnection = { state: 'disconnected' };
  connectCalls = 0;
  failConnect: Error | undefined;
  optionsObject: Record<string, unknown> = {
    soulseek: { username: 'tester', password: 'soulseek-secret', listenPort: 2234 },
    auth: { web: { username: 'owner', passwordHash: 'scrypt$hash' }, keys: [{ name: 'reader', key: 'read-secret', role: 'read' }] },
    directories: { downloads: '/srv/downloads' },
  };

  server(): ServerConnection {
    return this.connection;
  }
  async connect(): Promise<ServerConnection> {
    this.connectCalls++;
    if (this.failConnect !== undefined) throw this.failConnect;
    this.connection = { state: 'loggedIn', address: 'server.test:2242', username: 'tester' };
    return this.connection;
  }
  async disconnect(): Promise<ServerConnection> {
    this.connection = { state: 'disconnected' };
    return this.connection;
  }
  options(): Record<string, unknown> {
    return this.optionsObject;
  }
  /** Real metrics, fed by the server's request observer (startFixture passes it). */
  readonly daemonMetrics = new DaemonMetrics(Object.keys(routes));
  metrics(): string {
    return this.daemonMetrics.scrape();
  }
}

export interface Fixture {
  readonly http: DaemonHttp;
  readonly url: string;
  readonly services: MemoryServices;
  client(credentials?: { apiKey?: string; token?: string }): DaemonClient;
}

export async function startFixture(t: TestContext, overrides: Partial<DaemonHttpOptions> = {}): Promise<Fixture> {
  const services = new MemoryServices();
  const http = await startDaemonHttp({
    host: '127.0.0.1',
    port: 0,
    services,
    metrics: services.daemonMetrics,
    auth: { enabled: true, keys: baseKeys, web: { username: WEB_USER.username, passwordHash: await webPasswordHash() } },
    ...overrides,
  });
  t.after(async () => {
    await rm(services.settingsFile, { force: true });
    services.daemonMetrics.stop();
    return http.close();
  });
  return {
    http,
    url: http.url,
    services,
    client: (credentials = {}) => createDaemonClient({ baseUrl: http.url, ...credentials }),
  };
}
