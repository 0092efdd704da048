// Real audio files, generated in code (no encoder needed): PCM WAV, FLAC (STREAMINFO + CONSTANT
// frames with valid CRCs) and MPEG-1 Layer III frame sequences (CBR, or VBR with a Xing header).

import { crc8, crc16 } from '../../demo/audio/crc.ts';

/** PCM WAV of silence. */
export function wav(seconds: number, sampleRate = 44100, bits = 16, channels = 2): Buffer {
  const frames = Math.round(seconds * sampleRate);
  const blockAlign = (channels * bits) / 8;
  const dataLength = frames * blockAlign;
  const out = Buffer.alloc(44 + dataLength);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + dataLength, 4);
  out.write('WAVE', 8);
  out.write('fmt ', 12);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * blockAlign, 28);
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(bits, 34);
  out.write('data', 36);
  out.writeUInt32LE(dataLength, 40);
  return out;
}

/** FLAC of silence: STREAMINFO, then CONSTANT-subframe frames of 4096 samples. bits: 8, 16 or 24. */
export function flac(seconds: number, sampleRate = 44100, bits = 16, channels = 2): Buffer {
  const total = Math.round(seconds * sampleRate);
  const block = 4096;
  const info = Buffer.alloc(34);
  info.writeUInt16BE(block, 0);
  info.writeUInt16BE(block, 2);
  info.writeBigUInt64BE((BigInt(sampleRate) << 44n) | (BigInt(channels - 1) << 41n) | (BigInt(bits - 1) << 36n) | BigInt(total), 10);
  const parts: Buffer[] = [Buffer.from('fLaC'), Buffer.from([0x80, 0, 0, 34]), info];
  for (let start = 0, frame = 0; start < total; start += block, frame++) {
    const size = Math.min(block, total - start);
    const number = frame < 0x80 ? [frame] : [0xc0 | (frame >> 6), 0x80 | (frame & 0x3f)];
    const header = Buffer.from([0xff, 0xf8, 0x70, (channels - 1) << 4, ...number, (size - 1) >> 8, (size - 1) & 0xff]);
    const body = Buffer.concat([header, Buffer.from([crc8(header)]), Buffer.alloc(channels * (1 + bits / 8))]);
    const crc = Buffer.alloc(2);
    crc.writeUInt16BE(crc16(body));
    parts.push(body, crc);
  }
  return Buffer.concat(parts);
}

const BITRATES = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

function mpegFrame(kbps: number): Buffer {
  const index = BITRATES.indexOf(kbps);
  if (index <= 0) throw new Error(`no MPEG-1 Layer III bitrate ${kbps}`);
  const frame = Buffer.alloc(Math.floor((144 * kbps * 1000) / 44100));
  frame[0] = 0xff;
  frame[1] = 0xfb; // MPEG-1, Layer III, no CRC
  frame[2] = index << 4; // 44.1 kHz, no padding
  frame[3] = 0x44; // joint stereo
  return frame;
}

/** Constant-bitrate MP3 (44.1 kHz stereo frames of silence, no tags). */
export function mp3Cbr(seconds: number, kbps: number): Buffer {
  const frames = Math.round((seconds * 44100) / 1152);
  return Buffer.concat(Array.from({ length: frames }, () => mpegFrame(kbps)));
}

/** Variable-bitrate MP3: a Xing header frame (frames, bytes, quality) then frames cycling through `rates`. */
export function mp3Vbr(seconds: number, rates: readonly number[] = [128, 192, 256, 320]): Buffer {
  const count = Math.round((seconds * 44100) / 1152);
  const frames = Array.from({ length: count }, (_, i) => mpegFrame(rates[i % rates.length]!));
  const xing = mpegFrame(128);
  const at = 4 + 32; // after the header and MPEG-1 stereo side information
  xing.write('Xing', at);
  xing.writeUInt32BE(0x1 | 0x2 | 0x8, at + 4);
  xing.writeUInt32BE(count, at + 8);
  xing.writeUInt32BE(frames.reduce((sum, frame) => sum + frame.length, 0), at + 12);
  xing.writeUInt32BE(78, at + 16);
  return Buffer.concat([xing, ...frames]);
}
