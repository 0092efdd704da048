// zlib bodies of the three compressed peer messages. Inflating is bounded by the message's own
// declared cap (messages/peer.ts): a small frame that inflates to gigabytes is a DecodeError,
// never an out-of-memory crash. inflateInSteps() does the work on zlib's thread pool in chunks
// of at most INFLATE_STEP_BYTES, so the event loop only ever handles one chunk at a time.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants, createInflate, deflateSync, inflateSync } from 'node:zlib';
import { DecodeError, ProtocolErrorCode } from './errors.ts';

/** The largest cap any message declares (the shares reply's): far below the heap. */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** Output bytes zlib hands back per step of inflateInSteps(). */
export const INFLATE_STEP_BYTES = 64 * 1024;

/**
 * What inflating has cost this process: how tests and benchmarks see that an unwanted reply was
 * never inflated, and that no step produced more than INFLATE_STEP_BYTES.
 */
export const inflateMeter = {
  /** Inflated bytes produced, by both paths. */
  bytes: 0,
  /** Chunks produced by inflateInSteps(). */
  steps: 0,
  /** The largest single chunk inflateInSteps() produced. */
  largestStepBytes: 0,
  /** Bodies inflated in one synchronous call (decode(): small tools, tests, the decode command). */
  syncCalls: 0,
};

function limitError(maxInflatedBytes: number, cause?: unknown): DecodeError {
  return new DecodeError(
    ProtocolErrorCode.inflateLimit,
    `compressed body inflates past this message's limit of ${maxInflatedBytes} bytes`,
    cause === undefined ? {} : { cause },
  );
}

function compressionError(error: unknown): DecodeError {
  return new DecodeError(ProtocolErrorCode.badCompression, `body is not a valid zlib stream (${(error as Error).message})`, {
    cause: error,
  });
}

/** Inflates in one call; for small bodies and tools. Stops at `maxInflatedBytes`. */
export function inflate(body: Uint8Array, maxInflatedBytes: number): Uint8Array {
  inflateMeter.syncCalls++;
  try {
    const out = inflateSync(body, { maxOutputLength: Math.max(1, maxInflatedBytes) });
    inflateMeter.bytes += out.length;
    return out;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      inflateMeter.bytes += maxInflatedBytes;
      throw limitError(maxInflatedBytes, error);
    }
    throw compressionError(error);
  }
}

/**
 * Inflates on zlib's thread pool, INFLATE_STEP_BYTES at a time, and stops (destroying the stream)
 * as soon as the output would pass `maxInflatedBytes`.
 */
export function inflateInSteps(body: Uint8Array, maxInflatedBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stream = createInflate({ chunkSize: INFLATE_STEP_BYTES });
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: DecodeError) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      inflateMeter.steps++;
      inflateMeter.bytes += chunk.length;
      if (chunk.length > inflateMeter.largestStepBytes) inflateMeter.largestStepBytes = chunk.length;
      total += chunk.length;
      if (total > maxInflatedBytes) {
        fail(limitError(maxInflatedBytes));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error) => fail(compressionError(error)));
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      joinInSteps(chunks, total).then(resolve, reject);
    });
    stream.end(body);
  });
}

/** Bytes copied per turn of the event loop when joining the inflated chunks of a large body. */
const JOIN_STEP_BYTES = 8 * 1024 * 1024;

/** One buffer from the inflated chunks; a body of many MiB is copied a few MiB per turn. */
async function joinInSteps(chunks: Buffer[], total: number): Promise<Buffer> {
  if (chunks.length === 1) return chunks[0]!;
  if (total <= JOIN_STEP_BYTES) return Buffer.concat(chunks, total);
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  let sinceTurn = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
    sinceTurn += chunk.length;
    if (sinceTurn >= JOIN_STEP_BYTES) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  return out;
}

/** zlib (RFC 1950) at the default level 6, header 78 9c, as aioslsk and SoulseekQt write it. */
export function deflate(body: Uint8Array): Uint8Array {
  return deflateSync(body, { level: constants.Z_DEFAULT_COMPRESSION });
}
