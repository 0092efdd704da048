// Test helpers for the server: a server on 127.0.0.1 port 0 with its database in a temp folder,
// and a bare protocol client that sends messages and waits for the ones it expects (no sleeps:
// every wait ends on the message or on a timeout).

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FrameReader,
  decode,
  encode,
  type ServerRequest,
  type ServerResponse,
  type ServerResponseOf,
} from '../../src/protocol/index.ts';
import { SoulseekServer, type ServerOptions } from '../../src/server/server.ts';
import { silentLogger } from '../../src/server/log.ts';

export const WAIT_MS = 5000;

const LOGIN_BURST = new Set(['RoomList', 'ParentMinSpeed', 'ParentSpeedRatio', 'WishlistInterval', 'PrivilegedUsers']);

export function tempDir(prefix = 'slsk-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Every test client comes from 127.0.0.1, so the per-address and per-sender limits that keep out
 * abuse are raised here, in the config, for tests that register and message a lot; a test of one
 * of these limits sets it back in its own options.
 */
export const LOOPBACK_LIMITS = {
  failedConnectionsPerMinutePerIp: 10_000,
  pendingLoginsPerIp: 10_000,
  registrationsPerHourPerIp: 1_000_000,
  privateMessageBurst: 100_000,
  privateMessagesPerMinute: 100_000,
} as const;

export interface TestServer {
  server: SoulseekServer;
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const server = await SoulseekServer.start({
    host: '127.0.0.1',
    port: 0,
    passwordCost: 1024,
    logger: silentLogger(),
    ...options,
    dataDir,
    limits: { ...LOOPBACK_LIMITS, ...options.limits },
  });
  return {
    server,
    port: server.port,
    dataDir,
    close: async () => {
      await server.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Predicate<M> = (message: M) => boolean;

/** A client that speaks the server protocol with nothing on top. */
export class RawClient {
  readonly socket: Socket;
  readonly received: ServerResponse[] = [];
  /** Names of every message received, in order, never consumed. */
  readonly history: string[] = [];
  private readonly reader = new FrameReader('server');
  private waiters: { test: Predicate<ServerResponse>; resolve: (m: ServerResponse) => void }[] = [];
  private closedWaiters: (() => void)[] = [];
  closed = false;
  /** Messages looked at by next()/expect are consumed from `received`. */
  private cursor = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      for (const frame of this.reader.push(chunk)) {
        const message = decode('server', 'response', frame);
        this.received.push(message);
        this.history.push(message.name);
        this.waiters = this.waiters.filter((w) => {
          if (!w.test(message)) return true;
          w.resolve(message);
          return false;
        });
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const resolve of this.closedWaiters) resolve();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and logs in; resolves once the Login reply arrived (and returns it). */
  static async login(port: number, username: string, password = 'secret', extra: Partial<ServerRequest> = {}): Promise<RawClient> {
    const client = await RawClient.connect(port);
    client.send({ name: 'Login', username, password, version: 160, md5Hash: '', minorVersion: 1, ...extra } as ServerRequest);
    const reply = await client.next('Login');
    if (!reply.result) throw new Error(`login of ${username} failed: ${reply.failureReason}`);
    // Everything the server sends after login ends with ExcludedSearchPhrases; drop that burst so
    // tests see only what comes after it.
    await client.next('ExcludedSearchPhrases');
    client.received.splice(0, client.received.length, ...client.received.filter((m) => !LOGIN_BURST.has(m.name)));
    return client;
  }

  send(message: ServerRequest): void {
    this.socket.write(encode('server', 'request', message));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next message with this name (and matching `test`) after the ones already consumed. */
  next<N extends ServerResponse['name']>(
    name: N,
    test: Predicate<ServerResponseOf<N>> = () => true,
    timeoutMs = WAIT_MS,
  ): Promise<ServerResponseOf<N>> {
    const matches = (m: ServerResponse): m is ServerResponseOf<N> => m.name === name && test(m as ServerResponseOf<N>);
    for (let i = this.cursor; i < this.received.length; i++) {
      const message = this.received[i]!;
      if (matches(message)) {
        this.received.splice(i, 1);
        return Promise.resolve(message);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}; received: ${this.received.map((m) => m.name).join(', ')}`));
      }, timeoutMs);
      const waiter = {
        test: matches as Predicate<ServerResponse>,
        resolve: (message: ServerResponse) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(message), 1);
          resolve(message as ServerResponseOf<N>);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the server has handled everything this client sent so far (a round trip). */
  async sync(): Promise<void> {
    const marker = `sync-${Math.random().toString(36).slice(2)}`;
    this.send({ name: 'GetUserStatus', username: marker });
    await this.next('GetUserStatus', (m) => m.username === marker);
  }

  /** Asserts that nothing matching arrives before a marker round-trip completes. */
  async nothingMore<N extends ServerResponse['name']>(name: N, test: Predicate<ServerResponseOf<N>> = () => true): Promise<void> {
    // A GetUserStatus round trip: the server answers in order, so anything sent before is here by then.
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    this.send({ name: 'GetUserStatus', username: marker });
    await this.next('GetUserStatus', (m) => m.username === marker);
    const found = this.received.find((m) => m.name === name && test(m as ServerResponseOf<N>));
    if (found !== undefined) throw new Error(`unexpected ${name}: ${JSON.stringify(found, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  }

  waitClosed(timeoutMs = WAIT_MS): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.closedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.socket.end();
    return this.waitClosed();
  }
}
