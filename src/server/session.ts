// One client connection: decodes its frames, lets nothing but Login through until it has logged
// in, and hands messages to the handlers one at a time, in order, even when a handler waits for
// the database. A client that floods faster than its messages are handled is paused, not buffered.

import { DecodeError, ProtocolErrorCode, decode, type ServerRequest } from '../protocol/index.ts';
import type { CloseReason, FramedConnection } from '../net/connection.ts';
import type { Logger } from './log.ts';
import type { OnlineUser, SessionLink } from './network.ts';

export type SessionState = 'login' | 'active' | 'closed';

export interface SessionHost {
  readonly log: Logger;
  readonly maxPendingMessages: number;
  /** Handles one message; may return a promise, and the next message waits for it. */
  handle(session: Session, message: ServerRequest): void | Promise<void>;
  sessionClosed(session: Session, reason: CloseReason): void;
}

let nextSessionId = 1;
const LENIENT = { allowTrailingBytes: true } as const;

export class Session implements SessionLink {
  readonly id = nextSessionId++;
  readonly connection: FramedConnection;
  state: SessionState = 'login';
  /** Set once Login succeeded. */
  user: OnlineUser | undefined;
  /** Set once a Login is being handled, so a second one is ignored. */
  loginStarted = false;
  /**
   * Called once, when the login attempt is over: succeeded, or refused / closed before logging in
   * (counted against the address at once, not when the socket finally closes).
   */
  onLoginEnded: ((succeeded: boolean) => void) | undefined;
  private readonly host: SessionHost;
  private readonly queue: Uint8Array[] = [];
  private busy = false;
  private paused = false;
  /** Why the connection closed, while messages it sent before closing are still being handled. */
  private closeReason: CloseReason | undefined;
  private resolveFinished!: () => void;
  /** Resolves once the connection closed and every message it sent has been handled. */
  readonly finished = new Promise<void>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(host: SessionHost, connection: FramedConnection) {
    this.host = host;
    this.connection = connection;
    connection.on('frame', (frame) => this.enqueue(frame));
    connection.on('close', (reason) => {
      // Messages that arrived before the close are still handled (an acknowledgement sent just
      // before logging out must not be lost); the session ends after the last of them.
      this.closeReason = reason;
      if (!this.busy) this.pump();
    });
  }

  /** Ends the session once its connection closed and the queue is empty. */
  private finishIfDone(): void {
    if (this.closeReason === undefined || this.state === 'closed' || this.busy || this.queue.length > 0) return;
    this.state = 'closed';
    this.host.sessionClosed(this, this.closeReason);
    this.resolveFinished();
  }

  private logger: Logger | undefined;

  /** The session's logger, made on first use: most sessions log little, and a child logger per connection costs memory. */
  get log(): Logger {
    this.logger ??= this.host.log.child({ session: this.id, ip: this.connection.remoteAddress });
    return this.logger;
  }

  /** The login succeeded: from here on the session carries the user's messages. */
  activate(user: OnlineUser): void {
    this.user = user;
    this.state = 'active';
    this.endLogin(true);
  }

  private endLogin(succeeded: boolean): void {
    const listener = this.onLoginEnded;
    this.onLoginEnded = undefined;
    listener?.(succeeded);
  }

  get username(): string | undefined {
    return this.user?.username;
  }

  /** The connection has closed (messages it sent before may still be being handled). */
  get disconnected(): boolean {
    return this.closeReason !== undefined;
  }

  send(frame: Uint8Array): boolean {
    return this.connection.send(frame);
  }

  close(detail: string): void {
    if (this.state === 'login') this.endLogin(false);
    this.connection.close({ kind: 'local', detail });
  }

  private enqueue(frame: Uint8Array): void {
    if (this.state === 'closed' || this.closeReason !== undefined) return;
    this.queue.push(frame);
    if (!this.paused && this.queue.length >= this.host.maxPendingMessages) {
      this.paused = true;
      this.connection.pause();
    }
    if (!this.busy) this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.state !== 'closed') {
      const frame = this.queue.shift()!;
      const pending = this.dispatch(frame);
      if (pending !== undefined) {
        this.busy = true;
        pending.then(
          () => this.afterAsync(),
          (error: unknown) => {
            this.handlerFailed(error);
            this.afterAsync();
          },
        );
        return;
      }
    }
    this.maybeResume();
    this.finishIfDone();
  }

  private afterAsync(): void {
    this.busy = false;
    this.pump();
  }

  private maybeResume(): void {
    if (this.paused && this.queue.length < this.host.maxPendingMessages / 2) {
      this.paused = false;
      this.connection.resume();
    }
  }

  private dispatch(frame: Uint8Array): Promise<void> | undefined {
    let message: ServerRequest;
    try {
      // Extra bytes after a complete message are tolerated: some clients pad fields.
      message = decode('server', 'request', frame, LENIENT);
    } catch (error) {
      if (error instanceof DecodeError && error.code === ProtocolErrorCode.unknownCode) {
        // Clients send codes we do not know (newer or private extensions): skip them, never close.
        this.log.debug({ code: error.messageCode, bytes: frame.length }, 'unknown message code skipped');
        return undefined;
      }
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'malformed message, closing');
      this.close('malformed message');
      return undefined;
    }
    if (this.state === 'login' && message.name !== 'Login') {
      this.log.info({ message: message.name }, 'message before Login, closing');
      this.close('message before login');
      return undefined;
    }
    let result: void | Promise<void>;
    try {
      result = this.host.handle(this, message);
    } catch (error) {
      // A handler that throws at once is a bug like one that rejects: it costs this session only,
      // never the socket listener (and with it the whole server).
      this.handlerFailed(error);
      return undefined;
    }
    return result instanceof Promise ? result : undefined;
  }

  private handlerFailed(error: unknown): void {
    this.log.error({ err: error, user: this.username }, 'handler failed, closing the session');
    this.close('internal error');
  }
}
