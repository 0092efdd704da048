// Audio attributes of a shared file, read with music-metadata, in the combinations real clients send:
// lossy files {bitrate (kbit/s), duration (s), vbr}; lossless files {duration, sampleRate, bitDepth}.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IFormat } from 'music-metadata';
import type { AudioInfo } from '../model/files.ts';

/** Extensions whose files get their audio attributes read. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  'mp3', 'mp2', 'mpc', 'flac', 'ogg', 'oga', 'opus', 'spx', 'm4a', 'm4b', 'mp4', 'aac', 'alac', 'wav', 'wave',
  'aif', 'aiff', 'aifc', 'wma', 'asf', 'ape', 'wv', 'dsf', 'dff', 'mka', 'webm', 'tta',
]);

/** Lowercase extension without the dot ('' if none); a leading dot alone is not an extension. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  return name.slice(dot + 1).toLowerCase();
}

export const isAudioName = (name: string): boolean => AUDIO_EXTENSIONS.has(extensionOf(name));

/** The attribute set other clients expect, from what music-metadata found. */
export function audioInfoOf(format: IFormat): AudioInfo {
  const info: AudioInfo = {};
  const duration = format.duration;
  if (format.lossless === true) {
    if (duration !== undefined && Number.isFinite(duration)) info.duration = Math.round(duration);
    if (format.sampleRate !== undefined) info.sampleRate = Math.round(format.sampleRate);
    if (format.bitsPerSample !== undefined) info.bitDepth = format.bitsPerSample;
    return info;
  }
  if (format.bitrate !== undefined && Number.isFinite(format.bitrate) && format.bitrate > 0) {
    info.bitrate = Math.round(format.bitrate / 1000);
    if (duration !== undefined && Number.isFinite(duration)) info.duration = Math.round(duration);
    const profile = format.codecProfile;
    // MPEG: music-metadata says 'CBR' for constant-bitrate streams (no Xing header, or an Info
    // header), 'V0'…'V9' or nothing for Xing/VBRI streams. Other codecs: only an explicit VBR profile.
    const mpeg = format.container === 'MPEG' || (format.codec ?? '').startsWith('MPEG');
    info.vbr = mpeg ? profile !== 'CBR' : profile !== undefined && (profile === 'VBR' || /^V\d/.test(profile));
  } else if (duration !== undefined && Number.isFinite(duration)) {
    info.duration = Math.round(duration);
  }
  return info;
}

/**
 * Reads the audio attributes of one file. The file is opened without following a final symlink and
 * without blocking (a FIFO swapped in cannot hang the scan), then checked to be a regular file; the
 * parser reads from that very handle (random access through a Blob view of it).
 */
export async function readAudioInfo(path: string): Promise<AudioInfo> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`not a regular file: ${path}`);
    const size = stat.size;
    const read = async (start: number, end: number): Promise<ArrayBuffer> => {
      const buffer = new Uint8Array(Math.max(0, end - start));
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, start + offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buffer.buffer;
    };
    // The subset of Blob music-metadata's BlobTokenizer uses: size, type, slice().arrayBuffer().
    const view = {
      size,
      type: '',
      slice: (start = 0, end = size) => ({ arrayBuffer: () => read(start, Math.min(end, size)) }),
    };
    // Loaded on first use: the parser and its dependencies cost ~20 MB of RSS, which a daemon
    // started from a warm index does not need until a scan finds a new or changed audio file.
    const { parseBlob } = await import('music-metadata');
    const metadata = await parseBlob(view as unknown as Blob, { duration: false, skipCovers: true, skipPostHeaders: true });
    return audioInfoOf(metadata.format);
  } finally {
    await handle.close();
  }
}
