// The demo's music libraries: every album's tracks synthesized, encoded (MP3 or FLAC) and tagged into
// <folder>/<artist>/<album>/<NN> - <title>.<ext> on every core, keeping each file an earlier run finished.

import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { metadataBlock } from './flac.ts';
import { MP3_BITRATES, MP3_SAMPLE_RATES } from './mp3.ts';
import type { RenderJob } from './render.ts';
import { renderAll } from './render-pool.ts';
import { trackFrames } from './synth.ts';
import { id3v23, vorbisComment, type Tags } from './tags.ts';

export interface AlbumSpec {
  artist: string;
  album: string;
  year: number;
  genre: string;
  format: 'mp3' | 'flac';
  /** MP3 only: constant bitrate in kbps, 192 unless given. */
  bitrate?: number;
  /** 44100 unless given; MP3 takes 32000, 44100 or 48000. */
  sampleRate?: number;
  /** FLAC only: 16 unless given. */
  bitDepth?: 16 | 24;
  tracks: string[];
}

export interface GeneratedFile {
  path: string;
  size: number;
  durationSeconds: number;
  /** kbps, MP3 only. */
  bitrate?: number;
  sampleRate: number;
  /** FLAC only. */
  bitDepth?: number;
  /** True when an earlier run had already made this exact file. */
  reused: boolean;
}

export interface GenerateOptions {
  onProgress?: (done: number, total: number, file: string) => void;
  signal?: AbortSignal;
}

/**
 * Goes into every file's tags, so files from an older generator no longer match and are made again.
 * Change it whenever synth.ts or an encoder changes what comes out.
 */
const GENERATOR = 'slsk-ts demo audio v1';
const DEFAULT_BITRATE = 192;
const DEFAULT_SAMPLE_RATE = 44100;
const MAX_NAME_CHARACTERS = 100;

let temporaries = 0;

/** One track to make: where it goes, what to render, and how to recognise it already made. */
interface Planned {
  position: number;
  path: string;
  job: RenderJob;
  fingerprint: { at: number; bytes: Uint8Array };
  described: Omit<GeneratedFile, 'size' | 'reused'>;
}

export async function generateLibrary(folder: string, albums: readonly AlbumSpec[], options: GenerateOptions = {}): Promise<GeneratedFile[]> {
  albums.forEach(check);
  let position = 0;
  const planned = albums.flatMap((album) => {
    const directory = join(folder, safeName(album.artist), safeName(album.album));
    const digits = Math.max(2, String(album.tracks.length).length);
    return album.tracks.map((title, index) => {
      const path = join(directory, `${String(index + 1).padStart(digits, '0')} - ${safeName(title)}.${album.format}`);
      return plan(album, index, path, position++);
    });
  });
  const paths = new Set<string>();
  for (const { path } of planned) {
    // Case-insensitive file systems (macOS, Windows) would make "Intro" and "intro" one file.
    const key = path.toLowerCase();
    if (paths.has(key)) throw new RangeError(`two tracks would both be written to ${path}`);
    paths.add(key);
  }
  const files: GeneratedFile[] = [];
  let done = 0;
  const report = (item: Planned, file: GeneratedFile): void => {
    files[item.position] = file;
    options.onProgress?.(++done, planned.length, file.path);
  };

  const missing: Planned[] = [];
  const swept = new Set<string>();
  for (const item of planned) {
    options.signal?.throwIfAborted();
    const directory = dirname(item.path);
    if (!swept.has(directory)) {
      await mkdir(directory, { recursive: true });
      await removeAbandoned(directory);
      swept.add(directory);
    }
    const size = await finished(item.path, item.fingerprint, item.job.format);
    if (size === undefined) missing.push(item);
    else report(item, { ...item.described, size, reused: true });
  }
  await renderAll(
    missing,
    async (item, bytes) => {
      await writeWhole(item.path, bytes, options.signal);
      report(item, { ...item.described, size: bytes.length, reused: false });
    },
    options.signal,
  );
  return files;
}

function check(album: AlbumSpec): void {
  const where = `album "${album.album}" by "${album.artist}"`;
  if (album.format !== 'mp3' && album.format !== 'flac') throw new RangeError(`${where}: format must be mp3 or flac`);
  if (album.format === 'mp3') {
    if (album.bitrate !== undefined && !(MP3_BITRATES as readonly number[]).includes(album.bitrate)) {
      throw new RangeError(`${where}: no MP3 bitrate of ${album.bitrate} kbps (one of ${MP3_BITRATES.join(', ')})`);
    }
    if (album.sampleRate !== undefined && !(MP3_SAMPLE_RATES as readonly number[]).includes(album.sampleRate)) {
      throw new RangeError(`${where}: MP3 sample rate must be one of ${MP3_SAMPLE_RATES.join(', ')}`);
    }
    if (album.bitDepth !== undefined) throw new RangeError(`${where}: bit depth applies to FLAC only`);
  } else {
    if (album.bitrate !== undefined) throw new RangeError(`${where}: bitrate applies to MP3 only`);
    if (album.bitDepth !== undefined && album.bitDepth !== 16 && album.bitDepth !== 24) throw new RangeError(`${where}: FLAC bit depth must be 16 or 24`);
    if (album.sampleRate !== undefined && !(Number.isInteger(album.sampleRate) && album.sampleRate >= 8000 && album.sampleRate <= 192000)) {
      throw new RangeError(`${where}: FLAC sample rate must be a whole number of Hz from 8000 to 192000`);
    }
  }
  if (!Number.isInteger(album.year)) throw new RangeError(`${where}: year must be a whole number`);
}

/**
 * A name that is one path segment on every common file system: no separators or reserved
 * characters, no leading dot (hidden) or trailing dot/space (Windows drops them), not too long.
 */
function safeName(text: string): string {
  const name = [...text.normalize('NFC').replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_')]
    .slice(0, MAX_NAME_CHARACTERS)
    .join('')
    .replace(/^[. ]+|[. ]+$/g, '');
  return name === '' ? '_' : name;
}

/** Track `index` of `album`, the `position`-th track of the whole library. */
function plan(album: AlbumSpec, index: number, path: string, position: number): Planned {
  const sampleRate = album.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const bitrate = album.bitrate ?? DEFAULT_BITRATE;
  const bitDepth = album.bitDepth ?? 16;
  const title = album.tracks[index]!;
  const seed = [album.artist, album.album, index, title].join('\n');
  const encoder = album.format === 'mp3' ? `${GENERATOR}; lamejs ${bitrate} kbps CBR` : `${GENERATOR}; FLAC ${bitDepth}-bit ${sampleRate} Hz`;
  const tags: Tags = { title, artist: album.artist, album: album.album, track: index + 1, trackTotal: album.tracks.length, year: album.year, genre: album.genre, encoder };
  return {
    position,
    path,
    job: { seed, format: album.format, sampleRate, bitrate, bitDepth, tags },
    // The tags name everything the audio depends on (seed, format, generator), so matching them is
    // enough to know the file is this one; a file under its final name was always written whole.
    // FLAC: after 'fLaC' and STREAMINFO (4 + 4 + 34 bytes), the last metadata block.
    fingerprint: album.format === 'mp3' ? { at: 0, bytes: id3v23(tags) } : { at: 42, bytes: metadataBlock(vorbisComment(tags), true) },
    described: {
      path,
      durationSeconds: trackFrames(seed, sampleRate) / sampleRate,
      sampleRate,
      ...(album.format === 'mp3' ? { bitrate } : { bitDepth }),
    },
  };
}

/** The size of `path` if it holds `bytes` at `at` and audio after it, else undefined. */
async function finished(path: string, { at, bytes }: { at: number; bytes: Uint8Array }, format: 'mp3' | 'flac'): Promise<number | undefined> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(at + bytes.length + 2);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (bytesRead < head.length) return undefined;
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!head.subarray(at, at + bytes.length).equals(bytes)) return undefined;
  const next = head.subarray(at + bytes.length);
  if (format === 'mp3' ? next[0] !== 0xff || (next[1]! & 0xe0) !== 0xe0 : !head.subarray(0, 4).equals(Buffer.from('fLaC'))) return undefined;
  return (await stat(path)).size;
}

/**
 * Writes to a hidden temporary name, then renames: an interrupted run never leaves a half file under
 * the real name, and nothing appears under it once the run is aborted.
 */
async function writeWhole(path: string, data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${++temporaries}.partial`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    signal?.throwIfAborted();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Deletes temporaries left by runs that were killed mid-write (their process is gone). */
async function removeAbandoned(directory: string): Promise<void> {
  for (const name of await readdir(directory)) {
    const match = /^\..+\.(\d+)-\d+\.partial$/.exec(name);
    if (match !== null && !running(Number(match[1]))) await rm(join(directory, name), { force: true });
  }
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
