// zlib bodies of the three compressed peer messages. Inflating is bounded: a small frame that
// inflates to gigabytes is a DecodeError, never an out-of-memory crash.

import { deflateSync, inflateSync, constants } from 'node:zlib';
import { DecodeError, ProtocolErrorCode } from './errors.ts';

/** Default cap on an inflated body: far above a 1,000,000-file shares list, far below the heap. */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

export function inflate(body: Uint8Array, maxInflatedBytes: number): Uint8Array {
  try {
    return inflateSync(body, { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecodeError(
        ProtocolErrorCode.inflateLimit,
        `compressed body inflates past the limit of ${maxInflatedBytes} bytes`,
        { cause: error },
      );
    }
    throw new DecodeError(ProtocolErrorCode.badCompression, `body is not a valid zlib stream (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** zlib (RFC 1950) at the default level 6, header 78 9c, as aioslsk and SoulseekQt write it. */
export function deflate(body: Uint8Array): Uint8Array {
  return deflateSync(body, { level: constants.Z_DEFAULT_COMPRESSION });
}
