// A growable byte buffer for building one frame. Top-level encoding reuses one scratch buffer and
// copies the finished frame out once, so encoding a small message costs a single allocation.

import { EncodeError, ProtocolErrorCode } from './errors.ts';
import { encodeTextInto } from './text.ts';

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = (1n << 64n) - 1n;

export class Writer {
  bytes: Uint8Array;
  pos = 0;

  constructor(initialCapacity = 256) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  /** Makes room for `count` more bytes. */
  reserve(count: number): void {
    const needed = this.pos + count;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  u8(value: number): void {
    checkInteger(value, 0, 0xff, 'uint8');
    this.reserve(1);
    this.bytes[this.pos++] = value;
  }

  u16(value: number): void {
    checkInteger(value, 0, 0xffff, 'uint16');
    this.reserve(2);
    const b = this.bytes;
    const p = this.pos;
    b[p] = value & 0xff;
    b[p + 1] = value >>> 8;
    this.pos = p + 2;
  }

  u32(value: number): void {
    checkInteger(value, 0, 0xffff_ffff, 'uint32');
    this.putU32(value);
  }

  i32(value: number): void {
    checkInteger(value, -0x8000_0000, 0x7fff_ffff, 'int32');
    this.putU32(value >>> 0);
  }

  u64(value: bigint): void {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_U64) {
      throw invalid(`uint64 must be a bigint from 0 to 2^64-1, got ${describe(value)}`);
    }
    if (value < 0x20_0000_0000_0000n) {
      const n = Number(value);
      this.putU32(n % TWO_32);
      this.putU32(Math.floor(n / TWO_32));
    } else {
      this.putU32(Number(value & 0xffff_ffffn));
      this.putU32(Number(value >> 32n));
    }
  }

  bool(value: boolean): void {
    if (typeof value !== 'boolean') throw invalid(`boolean expected, got ${describe(value)}`);
    this.reserve(1);
    this.bytes[this.pos++] = value ? 1 : 0;
  }

  string(value: string): void {
    if (typeof value !== 'string') throw invalid(`string expected, got ${describe(value)}`);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(4 + value.length * 3);
    const start = this.pos + 4;
    const written = encodeTextInto(value, this.bytes, start);
    this.putU32At(this.pos, written);
    this.pos = start + written;
  }

  byteArray(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw invalid(`Uint8Array expected, got ${describe(value)}`);
    this.putU32(value.length);
    this.raw(value);
  }

  raw(value: Uint8Array): void {
    this.reserve(value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
  }

  /** Writes a uint32 at an earlier position (a length prefix filled in after the body). */
  putU32At(offset: number, value: number): void {
    const b = this.bytes;
    b[offset] = value & 0xff;
    b[offset + 1] = (value >>> 8) & 0xff;
    b[offset + 2] = (value >>> 16) & 0xff;
    b[offset + 3] = value >>> 24;
  }

  private putU32(value: number): void {
    this.reserve(4);
    this.putU32At(this.pos, value);
    this.pos += 4;
  }

  /** A copy of everything written so far, sized exactly. */
  finish(): Uint8Array {
    const out = Buffer.allocUnsafe(this.pos);
    out.set(this.bytes.subarray(0, this.pos));
    return out;
  }
}

function checkInteger(value: number, min: number, max: number, type: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${type} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
}

function invalid(detail: string): EncodeError {
  return new EncodeError(ProtocolErrorCode.invalidValue, detail);
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}
