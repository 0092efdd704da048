// A bounds-checked cursor over one message body. Every read checks the bytes it needs first and
// throws a DecodeError (never a RangeError) when they are missing.

import { DecodeError, ProtocolErrorCode } from './errors.ts';
import { decodeText } from './text.ts';

const TWO_32 = 0x1_0000_0000;

export class Reader {
  readonly bytes: Buffer;
  /** Offset of the next unread byte. */
  pos: number;
  /** Offset one past the last readable byte. */
  readonly end: number;
  /** The message's cap on array elements in all (its declared maxItems). */
  readonly itemLimit: number;
  /** Array elements the message may still hold; every array's count is taken from it. */
  itemBudget: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, itemLimit = Number.POSITIVE_INFINITY) {
    // A Buffer view (no copy) gives string decoding Buffer's fast slices.
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.itemLimit = itemLimit;
    this.itemBudget = itemLimit;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `count` more bytes are available. */
  need(count: number, what: string): void {
    if (this.end - this.pos < count) {
      throw new DecodeError(
        ProtocolErrorCode.truncated,
        `${what} needs ${count} bytes but only ${this.end - this.pos} remain`,
        { offset: this.pos },
      );
    }
  }

  u8(): number {
    if (this.pos >= this.end) this.need(1, 'uint8');
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    if (this.end - this.pos < 2) this.need(2, 'uint16');
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  u32(): number {
    if (this.end - this.pos < 4) this.need(4, 'uint32');
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x100_0000;
  }

  i32(): number {
    if (this.end - this.pos < 4) this.need(4, 'int32');
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }

  u64(): bigint {
    if (this.end - this.pos < 8) this.need(8, 'uint64');
    const low = this.u32();
    return joinU64(low, this.u32());
  }

  bool(): boolean {
    const at = this.pos;
    const byte = this.u8();
    if (byte === 1) return true;
    if (byte === 0) return false;
    throw new DecodeError(ProtocolErrorCode.invalidBoolean, `boolean byte is ${byte}, not 0 or 1`, { offset: at });
  }

  /** `uint32` length, then that many bytes of text. */
  string(): string {
    const length = this.u32();
    if (this.end - this.pos < length) this.need(length, 'string');
    const start = this.pos;
    this.pos = start + length;
    return decodeText(this.bytes, start, start + length);
  }

  /** `uint32` length, then that many raw bytes, copied into a plain Uint8Array so the frame can be released. */
  byteArray(): Uint8Array {
    const length = this.u32();
    if (this.end - this.pos < length) this.need(length, 'byte array');
    const start = this.pos;
    this.pos = start + length;
    return new Uint8Array(this.bytes.subarray(start, start + length));
  }

  /** The rest of the body, without copying. */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return view;
  }

  skip(count: number): void {
    this.need(count, 'skipped bytes');
    this.pos += count;
  }
}

/** A uint64 from its two little-endian halves, avoiding BigInt arithmetic while it fits 2^53. */
export function joinU64(low: number, high: number): bigint {
  if (high === 0) return BigInt(low);
  if (high < 0x20_0000) return BigInt(high * TWO_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}
