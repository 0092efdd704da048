// A daemon restarted over an index it kept serves that index at once: its shares are announced to
// the server and browsable by peers before the rescan of the folders (minutes for a large library)
// has looked at a single folder. Real parts: our server, a daemon-side Client, SharesLibrary over a
// real folder and SQLite, DaemonStore, TransferManager, and a peer Client asking the server and the
// daemon. The start-up rescan is stopped straight away, so what is served can only be the stored index.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { DaemonShares } from '../../src/daemon/daemon-shares.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { TransferManager } from '../../src/transfers/index.ts';
import { startServer } from '../server/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'slsk-daemon-shares-start-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a stored index is announced and browsable at start, before the rescan has walked any folder', async (t) => {
  const music = join(root, 'Music');
  for (const album of ['Alpha', 'Beta']) {
    mkdirSync(join(music, 'Artist', album), { recursive: true });
    for (const n of [1, 2, 3]) writeFileSync(join(music, 'Artist', album, `0${n} - Song ${album}.txt`), 'x');
  }
  const database = join(root, 'shares.sqlite');
  const folders = [{ path: music }];
  // The last run: the folders scanned into the index, which is kept.
  const first = await SharesLibrary.open({ database, folders });
  assert.equal((await first.scan()).files, 6);
  await first.close();

  const server = await startServer();
  t.after(() => server.close());
  const store = DaemonStore.open(join(root, 'data'));
  t.after(() => store.close());
  const library = await SharesLibrary.open({ database, folders });
  t.after(() => library.close());
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  t.after(() => client.close());
  const manager = new TransferManager({ client, database: ':memory:', downloadDir: join(root, 'dl'), incompleteDir: join(root, 'inc'), resolveUpload: () => undefined });
  await manager.start();
  t.after(() => manager.close());
  const hub = new EventHub();
  t.after(() => hub.close());
  await client.login({ server: `127.0.0.1:${server.port}`, username: 'restarted', password: 'pw' });

  let scanned = 0;
  library.on('scanProgress', (progress) => (scanned = Math.max(scanned, progress.scannedFiles)));
  let finished = false;
  library.on('scanDone', () => (finished = true));
  const shares = new DaemonShares({ library, client, lists: store.userLists, manager, hub, uploadSlots: 2, rescanIntervalMinutes: 0 });
  shares.start();
  // Stopped before its first folder: nothing the rescan could have served.
  await shares.close();
  assert.equal(finished, false, 'the rescan did not finish');
  assert.equal(scanned, 0, 'the rescan looked at no file');

  const peer = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  t.after(() => peer.close());
  await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'pw' });
  const stats = await peer.userStats('restarted');
  assert.equal(stats.files, 6, 'the server has the stored counts');
  assert.equal(stats.folders, library.counts().folders);
  const listing = await peer.browse('restarted');
  assert.deepEqual(
    listing.folders.flatMap((folder) => folder.files.map((file) => `${folder.name}\\${file.filename}`)).sort(),
    ['Alpha', 'Beta'].flatMap((album) => [1, 2, 3].map((n) => `Music\\Artist\\${album}\\0${n} - Song ${album}.txt`)),
  );
});
