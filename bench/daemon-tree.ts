// The shared library of `npm run bench:daemon`: N real empty files shaped like a music collection
// (Artist/Album (Year)/NN - Title.ext, 10 files a folder, so 1,000,000 files are 100,000 album
// folders under 10,000 artist folders). Made once with sync fs calls and kept under os.tmpdir(),
// because making a million files takes minutes and the benchmark is about starting from it.
//
// The files are empty, so their extensions are ones the scanner does not parse for audio
// attributes (an empty .mp3 would be a parse failure a million times over, which a real library
// does not have); names, folder shape and counts are what the index holds either way.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../test/support/seeded-random.ts';

export const FILES_PER_FOLDER = 10;
const FOLDERS_PER_ARTIST = 10;
const EXTENSIONS = ['txt', 'nfo', 'cue', 'log', 'jpg', 'png', 'sfv', 'm3u', 'md5', 'pdf'];
const WORDS = (
  'the a of and in to my you love night time heart day world dream light fire rain blue away home song life gone ' +
  'summer girl dance live session demo mix edit remix original version deluxe edition disc bonus track black white ' +
  'red gold silver dark sun moon star sky sea river city street road king queen boy man woman child angel devil'
).split(' ');
const SYLLABLES = 'ka ra mo ne ti lu sa vo de mi po ze ba ko ri na fe gu la to sho ki ma re yo an el or is un'.split(' ');

export interface BenchTree {
  /** The folder holding everything; removed by `clean`. */
  readonly cache: string;
  /** The shared folder. */
  readonly share: string;
  readonly files: number;
  readonly folders: number;
}

export function benchTree(files: number): BenchTree {
  const cache = join(tmpdir(), files === 1_000_000 ? 'slsk-bench-daemon-1m' : `slsk-bench-daemon-${files}`);
  return { cache, share: join(cache, 'Music'), files, folders: Math.ceil(files / FILES_PER_FOLDER) };
}

/** Seeded words, so every run (and every process) makes the same names. */
function words(random: () => number, count: number): string {
  return Array.from({ length: count }, () => {
    let word: string;
    if (random() < 0.5) word = WORDS[Math.floor(random() ** 2 * WORDS.length)]!;
    else {
      word = '';
      for (let i = 2 + Math.floor(random() * 3); i > 0; i--) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
    }
    return word.charAt(0).toUpperCase() + word.slice(1);
  }).join(' ');
}

/** Album folder `index`: its path below the share and its file names. */
export function albumFolder(index: number): { path: string[]; files: string[] } {
  const artistIndex = Math.floor(index / FOLDERS_PER_ARTIST);
  const ra = mulberry32(7_000_000 + artistIndex);
  const artist = `${words(ra, 1 + Math.floor(ra() * 3))} ${artistIndex}`;
  const r = mulberry32(index + 1);
  // The catalogue number keeps two albums of an artist apart even when their titles and years match.
  const album = `${words(r, 1 + Math.floor(r() * 4))} (${1960 + Math.floor(r() * 65)}) [CAT-${index}]`;
  const files = Array.from({ length: FILES_PER_FOLDER }, (_, n) => `${String(n + 1).padStart(2, '0')} - ${words(r, 1 + Math.floor(r() * 4))}.${EXTENSIONS[Math.floor(r() * EXTENSIONS.length)]!}`);
  return { path: [artist, album], files };
}

/** Makes the tree unless a complete one is there; `progress` is told every few thousand files. */
export function ensureTree(tree: BenchTree, progress: (written: number) => void): { made: boolean; seconds: number } {
  const marker = join(tree.cache, 'tree-complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(tree.files)) return { made: false, seconds: 0 };
  const started = performance.now();
  rmSync(tree.cache, { recursive: true, force: true });
  let written = 0;
  for (let index = 0; index < tree.folders; index++) {
    const { path, files } = albumFolder(index);
    const folder = join(tree.share, ...path);
    mkdirSync(folder, { recursive: true });
    for (const name of files) {
      if (written >= tree.files) break;
      closeSync(openSync(join(folder, name), 'w'));
      written++;
    }
    if (index % 1000 === 999) progress(written);
  }
  writeFileSync(marker, String(tree.files));
  return { made: true, seconds: (performance.now() - started) / 1000 };
}
