// A framed TCP connection: cuts the socket's bytes into frames (bounded by the channel's limits),
// writes frames with a bounded outgoing buffer, and closes itself, with a reason, when the peer
// sends garbage, stops reading, or goes quiet for too long. Knows frames, not messages.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { FrameReader, ProtocolError, obfuscate, type Channel, type FrameReaderOptions } from '../protocol/index.ts';

export interface FramedConnectionOptions extends FrameReaderOptions {
  /** Close the connection when more than this many bytes wait to be sent (a peer that does not read). */
  maxWriteBufferBytes?: number;
  /** Close after this long without any traffic either way; 0 = never. */
  idleTimeoutMs?: number;
  /** TCP keepalive, so a peer that vanished without closing (half-open) is noticed. */
  keepAliveMs?: number;
  /** Obfuscate every outgoing frame (type 1), for P connections to an obfuscated port. */
  obfuscateOutgoing?: boolean;
  /** Bytes already read from the socket before this connection took it over (after an init message). */
  initialBytes?: Uint8Array;
}

/** Why a connection closed: the first cause wins. */
export type CloseReason =
  | { kind: 'remote' }
  | { kind: 'local'; detail: string }
  | { kind: 'protocol'; error: ProtocolError }
  | { kind: 'slow-consumer'; bufferedBytes: number }
  | { kind: 'idle'; idleMs: number }
  | { kind: 'socket-error'; error: Error };

interface FramedConnectionEvents {
  frame: [frame: Uint8Array];
  /** After a chunk that left a frame incomplete: its code, bytes of it so far and its size (only while someone listens). */
  partial: [partial: { code: number; received: number; size: number }];
  close: [reason: CloseReason];
}

export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
/** A corked batch this large is flushed without waiting for the end of the tick. */
const FLUSH_BATCH_BYTES = 64 * 1024;

export class FramedConnection extends EventEmitter<FramedConnectionEvents> {
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly reader: FrameReader;
  private readonly maxWriteBufferBytes: number;
  private closeReason: CloseReason | undefined;
  private readonly obfuscateOutgoing: boolean;
  private corked = false;
  /** Bytes written since the socket was corked, not yet handed to the kernel. */
  private batchBytes = 0;

  constructor(socket: Socket, channel: Channel, options: FramedConnectionOptions = {}) {
    super();
    this.socket = socket;
    this.remoteAddress = ipv4Of(socket.remoteAddress);
    this.remotePort = socket.remotePort ?? 0;
    this.reader = new FrameReader(channel, options);
    this.maxWriteBufferBytes = options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES;
    this.obfuscateOutgoing = options.obfuscateOutgoing ?? false;
    socket.setNoDelay(true);
    if (options.keepAliveMs !== undefined && options.keepAliveMs > 0) socket.setKeepAlive(true, options.keepAliveMs);
    if (options.idleTimeoutMs !== undefined && options.idleTimeoutMs > 0) {
      const idleMs = options.idleTimeoutMs;
      socket.setTimeout(idleMs, () => this.close({ kind: 'idle', idleMs }));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.close({ kind: 'socket-error', error }));
    socket.on('close', () => this.finish({ kind: 'remote' }));
    const initial = options.initialBytes;
    // Frames already read are delivered once the owner has attached its listeners.
    if (initial !== undefined && initial.length > 0) process.nextTick(() => this.onData(initial));
    if (socket.isPaused()) socket.resume();
  }

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Bytes accepted by send() that the kernel has not taken yet. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Queues one frame. Frames sent in the same tick go out in one write. Returns false (and closes
   * the connection) when more than maxWriteBufferBytes wait in user space: the kernel's buffers
   * are full, so the peer has stopped reading.
   */
  send(frame: Uint8Array): boolean {
    if (this.closeReason !== undefined) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.flush);
    }
    const bytes = this.obfuscateOutgoing ? obfuscate(frame) : frame;
    this.socket.write(bytes);
    this.batchBytes += bytes.length;
    // Hand big batches to the kernel at once, so that what stays queued measures the peer's
    // reading, not the size of one burst.
    if (this.batchBytes >= FLUSH_BATCH_BYTES) this.flush();
    const stuck = this.socket.writableLength - this.batchBytes;
    if (stuck > this.maxWriteBufferBytes) {
      this.close({ kind: 'slow-consumer', bufferedBytes: stuck });
      return false;
    }
    return true;
  }

  private readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.batchBytes = 0;
    this.socket.uncork();
  };

  /** Stops reading from the socket (inbound backpressure) until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (this.closeReason === undefined) this.socket.resume();
  }

  /** Closes after flushing what was already queued; the reason is reported once in 'close'. */
  close(reason: CloseReason = { kind: 'local', detail: 'closed' }): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.socket.setTimeout(0);
    // A peer that does not read would keep a graceful end pending forever: drop it at once.
    if (reason.kind === 'slow-consumer' || reason.kind === 'socket-error' || reason.kind === 'idle') this.socket.destroy();
    else this.socket.end();
    this.socket.once('close', () => this.emit('close', reason));
    // end() leaves the socket half-open until the peer answers; don't wait for it forever.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  private finish(reason: CloseReason): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.emit('close', reason);
  }

  private onData(chunk: Uint8Array): void {
    if (this.closeReason !== undefined) return;
    let frames: Uint8Array[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.close({ kind: 'protocol', error });
        return;
      }
      throw error;
    }
    for (const frame of frames) {
      if (this.closeReason !== undefined) return;
      this.emit('frame', frame);
    }
    if (this.closeReason === undefined && this.listenerCount('partial') > 0) {
      const partial = this.reader.partial;
      if (partial !== undefined) this.emit('partial', partial);
    }
  }
}

/** The IPv4 address of a socket's peer ('::ffff:1.2.3.4' → '1.2.3.4'); '0.0.0.0' for IPv6 peers. */
export function ipv4Of(address: string | undefined): string {
  if (address === undefined) return '0.0.0.0';
  if (address.startsWith('::ffff:')) return address.slice(7);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return address;
  return address === '::1' ? '127.0.0.1' : '0.0.0.0';
}
