import assert from 'node:assert/strict';
import { mkdir, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { SharesLibrary } from '../../src/shares/index.ts';
import { scannedLibrary, tempDir, writeTree } from './helpers.ts';

const SONG = 'Music\\Album\\01 - Song.mp3';

async function fixture(t: TestContext): Promise<{ library: SharesLibrary; dir: string; root: string }> {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  await writeTree(root, {
    'Album/01 - Song.mp3': 'song bytes',
    'Album/Caf\u00e9.flac': 'nfc',
    'Album/sub/x.txt': 'x',
    'Case/a.txt': 'lower',
    'Case/A.txt': 'upper',
    'Upper/ONLY.txt': 'only',
  });
  await writeTree(join(dir, 'outside'), { 'secret.txt': 'secret', 'sub/x.txt': 'outside x' });
  await writeTree(join(dir, 'friends'), { 'f.txt': 'f' });
  await writeTree(join(dir, 'hidden'), { 'h.txt': 'h' });
  // The share is configured through a symlink: that is the user's choice and fine.
  await symlink(root, join(dir, 'music-link'));
  const library = await scannedLibrary(t, dir, [
    { path: join(dir, 'music-link'), name: 'Music' },
    { path: join(dir, 'friends'), name: 'Friends', visibility: 'buddies' },
    { path: join(dir, 'hidden'), name: 'Hidden', visibility: 'nobody' },
  ]);
  return { library, dir, root: await realpath(root) };
}

test('resolve() finds indexed files: exact path, or a case-insensitive spelling matching exactly one file', async (t) => {
  const { library, root } = await fixture(t);
  assert.deepEqual(await library.resolve(SONG, { buddy: false }), { path: join(root, 'Album', '01 - Song.mp3'), size: 10n });
  assert.deepEqual(await library.resolve('music\\ALBUM\\01 - song.MP3', { buddy: false }), { path: join(root, 'Album', '01 - Song.mp3'), size: 10n });
  assert.equal((await library.resolve('Music\\Upper\\only.txt', { buddy: false }))?.path, join(root, 'Upper', 'ONLY.txt'));
  assert.equal((await library.resolve('Music\\Album\\Caf\u00e9.flac', { buddy: false }))?.path, join(root, 'Album', 'Caf\u00e9.flac'));
  // Two files differ only in case: each exact spelling works, any other spelling is ambiguous.
  assert.equal((await library.resolve('Music\\Case\\a.txt', { buddy: false }))?.path, join(root, 'Case', 'a.txt'));
  assert.equal((await library.resolve('Music\\Case\\A.txt', { buddy: false }))?.path, join(root, 'Case', 'A.txt'));
  assert.equal(await library.resolve('MUSIC\\Case\\a.txt', { buddy: false }), undefined);
  // Normalisation is never applied: the NFD spelling of an NFC name does not match.
  assert.equal(await library.resolve('Music\\Album\\Cafe\u0301.flac', { buddy: false }), undefined);
});

test('resolve() honours share visibility', async (t) => {
  const { library, dir } = await fixture(t);
  assert.equal(await library.resolve('Friends\\f.txt', { buddy: false }), undefined);
  assert.equal((await library.resolve('Friends\\f.txt', { buddy: true }))?.path, join(await realpath(join(dir, 'friends')), 'f.txt'));
  assert.equal(await library.resolve('Hidden\\h.txt', { buddy: true }), undefined);
  assert.equal(await library.resolve('Hidden\\h.txt', { buddy: false }), undefined);
});

test('resolve() refuses traversal and spelling tricks', async (t) => {
  const { library, dir, root } = await fixture(t);
  const refused = [
    'Music\\Album\\..\\..\\outside\\secret.txt',
    'Music\\..\\outside\\secret.txt',
    '..\\outside\\secret.txt',
    'Music\\Album\\sub\\..\\01 - Song.mp3',
    'Music\\Album\\.\\01 - Song.mp3',
    'Music\\Album\\...\\01 - Song.mp3',
    'Music\\Album\\.. \\01 - Song.mp3',
    'Music\\Album\\%2e%2e\\01 - Song.mp3',
    join(root, 'Album', '01 - Song.mp3'),
    join(dir, 'outside', 'secret.txt'),
    '/etc/passwd',
    '\\Music\\Album\\01 - Song.mp3',
    '\\\\server\\Music\\Album\\01 - Song.mp3',
    'C:\\Music\\Album\\01 - Song.mp3',
    'c:Music\\Album\\01 - Song.mp3',
    'Music/Album/01 - Song.mp3',
    'Music\\Album/01 - Song.mp3',
    'Music\\Album\\sub/../01 - Song.mp3',
    'Music\\Album\\01 - Song.mp3\0.txt',
    'Music\\Album\\01 - Song.mp3\0',
    '\0Music\\Album\\01 - Song.mp3',
    'Music\\\\Album\\01 - Song.mp3',
    'Music\\Album\\01 - Song.mp3\\',
    'Music\\Album\\01 - Song.mp3 ',
    'Music\\Album\\01 - Song.mp3.',
    'Music\\Album\\01 - Song.mp3:stream',
    'Music\\Album\\01 - Song.mp3\n',
    'Music\uFF3CAlbum\uFF3C01 - Song.mp3',
    'Music\u2216Album\u2216' + '01 - Song.mp3',
    'Music\\Album\\\uD800.mp3',
    'Music\\Album',
    'Music',
    '',
    'Music\\Album\\01 - Song.mp3'.repeat(300),
  ];
  for (const path of refused) assert.equal(await library.resolve(path, { buddy: true }), undefined, JSON.stringify(path));
  for (const value of [42, null, undefined, ['Music', 'Album']]) {
    assert.equal(await library.resolve(value as unknown as string, { buddy: true }), undefined, String(value));
  }
  // And the legit path still works after all that.
  assert.equal((await library.resolve(SONG, { buddy: false }))?.size, 10n);
});

test('resolve() re-checks the disk: files not indexed, gone, replaced or swapped for symlinks are refused', async (t) => {
  const { library, dir, root } = await fixture(t);
  // Created after the scan: not in the index.
  await writeFile(join(root, 'Album', 'new.mp3'), 'new');
  assert.equal(await library.resolve('Music\\Album\\new.mp3', { buddy: false }), undefined);

  // The file is swapped for a symlink pointing outside the share.
  await rm(join(root, 'Album', '01 - Song.mp3'));
  await symlink(join(dir, 'outside', 'secret.txt'), join(root, 'Album', '01 - Song.mp3'));
  assert.equal(await library.resolve(SONG, { buddy: false }), undefined);

  // A folder is swapped for a symlink to a folder outside holding a file of the same name.
  await rm(join(root, 'Album', 'sub'), { recursive: true });
  await symlink(join(dir, 'outside', 'sub'), join(root, 'Album', 'sub'));
  assert.equal(await library.resolve('Music\\Album\\sub\\x.txt', { buddy: false }), undefined);

  // Replaced by a directory; deleted.
  await rm(join(root, 'Upper', 'ONLY.txt'));
  await mkdir(join(root, 'Upper', 'ONLY.txt'));
  assert.equal(await library.resolve('Music\\Upper\\ONLY.txt', { buddy: false }), undefined);
  await rm(join(root, 'Case', 'a.txt'));
  assert.equal(await library.resolve('Music\\Case\\a.txt', { buddy: false }), undefined);

  // A symlink swapped for a file inside the same share is still inside: allowed, at its real path.
  await rm(join(root, 'Album', '01 - Song.mp3'));
  await symlink(join(root, 'Case', 'A.txt'), join(root, 'Album', '01 - Song.mp3'));
  assert.deepEqual(await library.resolve(SONG, { buddy: false }), { path: join(root, 'Case', 'A.txt'), size: 5n });

  // The share root itself now leads elsewhere (the configured symlink was re-pointed): resolution
  // follows the configured path, and the outside tree has no such file.
  await rm(join(dir, 'music-link'));
  await symlink(join(dir, 'outside'), join(dir, 'music-link'));
  assert.equal(await library.resolve('Music\\Album\\Caf\u00e9.flac', { buddy: false }), undefined);
  await rename(join(dir, 'outside'), join(dir, 'elsewhere'));
  assert.equal(await library.resolve('Music\\Album\\Caf\u00e9.flac', { buddy: false }), undefined);
});
