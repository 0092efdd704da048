// The bytes of an F connection: the raw ticket and offset at its start, then the file streamed from
// the offset with backpressure (a full socket or a slow disk pauses the other side) under the
// global speed limit. The downloader closes the connection once it has every byte.

import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { TokenBucket } from './rate-limit.ts';

/** A transfer step failed; `reason` is what the transfer shows. */
export class TransferFailure extends Error {
  override readonly name = 'TransferFailure';
  readonly reason: string;
  constructor(reason: string, message = reason, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

const MiB = 1024 * 1024;
/** Chunk read from disk per socket write when unlimited. */
export const SEND_CHUNK_BYTES = MiB;

/**
 * Reads exactly `count` bytes from the start of a connection (`initial` first). Leaves the socket
 * paused; returns the bytes and whatever arrived after them.
 */
export function readExactly(
  socket: Socket,
  count: number,
  initial: Uint8Array,
  timeoutMs: number,
  what: string,
): Promise<{ bytes: Buffer; rest: Buffer }> {
  let buffered = Buffer.from(initial.buffer, initial.byteOffset, initial.byteLength);
  if (buffered.length >= count) return Promise.resolve({ bytes: buffered.subarray(0, count), rest: buffered.subarray(count) });
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < count) return;
      socket.pause();
      cleanup();
      resolve({ bytes: buffered.subarray(0, count), rest: buffered.subarray(count) });
    };
    const onClose = (): void => {
      cleanup();
      reject(new TransferFailure('Connection closed', `the connection closed while reading the ${what}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      socket.destroy();
      reject(new TransferFailure('Timed out', `no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    if (socket.destroyed) onClose();
    else socket.resume();
  });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What a file stream runs under, sending or receiving. */
export interface StreamControls {
  limiter: TokenBucket;
  idleMs: number;
  signal: AbortSignal;
  /** How far into the file the stream is (offset included): bytes handed to the socket, or bytes we have. */
  onBytes(position: number): void;
}

export interface SendOptions extends StreamControls {
  socket: Socket;
  path: string;
  offset: number;
  size: number;
}

/**
 * Streams `path` from `offset` to `size` into the socket, then waits for the downloader to close.
 * Resolves once it closed after every byte was written; throws TransferFailure otherwise.
 */
export async function sendFile(options: SendOptions): Promise<void> {
  const { socket, path, size, limiter, signal, idleMs } = options;
  let position = options.offset;
  let closed = socket.destroyed;
  let closedAt = -1;
  let wake: (() => void) | undefined;
  const onClose = (): void => {
    closed = true;
    closedAt = position;
    wake?.();
  };
  // Errors (a reset after the downloader had everything) show up as the close that follows.
  const onError = (): void => {};
  const onAbort = (): void => wake?.();
  socket.once('close', onClose);
  socket.on('error', onError);
  // The downloader sends nothing more; keep reading so its close (end of stream) is seen.
  const discard = (): void => {};
  socket.on('data', discard);
  socket.resume();
  signal.addEventListener('abort', onAbort);

  /** Waits for `drain`, the close, an abort, or `idleMs` without progress. */
  const waitFor = (event: 'drain' | 'close'): Promise<'ok' | 'closed' | 'idle'> =>
    new Promise((resolve) => {
      if (closed) return resolve('closed');
      if (signal.aborted) return resolve('ok');
      const timer = setTimeout(() => finish('idle'), idleMs);
      const onEvent = (): void => finish(event === 'close' ? 'closed' : 'ok');
      function finish(result: 'ok' | 'closed' | 'idle'): void {
        clearTimeout(timer);
        socket.off(event, onEvent);
        wake = undefined;
        resolve(closed ? 'closed' : result);
      }
      wake = () => finish(closed ? 'closed' : 'ok');
      socket.once(event, onEvent);
    });

  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    cleanup();
    throw new TransferFailure('File read error.', `cannot open ${path}`, { cause: error });
  }
  function cleanup(): void {
    socket.off('close', onClose);
    socket.off('error', onError);
    socket.off('data', discard);
    signal.removeEventListener('abort', onAbort);
  }

  const read = async (at: number): Promise<Buffer> => {
    const length = Math.min(limiter.chunkSize(SEND_CHUNK_BYTES), size - at);
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await file.read(buffer, filled, length - filled, at + filled);
      if (bytesRead === 0) throw new TransferFailure('File read error.', `${path} is shorter than ${size} bytes`);
      filled += bytesRead;
    }
    return buffer;
  };

  try {
    // One chunk is read ahead while the previous one is being written.
    let next: Promise<Buffer> | undefined = position < size ? read(position) : undefined;
    while (next !== undefined) {
      const chunk = await next;
      if (signal.aborted) throw new TransferFailure('Cancelled');
      if (closed) throw new TransferFailure('Connection closed', `the downloader closed the connection at ${position} of ${size} bytes`);
      const written = socket.write(chunk);
      position += chunk.length;
      options.onBytes(position);
      next = position < size ? read(position) : undefined;
      // Keep the promise handled while we wait below: a read error surfaces at the next await.
      next?.catch(() => {});
      const wait = limiter.take(chunk.length);
      if (!written) {
        const result = await waitFor('drain');
        if (result === 'idle') throw new TransferFailure('Timed out', `the downloader read nothing for ${idleMs} ms`);
        if (result === 'closed' && position < size) {
          throw new TransferFailure('Connection closed', `the downloader closed the connection at ${closedAt} of ${size} bytes`);
        }
      }
      if (wait > 0) await delay(wait, signal);
    }
    if (signal.aborted) throw new TransferFailure('Cancelled');
    // Everything is written: the downloader closes once it has it all. We never close first.
    const result = await waitFor('close');
    if (result === 'idle') throw new TransferFailure('Timed out', `the downloader did not close within ${idleMs} ms of the last byte`);
    if (signal.aborted && !closed) throw new TransferFailure('Cancelled');
  } finally {
    cleanup();
    await file.close().catch(() => {});
  }
}

export interface ReceiveOptions extends StreamControls {
  socket: Socket;
  /** Bytes of the file that arrived with the handshake. */
  initial: Uint8Array;
  path: string;
  offset: number;
  size: number;
}

/**
 * Appends the connection's bytes to the partial file until it holds `size` bytes, then closes the
 * connection. Resolves once every byte is on disk (the file closed); throws TransferFailure when
 * the connection ends first (what arrived is kept, for a resume).
 */
export function receiveFile(options: ReceiveOptions): Promise<void> {
  const { socket, path, size, limiter, signal, idleMs } = options;
  return new Promise((resolve, reject) => {
    let total = options.offset;
    let lastActivity = Date.now();
    let paused = 0; // bit 1: the disk is behind, bit 2: the speed limit
    let settled = false;
    let limitTimer: NodeJS.Timeout | undefined;
    const out = createWriteStream(path, { flags: 'a', highWaterMark: 4 * MiB });
    let writeError: Error | undefined;
    out.on('error', (error) => {
      writeError = error;
      finish(new TransferFailure('File write error', `cannot write ${path}: ${error.message}`, { cause: error }));
    });

    const pause = (bit: number): void => {
      if (paused === 0) socket.pause();
      paused |= bit;
    };
    const resume = (bit: number): void => {
      paused &= ~bit;
      if (paused === 0 && !settled) socket.resume();
    };
    const onDrain = (): void => resume(1);

    const onData = (data: Buffer | Uint8Array): void => {
      if (settled) return;
      lastActivity = Date.now();
      let chunk = data;
      const missing = size - total;
      if (chunk.length > missing) chunk = chunk.subarray(0, missing);
      if (chunk.length === 0) return;
      total += chunk.length;
      if (!out.write(chunk)) {
        pause(1);
        out.once('drain', onDrain);
      }
      options.onBytes(total);
      if (total >= size) {
        finish(undefined);
        return;
      }
      const wait = limiter.take(chunk.length);
      if (wait > 0) {
        pause(2);
        limitTimer = setTimeout(() => resume(2), wait);
      }
    };
    const onClose = (): void => finish(new TransferFailure('Connection closed', `the uploader closed the connection at ${total} of ${size} bytes`));
    const onAbort = (): void => finish(new TransferFailure('Cancelled'));
    const idle = setInterval(() => {
      if (paused === 0 && Date.now() - lastActivity > idleMs) finish(new TransferFailure('Timed out', `no bytes for ${idleMs} ms`));
    }, Math.max(50, Math.min(idleMs / 4, 5000)));

    function finish(failure: TransferFailure | undefined): void {
      if (settled) return;
      settled = true;
      clearInterval(idle);
      clearTimeout(limitTimer);
      socket.off('data', onData);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      out.off('drain', onDrain);
      if (failure === undefined) {
        // We have it all: close our side (the uploader takes that as success); drop anything more.
        socket.on('data', () => {});
        socket.end();
        socket.resume();
        setTimeout(() => socket.destroy(), 10_000).unref();
      } else {
        socket.destroy();
      }
      const settle = (): void => {
        if (failure !== undefined) reject(failure);
        else if (writeError !== undefined) reject(new TransferFailure('File write error', writeError.message));
        else resolve();
      };
      // Resolve once the file is closed: every byte written is then on disk for the next reader.
      if (out.closed) settle();
      else {
        out.once('close', settle);
        if (!out.destroyed) out.end();
      }
    }

    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('close', onClose);
    if (options.initial.length > 0) onData(options.initial);
    if (settled) return;
    if (total >= size) {
      finish(undefined);
      return;
    }
    socket.on('data', onData);
    if (socket.destroyed) onClose();
    else if (paused === 0) socket.resume();
  });
}
