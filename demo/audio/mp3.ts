// MP3 encoding with lamejs: constant bitrate, stereo, no Xing/LAME header (lamejs writes none), so a
// player reads the bitrate straight from every frame header.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { Mp3Encoder } from '@breezystack/lamejs';

/** The MPEG-1 Layer III bitrates (kbps) lamejs can write at 32, 44.1 and 48 kHz. */
export const MP3_BITRATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const;
export const MP3_SAMPLE_RATES = [32000, 44100, 48000] as const;

/** About a second of audio per step, after which the event loop gets a turn (signals, progress output). */
const CHUNK = 1152 * 38;

function int16(samples: Int32Array, from: number, to: number): Int16Array {
  const out = new Int16Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = samples[i]!;
  return out;
}

/** lamejs hands back Int8Arrays despite its typings; Buffer.concat takes only Uint8Arrays. */
function bytes(chunk: ArrayBufferView): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Encodes 16-bit stereo (held in Int32Arrays) as CBR MP3 frames. */
export async function encodeMp3(left: Int32Array, right: Int32Array, sampleRate: number, kbps: number, signal?: AbortSignal): Promise<Buffer> {
  if (!(MP3_BITRATES as readonly number[]).includes(kbps)) throw new RangeError(`no MP3 bitrate of ${kbps} kbps (one of ${MP3_BITRATES.join(', ')})`);
  if (!(MP3_SAMPLE_RATES as readonly number[]).includes(sampleRate)) throw new RangeError(`no MPEG-1 sample rate of ${sampleRate} Hz`);
  if (left.length !== right.length) throw new RangeError('MP3 channels differ in length');
  const encoder = new Mp3Encoder(2, sampleRate, kbps);
  const parts: Uint8Array[] = [];
  for (let start = 0; start < left.length; start += CHUNK) {
    const end = Math.min(left.length, start + CHUNK);
    parts.push(bytes(encoder.encodeBuffer(int16(left, start, end), int16(right, start, end))));
    await nextTurn();
    signal?.throwIfAborted();
  }
  parts.push(bytes(encoder.flush()));
  return Buffer.concat(parts);
}
