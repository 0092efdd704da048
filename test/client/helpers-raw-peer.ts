// A bare peer for client tests: a TCP connection to a client's listen port (or one the client
// opened to us) that speaks P frames with nothing on top, records what it reads, and lets the test
// decide exactly when to write and when to close — for races and hostile peers.

import { connect, type Socket } from 'node:net';
import { FrameReader, decode, encode, type PeerMessage } from '../../src/protocol/index.ts';
import { Recorder } from '../support/recorder.ts';

export class RawPeer {
  readonly socket: Socket;
  readonly messages = new Recorder<PeerMessage>();
  /** Sizes of the chunks that arrived after freeze(): bytes the peer's app never reads. */
  readonly unread = new Recorder<number>();
  private frozen = false;
  private readonly reader = new FrameReader('peer');
  closed = false;
  private readonly closedPromise: Promise<void>;

  constructor(socket: Socket, initialBytes?: Uint8Array) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('data', (chunk) => this.read(chunk));
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
    if (initialBytes !== undefined && initialBytes.length > 0) this.read(initialBytes);
  }

  /** Connects to `port` and sends PeerInit as `username` (type P). */
  static async open(port: number, username: string, options: { localAddress?: string } = {}): Promise<RawPeer> {
    const socket = await dial(port, options.localAddress);
    const peer = new RawPeer(socket);
    socket.write(encode('peer-init', 'both', { name: 'PeerInit', username, connectionType: 'P', ticket: 0 }));
    return peer;
  }

  /** Opens a TCP connection to `port` without sending an init message yet. */
  static async connectOnly(port: number): Promise<RawPeer> {
    return new RawPeer(await dial(port));
  }

  /** Sends a PeerPierceFirewall (the answer to our ConnectToPeer). */
  pierce(ticket: number): void {
    this.socket.write(encode('peer-init', 'both', { name: 'PeerPierceFirewall', ticket }));
  }

  /**
   * From now on bytes still arrive but are never read as messages, as on a connection Nicotine+
   * has decided to close because a newer one to the same user appeared.
   */
  freeze(): void {
    this.frozen = true;
  }

  send(message: PeerMessage): void {
    this.socket.write(encode('peer', 'both', message));
  }

  next<N extends PeerMessage['name']>(name: N, from = 0, timeoutMs?: number): Promise<Extract<PeerMessage, { name: N }>> {
    return this.messages.wait((m) => m.name === name, name, from, timeoutMs) as Promise<Extract<PeerMessage, { name: N }>>;
  }

  count(name: PeerMessage['name']): number {
    return this.messages.items.filter((m) => m.name === name).length;
  }

  waitClosed(): Promise<void> {
    return this.closedPromise;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closedPromise;
  }

  private read(chunk: Uint8Array): void {
    if (this.frozen) {
      this.unread.push(chunk.length);
      return;
    }
    for (const frame of this.reader.push(chunk)) this.messages.push(decode('peer', 'both', frame, { allowTrailingBytes: true }));
  }
}

export function dial(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
