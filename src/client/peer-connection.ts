// A P (peer messages) or D (distributed) connection to one user, after the init message.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { FramedConnection, type CloseReason } from '../net/connection.ts';
import {
  ProtocolError,
  decode,
  decodeInSteps,
  encode,
  frameCode,
  isCompressed,
  type DistributedMessage,
  type PeerMessage,
} from '../protocol/index.ts';
import type { ClientLogger } from './options.ts';

const LENIENT = { allowTrailingBytes: true } as const;

/** A frame that did not become a message: nobody wanted its code, or its bytes did not decode. */
export type SkippedFrame = { code: number | undefined; reason: 'unwanted' } | { code: number | undefined; reason: 'unreadable'; error: ProtocolError };

interface PeerConnectionEvents<M> {
  message: [message: M];
  skipped: [skipped: SkippedFrame];
  close: [reason: CloseReason];
}

abstract class BaseConnection<M> extends EventEmitter<PeerConnectionEvents<M>> {
  readonly username: string;
  readonly connection: FramedConnection;
  protected readonly log: ClientLogger;
  protected abstract readonly channel: 'peer' | 'distributed';
  lastActivity = Date.now();
  closed = false;
  /**
   * Asked before a frame is decoded: does anyone want this message code from this peer now? A
   * frame whose code is not wanted is dropped unread (a compressed one is never inflated). Set by
   * the connection's owner; by default every message is wanted.
   */
  wants: (code: number) => boolean = () => true;
  /** Frames that arrived while a compressed one was still being decoded, kept in order. */
  private readonly waiting: Uint8Array[] = [];
  private decoding = false;

  constructor(username: string, connection: FramedConnection, log: ClientLogger) {
    super();
    this.username = username;
    this.connection = connection;
    this.log = log;
    connection.on('frame', (frame) => {
      this.lastActivity = Date.now();
      if (this.decoding) this.waiting.push(frame);
      else this.handle(frame);
    });
    connection.on('close', (reason) => {
      this.closed = true;
      this.waiting.length = 0;
      this.emit('close', reason);
    });
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  private handle(frame: Uint8Array): void {
    const code = frameCode(this.channel, frame);
    if (code !== undefined && !this.wants(code)) {
      this.log.debug?.({ peer: this.username, code }, 'unrequested peer message dropped unread');
      this.emit('skipped', { code, reason: 'unwanted' });
      return;
    }
    if (code !== undefined && isCompressed(this.channel, 'both', code)) {
      // Inflated and read in steps off the event loop's critical path; the socket waits meanwhile,
      // and later frames keep their order.
      this.decoding = true;
      this.connection.pause();
      this.decodeCompressed(frame, code).catch((error: unknown) => {
        this.log.error?.({ peer: this.username, err: String(error) }, 'peer message handler failed');
        this.connection.close({ kind: 'local', detail: `handling a message failed: ${String(error)}` });
      });
      return;
    }
    let message: M;
    try {
      message = decode(this.channel, 'both', frame, LENIENT) as M;
    } catch (error) {
      this.unreadable(error, code);
      return;
    }
    this.emit('message', message);
  }

  private async decodeCompressed(frame: Uint8Array, code: number): Promise<void> {
    let message: M | undefined;
    try {
      message = (await decodeInSteps(this.channel, 'both', frame, LENIENT)) as M;
    } catch (error) {
      this.unreadable(error, code);
    } finally {
      this.decoding = false;
    }
    if (message !== undefined) this.emit('message', message);
    while (!this.decoding && this.waiting.length > 0) this.handle(this.waiting.shift()!);
    if (!this.decoding) this.connection.resume();
  }

  /** Unknown or unreadable messages from peers are skipped, never fatal. */
  private unreadable(error: unknown, code: number | undefined): void {
    if (!(error instanceof ProtocolError)) throw error;
    this.log.debug?.({ peer: this.username, err: error.message }, 'unreadable peer message skipped');
    this.emit('skipped', { code, reason: 'unreadable', error });
  }

  close(detail = 'closed'): void {
    this.connection.close({ kind: 'local', detail });
  }
}

export class PeerConnection extends BaseConnection<PeerMessage> {
  /** Every message on this connection is obfuscated (type 1). */
  obfuscated = false;

  static over(username: string, socket: Socket, log: ClientLogger, options: { obfuscated?: boolean; initialBytes?: Uint8Array } = {}): PeerConnection {
    const obfuscated = options.obfuscated ?? false;
    const connection = new FramedConnection(socket, 'peer', {
      obfuscated,
      obfuscateOutgoing: obfuscated,
      ...(options.initialBytes ? { initialBytes: options.initialBytes } : {}),
    });
    const peer = new PeerConnection(username, connection, log);
    peer.obfuscated = obfuscated;
    return peer;
  }

  protected readonly channel = 'peer';

  send(message: PeerMessage): boolean {
    this.lastActivity = Date.now();
    return this.connection.send(encode('peer', 'both', message));
  }
}

export class DistributedConnection extends BaseConnection<DistributedMessage> {
  static over(username: string, socket: Socket, log: ClientLogger, initialBytes?: Uint8Array): DistributedConnection {
    const connection = new FramedConnection(socket, 'distributed', initialBytes ? { initialBytes } : {});
    return new DistributedConnection(username, connection, log);
  }

  protected readonly channel = 'distributed';

  send(message: DistributedMessage): boolean {
    this.lastActivity = Date.now();
    return this.connection.send(encode('distributed', 'both', message));
  }

  /** Sends an already encoded frame (a search forwarded to many children is encoded once). */
  sendFrame(frame: Uint8Array): boolean {
    this.lastActivity = Date.now();
    return this.connection.send(frame);
  }
}
