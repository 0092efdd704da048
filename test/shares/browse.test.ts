import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { FileAttributeKey } from '../../src/protocol/index.ts';
import type { SharesLibrary } from '../../src/shares/index.ts';
import { wav } from './audio.ts';
import { scannedLibrary, tempDir, writeTree } from './helpers.ts';

async function fixture(t: TestContext): Promise<SharesLibrary> {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'music'), {
    'Artist/Album/02 - b.txt': 'bb',
    'Artist/Album/01 - a.wav': wav(2, 48000, 24),
    'Artist/Empty Album/': '',
    'Deep/er/still/file.txt': 'x',
  });
  await writeTree(join(dir, 'friends'), { 'Rare/r.txt': 'r' });
  await writeTree(join(dir, 'mine'), { 'Diary/d.txt': 'd' });
  return scannedLibrary(t, dir, [
    { path: join(dir, 'music'), name: 'Music' },
    { path: join(dir, 'friends'), name: 'Friends', visibility: 'buddies' },
    { path: join(dir, 'mine'), name: 'Mine', visibility: 'nobody' },
  ]);
}

test('shares(): every folder by virtual path, empty parents included, files by bare name', async (t) => {
  const library = await fixture(t);
  const { folders, lockedFolders } = library.shares({ buddy: false });
  assert.deepEqual(
    folders.map((folder) => [folder.name, folder.files.map((file) => file.filename)]),
    [
      ['Music', []],
      ['Music\\Artist', []],
      ['Music\\Artist\\Album', ['01 - a.wav', '02 - b.txt']],
      ['Music\\Artist\\Empty Album', []],
      ['Music\\Deep', []],
      ['Music\\Deep\\er', []],
      ['Music\\Deep\\er\\still', ['file.txt']],
    ],
  );
  assert.deepEqual(lockedFolders.map((folder) => [folder.name, folder.files.map((file) => [file.filename, file.locked])]), [
    ['Friends', []],
    ['Friends\\Rare', [['r.txt', true]]],
  ]);
  const album = folders[2]!;
  assert.deepEqual(album.files[0], {
    filename: '01 - a.wav',
    size: BigInt(wav(2, 48000, 24).length),
    extension: 'wav',
    locked: false,
    duration: 2,
    sampleRate: 48000,
    bitDepth: 24,
    attributes: [
      { key: FileAttributeKey.duration, value: 2 },
      { key: FileAttributeKey.sampleRate, value: 48000 },
      { key: FileAttributeKey.bitDepth, value: 24 },
    ],
  });
  assert.deepEqual(album.files[1], { filename: '02 - b.txt', size: 2n, extension: 'txt', locked: false, attributes: [] });
});

test('shares(): buddies see buddies-only folders normally; revealLocked false hides them; nobody never', async (t) => {
  const library = await fixture(t);
  const buddy = library.shares({ buddy: true });
  assert.deepEqual(buddy.lockedFolders, []);
  assert.ok(buddy.folders.some((folder) => folder.name === 'Friends\\Rare' && folder.files.every((file) => !file.locked)));
  assert.equal(buddy.folders.length, 9);
  const discreet = library.shares({ buddy: false, revealLocked: false });
  assert.deepEqual(discreet.lockedFolders, []);
  assert.equal(discreet.folders.length, 7);
  for (const listing of [buddy, discreet, library.shares({ buddy: false })]) {
    assert.ok(![...listing.folders, ...listing.lockedFolders].some((folder) => folder.name.startsWith('Mine')));
  }
});

test('folder(): one folder by exact virtual path, with the same permissions', async (t) => {
  const library = await fixture(t);
  const album = library.folder('Music\\Artist\\Album', { buddy: false });
  assert.deepEqual(album?.files.map((file) => file.filename), ['01 - a.wav', '02 - b.txt']);
  assert.equal(album?.name, 'Music\\Artist\\Album');
  assert.deepEqual(library.folder('Music\\Artist\\Album\\', { buddy: false })?.name, 'Music\\Artist\\Album');
  assert.deepEqual(library.folder('Music\\Artist\\Empty Album', { buddy: false }), { name: 'Music\\Artist\\Empty Album', files: [] });
  assert.equal(library.folder('Music\\Artist\\Nope', { buddy: false }), undefined);
  assert.equal(library.folder('Music/Artist/Album', { buddy: false }), undefined);
  assert.equal(library.folder('Music\\Artist\\..\\Artist\\Album', { buddy: false }), undefined);
  assert.deepEqual(library.folder('Friends\\Rare', { buddy: true })?.files.map((file) => file.locked), [false]);
  assert.deepEqual(library.folder('Friends\\Rare', { buddy: false })?.files.map((file) => file.locked), [true]);
  assert.equal(library.folder('Friends\\Rare', { buddy: false, revealLocked: false }), undefined);
  assert.equal(library.folder('Mine\\Diary', { buddy: true }), undefined);
});

test('counts() is what everyone sees; sharesProvider() plugs into the client', async (t) => {
  const library = await fixture(t);
  assert.deepEqual(library.counts(), { folders: 7, files: 3 });
  const provider = library.sharesProvider((username) => username === 'friend');
  assert.equal((await provider.shares('friend')).folders.length, 9);
  const stranger = await provider.shares('stranger');
  assert.equal(stranger.folders.length, 7);
  assert.equal(stranger.lockedFolders.length, 2);
  assert.equal((await provider.folder('stranger', 'Friends\\Rare'))?.files[0]?.locked, true);
  assert.equal((await provider.folder('friend', 'Friends\\Rare'))?.files[0]?.locked, false);
  const discreet = library.sharesProvider(async () => false, { revealLocked: false });
  assert.equal((await discreet.shares('x')).lockedFolders.length, 0);
  assert.equal(await discreet.folder('x', 'Friends\\Rare'), undefined);
});
