import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { ignoreMatcher, type ScanProgress, type ScanSummary, type SharesLibrary } from '../../src/shares/index.ts';
import { flac, mp3Cbr, mp3Vbr, wav } from './audio.ts';
import { names, openLibrary, tempDir, writeTree } from './helpers.ts';

const attributesOf = (library: SharesLibrary, query: string): Record<string, unknown> => {
  const { files } = library.search(query);
  assert.equal(files.length, 1, `one result for ${query}`);
  const { filename: _filename, size: _size, ...rest } = files[0]!;
  return rest;
};

test('scan reads audio attributes in the combinations clients send; non-audio files get none', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  await writeTree(root, {
    'Artist/Album/01 - cbr.mp3': mp3Cbr(5, 128),
    'Artist/Album/02 - hifi.mp3': mp3Cbr(4, 320),
    'Artist/Album/03 - vbr.mp3': mp3Vbr(5),
    'Artist/Album/04 - cd.wav': wav(3.4, 44100, 16),
    'Artist/Album/05 - hires.flac': flac(3.6, 96000, 24),
    'Artist/Album/cover.jpg': 'not really a jpeg',
    'Artist/Album/notes.txt': 'hello',
  });
  const library = await openLibrary(t, { database: join(dir, 'shares.db'), folders: [{ path: root, name: 'Music' }] });
  const summary = await library.scan();
  assert.equal(summary.files, 7);
  assert.equal(summary.added, 7);
  assert.equal(summary.readMetadata, 5);
  assert.equal(summary.folders, 3);
  assert.equal(summary.warnings, 0);

  assert.deepEqual(attributesOf(library, 'cbr'), { extension: 'mp3', bitrate: 128, duration: 5, vbr: false });
  assert.deepEqual(attributesOf(library, 'hifi'), { extension: 'mp3', bitrate: 320, duration: 4, vbr: false });
  const vbr = attributesOf(library, 'vbr');
  assert.equal(vbr['vbr'], true);
  assert.equal(vbr['duration'], 5);
  assert.ok(Number(vbr['bitrate']) > 128 && Number(vbr['bitrate']) < 320, `VBR average bitrate ${String(vbr['bitrate'])}`);
  assert.deepEqual(attributesOf(library, 'cd'), { extension: 'wav', duration: 3, sampleRate: 44100, bitDepth: 16 });
  assert.deepEqual(attributesOf(library, 'hires'), { extension: 'flac', duration: 4, sampleRate: 96000, bitDepth: 24 });
  assert.deepEqual(attributesOf(library, 'cover'), { extension: 'jpg' });
  assert.deepEqual(attributesOf(library, 'notes'), { extension: 'txt' });

  const [file] = library.search('hires').files;
  assert.equal(file?.filename, 'Music\\Artist\\Album\\05 - hires.flac');
  assert.equal(file?.size, BigInt(flac(3.6, 96000, 24).length));
});

test('a broken audio file is a warning, still shared without attributes', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  await writeTree(root, { 'broken.mp3': 'this is not an mp3 at all', 'fine.wav': wav(1) });
  const library = await openLibrary(t, { database: join(dir, 'shares.db'), folders: [{ path: root }] });
  const warnings: Error[] = [];
  library.on('warning', (error) => warnings.push(error));
  const summary = await library.scan();
  assert.equal(summary.files, 2);
  assert.equal(summary.warnings, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /broken\.mp3/);
  assert.deepEqual(attributesOf(library, 'broken'), { extension: 'mp3' });
  assert.equal(library.search('broken').files[0]?.filename, 'music\\broken.mp3');
});

test('ignore patterns leave out matching files and whole folders', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'share');
  await writeTree(root, {
    'keep.txt': 'a',
    'partial.tmp': 'a',
    'PARTIAL2.TMP': 'a',
    '.hidden': 'a',
    '.cache/inside.txt': 'a',
    'Thumbs.db': 'a',
    'sub/thumbs.db': 'a',
    'sub/song.txt': 'a',
    'Scans/back.jpg': 'a',
    'Scans/notes.txt': 'a',
  });
  const library = await openLibrary(t, {
    database: join(dir, 'shares.db'),
    folders: [{ path: root, name: 'S' }],
    ignore: ['*.tmp', '.*', 'Thumbs.db', 'Scans/*.jpg'],
  });
  const summary = await library.scan();
  const { folders } = library.shares({ buddy: false });
  const all = folders.flatMap((folder) => folder.files.map((file) => `${folder.name}\\${file.filename}`)).sort();
  assert.deepEqual(all, ['S\\Scans\\notes.txt', 'S\\keep.txt', 'S\\sub\\song.txt']);
  assert.deepEqual(folders.map((folder) => folder.name), ['S', 'S\\Scans', 'S\\sub']);
  assert.equal(summary.skipped, 7);
});

test('symlinks: nothing outside the share is indexed, directory links are not followed, no loops', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'share');
  const outside = join(dir, 'outside');
  await writeTree(outside, { 'secret.txt': 'secret', 'private/diary.txt': 'secret' });
  await writeTree(root, { 'real/inside.txt': 'ok', 'other/x.txt': 'x' });
  await symlink(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  await symlink(join(outside, 'private'), join(root, 'private-link'));
  await symlink('../../outside/secret.txt', join(root, 'real', 'relative-secret.txt'));
  await symlink(root, join(root, 'real', 'loop'));
  await symlink(join(root, 'other'), join(root, 'real', 'other-link'));
  await symlink(join(root, 'real', 'inside.txt'), join(root, 'other', 'alias.txt'));
  await symlink(join(root, 'nowhere.txt'), join(root, 'dangling.txt'));

  const library = await openLibrary(t, { database: join(dir, 'shares.db'), folders: [{ path: root, name: 'S' }] });
  const summary = await library.scan();
  assert.deepEqual(names(library.search('txt').files), ['S\\other\\alias.txt', 'S\\other\\x.txt', 'S\\real\\inside.txt']);
  assert.deepEqual(library.search('secret').files, []);
  assert.deepEqual(library.search('diary').files, []);
  assert.deepEqual(library.shares({ buddy: true }).folders.map((folder) => folder.name), ['S', 'S\\other', 'S\\real']);
  assert.equal(summary.files, 3);
  assert.equal(summary.skipped, 6);
  // The link to a file inside the share resolves to its target.
  const resolved = await library.resolve('S\\other\\alias.txt', { buddy: false });
  assert.equal(resolved?.path, join(root, 'real', 'inside.txt'));
});

test('persistence: reopening needs no rescan; a rescan re-reads only changed files and drops vanished ones', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  await writeTree(root, {
    'A/one.wav': wav(1),
    'A/two.wav': wav(2),
    'A/three.mp3': mp3Cbr(3, 192),
    'B/four.txt': 'four',
    'B/Deep/five.txt': 'five',
    'Empty/': '',
  });
  const database = join(dir, 'shares.db');
  const options = { database, folders: [{ path: root, name: 'Music' }] };

  const first = await openLibrary(t, options);
  const initial = await first.scan();
  assert.deepEqual(
    { files: initial.files, added: initial.added, folders: initial.folders, readMetadata: initial.readMetadata },
    { files: 5, added: 5, folders: 5, readMetadata: 3 },
  );
  const counts = first.counts();
  assert.deepEqual(counts, { folders: 5, files: 5 });
  const listing = first.shares({ buddy: false });
  await first.close();

  // Reopened: everything is there before any scan.
  const second = await openLibrary(t, options);
  assert.deepEqual(second.counts(), counts);
  assert.deepEqual(second.shares({ buddy: false }), listing);
  assert.deepEqual(names(second.search('three').files), ['Music\\A\\three.mp3']);
  assert.equal(second.search('three').files[0]?.bitrate, 192);

  const unchanged = await second.scan();
  assert.deepEqual(
    { added: unchanged.added, changed: unchanged.changed, removed: unchanged.removed, unchanged: unchanged.unchanged, readMetadata: unchanged.readMetadata },
    { added: 0, changed: 0, removed: 0, unchanged: 5, readMetadata: 0 },
  );

  // One file grows, another only gets a new mtime, one is deleted, one folder vanishes, one file is new.
  await appendFile(join(root, 'A', 'one.wav'), Buffer.alloc(100));
  const later = new Date(Date.now() + 60_000);
  await utimes(join(root, 'A', 'three.mp3'), later, later);
  await rm(join(root, 'A', 'two.wav'));
  await rm(join(root, 'B', 'Deep'), { recursive: true });
  await writeFile(join(root, 'B', 'six.txt'), 'six');
  const rescan = await second.scan();
  assert.deepEqual(
    { files: rescan.files, added: rescan.added, changed: rescan.changed, removed: rescan.removed, unchanged: rescan.unchanged, readMetadata: rescan.readMetadata, folders: rescan.folders },
    { files: 4, added: 1, changed: 2, removed: 2, unchanged: 1, readMetadata: 2, folders: 4 },
  );
  assert.deepEqual(second.counts(), { folders: 4, files: 4 });
  assert.deepEqual(second.search('two').files, []);
  assert.deepEqual(second.search('five').files, []);
  assert.equal(second.search('one').files[0]?.size, BigInt(wav(1).length + 100));
  await second.close();

  // And the database holds the new state.
  const third = await openLibrary(t, options);
  assert.deepEqual(third.counts(), { folders: 4, files: 4 });
  assert.deepEqual(names(third.search('txt').files), ['Music\\B\\four.txt', 'Music\\B\\six.txt']);
  const again = await third.scan();
  assert.equal(again.unchanged, 4);
  assert.equal(again.readMetadata, 0);
});

test('reopening with a share moved to another folder or dropped forgets its rows', async (t) => {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'a'), { 'x.txt': 'x' });
  await writeTree(join(dir, 'b'), { 'y.txt': 'y' });
  await writeTree(join(dir, 'c'), { 'z.txt': 'z' });
  const database = join(dir, 'shares.db');
  const first = await openLibrary(t, { database, folders: [{ path: join(dir, 'a'), name: 'One' }, { path: join(dir, 'b'), name: 'Two' }] });
  await first.scan();
  assert.equal(first.counts().files, 2);
  await first.close();
  const second = await openLibrary(t, { database, folders: [{ path: join(dir, 'c'), name: 'One' }] });
  assert.deepEqual(second.counts(), { folders: 0, files: 0 });
  await second.scan();
  assert.deepEqual(names(second.search('txt').files), ['One\\z.txt']);
});

test('renaming a folder shows up as removed + added', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'm');
  await writeTree(root, { 'Old Name/a.txt': 'a', 'Old Name/b.txt': 'b' });
  const library = await openLibrary(t, { database: join(dir, 'db.sqlite'), folders: [{ path: root }] });
  await library.scan();
  await rename(join(root, 'Old Name'), join(root, 'New Name'));
  const summary = await library.scan();
  assert.equal(summary.removed, 2);
  assert.equal(summary.added, 2);
  assert.deepEqual(names(library.search('txt').files), ['m\\New Name\\a.txt', 'm\\New Name\\b.txt']);
  assert.deepEqual(library.search('old').files, []);
});

test('progress events: paced by file count and clock, then scanDone with the summary', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  const files: Record<string, string> = {};
  for (let i = 0; i < 25; i++) files[`F${i % 3}/file ${i}.txt`] = String(i);
  await writeTree(root, files);

  // Every 10 files, the clock never moving: events at 10 and 20.
  let clock = 0;
  const paced = await openLibrary(t, { database: join(dir, 'a.db'), folders: [{ path: root, name: 'M' }], now: () => clock, progressEveryFiles: 10, progressIntervalMs: 1000 });
  const events: ScanProgress[] = [];
  const done: ScanSummary[] = [];
  paced.on('scanProgress', (progress) => events.push(progress));
  paced.on('scanDone', (summary) => done.push(summary));
  const summary = await paced.scan();
  assert.deepEqual(events.map((event) => event.scannedFiles), [10, 20]);
  for (const event of events) assert.match(event.currentFolder, /^M(\\F\d)?$/);
  assert.deepEqual(done, [summary]);
  assert.equal(summary.durationMs, 0);

  // By time: a clock that advances 5 ms per reading, events at most every 20 ms.
  clock = 0;
  const timed = await openLibrary(t, {
    database: join(dir, 'b.db'),
    folders: [{ path: root, name: 'M' }],
    now: () => (clock += 5),
    progressEveryFiles: 1_000_000,
    progressIntervalMs: 20,
  });
  const timedEvents: ScanProgress[] = [];
  timed.on('scanProgress', (progress) => timedEvents.push(progress));
  await timed.scan();
  assert.ok(timedEvents.length >= 4 && timedEvents.length <= 7, `got ${timedEvents.length} events`);
  for (let i = 1; i < timedEvents.length; i++) assert.ok(timedEvents[i]!.scannedFiles > timedEvents[i - 1]!.scannedFiles);
});

test('scan: one at a time, abortable, and an unavailable share keeps its index', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'music');
  await writeTree(root, { 'a/1.txt': '1', 'b/2.txt': '2' });
  const database = join(dir, 'shares.db');
  const library = await openLibrary(t, { database, folders: [{ path: root, name: 'M' }] });
  const running = library.scan();
  await assert.rejects(library.scan(), /already running/);
  await running;

  await assert.rejects(library.scan({ signal: AbortSignal.abort(new Error('stop')) }), /stop/);
  assert.equal(library.scanning, false);

  await rename(root, join(dir, 'unplugged'));
  const warnings: Error[] = [];
  library.on('warning', (error) => warnings.push(error));
  const summary = await library.scan();
  assert.equal(summary.removed, 0);
  assert.equal(warnings.length, 1);
  assert.deepEqual(library.counts(), { folders: 3, files: 2 });

  await mkdir(root);
  const emptied = await library.scan();
  assert.equal(emptied.removed, 2);
  assert.deepEqual(library.counts(), { folders: 1, files: 0 });
});

test('invalid share configuration is refused', async (t) => {
  const dir = await tempDir(t);
  const database = join(dir, 'x.db');
  const { SharesLibrary } = await import('../../src/shares/index.ts');
  await assert.rejects(SharesLibrary.open({ database, folders: [{ path: dir, name: 'a\\b' }] }), /invalid share name/);
  await assert.rejects(SharesLibrary.open({ database, folders: [{ path: dir, name: '..' }] }), /invalid share name/);
  await assert.rejects(SharesLibrary.open({ database, folders: [{ path: dir, name: 'C:' }] }), /invalid share name/);
  await assert.rejects(SharesLibrary.open({ database, folders: [{ path: join(dir, 'x'), name: 'Same' }, { path: join(dir, 'y'), name: 'same' }] }), /two shares/);
});

test('names that cannot be part of a virtual path, and special files, are left out', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'share');
  await writeTree(root, { 'ok.txt': 'ok', 'back\\slash.txt': 'x', 'new\nline.txt': 'x', '...': 'x', 'dir\\name/inside.txt': 'x' });
  // A unix socket in the share: not a regular file.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(root, 'socket.mp3'), resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const library = await openLibrary(t, { database: join(dir, 'shares.db'), folders: [{ path: root, name: 'S' }] });
  const warnings: Error[] = [];
  library.on('warning', (error) => warnings.push(error));
  const summary = await library.scan();
  assert.deepEqual(library.shares({ buddy: false }).folders, [
    { name: 'S', files: [{ filename: 'ok.txt', size: 2n, extension: 'txt', locked: false, attributes: [] }] },
  ]);
  assert.equal(summary.skipped, 5);
  assert.equal(warnings.length, 4);
});

test('ignore patterns: *, **, ?, [sets], names and share-relative paths', () => {
  const ignore = ignoreMatcher(['*.tmp', 'track?.mp3', '[!a-c]x.txt', '**/@eaDir', 'Scans/**/*.png', '/Top/', '  ']);
  const cases: [string, string, boolean][] = [
    ['a.TMP', 'x/a.TMP', true],
    ['a.tmp.txt', 'a.tmp.txt', false],
    ['track1.mp3', 'track1.mp3', true],
    ['track10.mp3', 'track10.mp3', false],
    ['dx.txt', 'dx.txt', true],
    ['bx.txt', 'bx.txt', false],
    ['@eaDir', '@eaDir', true],
    ['@eaDir', 'a/b/@eaDir', true],
    ['x.png', 'Scans/2001/x.png', true],
    ['x.png', 'scans/a/b/x.png', true],
    ['x.png', 'Other/x.png', false],
    ['Top', 'Top', true],
    ['Top', 'a/Top', false],
  ];
  for (const [name, path, expected] of cases) assert.equal(ignore(name, path), expected, `${name} ${path}`);
  assert.equal(ignoreMatcher([])('anything', 'anything'), false);
});
