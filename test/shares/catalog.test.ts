// The in-memory index against a brute-force reading of the same rules, on seeded random data, plus
// the word and query rules on their own.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog, foldText, parseQuery, wordsOf, type LockedMode, type Visibility } from '../../src/shares/index.ts';
import { mulberry32 } from '../support/seeded-random.ts';


test('words: folded and split at anything not a letter or digit', () => {
  assert.deepEqual(wordsOf('Music\\Björk\\01 - Hunter (Live).FLAC'), ['music', 'bjork', '01', 'hunter', 'live', 'flac']);
  assert.deepEqual(wordsOf('AC/DC_Back-in.Black'), ['ac', 'dc', 'back', 'in', 'black']);
  assert.deepEqual(wordsOf('坂本龍一 - 戦場のメリークリスマス'), ['坂本龍一', '戦場のメリークリスマス']);
  assert.deepEqual(wordsOf('Mötley Crüe ÉTÉ ﬁnal ㎒'), ['motley', 'crue', 'ete', 'final', 'mhz']);
  assert.deepEqual(wordsOf('---'), []);
  assert.equal(foldText('Ｒａｄｉｏ'), 'radio');
  assert.deepEqual(parseQuery('Radiohead  -live *head ac/dc -b-sides *'), { include: ['radiohead', 'ac', 'dc'], suffixes: ['head'], exclude: ['live', 'b', 'sides'] });
  assert.deepEqual(parseQuery('*foo-bar'), { include: ['bar'], suffixes: ['foo'], exclude: [] });
});

interface Entry {
  slot: number;
  path: string;
  share: number;
  alive: boolean;
  words: Set<string>;
}

/** What the rules say, computed the slow way. */
function bruteForce(entries: readonly Entry[], shares: readonly Visibility[], query: string, locked: LockedMode, phrases: readonly string[], max: number) {
  const parsed = parseQuery(query);
  const files: string[] = [];
  const lockedFiles: string[] = [];
  if (parsed.include.length === 0 && parsed.suffixes.length === 0) return { files, lockedFiles };
  for (const entry of entries) {
    if (!entry.alive) continue;
    const visibility = shares[entry.share]!;
    const mode = visibility === 'everyone' ? 1 : visibility === 'buddies' ? (locked === 'open' ? 1 : locked === 'locked' ? 2 : 0) : 0;
    if (mode === 0) continue;
    const words = entry.words;
    if (!parsed.include.every((word) => words.has(word))) continue;
    if (parsed.exclude.some((word) => words.has(word))) continue;
    if (!parsed.suffixes.every((suffix) => [...words].some((word) => word.endsWith(suffix)))) continue;
    if (phrases.some((phrase) => entry.path.toLowerCase().includes(phrase.toLowerCase()))) continue;
    (mode === 1 ? files : lockedFiles).push(entry.path);
    if (files.length + lockedFiles.length >= max) break;
  }
  return { files, lockedFiles };
}

test('the index agrees with a brute-force search, also after removals, compaction and a rebuild', () => {
  const rand = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // Few words, so lists grow past the small-array stage and words share suffixes (*ing: > 8 words).
  const vocabulary = [
    'sing', 'ring', 'king', 'wing', 'thing', 'bring', 'spring', 'string', 'swing', 'sting', 'song', 'long', 'love',
    'dove', 'glove', 'night', 'light', 'fight', 'Björk', 'bjork', 'Café', 'cafe', 'live', 'mp3', 'flac', 'the', 'a',
  ];
  const shares: Visibility[] = ['everyone', 'buddies', 'nobody'];
  const catalog = new Catalog();
  for (const [index, visibility] of shares.entries()) catalog.addShare(`Share${index}`, visibility);
  const entries: Entry[] = [];
  const folders: { slot: number; path: string; share: number }[] = [];
  for (let i = 0; i < 300; i++) {
    const share = Math.floor(rand() * 3);
    const path = `Share${share}\\${pick(vocabulary)} ${pick(vocabulary)}\\${pick(vocabulary)}-${i}`;
    folders.push({ slot: catalog.addFolder(share, path), path, share });
  }
  // Enough files for the frequent words' lists to get bitmaps.
  for (let i = 0; i < 12_000; i++) {
    const folder = pick(folders);
    const name = `${pick(vocabulary)} ${pick(vocabulary)} ${i}.${pick(['mp3', 'flac', 'txt'])}`;
    const slot = catalog.addFile(folder.slot, name, i, 0, {});
    const path = `${folder.path}\\${name}`;
    entries.push({ slot, path, share: folder.share, alive: true, words: new Set(wordsOf(path)) });
  }

  const queries = [
    'sing', 'love night', '*ing', '*ing love', 'love -night', '*ove -flac', 'bjork', 'BJÖRK mp3', 'cafe', 'café -live',
    '*ing *ight', 'the a', 'a -the', 'mp3 flac', '*g -*ing', '-love', 'share0', 'share1 thing', 'missing', '*ng',
    // A rare word driving a wildcard of many words: candidates' words are read instead of a union bitmap.
    '*ing 123', '*ng 4567 -love', '*ing 77',
  ];
  const check = (label: string, current: Catalog) => {
    for (const query of queries) {
      for (const locked of ['hide', 'locked', 'open'] as const) {
        for (const max of [5, 10_000]) {
          const phrases = query.length % 2 === 0 ? ['ring s'] : [];
          const got = current.search(query, { locked, maxResults: max, excludedPhrases: phrases });
          const want = bruteForce(entries, shares, query, locked, phrases, max);
          assert.deepEqual(
            { files: got.files.map((file) => file.filename), lockedFiles: got.lockedFiles.map((file) => file.filename) },
            want,
            `${label}: ${query} (${locked}, max ${max})`,
          );
        }
      }
    }
  };
  assert.ok(catalog.stats().bitmaps > 5, `bitmaps: ${catalog.stats().bitmaps}`);
  check('fresh', catalog);

  // Remove a third of the files and a few whole folders.
  for (const entry of entries) {
    if (rand() < 0.33) {
      catalog.removeFile(entry.slot);
      entry.alive = false;
    }
  }
  for (const folder of folders.slice(0, 20)) {
    catalog.removeFolder(folder.slot);
    for (const entry of entries) if (entry.path.startsWith(`${folder.path}\\`)) entry.alive = false;
  }
  check('with dead slots', catalog);
  catalog.compact();
  check('compacted', catalog);
  assert.ok(catalog.stats().bitmaps > 0);
  const rebuilt = catalog.rebuilt();
  assert.equal(rebuilt.deadSlots(), 0);
  assert.equal(rebuilt.fileCount(), entries.filter((entry) => entry.alive).length);
  // Slots changed: map the entries over by path.
  const bySlotPath = new Map<string, number>();
  for (let slot = 0; slot < rebuilt.fileCount(); slot++) bySlotPath.set(rebuilt.virtualPath(slot), slot);
  const live = entries.filter((entry) => entry.alive).map((entry) => ({ ...entry, slot: bySlotPath.get(entry.path)! }));
  entries.splice(0, entries.length, ...live);
  check('rebuilt', rebuilt);

  // New words after the vocabulary was sorted for a wildcard query are found too.
  const folder = rebuilt.addFolder(0, 'Share0\\new');
  rebuilt.addFile(folder, 'zinging.txt', 1, 0, {});
  assert.deepEqual(rebuilt.search('*inging').files.map((file) => file.filename), ['Share0\\new\\zinging.txt']);
});

test('a file whose words end with the suffix several times is returned once', () => {
  const catalog = new Catalog();
  catalog.addShare('S', 'everyone');
  const folder = catalog.addFolder(0, 'S\\singing');
  catalog.addFile(folder, 'ring king.mp3', 1, 0, {});
  assert.deepEqual(catalog.search('*ing').files.map((file) => file.filename), ['S\\singing\\ring king.mp3']);
});

test('scan marks: a file seen by the running scan reports its generation, a new scan starts from none, a rebuild keeps them', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  const folder = catalog.addFolder(0, 'Music\\A', 1);
  // Past the first capacity (1,024), so the marks grow with the columns.
  const slots = Array.from({ length: 3000 }, (_, i) => catalog.addFile(folder, `${i}.mp3`, i, i, {}));
  const seen = slots.filter((slot) => slot % 3 === 0);
  for (const slot of seen) catalog.setFileGen(slot, 7);
  for (const slot of slots) assert.equal(catalog.fileGen(slot), slot % 3 === 0 ? 7 : 0, `slot ${slot}`);
  const added = catalog.addFile(folder, 'late.mp3', 1, 1, {});
  catalog.setFileGen(added, 7);
  assert.equal(catalog.fileGen(added), 7);

  catalog.removeFile(slots[0]!);
  const rebuilt = catalog.rebuilt();
  assert.equal(rebuilt.fileGen(0), 0, 'slot 1 moved to 0: never seen');
  assert.equal(rebuilt.fileGen(2), 7, 'slot 3 moved to 2: seen');

  catalog.setFileGen(slots[1]!, 8);
  assert.equal(catalog.fileGen(slots[1]!), 8);
  assert.equal(catalog.fileGen(slots[3]!), 0, 'the next scan does not see the marks of the one before');
  catalog.releaseScanMarks();
  assert.equal(catalog.fileGen(slots[1]!), 0);
});
