// One track from its description to the bytes of a finished file (synthesis, encoding, tags): pure
// work with plain-data input, so it can run in the main thread or in a worker (render-worker.ts).

import { encodeFlac } from './flac.ts';
import { encodeMp3 } from './mp3.ts';
import { quantize, synthesize } from './synth.ts';
import { id3v23, vorbisComment, type Tags } from './tags.ts';

export interface RenderJob {
  readonly seed: string;
  readonly format: 'mp3' | 'flac';
  readonly sampleRate: number;
  /** kbps; MP3 only. */
  readonly bitrate: number;
  /** FLAC only (MP3 input is always 16-bit). */
  readonly bitDepth: 16 | 24;
  readonly tags: Tags;
}

export async function renderTrack(job: RenderJob, signal?: AbortSignal): Promise<Uint8Array> {
  const audio = synthesize(job.seed, job.sampleRate);
  if (job.format === 'mp3') {
    const frames = await encodeMp3(quantize(audio.left, 16), quantize(audio.right, 16), job.sampleRate, job.bitrate, signal);
    return Buffer.concat([id3v23(job.tags), frames]);
  }
  const channels = [quantize(audio.left, job.bitDepth), quantize(audio.right, job.bitDepth)];
  return encodeFlac(channels, { sampleRate: job.sampleRate, bitDepth: job.bitDepth }, [vorbisComment(job.tags)]);
}
