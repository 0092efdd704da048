// Each share's folders, files and bytes (GET /api/v1/shares shows them) and the browse pages: kept right
// through rescans that add, change and remove files, and the same after a warm start from the snapshot.

import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { SharesLibrary } from '../../src/shares/index.ts';
import { scannedLibrary, tempDir, writeTree } from './helpers.ts';

const counts = (library: SharesLibrary): [string, string, number, number, number][] =>
  library.totals().map((share) => [share.name, share.visibility, share.folders, share.files, share.bytes]);

test('share totals follow rescans and survive a warm start', async (t) => {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'music'), { 'A/one.txt': 'x'.repeat(100), 'A/two.txt': 'x'.repeat(200), 'B/': '' });
  await writeTree(join(dir, 'private'), { 'three.txt': 'x'.repeat(50) });
  const folders = [
    { path: join(dir, 'music'), name: 'Music' },
    { path: join(dir, 'private'), name: 'Private', visibility: 'buddies' as const },
  ];
  const library = await scannedLibrary(t, dir, folders);
  assert.deepEqual(counts(library), [
    ['Music', 'everyone', 3, 2, 300],
    ['Private', 'buddies', 1, 1, 50],
  ]);

  await writeFile(join(dir, 'music', 'A', 'one.txt'), 'x'.repeat(10)); // changed: 100 → 10 bytes
  await rm(join(dir, 'music', 'A', 'two.txt'));
  await writeTree(join(dir, 'music'), { 'B/four.txt': 'x'.repeat(1000) });
  await library.scan();
  assert.deepEqual(counts(library)[0], ['Music', 'everyone', 3, 2, 1010]);
  await library.close();

  const warm = await SharesLibrary.open({ database: join(dir, 'shares.db'), folders });
  t.after(() => warm.close());
  assert.equal(warm.catalog.stats().tokenizedFiles, 0, 'loaded from the snapshot, not the rows');
  assert.deepEqual(counts(warm), [
    ['Music', 'everyone', 3, 2, 1010],
    ['Private', 'buddies', 1, 1, 50],
  ]);
});

test('browse pages: folders in virtual path order after `after`, buddies-only ones locked for everyone else', async (t) => {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'music'), { 'A/one.txt': 'x', 'B/two.txt': 'x' });
  await writeTree(join(dir, 'private'), { 'three.txt': 'x' });
  const library = await scannedLibrary(t, dir, [
    { path: join(dir, 'music'), name: 'Music' },
    { path: join(dir, 'private'), name: 'Private', visibility: 'buddies' },
  ]);
  const page = (options: Parameters<SharesLibrary['browsePage']>[0]): [string, boolean, string[]][] =>
    library.browsePage(options).map(({ folder, locked }) => [folder.name, locked, folder.files.map((file) => `${file.filename}${file.locked ? ' (locked)' : ''}`)]);
  assert.deepEqual(page({ buddy: false, limit: 2 }), [
    ['Music', false, []],
    ['Music\\A', false, ['one.txt']],
  ]);
  assert.deepEqual(page({ buddy: false, after: 'Music\\A', limit: 10 }), [
    ['Music\\B', false, ['two.txt']],
    ['Private', true, ['three.txt (locked)']],
  ]);
  assert.deepEqual(page({ buddy: false, after: 'Music\\B', limit: 10, revealLocked: false }), []);
  assert.deepEqual(page({ buddy: true, after: 'Music\\B', limit: 10 }), [['Private', false, ['three.txt']]]);
});
