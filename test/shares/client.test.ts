// The library plugged into a real client, end to end through our server: another client searches,
// browses and lists a folder, and sees what the library offers, attributes and locked files included.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../server/harness.ts';
import { loggedIn } from '../client/helpers.ts';
import { mp3Cbr, wav } from './audio.ts';
import { scannedLibrary, tempDir, writeTree } from './helpers.ts';

test('a client answers searches, browse and folder requests from the library', async (t) => {
  const dir = await tempDir(t);
  await writeTree(join(dir, 'music'), { 'Aphex Twin/SAW 85-92/01 - Xtal.mp3': mp3Cbr(3, 320), 'Empty/': '' });
  await writeTree(join(dir, 'private'), { 'Demos/Xtal demo.wav': wav(1, 48000, 24) });
  const library = await scannedLibrary(t, dir, [
    { path: join(dir, 'music'), name: 'Music' },
    { path: join(dir, 'private'), name: 'Private', visibility: 'buddies' },
  ]);

  const server = await startServer();
  t.after(() => server.close());
  const sharer = await loggedIn(server.port, 'sharer');
  t.after(() => sharer.close());
  const searcher = await loggedIn(server.port, 'searcher');
  t.after(() => searcher.close());
  sharer.setSearchResponder(library.responder({ isBuddy: () => false, slotsFree: () => true, avgSpeed: () => 1000, queueLength: () => 0 }));
  sharer.setSharesProvider(library.sharesProvider(() => false));
  const { folders, files } = library.counts();
  sharer.setSharedCounts(folders, files);

  const search = searcher.search('xtal', { scope: { kind: 'user', username: 'sharer' }, maxResults: 2, timeoutMs: 5000 });
  const [response] = await search.done;
  assert.equal(search.endReason, 'limit');
  assert.deepEqual(
    response?.files.map(({ filename, size, extension, bitrate, duration, vbr, sampleRate, bitDepth, locked }) => ({ filename, size, extension, bitrate, duration, vbr, sampleRate, bitDepth, locked })),
    [
      { filename: 'Music\\Aphex Twin\\SAW 85-92\\01 - Xtal.mp3', size: BigInt(mp3Cbr(3, 320).length), extension: 'mp3', bitrate: 320, duration: 3, vbr: false, sampleRate: undefined, bitDepth: undefined, locked: false },
      { filename: 'Private\\Demos\\Xtal demo.wav', size: BigInt(wav(1, 48000, 24).length), extension: 'wav', bitrate: undefined, duration: 1, vbr: undefined, sampleRate: 48000, bitDepth: 24, locked: true },
    ],
  );

  const listing = await searcher.browse('sharer');
  assert.deepEqual(listing.folders.map((folder) => folder.name), ['Music', 'Music\\Aphex Twin', 'Music\\Aphex Twin\\SAW 85-92', 'Music\\Empty']);
  assert.deepEqual(listing.lockedFolders.map((folder) => [folder.name, folder.files.map((file) => file.filename)]), [
    ['Private', []],
    ['Private\\Demos', ['Xtal demo.wav']],
  ]);

  const [folder] = await searcher.folder('sharer', 'Music\\Aphex Twin\\SAW 85-92');
  assert.deepEqual(folder?.files.map((file) => [file.filename, file.bitrate]), [['01 - Xtal.mp3', 320]]);
  assert.deepEqual(await searcher.folder('sharer', 'Private\\..\\Music'), []);
});
