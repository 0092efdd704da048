// Obfuscation type 1: each message is prefixed by a random 4-byte key; before each following
// 4-byte block the key (a little-endian uint32) is rotated right by 31 bits and XORed with the
// block. A pure transform on bytes; connections decide when to use it (every message on P
// connections, only the init message on F and D connections).

import { randomBytes } from 'node:crypto';
import { DecodeError, ProtocolErrorCode } from './errors.ts';

export const OBFUSCATION_KEY_BYTES = 4;

function rotateRight31(key: number): number {
  return ((key >>> 31) | (key << 1)) >>> 0;
}

/** XORs `source` into `target` with the rotating key, starting from the initial key. */
function xorStream(initialKey: number, source: Uint8Array, target: Uint8Array, targetOffset: number): void {
  let key = initialKey;
  const length = source.length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    key = rotateRight31(key);
    target[targetOffset + i] = source[i]! ^ (key & 0xff);
    target[targetOffset + i + 1] = source[i + 1]! ^ ((key >>> 8) & 0xff);
    target[targetOffset + i + 2] = source[i + 2]! ^ ((key >>> 16) & 0xff);
    target[targetOffset + i + 3] = source[i + 3]! ^ (key >>> 24);
  }
  if (i < length) {
    key = rotateRight31(key);
    for (let j = 0; i + j < length; j++) target[targetOffset + i + j] = source[i + j]! ^ ((key >>> (8 * j)) & 0xff);
  }
}

function readKey(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

/** Returns `key ‖ obfuscated(data)`. The key is random unless given (tests pass one). */
export function obfuscate(data: Uint8Array, key: Uint8Array = randomBytes(OBFUSCATION_KEY_BYTES)): Uint8Array {
  if (key.length !== OBFUSCATION_KEY_BYTES) throw new RangeError('an obfuscation key is exactly 4 bytes');
  const out = new Uint8Array(OBFUSCATION_KEY_BYTES + data.length);
  out.set(key);
  xorStream(readKey(key), data, out, OBFUSCATION_KEY_BYTES);
  return out;
}

/** Takes `key ‖ obfuscated data` and returns the plain data. */
export function deobfuscate(data: Uint8Array): Uint8Array {
  if (data.length < OBFUSCATION_KEY_BYTES) {
    throw new DecodeError(ProtocolErrorCode.truncated, 'obfuscated data is shorter than its 4-byte key', { offset: 0 });
  }
  const out = new Uint8Array(data.length - OBFUSCATION_KEY_BYTES);
  xorStream(readKey(data), data.subarray(OBFUSCATION_KEY_BYTES), out, 0);
  return out;
}
