// A warm catalog leaves every file's details (name, size, modification time, audio attributes) in
// its snapshot file and reads them a page at a time: it answers exactly as the catalog it was saved
// from, keeps what a rescan changes, and holds no names in memory.

import assert from 'node:assert/strict';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { AudioInfo } from '../../src/model/files.ts';
import { Catalog } from '../../src/shares/index.ts';
import { SharesDatabase } from '../../src/shares/database.ts';
import { mulberry32 } from '../support/seeded-random.ts';
import { openLibrary, tempDir, writeTree } from './helpers.ts';

const SHARES = [{ name: 'Music', visibility: 'everyone' as const, dbId: 1 }];

/**
 * 3,000 files whose names vary in length (1 to 300 bytes, multi-byte letters among them, one of
 * 9,000 bytes): names and columns cross many 4 KB pages, one name spans three.
 */
function bigCatalog(): Catalog {
  const random = mulberry32(0xde7a11);
  const catalog = new Catalog();
  catalog.addShare('Music', 'everyone');
  for (let f = 0; f < 100; f++) {
    const folder = catalog.addFolder(0, `Music\\Artist ${f % 7}\\Album ${f}`, f + 1);
    for (let n = 0; n < 30; n++) {
      const length = 1 + Math.floor(random() * 300);
      const name = f === 50 && n === 7 ? `${'long'.repeat(2250)}.flac` : `${n} ${'ö'.repeat(length % 5)}${'x'.repeat(length)}.mp3`;
      const info: AudioInfo = n % 3 === 0 ? {} : { bitrate: 128 + n, duration: 60 * f + n, vbr: n % 2 === 0, sampleRate: 44_100 + n, bitDepth: 16 + (n % 9) };
      catalog.addFile(folder, name, f * 1_000_000 + n, 1_700_000_000_000_000 + f * 1000 + n, info);
    }
  }
  return catalog;
}

/** Every live slot's details, in slot order. */
function details(catalog: Catalog): unknown[] {
  const out: unknown[] = [];
  for (const folder of catalog.folders()) {
    for (const slot of catalog.filesOf(folder)) {
      out.push([catalog.virtualPath(slot), catalog.fileSize(slot), catalog.fileMtime(slot), catalog.audioInfo(slot), catalog.offeredFile(slot)]);
    }
  }
  return out;
}

/** The catalog saved to a database and loaded back as a warm start does (details left in the file). */
function savedAndLoaded(t: TestContext, dir: string, catalog: Catalog, name = 'shares.db'): Catalog {
  const db = new SharesDatabase(join(dir, name));
  t.after(() => db.close());
  db.saveSnapshot(catalog.snapshot([1]));
  const snapshot = db.loadSnapshot();
  assert.ok(snapshot?.detailsFile !== undefined, 'the details are left in the file');
  const loaded = Catalog.fromSnapshot(snapshot, SHARES);
  assert.ok(loaded !== undefined);
  t.after(() => loaded.close());
  return loaded;
}

test('a warm catalog reads every file detail from the snapshot file and holds no names in memory', async (t) => {
  const dir = await tempDir(t, 'slsk-details-');
  const catalog = bigCatalog();
  const loaded = savedAndLoaded(t, dir, catalog);
  const stats = loaded.stats();
  assert.equal(stats.detailsInFile, 3000);
  assert.equal(stats.nameBytes, catalog.stats().nameBytes);
  assert.ok(stats.nameCapacity <= 16 * 1024, `names in memory: room for ${stats.nameCapacity} bytes`);
  assert.deepEqual(details(loaded), details(catalog));
  for (const folder of ['Music\\Artist 1\\Album 50', 'Music\\Artist 3\\Album 3']) {
    assert.deepEqual(loaded.folderListing(loaded.folderSlot(folder)!, false), catalog.folderListing(catalog.folderSlot(folder)!, false), folder);
  }
  for (const query of ['album 50', 'long', 'artist 3 mp3', '*lac']) {
    assert.deepEqual(loaded.search(query, { maxResults: 10_000 }), catalog.search(query, { maxResults: 10_000 }), query);
  }
  assert.equal(loaded.findFile(`Music\\Artist 1\\Album 50\\${'long'.repeat(2250)}.flac`), catalog.findFile(`Music\\Artist 1\\Album 50\\${'long'.repeat(2250)}.flac`));
});

test('changes to a warm catalog are kept beside the file, and its own snapshot carries them', async (t) => {
  const dir = await tempDir(t, 'slsk-details-');
  const reference = bigCatalog();
  const loaded = savedAndLoaded(t, dir, reference);
  for (const target of [reference, loaded]) {
    const folder = target.folderSlot('Music\\Artist 2\\Album 9')!;
    const [first, second] = [...target.filesOf(folder)];
    target.setFile(first!, 42, 43, { bitrate: 999, duration: 1, vbr: true });
    target.removeFile(second!);
    target.addFile(folder, 'added ünïcode.flac', 7, 8, { sampleRate: 96_000, bitDepth: 24 });
    target.compact();
  }
  assert.equal(loaded.stats().detailsInFile, 3000, 'the file still serves the slots it holds');
  assert.deepEqual(details(loaded), details(reference));

  // Saved again (one slot removed: renumbered, copied from the file, the change and the memory).
  const again = savedAndLoaded(t, dir, loaded, 'again.db');
  assert.equal(again.stats().detailsInFile, 3000);
  assert.deepEqual(details(again), details(reference));
});

test('a snapshot file cut short after loading makes reads fail clearly, not answer wrongly', async (t) => {
  const dir = await tempDir(t, 'slsk-details-');
  const loaded = savedAndLoaded(t, dir, bigCatalog());
  await truncate(join(dir, 'shares.db.snapshot'), 200);
  // The first file's name (its page not read yet), and the long one (read on its own, past two pages).
  const first = [...loaded.filesOf(loaded.folderSlot('Music\\Artist 0\\Album 0')!)].at(-1)!;
  assert.throws(() => loaded.findFile(`Music\\Artist 1\\Album 50\\${'long'.repeat(2250)}.flac`), /the shares index file ended early; rescan the shares/);
  assert.throws(() => loaded.fileName(first), /the shares index file ended early; rescan the shares/);
  assert.throws(() => loaded.offeredFile(first), /ended early/);
});

test('a library reads file details from the snapshot it wrote, after the first scan and after a rescan that changed files', async (t) => {
  const dir = await tempDir(t, 'slsk-details-');
  const root = join(dir, 'music');
  await writeTree(root, { 'A/one.mp3': 'a', 'A/two.mp3': 'bb', 'B/three.flac': 'ccc' });
  const options = { database: join(dir, 'shares.db'), folders: [{ path: root, name: 'Music' }] };
  const library = await openLibrary(t, options);
  await library.scan();
  assert.equal(library.catalog.stats().detailsInFile, 3, 'the first scan stored the index and reads from it');
  assert.deepEqual(library.search('one').files.map((f) => f.size), [1n]);

  await writeFile(join(root, 'A', 'one.mp3'), 'changed!');
  await writeFile(join(root, 'B', 'four.flac'), 'dddd');
  await library.scan();
  assert.equal(library.catalog.stats().detailsInFile, 4, 'the rescan stored a new index and reads from that');
  assert.deepEqual(library.search('one').files.map((f) => f.size), [8n]);
  assert.deepEqual(library.search('four').files.map((f) => f.size), [4n]);
});
