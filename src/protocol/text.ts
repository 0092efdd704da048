// String bytes as Soulseek peers send them: UTF-8 by default, but old clients (Soulseek NS,
// some SoulseekQt builds) send Windows-1252, so bytes that are not valid UTF-8 are read as
// Windows-1252 instead of failing. Decoding a string never throws.

import { isUtf8 } from 'node:buffer';

// WHATWG's windows-1252 maps the five bytes cp1252 leaves undefined to the same code points as
// latin-1, so every byte sequence decodes.
const windows1252 = new TextDecoder('windows-1252');
const encoder = new TextEncoder();

type SliceFn = (this: Buffer, start: number, end: number) => string;
// Buffer's utf8Slice skips toString's encoding dispatch; it is the hot path of every decode.
const utf8Slice: SliceFn =
  (Buffer.prototype as unknown as { utf8Slice?: SliceFn }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

/** Strings up to this many UTF-16 units are encoded by a plain loop when ASCII. */
const ASCII_FAST_PATH_MAX = 48;

export function decodeText(bytes: Buffer, start: number, end: number): string {
  const text = utf8Slice.call(bytes, start, end);
  // Invalid UTF-8 shows up as U+FFFD. Only then check whether the bytes were really UTF-8 that
  // happened to contain U+FFFD, or a legacy single-byte string.
  if (text.indexOf('\uFFFD') === -1 || isUtf8(bytes.subarray(start, end))) return text;
  return windows1252.decode(bytes.subarray(start, end));
}

/** Writes `text` as UTF-8 into `target` at `offset`; the caller guarantees 3 bytes per UTF-16 unit. */
export function encodeTextInto(text: string, target: Uint8Array, offset: number): number {
  const length = text.length;
  if (length <= ASCII_FAST_PATH_MAX) {
    let i = 0;
    for (; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) break;
      target[offset + i] = unit;
    }
    if (i === length) return length;
  }
  return encoder.encodeInto(text, target.subarray(offset)).written;
}
