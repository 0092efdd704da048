// The stored catalog snapshot: a warm open reads it instead of every row (and splits no path into
// words), answers exactly as a fresh scan does, and any change to the rows drops it.

import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Catalog, SharesLibrary, type ShareFolderConfig } from '../../src/shares/index.ts';
import { SharesDatabase } from '../../src/shares/database.ts';
import { DETAIL_PARTS, type DetailPart } from '../../src/shares/details-file.ts';
import { snapshotFromParts, snapshotParts, type CatalogSnapshot } from '../../src/shares/snapshot.ts';
import { wav } from './audio.ts';
import { openLibrary, tempDir, writeTree } from './helpers.ts';

const QUERIES = [
  'radiohead',
  'paranoid android',
  'bjork',
  'BJÖRK hunter',
  'sigur ros',
  'agaetis',
  '*bag',
  '*oid -android',
  'radiohead -kid',
  'flac',
  'mp3 -bells',
  'ac dc',
  'wav',
  'demo',
  'nothing-here',
];

async function tree(t: TestContext): Promise<{ dir: string; folders: ShareFolderConfig[] }> {
  const dir = await tempDir(t, 'slsk-snapshot-');
  await writeTree(join(dir, 'music'), {
    'Radiohead/OK Computer (1997)/01 - Airbag.flac': 'a',
    'Radiohead/OK Computer (1997)/02 - Paranoid Android.flac': 'bb',
    'Radiohead/Kid A/01 - Everything In Its Right Place.mp3': 'ccc',
    'Björk/Homogenic/01 - Hunter.wav': wav(0.05),
    'Sigur Rós/Ágætis byrjun/01 - Intro.mp3': '',
    'AC-DC/Back in Black/01 - Hells Bells.mp3': '',
    'Misc/paranoid.txt': '',
    'Empty/': '',
  });
  await writeTree(join(dir, 'private'), { 'Radiohead/Demos/airbag demo.flac': '' });
  return {
    dir,
    folders: [
      { path: join(dir, 'music'), name: 'Music' },
      { path: join(dir, 'private'), name: 'Private', visibility: 'buddies' },
    ],
  };
}

/**
 * Every answer a library gives that the index decides. Search results come in the order files were
 * added, which differs between two scans of one tree (a folder's files are stat'ed concurrently) and
 * after a rescan: `anyOrder` sorts them, for comparing libraries scanned separately.
 */
function answers(library: SharesLibrary, anyOrder = false): unknown {
  const byName = (a: { filename: string }, b: { filename: string }) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0);
  return {
    counts: library.counts(),
    searches: QUERIES.map((query) => {
      const result = library.search(query, { locked: 'locked' });
      return anyOrder ? { files: result.files.sort(byName), lockedFiles: result.lockedFiles.sort(byName) } : result;
    }),
    browse: library.shares({ buddy: false }),
    buddyBrowse: library.shares({ buddy: true }),
    folder: library.folder('Music\\Radiohead\\OK Computer (1997)', { buddy: false }),
  };
}

/** A library scanned from nothing into its own database: what the answers must be. */
async function fresh(t: TestContext, dir: string, folders: ShareFolderConfig[], name: string): Promise<SharesLibrary> {
  const library = await openLibrary(t, { database: join(dir, name), folders });
  await library.scan();
  return library;
}

test('a warm open loads the stored index without splitting any path, and answers as a fresh scan does', async (t) => {
  const { dir, folders } = await tree(t);
  const database = join(dir, 'shares.db');
  const first = await SharesLibrary.open({ database, folders });
  await first.scan();
  assert.ok(first.catalog.stats().tokenizedFiles > 0);
  const scanned = answers(first);
  await first.close();

  const warm = await openLibrary(t, { database, folders });
  assert.equal(warm.catalog.stats().tokenizedFiles, 0, 'no path was split into words on a warm open');
  assert.deepEqual(answers(warm), scanned, 'the same answers in the same order');
  assert.deepEqual(answers(warm, true), answers(await fresh(t, dir, folders, 'fresh.db'), true));
  assert.ok((await warm.resolve('Music\\Björk\\Homogenic\\01 - Hunter.wav', { buddy: false })) !== undefined);
  assert.deepEqual(warm.search('hunter').files[0]?.sampleRate, 44100, 'audio attributes come back too');

  // Nothing changed on disk: a rescan finds every file unchanged, and keeps the stored index.
  const rescan = await warm.scan();
  assert.equal(rescan.unchanged, 8);
  assert.equal(rescan.added + rescan.changed + rescan.removed, 0);
});

test('a rescan that changes files replaces the stored index; the next warm open sees the disk as it is now', async (t) => {
  const { dir, folders } = await tree(t);
  const database = join(dir, 'shares.db');
  const first = await SharesLibrary.open({ database, folders });
  await first.scan();
  await first.close();

  const second = await SharesLibrary.open({ database, folders });
  assert.equal(second.catalog.stats().tokenizedFiles, 0);
  await rm(join(dir, 'music', 'Radiohead', 'Kid A'), { recursive: true });
  await rm(join(dir, 'music', 'Misc', 'paranoid.txt'));
  await writeFile(join(dir, 'music', 'Radiohead', 'OK Computer (1997)', '01 - Airbag.flac'), 'longer now');
  await writeTree(join(dir, 'music'), { 'Radiohead/In Rainbows/01 - 15 Step.flac': '', 'Misc/android manual.pdf': '' });
  const summary = await second.scan();
  assert.deepEqual([summary.added, summary.changed, summary.removed], [2, 1, 2]);
  // The new files were added to lists loaded from the snapshot, the removed ones dropped from them.
  assert.deepEqual(answers(second, true), answers(await fresh(t, dir, folders, 'fresh-1.db'), true));
  const afterRescan = answers(second);
  await second.close();

  const third = await SharesLibrary.open({ database, folders });
  assert.equal(third.catalog.stats().tokenizedFiles, 0, 'the rescan stored a new index');
  assert.deepEqual(answers(third, true), answers(await fresh(t, dir, folders, 'fresh-2.db'), true));
  // In the order the rows were added (what a load from the rows gives, too).
  assert.deepEqual(answers(third), afterRescan);
  await third.close();

  // The rows themselves were updated (by folder and name): without the snapshot file they give the same.
  await rm(`${database}.snapshot`);
  const fromRows = await openLibrary(t, { database, folders });
  assert.ok(fromRows.catalog.stats().tokenizedFiles > 0);
  assert.deepEqual(answers(fromRows), afterRescan);
  assert.deepEqual(
    fromRows.search('android').files.map((file) => file.filename).sort(),
    ['Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac', 'Music\\Misc\\android manual.pdf'].sort(),
  );
  // A closed library shares nothing (a warm one's word lists were in the file it closed).
  assert.deepEqual(third.search('android'), { files: [], lockedFiles: [] });
});

test('other shares configured: the stored index does not fit, the rows are loaded, and a new index is stored', async (t) => {
  const { dir, folders } = await tree(t);
  const database = join(dir, 'shares.db');
  const first = await SharesLibrary.open({ database, folders });
  await first.scan();
  await first.close();

  const onlyPrivate = [folders[1]!];
  const narrowed = await SharesLibrary.open({ database, folders: onlyPrivate });
  assert.ok(narrowed.catalog.stats().tokenizedFiles > 0, 'dropping a share changed the rows: the index was rebuilt from them');
  assert.deepEqual(answers(narrowed, true), answers(await fresh(t, dir, onlyPrivate, 'fresh.db'), true));
  await narrowed.close();
  const again = await openLibrary(t, { database, folders: onlyPrivate });
  assert.equal(again.catalog.stats().tokenizedFiles, 0);
  assert.equal(again.counts().files, 0);
  assert.equal(again.search('demo', { locked: 'open' }).files.length, 1);
});

test('any change to the share, folder or file rows drops the stored snapshot in the same transaction', async (t) => {
  const dir = await tempDir(t, 'slsk-snapshot-');
  const path = join(dir, 'shares.db');
  const db = new SharesDatabase(path);
  t.after(() => db.close());
  const shareId = db.addShare('Music', '/music');
  const folderId = db.addFolder(shareId, 'A');
  db.addFile(folderId, 'one.mp3', 1, 1, { bitrate: 320 });
  db.flush(true);

  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  catalog.addFile(catalog.addFolder(0, 'Music\\A', folderId), 'one.mp3', 1, 1, { bitrate: 320 });
  const store = () => {
    db.saveSnapshot(catalog.snapshot([shareId]));
    assert.equal(db.hasSnapshot(), true);
  };
  const changes: [string, () => void][] = [
    ['file added', () => db.addFile(folderId, 'two.mp3', 2, 2, {})],
    ['file updated', () => db.updateFile(folderId, 'one.mp3', 5, 5, {})],
    ['file removed', () => db.removeFile(folderId, 'one.mp3')],
    ['folder added', () => db.addFolder(shareId, 'B')],
    ['folder removed (and its files with it)', () => db.removeFolder(folderId)],
    ['share added', () => db.addShare('Other', '/other')],
    ['share removed', () => db.removeShare(shareId)],
  ];
  for (const [what, change] of changes) {
    store();
    change();
    // Not yet committed: another connection still sees the snapshot and the old rows together.
    const other = new SharesDatabase(path);
    assert.equal(other.hasSnapshot(), true, `${what}: uncommitted`);
    other.close();
    db.flush(true);
    assert.equal(db.hasSnapshot(), false, what);
    assert.equal(db.loadSnapshot(), undefined, what);
  }
});

test('snapshot parts round-trip, misaligned blobs are copied, and malformed snapshots are refused', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  catalog.addShare('Friends', 'buddies');
  const a = catalog.addFolder(0, 'Music\\Björk\\Homogenic', 10);
  const b = catalog.addFolder(1, 'Friends\\Mix', 11);
  const dead = catalog.addFile(a, 'gone.mp3', 1, 1, {});
  catalog.addFile(a, '01 - Hunter.flac', 2, 2, { duration: 250, sampleRate: 44100, bitDepth: 16 });
  catalog.addFile(b, 'Jóga (Live).mp3', 3, 3, { bitrate: 320, vbr: false });
  catalog.addFile(a, '02 - Bachelorette.mp3', 4, 4, { bitrate: 192, vbr: true });
  catalog.removeFile(dead);
  const snapshot = catalog.snapshot([7, 8]);
  assert.equal(snapshot.fileFolders.length, 3, 'dead slots are left out');

  const parts = snapshotParts(snapshot);
  assert.deepEqual(snapshotFromParts(parts), snapshot);
  // A blob at an odd offset (as a driver may hand it) is copied to an aligned one.
  const shifted = new Map([...parts].map(([name, bytes]) => {
    const copy = new Uint8Array(bytes.byteLength + 1);
    copy.set(bytes, 1);
    return [name, copy.subarray(1)];
  }));
  assert.deepEqual(snapshotFromParts(shifted), snapshot);
  assert.equal(snapshotFromParts(new Map([...parts].filter(([name]) => name !== 'postings'))), undefined);
  assert.equal(snapshotFromParts(new Map([...parts, ['sizes', new Uint8Array(3)]])), undefined);

  const shares = [
    { name: 'Music', visibility: 'everyone' as const, dbId: 7 },
    { name: 'Friends', visibility: 'buddies' as const, dbId: 8 },
  ];
  const loaded = Catalog.fromSnapshot(snapshot, shares)!;
  for (const query of ['bjork', 'hunter', '*ga', 'live -hunter', 'flac', 'mix']) {
    assert.deepEqual(loaded.search(query, { locked: 'open' }), catalog.search(query, { locked: 'open' }), query);
  }
  assert.equal(Catalog.fromSnapshot(snapshot, [shares[0]!]), undefined, 'a folder of a share not configured');
  assert.equal(Catalog.fromSnapshot(snapshot, [{ ...shares[0]!, name: 'Other' }, shares[1]!]), undefined, 'a folder outside its share');
  // 'bjork' is in two files: its two postings swapped.
  const bjork = snapshot.words.split('\n').indexOf('bjork');
  const at = snapshot.wordCounts.subarray(0, bjork).reduce((sum, n) => sum + n, 0);
  assert.equal(snapshot.wordCounts[bjork], 2);
  const unsorted = { ...snapshot, postings: snapshot.postings.slice() };
  unsorted.postings.set([snapshot.postings[at + 1]!, snapshot.postings[at]!], at);
  assert.equal(Catalog.fromSnapshot(unsorted, shares), undefined, 'postings out of order');
  const outOfRange = { ...snapshot, postings: snapshot.postings.map(() => 5) };
  assert.equal(Catalog.fromSnapshot(outOfRange, shares), undefined, 'postings past the last file');
  assert.equal(Catalog.fromSnapshot({ ...snapshot, sizes: new Float64Array(1) }, shares), undefined, 'a short column');
});

test('a catalog loaded from a snapshot grows and shrinks like any other (lists start as views of one array)', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  const folders = Array.from({ length: 20 }, (_, i) => catalog.addFolder(0, `Music\\Artist ${i % 4}\\Album ${i}`, i + 1));
  let row = 0;
  for (const folder of folders) for (let n = 0; n < 30; n++) catalog.addFile(folder, `${n} - song ${n % 7}.mp3`, n, n, {});
  const loaded = Catalog.fromSnapshot(catalog.snapshot([1]), [{ name: 'Music', visibility: 'everyone', dbId: 1 }])!;
  assert.equal(loaded.stats().tokenizedFiles, 0);
  for (const target of [catalog, loaded]) {
    const folder = target.folderSlot('Music\\Artist 1\\Album 5')!;
    target.addFile(folder, 'song new.mp3', 1, 1, {});
    for (const file of [...target.filesOf(target.folderSlot('Music\\Artist 2\\Album 6')!)]) target.removeFile(file);
    target.compact();
  }
  for (const query of ['song', 'new', 'artist 1 song', 'album 6', '*ng -3', 'mp3 -artist']) {
    assert.deepEqual(
      loaded.search(query, { maxResults: 10_000 }).files.map((file) => file.filename).sort(),
      catalog.search(query, { maxResults: 10_000 }).files.map((file) => file.filename).sort(),
      query,
    );
  }
  assert.equal(loaded.fileCount(), 20 * 30 + 1 - 30);
});

/** The stored snapshot with its postings and file details (left in the file by loadSnapshot) read in, and the file closed. */
function loadedInFull(db: SharesDatabase): CatalogSnapshot | undefined {
  const loaded = db.loadSnapshot();
  if (loaded === undefined) return undefined;
  const { postingsFile, detailsFile, ...rest } = loaded;
  assert.ok(postingsFile !== undefined, 'the postings are left in the file');
  assert.ok(detailsFile !== undefined, 'the file details are left in the file');
  assert.equal(rest.postings.length, 0);
  for (const part of DETAIL_PARTS) assert.equal(rest[part].length, 0, part);
  try {
    const bytes = (part: DetailPart) => detailsFile.readPart(part).buffer;
    return {
      ...rest,
      postings: postingsFile.read(0, postingsFile.length) as Uint32Array<ArrayBuffer>,
      names: new Uint8Array(bytes('names')),
      nameStarts: new Uint32Array(bytes('nameStarts')),
      sizes: new Float64Array(bytes('sizes')),
      mtimes: new Float64Array(bytes('mtimes')),
      bitrates: new Uint32Array(bytes('bitrates')),
      durations: new Uint32Array(bytes('durations')),
      sampleRates: new Uint32Array(bytes('sampleRates')),
      bitDepths: new Uint8Array(bytes('bitDepths')),
    };
  } finally {
    postingsFile.close();
    detailsFile.close();
  }
}

test('the snapshot file is read only when it is the one the database row names', async (t) => {
  const dir = await tempDir(t, 'slsk-snapshot-');
  const path = join(dir, 'shares.db');
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  const folder = catalog.addFolder(0, 'Music\\Ünïcode names', 1);
  for (let i = 0; i < 1000; i++) catalog.addFile(folder, `${i} - naïve ${'x'.repeat(i % 7)}.flac`, i, i, { bitrate: i % 999 });
  const snapshot = catalog.snapshot([1]);
  assert.notEqual(snapshot.names.byteLength % 8, 0, 'parts of odd sizes are padded to aligned offsets');

  const db = new SharesDatabase(path);
  t.after(() => db.close());
  db.saveSnapshot(snapshot);
  assert.deepEqual(loadedInFull(db), snapshot);

  const file = `${path}.snapshot`;
  const older = await readFile(file);
  db.saveSnapshot(snapshot);
  assert.deepEqual(loadedInFull(db), snapshot);
  await writeFile(file, older);
  assert.equal(db.loadSnapshot(), undefined, 'an older file (another stamp)');
  db.saveSnapshot(snapshot);
  const current = await readFile(file);
  await writeFile(file, current.subarray(0, current.length - 8));
  assert.equal(db.loadSnapshot(), undefined, 'a truncated file');
  await rm(file);
  assert.equal(db.loadSnapshot(), undefined, 'no file');
  assert.equal(db.hasSnapshot(), true, 'the row stays until the next save or change; loading just falls back to the rows');
});

test('a large catalog loaded from a snapshot (sized exactly) grows by an eighth, not double, when files are added', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  const files = 100_000;
  let row = 0;
  for (let f = 0; f < files / 100; f++) {
    const folder = catalog.addFolder(0, `Music\\Artist ${f % 50}\\Album ${f}`, f + 1);
    for (let n = 0; n < 100; n++) catalog.addFile(folder, `${n} - common ${n % 10}.flac`, n, n, {});
  }
  const loaded = Catalog.fromSnapshot(catalog.snapshot([1]), [{ name: 'Music', visibility: 'everyone', dbId: 1 }])!;
  const before = loaded.stats();
  assert.equal(before.capacity, files);
  const folder = loaded.folderSlot('Music\\Artist 3\\Album 3')!;
  loaded.addFile(folder, 'one more common.flac', 1, 1, {});
  const after = loaded.stats();
  assert.equal(after.capacity, files + files / 8);
  assert.ok(after.nameCapacity <= Math.ceil(before.nameBytes * 1.125) + 64, `names: ${before.nameBytes} → ${after.nameCapacity} bytes`);
  assert.equal(loaded.search('one more').files.length, 1);
  assert.equal(loaded.search('common flac', { maxResults: 1e6 }).files.length, files + 1);
});

test('a warm catalog keeps its words flat: no list object per word until one is changed, and its own snapshot round-trips every change', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  for (let f = 0; f < 40; f++) {
    const folder = catalog.addFolder(0, `Music\\Artist ${f % 5}\\Album ${f} lonely${f}`, f + 1);
    for (let n = 0; n < 25; n++) catalog.addFile(folder, `${n} - tune ${n % 6} solo${f}x${n}.mp3`, n, n, {});
  }
  const shares = [{ name: 'Music', visibility: 'everyone' as const, dbId: 1 }];
  const loaded = Catalog.fromSnapshot(catalog.snapshot([1]), shares)!;
  const fresh = loaded.stats();
  assert.equal(fresh.words, catalog.stats().words);
  assert.equal(fresh.listObjects, 0, 'a warm open makes no object per word');
  assert.ok(fresh.words > 1000, `words: ${fresh.words}`);

  // The same changes to both: a frozen word emptied, frozen words gaining files, a new word.
  for (const target of [catalog, loaded]) {
    for (const file of [...target.filesOf(target.folderSlot('Music\\Artist 3\\Album 3 lonely3')!)]) target.removeFile(file);
    target.addFile(target.folderSlot('Music\\Artist 1\\Album 1 lonely1')!, 'tune 2 brandnew.flac', 7, 7, {});
    target.compact();
  }
  assert.ok(loaded.stats().listObjects > 0 && loaded.stats().listObjects < 100, `list objects: ${loaded.stats().listObjects}`);
  const queries = ['lonely3', 'solo3x4', 'brandnew', 'tune 2', 'lonely1 tune', '*nely3', '*andnew', '*ly1 -brandnew', 'artist 3', 'mp3 -tune'];
  const names = (target: Catalog, query: string) => target.search(query, { maxResults: 10_000 }).files.map((file) => file.filename).sort();
  for (const query of queries) assert.deepEqual(names(loaded, query), names(catalog, query), query);
  assert.deepEqual(names(loaded, 'lonely3'), [], 'an emptied frozen word stays empty');
  assert.equal(loaded.stats().words, catalog.stats().words);

  const again = Catalog.fromSnapshot(loaded.snapshot([1]), shares)!;
  assert.equal(again.stats().listObjects, 0);
  assert.equal(again.stats().words, catalog.stats().words);
  assert.equal(again.stats().postings, catalog.stats().postings);
  for (const query of queries) assert.deepEqual(names(again, query), names(catalog, query), `after a second snapshot: ${query}`);
});

test('a snapshot naming one word twice is refused', () => {
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  catalog.addFile(catalog.addFolder(0, 'Music\\a', 1), 'b c.mp3', 1, 1, {});
  const snapshot = catalog.snapshot([1]);
  const words = snapshot.words.split('\n');
  const doubled = { ...snapshot, words: [words[0], words[0], ...words.slice(2)].join('\n') };
  const shares = [{ name: 'Music', visibility: 'everyone' as const, dbId: 1 }];
  assert.ok(Catalog.fromSnapshot(snapshot, shares) !== undefined);
  assert.equal(Catalog.fromSnapshot(doubled, shares), undefined);
});
