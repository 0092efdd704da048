// A P (peer messages) or D (distributed) connection to one user, after the init message.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { FramedConnection, type CloseReason } from '../net/connection.ts';
import {
  ProtocolError,
  decode,
  encode,
  type DistributedMessage,
  type PeerMessage,
} from '../protocol/index.ts';
import type { ClientLogger } from './options.ts';

const LENIENT = { allowTrailingBytes: true } as const;

interface PeerConnectionEvents<M> {
  message: [message: M];
  close: [reason: CloseReason];
}

abstract class BaseConnection<M> extends EventEmitter<PeerConnectionEvents<M>> {
  readonly username: string;
  readonly connection: FramedConnection;
  protected readonly log: ClientLogger;
  lastActivity = Date.now();
  closed = false;

  constructor(username: string, connection: FramedConnection, log: ClientLogger) {
    super();
    this.username = username;
    this.connection = connection;
    this.log = log;
    connection.on('frame', (frame) => {
      this.lastActivity = Date.now();
      let message: M;
      try {
        message = this.decodeFrame(frame);
      } catch (error) {
        // Unknown or unreadable messages from peers are skipped, never fatal.
        if (error instanceof ProtocolError) this.log.debug?.({ peer: username, err: error.message }, 'unreadable peer message skipped');
        else throw error;
        return;
      }
      this.emit('message', message);
    });
    connection.on('close', (reason) => {
      this.closed = true;
      this.emit('close', reason);
    });
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  protected abstract decodeFrame(frame: Uint8Array): M;

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

  protected decodeFrame(frame: Uint8Array): PeerMessage {
    return decode('peer', 'both', frame, LENIENT);
  }

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

  protected decodeFrame(frame: Uint8Array): DistributedMessage {
    return decode('distributed', 'both', frame, LENIENT);
  }

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
