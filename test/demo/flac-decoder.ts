// A strict FLAC reader for the tests, written apart from demo/audio/flac.ts so a writer bug cannot
// hide itself: it checks every CRC and frame number and decodes CONSTANT, VERBATIM and FIXED subframes.

import { crc8, crc16 } from '../../demo/audio/crc.ts';

export interface DecodedFlac {
  minBlockSize: number;
  maxBlockSize: number;
  minFrameSize: number;
  maxFrameSize: number;
  sampleRate: number;
  bitDepth: number;
  totalSamples: number;
  md5: Buffer;
  /** Type of each metadata block in file order (0 STREAMINFO, 4 VORBIS_COMMENT, …). */
  blockTypes: number[];
  frameSizes: number[];
  channels: Int32Array[];
}

class BitReader {
  readonly bytes: Buffer;
  position = 0; // in bits

  constructor(bytes: Buffer, byteOffset: number) {
    this.bytes = bytes;
    this.position = byteOffset * 8;
  }

  get byte(): number {
    if (this.position % 8 !== 0) throw new Error('not at a byte boundary');
    return this.position / 8;
  }

  /** Unsigned, up to 32 bits. */
  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.bytes[this.position >> 3];
      if (byte === undefined) throw new Error('FLAC data ends early');
      value = value * 2 + ((byte >> (7 - (this.position & 7))) & 1);
      this.position++;
    }
    return value;
  }

  signed(count: number): number {
    const value = this.read(count);
    return value >= 2 ** (count - 1) ? value - 2 ** count : value;
  }

  unary(): number {
    let zeros = 0;
    while (this.read(1) === 0) zeros++;
    return zeros;
  }

  align(): void {
    this.position = Math.ceil(this.position / 8) * 8;
  }
}

const RATES: Record<number, number> = { 1: 88200, 2: 176400, 3: 192000, 4: 8000, 5: 16000, 6: 22050, 7: 24000, 8: 32000, 9: 44100, 10: 48000, 11: 96000 };
const DEPTHS: Record<number, number> = { 1: 8, 2: 12, 4: 16, 5: 20, 6: 24, 7: 32 };

export function decodeFlac(file: Buffer): DecodedFlac {
  if (file.subarray(0, 4).toString('latin1') !== 'fLaC') throw new Error('no fLaC marker');
  const reader = new BitReader(file, 4);
  const blockTypes: number[] = [];
  let info: Omit<DecodedFlac, 'blockTypes' | 'frameSizes' | 'channels'> | undefined;
  let channelCount = 0;
  for (let last = 0; last === 0; ) {
    last = reader.read(1);
    const type = reader.read(7);
    const length = reader.read(24);
    const start = reader.byte;
    blockTypes.push(type);
    if (type === 0) {
      info = {
        minBlockSize: reader.read(16),
        maxBlockSize: reader.read(16),
        minFrameSize: reader.read(24),
        maxFrameSize: reader.read(24),
        sampleRate: reader.read(20),
        bitDepth: 0,
        totalSamples: 0,
        md5: Buffer.alloc(0),
      };
      channelCount = reader.read(3) + 1;
      info.bitDepth = reader.read(5) + 1;
      info.totalSamples = reader.read(4) * 2 ** 32 + reader.read(32);
      info.md5 = file.subarray(reader.byte, reader.byte + 16);
    }
    reader.position = (start + length) * 8;
  }
  if (info === undefined || blockTypes[0] !== 0) throw new Error('STREAMINFO is not the first block');

  const channels = Array.from({ length: channelCount }, () => new Int32Array(info.totalSamples));
  const frameSizes: number[] = [];
  let decoded = 0;
  for (let number = 0; reader.byte < file.length; number++) {
    const start = reader.byte;
    if (reader.read(14) !== 0b11111111111110 || reader.read(1) !== 0 || reader.read(1) !== 0) throw new Error(`frame ${number}: bad sync`);
    const sizeCode = reader.read(4);
    const rateCode = reader.read(4);
    const assignment = reader.read(4);
    const depthCode = reader.read(3);
    if (reader.read(1) !== 0) throw new Error(`frame ${number}: reserved bit set`);
    if (frameNumber(reader) !== number) throw new Error(`frame ${number}: wrong frame number`);
    let size: number;
    if (sizeCode === 1) size = 192;
    else if (sizeCode >= 2 && sizeCode <= 5) size = 576 * 2 ** (sizeCode - 2);
    else if (sizeCode === 6) size = reader.read(8) + 1;
    else if (sizeCode === 7) size = reader.read(16) + 1;
    else if (sizeCode >= 8) size = 256 * 2 ** (sizeCode - 8);
    else throw new Error(`frame ${number}: reserved block size code`);
    const rate = rateCode === 0 ? info.sampleRate : RATES[rateCode];
    const depth = depthCode === 0 ? info.bitDepth : DEPTHS[depthCode];
    if (rate !== info.sampleRate || depth !== info.bitDepth) throw new Error(`frame ${number}: rate or depth differs from STREAMINFO`);
    if (assignment !== channelCount - 1) throw new Error(`frame ${number}: channel assignment ${assignment} (only independent channels expected)`);
    const headerCrc = crc8(file.subarray(start, reader.byte));
    if (reader.read(8) !== headerCrc) throw new Error(`frame ${number}: header CRC-8 mismatch`);
    for (const channel of channels) {
      if (decoded + size > info.totalSamples) throw new Error(`frame ${number}: more samples than STREAMINFO says`);
      channel.set(subframe(reader, size, info.bitDepth), decoded);
    }
    reader.align();
    const frameCrc = crc16(file.subarray(start, reader.byte));
    if (reader.read(16) !== frameCrc) throw new Error(`frame ${number}: CRC-16 mismatch`);
    decoded += size;
    frameSizes.push(reader.byte - start);
  }
  if (decoded !== info.totalSamples) throw new Error(`decoded ${decoded} samples, STREAMINFO says ${info.totalSamples}`);
  return { ...info, blockTypes, frameSizes, channels };
}

function frameNumber(reader: BitReader): number {
  const first = reader.read(8);
  let extra = 0;
  while (first & (0x80 >> extra)) extra++;
  if (extra === 0) return first;
  if (extra === 1) throw new Error('bad UTF-8 frame number');
  let value = first & (0xff >> (extra + 1));
  for (let i = 1; i < extra; i++) {
    const next = reader.read(8);
    if ((next & 0xc0) !== 0x80) throw new Error('bad UTF-8 continuation');
    value = value * 64 + (next & 0x3f);
  }
  return value;
}

function subframe(reader: BitReader, size: number, depth: number): Int32Array {
  if (reader.read(1) !== 0) throw new Error('subframe padding bit set');
  const type = reader.read(6);
  if (reader.read(1) !== 0) throw new Error('wasted bits not expected');
  const out = new Int32Array(size);
  if (type === 0) out.fill(reader.signed(depth));
  else if (type === 1) for (let i = 0; i < size; i++) out[i] = reader.signed(depth);
  else if (type >= 8 && type <= 12) {
    const order = type - 8;
    for (let i = 0; i < order; i++) out[i] = reader.signed(depth);
    residual(reader, out, order);
    for (let i = order; i < size; i++) {
      const s = (back: number): number => out[i - back]!;
      const prediction = [0, s(1), 2 * s(1) - s(2), 3 * s(1) - 3 * s(2) + s(3), 4 * s(1) - 6 * s(2) + 4 * s(3) - s(4)][order]!;
      out[i] = out[i]! + prediction;
    }
  } else throw new Error(`subframe type ${type} not expected`);
  return out;
}

/** Reads Rice-coded residuals into out[order…]. */
function residual(reader: BitReader, out: Int32Array, order: number): void {
  const method = reader.read(2);
  if (method > 1) throw new Error('reserved residual coding method');
  const parameterBits = method === 0 ? 4 : 5;
  const escape = 2 ** parameterBits - 1;
  const partitionOrder = reader.read(4);
  const length = out.length / 2 ** partitionOrder;
  if (!Number.isInteger(length) || length <= order) throw new Error('bad partition order');
  for (let p = 0; p < 2 ** partitionOrder; p++) {
    const parameter = reader.read(parameterBits);
    const raw = parameter === escape ? reader.read(5) : -1;
    for (let i = p === 0 ? order : p * length; i < (p + 1) * length; i++) {
      if (raw >= 0) out[i] = raw === 0 ? 0 : reader.signed(raw);
      else {
        const folded = reader.unary() * 2 ** parameter + reader.read(parameter);
        out[i] = folded % 2 === 0 ? folded / 2 : -(folded + 1) / 2;
      }
    }
  }
}
