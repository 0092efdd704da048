// A small FLAC encoder: STREAMINFO (with the MD5 of the PCM), any extra metadata blocks, then frames
// of 4096 samples whose subframes are FIXED predictors with Rice-coded residuals (or VERBATIM /
// CONSTANT when those are smaller), channels coded independently, each frame with CRC-8 and CRC-16.

import { createHash } from 'node:crypto';
import { BitWriter } from './bit-writer.ts';
import { crc8, crc16 } from './crc.ts';

export const FLAC_BLOCK_SIZE = 4096;

export interface FlacFormat {
  readonly sampleRate: number;
  readonly bitDepth: 16 | 24;
}

/** A metadata block after STREAMINFO, e.g. VORBIS_COMMENT (type 4). */
export interface MetadataBlock {
  readonly type: number;
  readonly body: Uint8Array;
}

const SAMPLE_RATE_CODES: Readonly<Record<number, number>> = {
  88200: 0b0001, 176400: 0b0010, 192000: 0b0011, 8000: 0b0100, 16000: 0b0101, 22050: 0b0110,
  24000: 0b0111, 32000: 0b1000, 44100: 0b1001, 48000: 0b1010, 96000: 0b1011,
};
const SAMPLE_SIZE_CODES = { 16: 0b100, 24: 0b110 } as const;
const MAX_PARTITION_ORDER = 8;
const MAX_FIXED_ORDER = 4;

/** Encodes integer channels (all the same length) into a whole .flac file. */
export function encodeFlac(channels: readonly Int32Array[], format: FlacFormat, metadata: readonly MetadataBlock[] = []): Uint8Array {
  const total = channels[0]?.length ?? 0;
  if (channels.length < 1 || channels.length > 8 || channels.some((channel) => channel.length !== total)) {
    throw new RangeError('FLAC needs 1 to 8 channels of equal length');
  }
  if (!Number.isInteger(format.sampleRate) || format.sampleRate <= 0 || format.sampleRate >= 2 ** 20) {
    throw new RangeError(`FLAC cannot store a sample rate of ${format.sampleRate}`);
  }
  const frames: Uint8Array[] = [];
  for (let start = 0, number = 0; start < total; start += FLAC_BLOCK_SIZE, number++) {
    const blocks = channels.map((channel) => channel.subarray(start, Math.min(total, start + FLAC_BLOCK_SIZE)));
    frames.push(frame(blocks, number, format));
  }
  const sizes = frames.map((bytes) => bytes.length);
  const info = streamInfo(channels, format, sizes.length ? Math.min(...sizes) : 0, sizes.length ? Math.max(...sizes) : 0);

  const out = new BitWriter(sizes.reduce((sum, size) => sum + size, 0) + 4096);
  out.bytes(new TextEncoder().encode('fLaC'));
  const blocks = [{ type: 0, body: info }, ...metadata];
  blocks.forEach((block, index) => out.bytes(metadataBlock(block, index === blocks.length - 1)));
  for (const bytes of frames) out.bytes(bytes);
  return out.finish();
}

/** A metadata block as it sits in the file: last-block flag, type, 24-bit length, body. */
export function metadataBlock(block: MetadataBlock, last: boolean): Uint8Array {
  if (block.body.length >= 2 ** 24) throw new RangeError('FLAC metadata block too large');
  const header = [(last ? 0x80 : 0) | block.type, block.body.length >> 16, (block.body.length >> 8) & 0xff, block.body.length & 0xff];
  return Buffer.concat([Buffer.from(header), block.body]);
}

/** MD5 of the samples interleaved, little-endian, in whole bytes per sample: what STREAMINFO carries. */
export function pcmMd5(channels: readonly Int32Array[], bitDepth: number): Uint8Array {
  const width = Math.ceil(bitDepth / 8);
  const total = channels[0]?.length ?? 0;
  const bytes = Buffer.alloc(total * channels.length * width);
  let at = 0;
  for (let i = 0; i < total; i++) {
    for (const channel of channels) at = bytes.writeIntLE(channel[i]!, at, width);
  }
  return createHash('md5').update(bytes).digest();
}

function streamInfo(channels: readonly Int32Array[], format: FlacFormat, minFrame: number, maxFrame: number): Uint8Array {
  const total = channels[0]?.length ?? 0;
  const out = new BitWriter(34);
  out.bits(FLAC_BLOCK_SIZE, 16);
  out.bits(FLAC_BLOCK_SIZE, 16);
  out.bits(minFrame, 24);
  out.bits(maxFrame, 24);
  out.bits(format.sampleRate, 20);
  out.bits(channels.length - 1, 3);
  out.bits(format.bitDepth - 1, 5);
  out.bits(Math.floor(total / 2 ** 32), 4);
  out.bits(total % 2 ** 32, 32);
  out.bytes(pcmMd5(channels, format.bitDepth));
  return out.finish();
}

function frame(blocks: readonly Int32Array[], number: number, format: FlacFormat): Uint8Array {
  const size = blocks[0]!.length;
  const out = new BitWriter(size * blocks.length * 3 + 64);
  out.bits(0b11111111111110, 14); // sync code
  out.bits(0, 1);
  out.bits(0, 1); // fixed block size: the header carries the frame number
  const sizeCode = blockSizeCode(size);
  out.bits(sizeCode, 4);
  const rateCode = SAMPLE_RATE_CODES[format.sampleRate] ?? 0; // 0: as in STREAMINFO
  out.bits(rateCode, 4);
  out.bits(blocks.length - 1, 4); // independent channels
  out.bits(SAMPLE_SIZE_CODES[format.bitDepth], 3);
  out.bits(0, 1);
  for (const byte of utf8Number(number)) out.bits(byte, 8);
  if (sizeCode === 0b0110) out.bits(size - 1, 8);
  if (sizeCode === 0b0111) out.bits(size - 1, 16);
  out.bits(crc8(out.finish()), 8);
  for (const block of blocks) subframe(out, block, format.bitDepth);
  out.align();
  out.bits(crc16(out.finish()), 16);
  return out.finish().slice();
}

function blockSizeCode(size: number): number {
  if (size === 192) return 0b0001;
  for (let code = 2; code <= 5; code++) if (size === 576 << (code - 2)) return code;
  for (let code = 8; code <= 15; code++) if (size === 256 << (code - 8)) return code;
  return size <= 256 ? 0b0110 : 0b0111;
}

/** The frame number as FLAC codes it: UTF-8's variable-length scheme, extended to 31 bits. */
function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  const bytes: number[] = [];
  let limit = 0x3f; // what still fits in the first byte, shrinking by one bit per continuation byte
  while (value > limit) {
    bytes.unshift(0x80 | (value & 0x3f));
    value = Math.floor(value / 64);
    limit >>= 1;
  }
  const marker = (0xff00 >> (bytes.length + 1)) & 0xff; // as many leading ones as bytes in all
  return [marker | value, ...bytes];
}

interface RicePlan {
  bits: number;
  partitionOrder: number;
  parameters: number[];
}

/** Writes one channel of one frame, as whichever of CONSTANT, FIXED (orders 0–4) or VERBATIM is smallest. */
function subframe(out: BitWriter, samples: Int32Array, bitDepth: number): void {
  const size = samples.length;
  if (samples.every((sample) => sample === samples[0])) {
    out.bits(0b000000 << 1, 8);
    out.bits(samples[0]!, bitDepth);
    return;
  }
  let best: { order: number; residual: Int32Array; rice: RicePlan } | undefined;
  for (let order = 0; order <= Math.min(MAX_FIXED_ORDER, size - 1); order++) {
    const residual = fixedResidual(samples, order);
    const rice = planRice(residual, order);
    if (best === undefined || order * bitDepth + rice.bits < best.order * bitDepth + best.rice.bits) best = { order, residual, rice };
  }
  if (best === undefined || best.order * bitDepth + best.rice.bits >= size * bitDepth) {
    out.bits(0b000001 << 1, 8);
    for (const sample of samples) out.bits(sample, bitDepth);
    return;
  }
  out.bits((0b001000 | best.order) << 1, 8);
  for (let i = 0; i < best.order; i++) out.bits(samples[i]!, bitDepth);
  writeResidual(out, best.residual, best.order, best.rice);
}

/** Prediction errors of the fixed polynomial predictor of `order`; the first `order` entries are unused. */
function fixedResidual(s: Int32Array, order: number): Int32Array {
  const r = new Int32Array(s.length);
  for (let i = order; i < s.length; i++) {
    switch (order) {
      case 0: r[i] = s[i]!; break;
      case 1: r[i] = s[i]! - s[i - 1]!; break;
      case 2: r[i] = s[i]! - 2 * s[i - 1]! + s[i - 2]!; break;
      case 3: r[i] = s[i]! - 3 * s[i - 1]! + 3 * s[i - 2]! - s[i - 3]!; break;
      default: r[i] = s[i]! - 4 * s[i - 1]! + 6 * s[i - 2]! - 4 * s[i - 3]! + s[i - 4]!;
    }
  }
  return r;
}

/** Folds signed residuals onto 0, 1, 2, …: 0, -1, 1, -2, 2, … as Rice coding wants. */
function fold(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** The partition order and per-partition Rice parameters that minimise the (estimated) size. */
function planRice(residual: Int32Array, order: number): RicePlan {
  const size = residual.length;
  let maxOrder = 0;
  while (maxOrder < MAX_PARTITION_ORDER && size % (2 << maxOrder) === 0 && size >> (maxOrder + 1) > order) maxOrder++;
  // Sums of folded residuals per partition at the finest order; coarser orders add neighbours.
  let sums: number[] = [];
  const finest = size >> maxOrder;
  for (let p = 0; p < 1 << maxOrder; p++) {
    let sum = 0;
    for (let i = Math.max(order, p * finest); i < (p + 1) * finest; i++) sum += fold(residual[i]!);
    sums.push(sum);
  }
  let best: RicePlan | undefined;
  for (let partitionOrder = maxOrder; partitionOrder >= 0; partitionOrder--) {
    const length = size >> partitionOrder;
    const parameters: number[] = [];
    let bits = 6; // coding method and partition order
    sums.forEach((sum, p) => {
      const count = p === 0 ? length - order : length;
      const parameter = riceParameter(sum, count);
      parameters.push(parameter);
      bits += riceBits(sum, count, parameter);
    });
    const wide = parameters.some((parameter) => parameter > 14);
    bits += parameters.length * (wide ? 5 : 4);
    if (best === undefined || bits < best.bits) best = { bits, partitionOrder, parameters };
    sums = sums.flatMap((sum, p) => (p % 2 === 0 ? [sum + sums[p + 1]!] : []));
  }
  return best!;
}

/** The Rice parameter for `count` values summing to `sum`: the best of the few near log2 of the mean. */
function riceParameter(sum: number, count: number): number {
  const mean = Math.max(1, sum / count);
  const guess = Math.min(30, Math.floor(Math.log2(mean)));
  let best = guess;
  for (let k = Math.max(0, guess - 1); k <= Math.min(30, guess + 1); k++) if (riceBits(sum, count, k) < riceBits(sum, count, best)) best = k;
  return best;
}

/** Bits that `count` values summing to `sum` take with Rice parameter `k` (close estimate). */
function riceBits(sum: number, count: number, k: number): number {
  return count * (k + 1) + Math.floor(sum / 2 ** k);
}

function writeResidual(out: BitWriter, residual: Int32Array, order: number, plan: RicePlan): void {
  const wide = plan.parameters.some((parameter) => parameter > 14);
  out.bits(wide ? 0b01 : 0b00, 2);
  out.bits(plan.partitionOrder, 4);
  const length = residual.length >> plan.partitionOrder;
  plan.parameters.forEach((k, p) => {
    out.bits(k, wide ? 5 : 4);
    const divisor = 2 ** k;
    for (let i = p === 0 ? order : p * length; i < (p + 1) * length; i++) {
      const folded = fold(residual[i]!);
      out.unary(Math.floor(folded / divisor));
      out.bits(folded % divisor, k);
    }
  });
}
