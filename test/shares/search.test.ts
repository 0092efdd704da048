import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { IncomingSearch } from '../../src/client/types.ts';
import type { SharesLibrary } from '../../src/shares/index.ts';
import { names, scannedLibrary, tempDir, writeTree } from './helpers.ts';

async function fixture(t: TestContext): Promise<SharesLibrary> {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'music'), {
    'Radiohead/OK Computer (1997)/01 - Airbag.flac': 'a',
    'Radiohead/OK Computer (1997)/02 - Paranoid Android.flac': 'bb',
    'Radiohead/Kid A/01 - Everything In Its Right Place.mp3': 'ccc',
    'Björk/Homogenic/01 - Hunter.mp3': '',
    'Sigur Rós/Ágætis byrjun/01 - Intro.mp3': '',
    'AC-DC/Back in Black/01 - Hells Bells.mp3': '',
    'Misc/paranoid.txt': '',
    'Misc/android-notes.txt': '',
    'Misc/Bootleg Live/track.mp3': '',
  });
  await writeTree(join(dir, 'private'), { 'Radiohead/Demos/airbag demo.flac': '' });
  await writeTree(join(dir, 'hidden'), { 'Radiohead/secret airbag.flac': '' });
  return scannedLibrary(t, dir, [
    { path: join(dir, 'music'), name: 'Music' },
    { path: join(dir, 'private'), name: 'Private', visibility: 'buddies' },
    { path: join(dir, 'hidden'), name: 'Hidden', visibility: 'nobody' },
  ]);
}

const found = (library: SharesLibrary, query: string): string[] => names(library.search(query).files);

test('every plain term must match a whole word of the path, folders included, in any order', async (t) => {
  const library = await fixture(t);
  assert.deepEqual(found(library, 'paranoid'), ['Music\\Misc\\paranoid.txt', 'Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac']);
  assert.deepEqual(found(library, 'paran'), []);
  assert.deepEqual(found(library, 'radio'), []);
  assert.deepEqual(found(library, 'android paranoid'), ['Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac']);
  assert.equal(found(library, 'radiohead').length, 3);
  assert.deepEqual(found(library, 'computer 1997 airbag'), ['Music\\Radiohead\\OK Computer (1997)\\01 - Airbag.flac']);
  assert.deepEqual(found(library, 'radiohead hunter'), []);
  assert.deepEqual(found(library, 'nothingmatches'), []);
  assert.deepEqual(found(library, ''), []);
  assert.deepEqual(found(library, '   '), []);
  // The share name is part of the path.
  assert.equal(found(library, 'music').length, 9);
});

test('case, accents and punctuation do not matter', async (t) => {
  const library = await fixture(t);
  const hunter = ['Music\\Björk\\Homogenic\\01 - Hunter.mp3'];
  assert.deepEqual(found(library, 'BJORK'), hunter);
  assert.deepEqual(found(library, 'björk hunter'), hunter);
  assert.deepEqual(found(library, 'Bjo\u0308rk'), hunter);
  assert.deepEqual(found(library, 'SIGUR ROS'), ['Music\\Sigur Rós\\Ágætis byrjun\\01 - Intro.mp3']);
  assert.deepEqual(found(library, 'ÁGÆTIS'), ['Music\\Sigur Rós\\Ágætis byrjun\\01 - Intro.mp3']);
  assert.deepEqual(found(library, 'ac/dc'), ['Music\\AC-DC\\Back in Black\\01 - Hells Bells.mp3']);
  assert.deepEqual(found(library, '"hells bells"'), ['Music\\AC-DC\\Back in Black\\01 - Hells Bells.mp3']);
});

test('-term excludes files containing that word; a query of exclusions only returns nothing', async (t) => {
  const library = await fixture(t);
  assert.deepEqual(found(library, 'radiohead -flac'), ['Music\\Radiohead\\Kid A\\01 - Everything In Its Right Place.mp3']);
  assert.deepEqual(found(library, 'paranoid -txt'), ['Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac']);
  assert.deepEqual(found(library, 'paranoid -ANDROID'), ['Music\\Misc\\paranoid.txt']);
  assert.deepEqual(found(library, 'radiohead -computer -kid'), []);
  assert.deepEqual(found(library, 'radiohead -nosuchword'), found(library, 'radiohead'));
  assert.deepEqual(found(library, '-radiohead'), []);
  assert.deepEqual(found(library, '-radiohead -flac'), []);
  assert.deepEqual(found(library, 'paranoid -paranoid'), []);
});

test('*suffix matches words ending with it; the wildcard only counts at the start', async (t) => {
  const library = await fixture(t);
  assert.equal(found(library, '*head').length, 3);
  assert.equal(found(library, '*HEAD').length, 3);
  assert.deepEqual(found(library, '*oid'), [
    'Music\\Misc\\android-notes.txt',
    'Music\\Misc\\paranoid.txt',
    'Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac',
  ]);
  assert.deepEqual(found(library, '*oid txt'), ['Music\\Misc\\android-notes.txt', 'Music\\Misc\\paranoid.txt']);
  assert.deepEqual(found(library, '*oid -txt'), ['Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac']);
  assert.deepEqual(found(library, '*ells *lack'), ['Music\\AC-DC\\Back in Black\\01 - Hells Bells.mp3']);
  assert.deepEqual(found(library, 'para*'), []);
  assert.deepEqual(found(library, 'rad*head'), []);
  assert.deepEqual(found(library, '*'), []);
  assert.deepEqual(found(library, '*zzz'), []);
  // A whole word is also a suffix of itself.
  assert.equal(found(library, '*radiohead').length, 3);
});

test('excluded phrases drop files whose path contains them, case-insensitively', async (t) => {
  const library = await fixture(t);
  assert.deepEqual(found(library, 'track'), ['Music\\Misc\\Bootleg Live\\track.mp3']);
  assert.deepEqual(library.search('track', { excludedPhrases: ['bootleg live'] }).files, []);
  assert.deepEqual(library.search('track', { excludedPhrases: ['BOOTLEG'] }).files, []);
  assert.deepEqual(library.search('track', { excludedPhrases: ['live\\track'] }).files, []);
  assert.equal(library.search('track', { excludedPhrases: ['bootlegs', ''] }).files.length, 1);
  library.setExcludedPhrases(['Radiohead']);
  assert.deepEqual(found(library, 'airbag'), []);
  assert.equal(found(library, 'mp3').length, 4);
  assert.equal(library.search('airbag', { excludedPhrases: [] }).files.length, 1);
});

test('results are capped (default 500)', async (t) => {
  const library = await fixture(t);
  assert.equal(library.search('mp3', { maxResults: 2 }).files.length, 2);
  assert.equal(library.search('mp3', { maxResults: 0 }).files.length, 0);
  assert.equal(library.search('mp3', { maxResults: Number.NaN }).files.length, 0);
  assert.equal(library.search('airbag', { locked: 'locked', maxResults: 1 }).files.length + library.search('airbag', { locked: 'locked', maxResults: 1 }).lockedFiles.length, 1);

  const dir = await tempDir(t);
  const many: Record<string, string> = {};
  for (let i = 0; i < 600; i++) many[`Set/song ${i}.txt`] = '';
  await writeTree(join(dir, 'share'), many);
  const big = await scannedLibrary(t, dir, [{ path: join(dir, 'share'), name: 'S' }]);
  assert.equal(big.search('song').files.length, 500);
  assert.equal(big.search('song', { maxResults: 1000 }).files.length, 600);
  assert.equal(big.search('song 599').files.length, 1);
});

test('buddies-only files: normal for buddies, locked or hidden for others; nobody shares never', async (t) => {
  const library = await fixture(t);
  const music = 'Music\\Radiohead\\OK Computer (1997)\\01 - Airbag.flac';
  const demo = 'Private\\Radiohead\\Demos\\airbag demo.flac';
  assert.deepEqual(names(library.search('airbag').files), [music]);
  assert.deepEqual(library.search('airbag').lockedFiles, []);
  assert.deepEqual(names(library.search('airbag', { locked: 'hide' }).files), [music]);
  const locked = library.search('airbag', { locked: 'locked' });
  assert.deepEqual(names(locked.files), [music]);
  assert.deepEqual(names(locked.lockedFiles), [demo]);
  const open = library.search('airbag', { locked: 'open' });
  assert.deepEqual(names(open.files), [demo, music].sort());
  assert.deepEqual(open.lockedFiles, []);
  for (const mode of ['hide', 'locked', 'open'] as const) {
    const result = library.search('secret', { locked: mode });
    assert.deepEqual([...result.files, ...result.lockedFiles], [], mode);
  }
  assert.deepEqual(library.search('demo', { locked: 'hide' }), { files: [], lockedFiles: [] });
});

test('results carry the virtual path, size and extension', async (t) => {
  const library = await fixture(t);
  assert.deepEqual(library.search('android paranoid').files, [
    { filename: 'Music\\Radiohead\\OK Computer (1997)\\02 - Paranoid Android.flac', size: 2n, extension: 'flac' },
  ]);
});

test('responder(): silent without results, locked results for non-buddies, open for buddies', async (t) => {
  const library = await fixture(t);
  const buddies = new Set(['friend']);
  const responder = library.responder({
    isBuddy: (username) => buddies.has(username),
    slotsFree: () => true,
    avgSpeed: () => 12345,
    queueLength: () => 3,
  });
  const search = (username: string, query: string): IncomingSearch => ({ username, ticket: 1, query, via: 'server' });
  assert.equal(await responder(search('stranger', 'nothing here')), undefined);
  assert.equal(await responder(search('stranger', 'secret')), undefined);

  const stranger = await responder(search('stranger', 'airbag'));
  assert.ok(stranger !== undefined);
  assert.deepEqual(names(stranger.files), ['Music\\Radiohead\\OK Computer (1997)\\01 - Airbag.flac']);
  assert.deepEqual(names(stranger.lockedFiles ?? []), ['Private\\Radiohead\\Demos\\airbag demo.flac']);
  assert.deepEqual({ slotsFree: stranger.slotsFree, avgSpeed: stranger.avgSpeed, queueLength: stranger.queueLength }, { slotsFree: true, avgSpeed: 12345, queueLength: 3 });

  const friend = await responder(search('friend', 'airbag'));
  assert.equal(friend?.files.length, 2);
  assert.equal(friend?.lockedFiles, undefined);

  // Only locked results still make an answer; with revealLocked false they are not offered at all.
  assert.equal((await responder(search('stranger', 'demo')))?.lockedFiles?.length, 1);
  const discreet = library.responder({ isBuddy: async () => false, slotsFree: () => false, avgSpeed: () => 0, queueLength: () => 0, revealLocked: false, maxResults: 1 });
  const pending = discreet(search('stranger', 'demo'));
  assert.ok(pending instanceof Promise);
  assert.equal(await pending, undefined);
  assert.equal((await discreet(search('stranger', 'mp3')))?.files.length, 1);
});
