// The first message on a peer connection: read it from an incoming socket (plain or obfuscated),
// or write it on an outgoing one. What follows the init message depends on its type: peer frames
// (P), distributed frames (D) or raw file bytes (F).

import type { Socket } from 'node:net';
import { FrameReader, ProtocolError, decode, encode, obfuscate, type PeerInitMessage } from '../protocol/index.ts';
import { ClientError, TimeoutError } from './errors.ts';

export interface ReadInit {
  init: PeerInitMessage;
  /** Bytes that arrived after the init message, for whoever reads the rest of the connection. */
  rest: Uint8Array;
}

/** Reads the init message, leaving the socket paused for its next owner. */
export function readInit(socket: Socket, options: { obfuscated: boolean; timeoutMs: number }): Promise<ReadInit> {
  const reader = new FrameReader('peer-init', { obfuscated: options.obfuscated });
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
    };
    const fail = (error: unknown) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new TimeoutError('reading the peer init message', options.timeoutMs)), options.timeoutMs);
    const onClose = () => fail(new ClientError('PEER_CLOSED', 'the peer closed before sending its init message'));
    const onData = (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      const first = frames[0];
      if (first === undefined) return;
      socket.pause();
      cleanup();
      try {
        const init = decode('peer-init', 'both', first, { allowTrailingBytes: true });
        // Frames after the init in the same chunk (rare) are handed on as bytes, with what is buffered.
        // The reader hands them out plain; on an obfuscated connection they go back in obfuscated,
        // as the next reader expects.
        const later = frames.slice(1).map((frame) => (options.obfuscated ? obfuscate(frame) : frame));
        const rest = concat([...later, reader.takeRemainder()]);
        resolve({ init, rest });
      } catch (error) {
        socket.destroy();
        reject(error instanceof ProtocolError ? error : new ClientError('BAD_INIT', String(error)));
      }
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}

export function writeInit(socket: Socket, init: PeerInitMessage, obfuscated: boolean): void {
  const frame = encode('peer-init', 'both', init);
  socket.write(obfuscated ? obfuscate(frame) : frame);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const nonEmpty = parts.filter((part) => part.length > 0);
  if (nonEmpty.length === 0) return new Uint8Array(0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  return Buffer.concat(nonEmpty);
}

/**
 * Writes the init message and resolves once it has left for the network and `settleMs` passed.
 * Some clients (slsk-client) read the init on its own and drop whatever else arrived in the same
 * read, so the first message after it must not travel glued to it.
 */
export function writeInitSettled(socket: Socket, init: PeerInitMessage, obfuscated: boolean, settleMs: number): Promise<void> {
  const frame = encode('peer-init', 'both', init);
  return new Promise((resolve, reject) => {
    socket.write(obfuscated ? obfuscate(frame) : frame, (error) => {
      if (error) reject(error);
      else if (settleMs > 0) setTimeout(resolve, settleMs);
      else resolve();
    });
  });
}
