// The demo's generated music: real MP3 and FLAC files that music-metadata reads back with the asked
// bitrate, length, sample rate, bit depth and tags; FLAC that decodes to its MD5; made once only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseFile } from 'music-metadata';
import { crc8, crc16 } from '../../demo/audio/crc.ts';
import { generateLibrary, type AlbumSpec, type GeneratedFile } from '../../demo/audio/library.ts';
import { planTrack, synthesize } from '../../demo/audio/synth.ts';
import { decodeFlac } from './flac-decoder.ts';

const ALBUMS: AlbumSpec[] = [
  { artist: 'Marta Ríos', album: "Café de l'Aube", year: 2022, genre: 'Jazz', format: 'mp3', bitrate: 128, tracks: ["L'Été Indien", 'Nocturne — 東京'] },
  { artist: 'Lumen Drift', album: 'Night Transit', year: 2021, genre: 'Electronic', format: 'mp3', bitrate: 320, tracks: ['AC/DC? No: Terminus'] },
  { artist: 'The Quiet Harbour', album: 'Salt & Timber', year: 2018, genre: 'Folk', format: 'mp3', bitrate: 192, tracks: ['Driftwood'] },
  { artist: 'Nils Ek', album: 'Glas', year: 2020, genre: 'Ambient', format: 'mp3', bitrate: 256, tracks: ['Frost'] },
  { artist: 'Aurora Static', album: 'Glass Weather', year: 2019, genre: 'Ambient', format: 'flac', tracks: ['Frost on the Pane', 'Low Cloud'] },
  { artist: 'Aurora Static', album: 'Hi-Res Sessions', year: 2024, genre: 'Ambient', format: 'flac', sampleRate: 48000, bitDepth: 24, tracks: ['Thaw'] },
];

const EXPECTED_PATHS = [
  "Marta Ríos/Café de l'Aube/01 - L'Été Indien.mp3",
  "Marta Ríos/Café de l'Aube/02 - Nocturne — 東京.mp3",
  'Lumen Drift/Night Transit/01 - AC_DC_ No_ Terminus.mp3',
  'The Quiet Harbour/Salt & Timber/01 - Driftwood.mp3',
  'Nils Ek/Glas/01 - Frost.mp3',
  'Aurora Static/Glass Weather/01 - Frost on the Pane.flac',
  'Aurora Static/Glass Weather/02 - Low Cloud.flac',
  'Aurora Static/Hi-Res Sessions/01 - Thaw.flac',
];

async function temporaryFolder(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'slsk-demo-audio-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

/** Every file under `folder`, relative, sorted: to see that nothing else (no .partial) is left. */
async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name))).sort();
}

/** Each album's tracks in order, with its spec: what generateLibrary's results line up with. */
function tracksOf(albums: AlbumSpec[]): { album: AlbumSpec; index: number; title: string }[] {
  return albums.flatMap((album) => album.tracks.map((title, index) => ({ album, index, title })));
}

/** The interleaved little-endian PCM MD5, computed here rather than by the writer's helper. */
function md5Of(channels: Int32Array[], bitDepth: number): Buffer {
  const width = bitDepth / 8;
  const bytes = Buffer.alloc(channels[0]!.length * channels.length * width);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let i = 0; i < channels[0]!.length; i++) {
    for (const channel of channels) {
      const sample = channel[i]!;
      if (width === 2) view.setInt16(at, sample, true);
      else {
        view.setUint16(at, sample & 0xffff, true);
        view.setInt8(at + 2, sample >> 16);
      }
      at += width;
    }
  }
  return createHash('md5').update(bytes).digest();
}

test('the FLAC checksums give the catalogued check values', () => {
  const check = Buffer.from('123456789');
  assert.equal(crc8(check), 0xf4); // CRC-8 (poly 0x07)
  assert.equal(crc16(check), 0xfee8); // CRC-16/BUYPASS (poly 0x8005)
});

test('synthesis is deterministic, 6 to 20 seconds, musical rather than silent or noise', () => {
  const seeds = ['a', 'b', 'Marta Ríos\nCafé\n0\nTasse'];
  for (const seed of seeds) {
    const track = synthesize(seed);
    const again = synthesize(seed);
    assert.deepEqual(again.left, track.left);
    assert.deepEqual(again.right, track.right);
    assert.equal(track.frames, Math.round(planTrack(seed).seconds * 44100));
    assert.ok(track.frames / 44100 >= 6 && track.frames / 44100 <= 20, `${seed}: ${track.frames / 44100} s`);
    let energy = 0;
    let peak = 0;
    let lagged = 0;
    for (let i = 1; i < track.frames; i++) {
      const sample = track.left[i]!;
      energy += sample * sample;
      lagged += sample * track.left[i - 1]!;
      peak = Math.max(peak, Math.abs(sample), Math.abs(track.right[i]!));
    }
    assert.ok(Math.sqrt(energy / track.frames) > 0.05, `${seed}: too quiet`);
    assert.ok(peak <= 0.9, `${seed}: peak ${peak} leaves no headroom`);
    // Tones change slowly from one sample to the next; white noise would give about 0.
    assert.ok(lagged / energy > 0.9, `${seed}: lag-1 autocorrelation ${lagged / energy}`);
  }
  assert.notDeepEqual(synthesize('a').left.subarray(0, 44100), synthesize('b').left.subarray(0, 44100));
});

test('generateLibrary writes tagged MP3 and FLAC files that read back exactly as asked', async (t) => {
  const folder = await temporaryFolder(t);
  const progress: [number, number, string][] = [];
  const files = await generateLibrary(folder, ALBUMS, { onProgress: (done, total, file) => progress.push([done, total, file]) });

  assert.deepEqual(files.map((file) => relative(folder, file.path)), EXPECTED_PATHS);
  assert.deepEqual(await listFiles(folder), [...EXPECTED_PATHS].sort());
  // Tracks render in parallel, so files are reported as they finish: any order, each once.
  assert.deepEqual(progress.map(([done, total]) => [done, total]), files.map((_, index) => [index + 1, files.length]));
  assert.deepEqual(progress.map(([, , file]) => relative(folder, file)).sort(), [...EXPECTED_PATHS].sort());

  for (const [n, { album, index, title }] of tracksOf(ALBUMS).entries()) {
    const file = files[n]!;
    const where = relative(folder, file.path);
    assert.equal(file.reused, false, where);
    assert.equal(file.size, (await stat(file.path)).size, where);
    assert.ok(file.durationSeconds >= 6 && file.durationSeconds <= 20, `${where}: ${file.durationSeconds} s`);
    const { format, common } = await parseFile(file.path);
    assert.deepEqual(
      { title: common.title, artist: common.artist, album: common.album, track: common.track, year: common.year, genre: common.genre },
      { title, artist: album.artist, album: album.album, track: { no: index + 1, of: album.tracks.length }, year: album.year, genre: [album.genre] },
      where,
    );
    assert.equal(format.numberOfChannels, 2, where);
    assert.ok(Math.abs(format.duration! - file.durationSeconds) < 0.1, `${where}: read ${format.duration} s, made ${file.durationSeconds} s`);
    if (album.format === 'mp3') {
      assert.deepEqual({ container: format.container, codec: format.codec, sampleRate: format.sampleRate, lossless: format.lossless }, { container: 'MPEG', codec: 'MPEG 1 Layer 3', sampleRate: 44100, lossless: false }, where);
      assert.equal(file.bitrate, album.bitrate, where);
      assert.ok(Math.abs(format.bitrate! - album.bitrate! * 1000) <= 2000, `${where}: ${format.bitrate} bps`);
      assert.equal(file.bitDepth, undefined);
    } else {
      const rate = album.sampleRate ?? 44100;
      const depth = album.bitDepth ?? 16;
      assert.deepEqual(
        { container: format.container, codec: format.codec, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample, lossless: format.lossless },
        { container: 'FLAC', codec: 'FLAC', sampleRate: rate, bitsPerSample: depth, lossless: true },
        where,
      );
      assert.deepEqual({ sampleRate: file.sampleRate, bitDepth: file.bitDepth, bitrate: file.bitrate }, { sampleRate: rate, bitDepth: depth, bitrate: undefined });
    }
  }
});

test('FLAC frames decode, with valid CRCs, to the PCM whose MD5 STREAMINFO carries', async (t) => {
  const folder = await temporaryFolder(t);
  const albums = ALBUMS.filter((album) => album.format === 'flac');
  const files = await generateLibrary(folder, albums);
  for (const [index, { album }] of tracksOf(albums).entries()) {
    const file: GeneratedFile = files[index]!;
    const flac = decodeFlac(await readFile(file.path));
    const depth = album.bitDepth ?? 16;
    assert.deepEqual(
      { sampleRate: flac.sampleRate, bitDepth: flac.bitDepth, channels: flac.channels.length, blockTypes: flac.blockTypes, minBlock: flac.minBlockSize, maxBlock: flac.maxBlockSize },
      { sampleRate: album.sampleRate ?? 44100, bitDepth: depth, channels: 2, blockTypes: [0, 4], minBlock: 4096, maxBlock: 4096 },
    );
    assert.equal(flac.totalSamples, Math.round(file.durationSeconds * flac.sampleRate));
    assert.equal(flac.minFrameSize, Math.min(...flac.frameSizes));
    assert.equal(flac.maxFrameSize, Math.max(...flac.frameSizes));
    assert.deepEqual(md5Of(flac.channels, depth), flac.md5);
    // Fixed predictors must actually compress the synthesized tones, not fall back to raw samples.
    assert.ok(file.size < flac.totalSamples * 2 * (depth / 8) * 0.9, `${file.path}: ${file.size} bytes`);
    const full = 2 ** (depth - 1);
    assert.ok(flac.channels.every((channel) => channel.some((sample) => Math.abs(sample) > full / 4)), 'audible, not silence');
  }
  // The reference decoder too, where it is installed (it checks the MD5 itself); not required.
  const reference = await promisify(execFile)('flac', ['--test', '--silent', ...files.map((file) => file.path)]).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (reference !== undefined) assert.equal(reference.stderr, '');
});

test('a second run rewrites nothing; a changed spec remakes only its own files', async (t) => {
  const folder = await temporaryFolder(t);
  const albums = [ALBUMS[0]!, ALBUMS[4]!];
  const first = await generateLibrary(folder, albums);
  const mtimes = async (): Promise<number[]> => Promise.all(first.map(async (file) => (await stat(file.path)).mtimeMs));
  const before = await mtimes();

  const second = await generateLibrary(folder, albums);
  assert.deepEqual(second, first.map((file) => ({ ...file, reused: true })));
  assert.deepEqual(await mtimes(), before);

  const changed = [{ ...ALBUMS[0]!, bitrate: 192 }, { ...ALBUMS[4]!, year: 2020 }];
  const third = await generateLibrary(folder, changed);
  assert.deepEqual(third.map((file) => file.reused), [false, false, false, false]);
  const { format, common } = await parseFile(third[0]!.path);
  assert.deepEqual([format.bitrate, (await parseFile(third[2]!.path)).common.year, common.title], [192000, 2020, "L'Été Indien"]);
  assert.deepEqual(await listFiles(folder), first.map((file) => relative(folder, file.path)).sort());
});

test('an interrupted run leaves no half file; the next run finishes the rest and clears dead temporaries', async (t) => {
  const folder = await temporaryFolder(t);
  const albums = [ALBUMS[2]!, ALBUMS[3]!, ALBUMS[5]!];
  const stop = new AbortController();
  const finishedFirst: string[] = [];
  await assert.rejects(
    generateLibrary(folder, albums, {
      signal: stop.signal,
      onProgress: (_done, _total, file) => {
        finishedFirst.push(relative(folder, file));
        stop.abort();
      },
    }),
    { name: 'AbortError' },
  );
  // What was reported finished is there whole (a write already renaming when the abort came may
  // finish too, and is reported); nothing else is, not even a temporary.
  assert.ok(finishedFirst.length >= 1 && finishedFirst.length < albums.length, String(finishedFirst));
  assert.deepEqual(await listFiles(folder), [...finishedFirst].sort());

  // What a run killed while writing leaves behind: a hidden temporary named after a process now gone.
  await mkdir(join(folder, 'Nils Ek', 'Glas'), { recursive: true });
  await writeFile(join(folder, 'Nils Ek', 'Glas', '.01 - Frost.mp3.99999999-1.partial'), 'half a file');
  const rest = await generateLibrary(folder, albums);
  const paths = ['The Quiet Harbour/Salt & Timber/01 - Driftwood.mp3', 'Nils Ek/Glas/01 - Frost.mp3', 'Aurora Static/Hi-Res Sessions/01 - Thaw.flac'];
  assert.deepEqual(rest.map((file) => [relative(folder, file.path), file.reused]), paths.map((path) => [path, finishedFirst.includes(path)]));
  assert.deepEqual(await listFiles(folder), [...paths].sort());
});

test('album specs that cannot be made are refused before anything is written', async (t) => {
  const folder = await temporaryFolder(t);
  const base = ALBUMS[0]!;
  const { bitrate: _, ...unrated } = base;
  const refusals: [AlbumSpec, string][] = [
    [{ ...base, bitrate: 100 }, `album "Café de l'Aube" by "Marta Ríos": no MP3 bitrate of 100 kbps (one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)`],
    [{ ...base, sampleRate: 96000 }, `album "Café de l'Aube" by "Marta Ríos": MP3 sample rate must be one of 32000, 44100, 48000`],
    [{ ...base, bitDepth: 24 }, `album "Café de l'Aube" by "Marta Ríos": bit depth applies to FLAC only`],
    [{ ...base, format: 'flac' }, `album "Café de l'Aube" by "Marta Ríos": bitrate applies to MP3 only`],
    [{ ...unrated, format: 'flac', bitDepth: 8 as never }, `album "Café de l'Aube" by "Marta Ríos": FLAC bit depth must be 16 or 24`],
    [{ ...base, format: 'ogg' as never }, `album "Café de l'Aube" by "Marta Ríos": format must be mp3 or flac`],
    [{ ...base, year: 20.5 }, `album "Café de l'Aube" by "Marta Ríos": year must be a whole number`],
  ];
  for (const [album, message] of refusals) {
    await assert.rejects(generateLibrary(folder, [ALBUMS[2]!, album]), { name: 'RangeError', message });
  }
  // Names that end up the same file: a separator made safe, and a difference only in case.
  await assert.rejects(generateLibrary(folder, [{ ...ALBUMS[2]!, artist: 'AC/DC' }, { ...ALBUMS[2]!, artist: 'AC_DC' }]), {
    name: 'RangeError',
    message: `two tracks would both be written to ${join(folder, 'AC_DC', 'Salt & Timber', '01 - Driftwood.mp3')}`,
  });
  await assert.rejects(generateLibrary(folder, [ALBUMS[2]!, { ...ALBUMS[2]!, album: 'SALT & TIMBER' }]), {
    name: 'RangeError',
    message: `two tracks would both be written to ${join(folder, 'The Quiet Harbour', 'SALT & TIMBER', '01 - Driftwood.mp3')}`,
  });
  assert.deepEqual(await listFiles(folder), []);
});
