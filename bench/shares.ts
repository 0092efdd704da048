// Shares benchmark.
//
// 1. Scan: generates a tree of small files in a temp folder (mostly text files, one in five a tiny
//    real WAV whose attributes get read), scans it into a fresh SQLite file (files/s), rescans it
//    unchanged (files/s), and reopens the library from SQLite (files/s loaded, no rescan).
// 2. Search: builds a 1,000,000-file index in memory through the library's internal index API
//    (`Catalog.addShare/addFolder/addFile`, exactly what SharesLibrary.open does for each SQLite row,
//    minus the SQLite reading) from seeded "Artist/Album (Year)/NN - Title.ext" paths, and measures
//    per-query latency (p50/p99/max) of a realistic query mix, plus heap and RSS growth of the index.
//
// 3. Warm start (--warm): N real empty files on disk (default 1,000,000: 10,000 folders × 100 files,
//    created once with sync fs calls and kept under os.tmpdir()/slsk-bench-shares-1m with the SQLite
//    file they were scanned into). Each run opens the library from that database in a fresh process
//    and measures: time until it answers searches and browses, RSS and heap then, search p50/p99,
//    one-folder reply and full browse reply build times. Median of --runs=3.
//
//   npm run bench:shares [-- --quick] [-- --json]     (BENCH_QUICK=1 also selects the quick run)
//   npm run bench:shares -- --warm [--files=N] [--runs=3] [--json] [--dist: also the compiled build, after npm run build]
//   npm run bench:shares -- --warm --clean            (removes the cached tree and database)

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Catalog, SharesLibrary } from '../src/shares/index.ts';
import { mulberry32 } from '../test/support/seeded-random.ts';

const args = new Set(process.argv.slice(2));
const JSON_OUTPUT = args.has('--json');
const QUICK = args.has('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
const SCAN_FILES = QUICK ? 2_000 : 20_000;
const INDEX_FILES = QUICK ? 200_000 : 1_000_000;
const QUERIES = QUICK ? 1_000 : 5_000;
const TARGET_P99_MS = 5;
// Warm start (issue 12): 1,000,000 real files on disk, scanned once into a cached SQLite file; each
// measured run opens the library from it in a fresh process.
const WARM = args.has('--warm');
const WARM_CHILD = args.has('--warm-child');
const WARM_PRIME = args.has('--warm-prime');
const CLEAN = args.has('--clean');
const DIST = args.has('--dist');
const option = (name: string, fallback: number): number => {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return raw === undefined ? fallback : Number(raw.slice(name.length + 3));
};
const WARM_FILES = option('files', 1_000_000);
const WARM_RUNS = option('runs', 3);
const TARGET_READY_MS = 3000;
const TARGET_RSS_MB = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const log = JSON_OUTPUT ? (_: string) => {} : (line: string) => console.log(line);

// ---- seeded data -----------------------------------------------------------------------------------

const rand = mulberry32(0x5ea7c4);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
/** Skewed pick: low indexes far more often (word frequencies are not uniform). */
const pickSkewed = <T>(items: readonly T[]): T => items[Math.floor(rand() ** 2.5 * items.length)]!;

const COMMON = (
  'the a of and in to my you love night time heart day world dream light fire rain blue away home song life gone ' +
  'summer girl dance live session demo mix edit remix original version deluxe edition disc bonus track black white ' +
  'red gold silver dark sun moon star sky sea river city street road king queen boy man woman child angel devil ' +
  'ghost shadow golden lost last first new old young wild free slow fast high low little big good bad sweet cold hot'
).split(' ');
const SYLLABLES = 'ka ra mo ne ti lu sa vo de mi po ze ba ko ri na fe gu la to sho ki ma re yo an el or is un'.split(' ');
const NON_ASCII = ['Björk', 'Sigur Rós', 'Mötley Crüe', 'Beyoncé', '坂本龍一', 'Кино', 'Ólafur Arnalds', 'Motörhead', 'Hüsker Dü', 'Céline'];
const EXTENSIONS = ['mp3', 'mp3', 'mp3', 'flac', 'flac', 'm4a', 'ogg', 'opus', 'wav', 'jpg', 'txt', 'cue', 'log'];

/** A vocabulary of made-up words, so the index has a realistic number of distinct words. */
const INVENTED = Array.from({ length: 20_000 }, () => {
  let word = '';
  for (let i = int(2, 4); i > 0; i--) word += pick(SYLLABLES);
  return word;
});
const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const phrase = (words: number): string =>
  Array.from({ length: words }, () => capital(rand() < 0.45 ? pickSkewed(COMMON) : pickSkewed(INVENTED))).join(' ');

// ---- 1. scan --------------------------------------------------------------------------------------------

function tinyWav(): Buffer {
  const samples = 2205; // 0.05 s mono 16-bit at 44.1 kHz
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(44100, 24);
  out.writeUInt32LE(88200, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(samples * 2, 40);
  return out;
}

interface ScanFigures {
  files: number;
  audioFiles: number;
  scanMs: number;
  scanFilesPerSec: number;
  rescanMs: number;
  rescanFilesPerSec: number;
  reopenMs: number;
  reopenFilesPerSec: number;
}

async function benchScan(): Promise<ScanFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'slsk-bench-shares-'));
  try {
    const root = join(dir, 'share');
    const wav = tinyWav();
    let audio = 0;
    const perFolder = 50;
    for (let folder = 0; folder * perFolder < SCAN_FILES; folder++) {
      const path = join(root, `Artist ${folder % 40}`, `Album ${folder}`);
      await mkdir(path, { recursive: true });
      const writes: Promise<void>[] = [];
      for (let i = 0; i < perFolder && folder * perFolder + i < SCAN_FILES; i++) {
        if (i % 5 === 0) {
          audio++;
          writes.push(writeFile(join(path, `${String(i).padStart(2, '0')} - Track ${i}.wav`), wav));
        } else {
          writes.push(writeFile(join(path, `notes ${i}.txt`), `file ${folder}/${i}`));
        }
      }
      await Promise.all(writes);
    }
    const database = join(dir, 'shares.db');
    const folders = [{ path: root, name: 'Bench' }];
    const library = await SharesLibrary.open({ database, folders });
    let t = performance.now();
    const first = await library.scan();
    const scanMs = performance.now() - t;
    if (first.files !== SCAN_FILES || first.readMetadata !== audio || first.warnings !== 0) throw new Error(`unexpected scan summary ${JSON.stringify(first)}`);
    t = performance.now();
    const second = await library.scan();
    const rescanMs = performance.now() - t;
    if (second.unchanged !== SCAN_FILES) throw new Error(`unexpected rescan summary ${JSON.stringify(second)}`);
    await library.close();
    t = performance.now();
    const reopened = await SharesLibrary.open({ database, folders });
    const reopenMs = performance.now() - t;
    if (reopened.counts().files !== SCAN_FILES) throw new Error('reopened library lost files');
    await reopened.close();
    return {
      files: SCAN_FILES,
      audioFiles: audio,
      scanMs,
      scanFilesPerSec: SCAN_FILES / (scanMs / 1000),
      rescanMs,
      rescanFilesPerSec: SCAN_FILES / (rescanMs / 1000),
      reopenMs,
      reopenFilesPerSec: SCAN_FILES / (reopenMs / 1000),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- 2. search ------------------------------------------------------------------------------------------

interface Album {
  artist: string;
  title: string;
  tracks: string[];
}

interface SearchFigures {
  files: number;
  folders: number;
  words: number;
  postings: number;
  bitmaps: number;
  buildMs: number;
  heapMB: number;
  rssMB: number;
  bytesPerFile: number;
  queries: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  avgResults: number;
  byKind: Record<string, { queries: number; p50Ms: number; p99Ms: number; avgResults: number }>;
}

function buildIndex(): { catalog: Catalog; albums: Album[] } {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  catalog.addShare('Friends', 'buddies');
  const artists = Array.from({ length: Math.ceil(INDEX_FILES / 100) }, () => (rand() < 0.03 ? pick(NON_ASCII) : phrase(int(1, 3))));
  const albums: Album[] = [];
  let files = 0;
  while (files < INDEX_FILES) {
    const artist = pick(artists);
    const share = rand() < 0.1 ? 1 : 0;
    const title = phrase(int(1, 4));
    const year = int(1960, 2024);
    const folder = catalog.addFolder(share, `${share === 0 ? 'Music' : 'Friends'}\\${artist}\\${title} (${year})`);
    const count = Math.min(int(6, 16), INDEX_FILES - files);
    const ext = pick(EXTENSIONS.slice(0, 9));
    const tracks: string[] = [];
    for (let n = 1; n <= count; n++) {
      const track = phrase(int(1, 4));
      tracks.push(track);
      const lossless = ext === 'flac' || ext === 'wav';
      const info = lossless ? { duration: int(60, 600), sampleRate: 44100, bitDepth: 16 } : { bitrate: pick([128, 192, 256, 320]), duration: int(60, 600), vbr: rand() < 0.3 };
      catalog.addFile(folder, `${String(n).padStart(2, '0')} - ${track}.${rand() < 0.05 ? pick(EXTENSIONS) : ext}`, int(2_000_000, 60_000_000), 0, info);
    }
    files += count;
    albums.push({ artist, title, tracks });
  }
  return { catalog, albums };
}

function makeQueries(albums: readonly Album[], count: number): { kind: string; query: string }[] {
  const words = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const queries: { kind: string; query: string }[] = [];
  for (let i = 0; i < count; i++) {
    const album = pick(albums);
    const artistWords = words(album.artist);
    const track = words(pick(album.tracks));
    const roll = rand();
    let kind: string;
    let query: string;
    if (roll < 0.35) {
      kind = 'artist';
      query = album.artist;
    } else if (roll < 0.6) {
      kind = 'artist+title';
      query = `${album.artist} ${pick(track)}`;
    } else if (roll < 0.72) {
      kind = 'album+ext';
      query = `${album.title} ${pick(['flac', 'mp3', '320'])}`;
    } else if (roll < 0.8) {
      kind = 'one common word';
      query = pick(COMMON.slice(0, 40));
    } else if (roll < 0.88) {
      kind = 'two common words';
      query = `${pick(COMMON)} ${pick(COMMON)}`;
    } else if (roll < 0.94) {
      kind = 'exclusion';
      query = `${pick(artistWords)} -${pick(['live', 'demo', 'mp3', 'remix'])}`;
    } else {
      kind = 'wildcard';
      const word = pick(track);
      query = `${pick(artistWords)} *${word.slice(Math.min(2, word.length - 1))}`;
    }
    queries.push({ kind, query });
  }
  return queries;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

function benchSearch(): SearchFigures {
  gc();
  const memory = () => {
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
  };
  const before = memory();
  let t = performance.now();
  const { catalog, albums } = buildIndex();
  catalog.compact(); // as SharesLibrary.open does once every row is in (sorts the vocabulary for wildcards)
  const buildMs = performance.now() - t;
  // Warm-up queries (a steady-state process has its search code optimised) and measured ones differ.
  const warmup = makeQueries(albums, 2_000);
  const queries = makeQueries(albums, QUERIES);
  // Everything but the catalog is dropped before measuring memory (typed arrays count: heap + array buffers).
  albums.length = 0;
  gc();
  const after = memory();
  const heapMB = (after.heap - before.heap) / 2 ** 20;
  const rssMB = (after.rss - before.rss) / 2 ** 20;
  const stats = catalog.stats();

  const phrases = ['bootleg', 'preteen']; // the kind of list a server sends
  const run = (query: string) => catalog.search(query, { locked: 'locked', maxResults: 500, excludedPhrases: phrases });
  for (const { query } of warmup) run(query);
  const times: number[] = [];
  const perKind = new Map<string, { times: number[]; results: number }>();
  let results = 0;
  for (const { kind, query } of queries) {
    t = performance.now();
    const result = run(query);
    const elapsed = performance.now() - t;
    const count = result.files.length + result.lockedFiles.length;
    times.push(elapsed);
    results += count;
    const entry = perKind.get(kind) ?? { times: [], results: 0 };
    entry.times.push(elapsed);
    entry.results += count;
    perKind.set(kind, entry);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const byKind: SearchFigures['byKind'] = {};
  for (const [kind, entry] of [...perKind].sort()) {
    const s = entry.times.sort((a, b) => a - b);
    byKind[kind] = { queries: s.length, p50Ms: percentile(s, 0.5), p99Ms: percentile(s, 0.99), avgResults: entry.results / s.length };
  }
  return {
    files: stats.files,
    folders: stats.folders,
    words: stats.words,
    postings: stats.postings,
    bitmaps: stats.bitmaps,
    buildMs,
    heapMB,
    rssMB,
    bytesPerFile: (heapMB * 2 ** 20) / stats.files,
    queries: queries.length,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    avgResults: results / queries.length,
    byKind,
  };
}

// ---- 3. warm start ---------------------------------------------------------------------------------------

const FILES_PER_FOLDER = 100;
const ARTIST_DIRS = 1000;
const WARM_EXTENSIONS = ['txt', 'nfo', 'cue', 'log', 'jpg', 'png', 'sfv', 'm3u', 'md5', 'pdf']; // not parsed for audio: empty files stay valid
const warmCache = join(tmpdir(), WARM_FILES === 1_000_000 ? 'slsk-bench-shares-1m' : `slsk-bench-shares-${WARM_FILES}`);
const warmRoot = join(warmCache, 'share');
const warmDatabase = join(warmCache, 'shares.db');
const warmFolders = [{ path: warmRoot, name: 'Bench' }];

/** The names of folder `index` of the warm tree: the same in every process (seeded per folder). */
function warmFolder(index: number): { artist: string; album: string; files: string[] } {
  const r = mulberry32(index + 1);
  const ra = mulberry32(1_000_000 + (index % ARTIST_DIRS));
  const words = (random: () => number, count: number) =>
    Array.from({ length: count }, () => {
      const list = random() < 0.45 ? COMMON : INVENTED;
      return capital(list[Math.floor(random() ** 2.5 * list.length)]!);
    }).join(' ');
  const artist = ra() < 0.03 ? NON_ASCII[Math.floor(ra() * NON_ASCII.length)]! : words(ra, 1 + Math.floor(ra() * 3));
  const album = `${words(r, 1 + Math.floor(r() * 4))} (${1960 + Math.floor(r() * 65)})`;
  const files: string[] = [];
  for (let n = 1; n <= FILES_PER_FOLDER; n++) {
    files.push(`${String(n).padStart(3, '0')} - ${words(r, 1 + Math.floor(r() * 4))}.${WARM_EXTENSIONS[Math.floor(r() * WARM_EXTENSIONS.length)]!}`);
  }
  return { artist, album, files };
}

const warmFolderPath = (index: number, folder: ReturnType<typeof warmFolder>): string =>
  join(warmRoot, `${String(index % ARTIST_DIRS).padStart(4, '0')} ${folder.artist}`, `${folder.album} ${index}`);

function ensureWarmTree(): void {
  const marker = join(warmCache, 'tree-complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(WARM_FILES)) return;
  rmSync(warmCache, { recursive: true, force: true });
  mkdirSync(warmCache, { recursive: true });
  const folders = Math.ceil(WARM_FILES / FILES_PER_FOLDER);
  const t = performance.now();
  let written = 0;
  for (let index = 0; index < folders; index++) {
    const folder = warmFolder(index);
    const path = warmFolderPath(index, folder);
    mkdirSync(path, { recursive: true });
    for (const name of folder.files) {
      if (written >= WARM_FILES) break;
      closeSync(openSync(join(path, name), 'w'));
      written++;
    }
    if (index % 500 === 499) process.stdout.write(`\rcreating files: ${written.toLocaleString('en-US')} / ${WARM_FILES.toLocaleString('en-US')}`);
  }
  process.stdout.write(`\rcreated ${written.toLocaleString('en-US')} files in ${folders.toLocaleString('en-US')} folders under ${warmRoot} (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  writeFileSync(marker, String(WARM_FILES));
}

async function ensureWarmDatabase(): Promise<void> {
  const marker = join(warmCache, 'db-complete');
  if (existsSync(marker)) return;
  rmSync(warmDatabase, { force: true });
  const library = await SharesLibrary.open({ database: warmDatabase, folders: warmFolders, progressIntervalMs: 2000 });
  library.on('scanProgress', (progress) => process.stdout.write(`\rscanning: ${progress.scannedFiles.toLocaleString('en-US')} files`));
  const t = performance.now();
  const summary = await library.scan();
  await library.close();
  if (summary.files !== WARM_FILES) throw new Error(`scan found ${summary.files} files, expected ${WARM_FILES}`);
  process.stdout.write(`\rscanned ${summary.files.toLocaleString('en-US')} files into ${warmDatabase} (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  writeFileSync(marker, '');
}

interface WarmFigures {
  readyMs: number;
  /** The process before opening the library (Node, the loaded modules, TypeScript type stripping). */
  baselineRssMB: number;
  rssMB: number;
  heapMB: number;
  arrayBuffersMB: number;
  files: number;
  searchP50Ms: number;
  searchP99Ms: number;
  folderP50Ms: number;
  browseMs: number;
  browseRssMB: number;
}

/** One measured warm start, in this (fresh) process. */
async function warmChild(): Promise<WarmFigures> {
  gc();
  const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
  const t = performance.now();
  const library = await SharesLibrary.open({ database: warmDatabase, folders: warmFolders });
  const readyMs = performance.now() - t;
  gc();
  const usage = process.memoryUsage();
  const files = library.counts().files;
  if (files !== WARM_FILES) throw new Error(`warm library has ${files} files, expected ${WARM_FILES}`);

  const folders = Math.ceil(WARM_FILES / FILES_PER_FOLDER);
  const albums: Album[] = [];
  const virtualFolders: string[] = [];
  for (let i = 0; i < 2_000; i++) {
    const index = Math.floor(rand() * folders);
    const folder = warmFolder(index);
    albums.push({ artist: folder.artist, title: folder.album, tracks: folder.files.map((name) => name.slice(6, name.lastIndexOf('.'))) });
    virtualFolders.push(`Bench\\${String(index % ARTIST_DIRS).padStart(4, '0')} ${folder.artist}\\${folder.album} ${index}`);
  }
  const time = (run: () => unknown): number => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };
  const phrases = ['bootleg', 'preteen'];
  for (const { query } of makeQueries(albums, 500)) library.search(query, { excludedPhrases: phrases });
  const searchTimes = makeQueries(albums, QUERIES)
    .map(({ query }) => time(() => library.search(query, { excludedPhrases: phrases })))
    .sort((a, b) => a - b);
  const folderTimes = virtualFolders
    .map((path) =>
      time(() => {
        if (library.folder(path, { buddy: false }) === undefined) throw new Error(`no folder ${path}`);
      }),
    )
    .sort((a, b) => a - b);
  // The whole browse reply (every folder and file), as a SharesProvider hands it to the client.
  let browseFolders = 0;
  const browseMs = time(() => {
    browseFolders = library.shares({ buddy: false }).folders.length;
  });
  const browseRssMB = process.memoryUsage().rss / 2 ** 20;
  if (browseFolders < folders) throw new Error(`browse reply has ${browseFolders} folders`);
  await library.close();
  return {
    readyMs,
    baselineRssMB,
    rssMB: usage.rss / 2 ** 20,
    heapMB: usage.heapUsed / 2 ** 20,
    arrayBuffersMB: usage.arrayBuffers / 2 ** 20,
    files,
    searchP50Ms: percentile(searchTimes, 0.5),
    searchP99Ms: percentile(searchTimes, 0.99),
    folderP50Ms: percentile(folderTimes, 0.5),
    browseMs,
    browseRssMB,
  };
}

function spawnWarm(flag: string): string {
  const child = spawnSync(process.execPath, ['--conditions=slsk-ts-source', import.meta.filename, flag, `--files=${WARM_FILES}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 2 ** 20,
  });
  if (child.status !== 0) throw new Error(`warm-start child ${flag} exited with ${child.status ?? child.signal}`);
  return child.stdout;
}

/**
 * The same warm open in a process running the compiled build (`npm run build` → dist/), as an
 * installed package does: no TypeScript loader in memory. Ready time and memory only.
 */
function distRun(): { readyMs: number; baselineRssMB: number; rssMB: number; heapMB: number; arrayBuffersMB: number } {
  const entry = join(import.meta.dirname, '..', 'dist', 'shares', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' first`);
  const script = `
    const { SharesLibrary } = await import(${JSON.stringify(pathToFileURL(entry).href)});
    gc();
    const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
    const t = performance.now();
    const library = await SharesLibrary.open({ database: ${JSON.stringify(warmDatabase)}, folders: ${JSON.stringify(warmFolders)} });
    const readyMs = performance.now() - t;
    gc();
    const usage = process.memoryUsage();
    if (library.counts().files !== ${WARM_FILES}) throw new Error('wrong file count');
    await library.close();
    console.log(JSON.stringify({ readyMs, baselineRssMB, rssMB: usage.rss / 2 ** 20, heapMB: usage.heapUsed / 2 ** 20, arrayBuffersMB: usage.arrayBuffers / 2 ** 20 }));`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`compiled warm-start child exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout) as ReturnType<typeof distRun>;
}

async function runWarm(): Promise<void> {
  if (CLEAN) {
    rmSync(warmCache, { recursive: true, force: true });
    console.log(`removed ${warmCache}`);
    return;
  }
  if (WARM_PRIME) {
    const library = await SharesLibrary.open({ database: warmDatabase, folders: warmFolders });
    await library.close();
    return;
  }
  if (WARM_CHILD) {
    console.log(JSON.stringify(await warmChild()));
    return;
  }
  ensureWarmTree();
  await ensureWarmDatabase();
  // One untimed open first: a database written by another version may need its index rebuilt once.
  spawnWarm('--warm-prime');
  const runs: WarmFigures[] = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    const figures = JSON.parse(spawnWarm('--warm-child')) as WarmFigures;
    runs.push(figures);
    if (!JSON_OUTPUT) log(`run ${run + 1}: ready ${figures.readyMs.toFixed(0)} ms, RSS ${figures.rssMB.toFixed(0)} MB (${figures.baselineRssMB.toFixed(0)} MB before opening), heap ${figures.heapMB.toFixed(0)} MB + array buffers ${figures.arrayBuffersMB.toFixed(0)} MB, search p50 ${figures.searchP50Ms.toFixed(3)} / p99 ${figures.searchP99Ms.toFixed(3)} ms, folder reply p50 ${figures.folderP50Ms.toFixed(3)} ms, full browse reply ${figures.browseMs.toFixed(0)} ms (RSS then ${figures.browseRssMB.toFixed(0)} MB)`);
  }
  const median = (pick: (figures: WarmFigures) => number): number => {
    const values = runs.map(pick).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  };
  const summary = {
    files: WARM_FILES,
    runs: runs.length,
    readyMs: median((f) => f.readyMs),
    rssMB: median((f) => f.rssMB),
    baselineRssMB: median((f) => f.baselineRssMB),
    heapMB: median((f) => f.heapMB),
    arrayBuffersMB: median((f) => f.arrayBuffersMB),
    searchP50Ms: median((f) => f.searchP50Ms),
    searchP99Ms: median((f) => f.searchP99Ms),
    folderP50Ms: median((f) => f.folderP50Ms),
    browseMs: median((f) => f.browseMs),
    browseRssMB: median((f) => f.browseRssMB),
  };
  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ node: process.version, warm: summary, target: { readyMs: TARGET_READY_MS, rssMB: TARGET_RSS_MB } }, null, 2));
    return;
  }
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  log(`Warm start, ${WARM_FILES.toLocaleString('en-US')} real files (${warmCache}), median of ${runs.length} runs:`);
  log(`  ready (open from SQLite until searches and browses answer): ${summary.readyMs.toFixed(0)} ms   target < ${TARGET_READY_MS} ms: ${verdict(summary.readyMs < TARGET_READY_MS)}`);
  log(`  RSS after ready: ${summary.rssMB.toFixed(0)} MB   target < ${TARGET_RSS_MB} MB: ${verdict(summary.rssMB < TARGET_RSS_MB)} (before opening: ${summary.baselineRssMB.toFixed(0)} MB)`);
  log(`  heap used ${summary.heapMB.toFixed(0)} MB, array buffers ${summary.arrayBuffersMB.toFixed(0)} MB`);
  log(`  search p50 ${summary.searchP50Ms.toFixed(3)} ms, p99 ${summary.searchP99Ms.toFixed(3)} ms   target p99 < ${TARGET_P99_MS} ms: ${verdict(summary.searchP99Ms < TARGET_P99_MS)}`);
  log(`  folder reply p50 ${summary.folderP50Ms.toFixed(3)} ms; full browse reply built in ${summary.browseMs.toFixed(0)} ms (RSS then ${summary.browseRssMB.toFixed(0)} MB)`);
  if (DIST) {
    const dist = Array.from({ length: WARM_RUNS }, () => distRun());
    const middle = <T>(values: T[], pick: (value: T) => number) => values.map(pick).sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const rss = middle(dist, (d) => d.rssMB);
    log(
      `  compiled build (dist/, as installed): ready ${middle(dist, (d) => d.readyMs).toFixed(0)} ms, RSS ${rss.toFixed(0)} MB (${middle(dist, (d) => d.baselineRssMB).toFixed(0)} MB before opening), heap ${middle(dist, (d) => d.heapMB).toFixed(0)} MB + array buffers ${middle(dist, (d) => d.arrayBuffersMB).toFixed(0)} MB   target < ${TARGET_RSS_MB} MB: ${verdict(rss < TARGET_RSS_MB)}`,
    );
  }
  log(`  (npm run bench:shares -- --warm --clean removes the cached tree and database)`);
}

// ---- run ------------------------------------------------------------------------------------------------

if (WARM || WARM_CHILD || WARM_PRIME || CLEAN) {
  await runWarm();
  process.exit(0);
}
const scan = await benchScan();
const search = benchSearch();
const met = search.p99Ms < TARGET_P99_MS;

if (JSON_OUTPUT) {
  console.log(JSON.stringify({ node: process.version, quick: QUICK, scan, search, target: { p99Ms: TARGET_P99_MS, met } }, null, 2));
} else {
  const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const [index, row] of rows.entries()) {
      log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      if (index === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
  };
  log(`Scan: ${n(scan.files)} files (${n(scan.audioFiles)} tiny WAVs read with music-metadata), SQLite on ${tmpdir()}`);
  table([
    ['step', 'ms', 'files/s'],
    ['first scan', n(scan.scanMs), n(scan.scanFilesPerSec)],
    ['rescan, nothing changed', n(scan.rescanMs), n(scan.rescanFilesPerSec)],
    ['reopen from SQLite', n(scan.reopenMs), n(scan.reopenFilesPerSec)],
  ]);
  log('');
  log(`Search: ${n(search.files)} files in ${n(search.folders)} folders, ${n(search.words)} distinct words, ${n(search.postings)} postings, ${n(search.bitmaps)} bitmaps`);
  log(`  index built in ${n(search.buildMs)} ms (${n(search.files / (search.buildMs / 1000))} files/s); heap + array buffers +${n(search.heapMB, 1)} MB (${n(search.bytesPerFile)} B/file), RSS +${n(search.rssMB, 1)} MB`);
  table([
    ['queries', 'count', 'p50 ms', 'p99 ms', 'avg results'],
    ...Object.entries(search.byKind).map(([kind, k]) => [kind, n(k.queries), n(k.p50Ms, 3), n(k.p99Ms, 3), n(k.avgResults, 1)]),
    ['all', n(search.queries), n(search.p50Ms, 3), n(search.p99Ms, 3), n(search.avgResults, 1)],
  ]);
  log(`  p90 ${n(search.p90Ms, 3)} ms, max ${n(search.maxMs, 3)} ms, mean ${n(search.meanMs, 3)} ms`);
  log(`target: p99 < ${TARGET_P99_MS} ms on ${n(search.files)} paths — ${met ? 'MET' : 'NOT MET'}${QUICK ? ' (quick run: smaller index)' : ''}`);
}
