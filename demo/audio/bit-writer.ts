// Big-endian bit packing for the FLAC writer: fields of any width up to 32 bits, unary codes, and
// byte alignment, into a buffer that grows as needed.

export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  /** Bits not yet flushed to `buffer`: always fewer than 8 between calls. */
  private pending = 0;
  private pendingBits = 0;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }

  /** The low `count` bits of `value` (two's complement for negative numbers), most significant first. */
  bits(value: number, count: number): void {
    if (count > 16) {
      this.bits((value >> 16) & (2 ** (count - 16) - 1), count - 16);
      this.bits(value & 0xffff, 16);
      return;
    }
    if (count === 0) return;
    this.pending = (this.pending << count) | (value & ((1 << count) - 1));
    this.pendingBits += count;
    while (this.pendingBits >= 8) {
      this.pendingBits -= 8;
      this.byte((this.pending >>> this.pendingBits) & 0xff);
    }
    this.pending &= (1 << this.pendingBits) - 1;
  }

  /** `zeros` zero bits then a one: the quotient part of a Rice code. */
  unary(zeros: number): void {
    for (; zeros >= 16; zeros -= 16) this.bits(0, 16);
    this.bits(1, zeros + 1);
  }

  /** Zero bits up to the next byte boundary. */
  align(): void {
    if (this.pendingBits > 0) this.bits(0, 8 - this.pendingBits);
  }

  bytes(data: Uint8Array): void {
    if (this.pendingBits !== 0) throw new Error('BitWriter.bytes needs byte alignment');
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes written so far; call after `align()`. */
  finish(): Uint8Array {
    if (this.pendingBits !== 0) throw new Error('BitWriter.finish needs byte alignment');
    return this.buffer.subarray(0, this.length);
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
