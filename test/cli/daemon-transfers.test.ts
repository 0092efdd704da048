// Folder downloads through `slsk daemon` as a real child process, over HTTP only, against our own
// Soulseek server and a real sharing peer (a library Client with a SharesLibrary and a
// TransferManager): the folder is enqueued with one request, every file's transferState and then
// the folder's folderDone arrive over the event stream, the files are on disk byte for byte under
// the folder's name, and after a restart of the daemon the folder is still one group, complete.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { createDaemonClient } from '../../src/daemon/client.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { newManager, sha256, writeRandomFile } from '../transfers/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
const ALBUM = { 'Album/CD1/01.flac': 60_000, 'Album/CD2/01.flac': 40_000, 'Album/cover.jpg': 2_000 };

test('slsk daemon: a remote folder enqueued over HTTP completes over the event stream, byte for byte, and stays one group after a restart', { timeout: 120_000 }, async () => {
  const server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-transfers-');
  const data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));

  // The sharing peer, in this process: its shares listing (browse) and its uploads are the real ones.
  const peerMusic = join(root, 'peer', 'music');
  for (const [path, size] of Object.entries(ALBUM)) {
    mkdirSync(dirname(join(peerMusic, path)), { recursive: true });
    writeRandomFile(join(peerMusic, path), size);
  }
  const library = await SharesLibrary.open({ database: join(root, 'peer', 'shares.db'), folders: [{ path: peerMusic, name: 'Music' }] });
  await library.scan();
  const peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  peer.setSharesProvider(library.sharesProvider(() => false));
  const uploads = newManager(peer, join(root, 'peer'), { resolveUpload: (path) => library.resolve(path, { buddy: false }) });
  await uploads.start();

  let child = startDaemon(configFile, bed.children);
  let first = await daemonStarted(child);
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  let events = await EventReader.open(first.url, token, first.firstEventId - 1);
  let folderId = '';
  try {
    await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });
    await events.waitFor('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');
    const api = createDaemonClient({ baseUrl: first.url, token });

    const group = await api.enqueueFolder({ body: { username: 'peer', folder: 'Music\\Album\\' } });
    folderId = group.id;
    assert.deepEqual(group.files.map((f) => f.destination).sort(), ['Album/CD1/01.flac', 'Album/CD2/01.flac', 'Album/cover.jpg']);
    const done = await events.waitFor('folderDone', (e) => e.event === 'folderDone' && e.data['id'] === group.id);
    assert.deepEqual(done.data, { id: group.id, username: 'peer', folder: 'Music\\Album', complete: true, counts: { completed: 3 } });
    // Each file's completion went out before the folder's.
    const completed = events.events.filter((e) => e.event === 'transferState' && e.data['state'] === 'completed' && e.id < done.id);
    assert.deepEqual(completed.map((e) => e.data['filename']).sort(), ['Music\\Album\\CD1\\01.flac', 'Music\\Album\\CD2\\01.flac', 'Music\\Album\\cover.jpg']);
    for (const path of Object.keys(ALBUM)) assert.equal(await sha256(join(data, 'downloads', path)), await sha256(join(peerMusic, path)), path);

    child.process.kill('SIGTERM');
    assert.equal((await child.exited).code, 0, child.stderr);
    events.close();

    // Restarted: the folder group comes back from daemon.sqlite, its progress from transfers.sqlite.
    child = startDaemon(configFile, bed.children);
    first = await daemonStarted(child);
    events = await EventReader.open(first.url, token, first.firstEventId - 1);
    const again = createDaemonClient({ baseUrl: first.url, token });
    const list = await again.transfers({ query: { direction: 'download', summary: true } });
    assert.deepEqual(list.users.map((u) => [u.username, u.folders.map((g) => [g.folder, g.folderId, g.totals.files, g.totals.bytesTransferred, g.totals.states])]), [
      ['peer', [['Music\\Album', folderId, 3, 102_000, { completed: 3 }]]],
    ]);
    const folder = await again.folderDownload({ params: { id: folderId } });
    assert.deepEqual([folder.complete, folder.finished, folder.counts], [true, true, { completed: 3 }]);
  } finally {
    events.close();
    await uploads.close();
    await peer.close();
    await library.close();
  }
  child.process.kill('SIGTERM');
  const result = await child.exited;
  assert.equal(result.code, 0, result.stderr);
});
