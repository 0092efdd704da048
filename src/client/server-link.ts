// The client's connection to the server: framed, decoded, with replies awaited by name.

import { EventEmitter } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { FramedConnection, type CloseReason } from '../net/connection.ts';
import { ProtocolError, decode, encode, type ServerRequest, type ServerResponse, type ServerResponseOf } from '../protocol/index.ts';
import { InFlight } from '../net/in-flight.ts';
import { AbortError, ClientError, NotConnectedError, ServerDisconnectedError, TimeoutError } from './errors.ts';
import type { ClientLogger } from './options.ts';

interface Waiter {
  test(message: ServerResponse): boolean;
  resolve(message: ServerResponse): void;
  reject(error: unknown): void;
}

interface ServerLinkEvents {
  message: [message: ServerResponse];
  close: [reason: CloseReason];
}

const LENIENT = { allowTrailingBytes: true } as const;

export class ServerLink extends EventEmitter<ServerLinkEvents> {
  private readonly connection: FramedConnection;
  private readonly log: ClientLogger;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly requestTimeoutMs: number;
  /** Lookups by key (a user's address, status…): concurrent callers share one request and its reply. */
  private readonly lookups: InFlight<string, ServerResponse>;
  closed = false;

  private constructor(connection: FramedConnection, log: ClientLogger, requestTimeoutMs: number) {
    super();
    this.requestTimeoutMs = requestTimeoutMs;
    this.lookups = new InFlight({ timeoutMs: requestTimeoutMs, describe: (key) => `the server's answer to ${String(key).replace('\0', ' of ')}` });
    this.connection = connection;
    this.log = log;
    connection.on('frame', (frame) => this.onFrame(frame));
    connection.on('close', (reason) => {
      this.closed = true;
      const error = new ServerDisconnectedError('waiting for the server');
      for (const set of this.waiters.values()) for (const waiter of set) waiter.reject(error);
      this.lookups.close('the connection to the server closed');
      this.waiters.clear();
      this.emit('close', reason);
    });
  }

  /** Opens the TCP connection; rejects with a ClientError naming the address when it cannot. */
  static connect(
    host: string,
    port: number,
    timeouts: { connectMs: number; requestMs: number },
    log: ClientLogger,
    signal?: AbortSignal,
  ): Promise<ServerLink> {
    const timeoutMs = timeouts.connectMs;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host, port });
      const fail = (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new TimeoutError(`connecting to the server ${host}:${port}`, timeoutMs)), timeoutMs);
      const onAbort = () => fail(new AbortError(`connecting to ${host}:${port}`, signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        fail(new ClientError('CONNECT_FAILED', `cannot connect to the server ${host}:${port} (${error.code ?? error.message}); check the address and that the server runs`, { cause: error })),
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        socket.setKeepAlive(true, 60_000);
        resolve(new ServerLink(new FramedConnection(socket, 'server'), log, timeouts.requestMs));
      });
    });
  }

  get localPort(): number {
    return this.connection.socket.localPort ?? 0;
  }

  send(message: ServerRequest): boolean {
    if (this.closed) return false;
    return this.connection.send(encode('server', 'request', message));
  }

  /** Sends `request` and waits for the reply named `name` that passes `test` (default request timeout). */
  sendAndWait<N extends ServerResponse['name']>(
    request: ServerRequest,
    name: N,
    test: (message: ServerResponseOf<N>) => boolean,
    signal?: AbortSignal,
  ): Promise<ServerResponseOf<N>> {
    const reply = this.waitFor(name, test, this.requestTimeoutMs, signal);
    this.send(request);
    return reply;
  }

  /**
   * A lookup about one user (GetPeerAddress, GetUserStatus, AddUser…): callers asking the same
   * thing at once share one request and its reply; each may leave with its own signal. Fails with
   * ServerDisconnectedError when the link closes.
   */
  lookup<N extends ServerResponse['name']>(
    request: ServerRequest & { username: string },
    name: N,
    signal?: AbortSignal,
  ): Promise<ServerResponseOf<N>> {
    const { username } = request;
    if (this.closed) return Promise.reject(new ServerDisconnectedError(`asking the server for ${name} of ${username}`));
    const key = `${request.name}\0${username}`;
    const reply = this.lookups.run(key, (workSignal) =>
      this.sendAndWait(request, name, (m) => (m as { username?: string }).username === username, workSignal).catch((error: unknown) => {
        throw this.closed ? new ServerDisconnectedError(`asking the server for ${name} of ${username}`) : error;
      }),
      { signal },
    );
    return reply as Promise<ServerResponseOf<N>>;
  }

  /** The next message named `name` that passes `test`. */
  waitFor<N extends ServerResponse['name']>(
    name: N,
    test: (message: ServerResponseOf<N>) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ServerResponseOf<N>> {
    if (this.closed) return Promise.reject(new NotConnectedError(`waiting for ${name}`));
    return new Promise((resolve, reject) => {
      let set = this.waiters.get(name);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(name, set);
      }
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
      };
      const waiter: Waiter = {
        test: (message) => test(message as ServerResponseOf<N>),
        resolve: (message) => {
          done();
          resolve(message as ServerResponseOf<N>);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.reject(new TimeoutError(`waiting for the server's ${name}`, timeoutMs)), timeoutMs);
      const onAbort = () => waiter.reject(new AbortError(`waiting for ${name}`, signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  close(detail = 'closed by the client'): void {
    this.connection.close({ kind: 'local', detail });
  }

  private onFrame(frame: Uint8Array): void {
    let message: ServerResponse;
    try {
      message = decode('server', 'response', frame, LENIENT);
    } catch (error) {
      // A message we cannot read is skipped: the server may be newer than us.
      if (error instanceof ProtocolError) this.log.debug?.({ err: error.message }, 'unreadable server message skipped');
      else throw error;
      return;
    }
    const set = this.waiters.get(message.name);
    if (set !== undefined) {
      for (const waiter of set) {
        if (waiter.test(message)) {
          waiter.resolve(message);
          break;
        }
      }
    }
    this.emit('message', message);
  }
}
