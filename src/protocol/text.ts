// String bytes as Soulseek peers send them: UTF-8 by default, but old clients (Soulseek NS,
// some SoulseekQt builds) send Windows-1252, so bytes that are not valid UTF-8 are read as
// Windows-1252 instead of failing. Decoding a string never throws.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// WHATWG's windows-1252 maps the five bytes cp1252 leaves undefined to the same code points as
// latin-1, so every byte sequence decodes.
const windows1252 = new TextDecoder('windows-1252');
const encoder = new TextEncoder();

/** Strings up to this many bytes are tried as plain ASCII first, which avoids a decoder call. */
const ASCII_FAST_PATH_MAX = 48;

export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= ASCII_FAST_PATH_MAX) {
    let text = '';
    let i = start;
    for (; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) break;
      text += String.fromCharCode(byte);
    }
    if (i === end) return text;
  }
  const view = bytes.subarray(start, end);
  try {
    return utf8.decode(view);
  } catch {
    return windows1252.decode(view);
  }
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

/** Encodes to latin-1 (one byte per character), as legacy clients expect for some paths. */
export function encodeLatin1(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0xff) return undefined;
    out[i] = unit;
  }
  return out;
}
