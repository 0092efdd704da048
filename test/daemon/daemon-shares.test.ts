// The daemon's shares end to end: a real daemon (real SQLite, real folders on disk) logged in to our own
// Soulseek server, a real peer Client searching it. A file written into a shared folder is found by the
// peer after the watcher's rescan, with no rescan asked for; a rescan asked for while one runs joins it;
// the counts, browse and search routes see what peers see.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../server/harness.ts';
import { loggedIn } from '../client/helpers.ts';
import { daemonYaml, runDaemon, tempFolder } from './daemon-shares-support.ts';

test('a file written into a shared folder is found by a peer search after the watcher rescans, no rescan asked for', { timeout: 60_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const root = await tempFolder(t, 'slsk-daemon-shares-');
  const music = join(root, 'Music');
  const secret = join(root, 'Secret');
  await mkdir(join(music, 'Old Album'), { recursive: true });
  await mkdir(secret, { recursive: true });
  await writeFile(join(music, 'Old Album', 'old song.txt'), 'x'.repeat(1000));
  await writeFile(join(secret, 'buddy song.txt'), 'y'.repeat(500));
  const configFile = join(root, 'daemon.yaml');
  await writeFile(
    configFile,
    daemonYaml(join(root, 'data'), [
      'soulseek:',
      `  server: 127.0.0.1:${server.port}`,
      '  username: sharer',
      '  password: pw',
      '  listenPort: 0',
      'shares:',
      '  rescanIntervalMinutes: 0',
      '  watch: true',
      '  folders:',
      `    - path: ${music}`,
      `    - path: ${secret}`,
      '      visibility: buddies',
    ]),
  );
  const { daemon, api, events } = await runDaemon(t, configFile, { watchQuietMs: 50 });
  await events.waitForAny('the first scan', (e) => e.event === 'scanProgress' && e.data['state'] === 'done');
  await events.waitForAny('the login', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');

  const before = await api.shares();
  assert.deepEqual(
    before.folders.map((f) => [f.name, f.path, f.visibility, f.folders, f.files, f.bytes]),
    [
      ['Music', music, 'everyone', 2, 1, 1000],
      ['Secret', secret, 'buddies', 1, 1, 500],
    ],
  );
  assert.deepEqual([before.scan.state, before.scan.last?.reason, before.scan.last?.outcome, before.scan.watchedFolders], ['idle', 'start', 'done', 2]);

  const peer = await loggedIn(server.port, 'peer');
  t.after(() => peer.close());
  const search = async (query: string): Promise<string[]> => {
    const [response] = await peer.search(query, { scope: { kind: 'user', username: 'sharer' }, maxResults: 10, timeoutMs: 5000 }).done;
    return (response?.files ?? []).map((file) => `${file.filename}${file.locked ? ' (locked)' : ''}`);
  };
  assert.deepEqual(await search('song'), ['Music\\Old Album\\old song.txt', 'Secret\\buddy song.txt (locked)']);

  // A new folder and file: the watcher sees them and a rescan follows (reason `change`), no request made.
  await mkdir(join(music, 'New Album'));
  await writeFile(join(music, 'New Album', 'fresh track.txt'), 'z'.repeat(2500));
  await events.waitFor('the rescan after the change', (e) => e.event === 'scanProgress' && e.data['state'] === 'done' && e.data['files'] === 3);
  assert.deepEqual(await search('fresh track'), ['Music\\New Album\\fresh track.txt']);
  const after = await api.shares();
  assert.deepEqual([after.folders[0]?.files, after.folders[0]?.bytes, after.totals], [2, 3500, { folders: 4, files: 3, bytes: 4000 }]);
  assert.equal(after.scan.last?.reason, 'change');

  // Our own search sees what a peer sees (the buddies-only file locked), or what a buddy sees.
  const own = await api.searchShares({ query: { q: 'song' } });
  assert.deepEqual([own.files.map((f) => f.filename), own.lockedFiles.map((f) => f.filename)], [['Music\\Old Album\\old song.txt'], ['Secret\\buddy song.txt']]);
  const asBuddy = await api.searchShares({ query: { q: 'song', as: 'buddy' } });
  assert.deepEqual(asBuddy.files.map((f) => f.filename).sort(), ['Music\\Old Album\\old song.txt', 'Secret\\buddy song.txt']);
  const browsed = await api.browseShares({ query: { limit: 2 } });
  assert.deepEqual(browsed.map((f) => f.name), ['Music', 'Music\\New Album']);
  const rest = await api.browseShares({ query: { after: browsed[1]!.name } });
  assert.deepEqual(rest.map((f) => [f.name, f.locked, f.files.map((file) => file.filename)]), [
    ['Music\\Old Album', false, ['old song.txt']],
    ['Secret', true, ['buddy song.txt']],
  ]);

  // A rescan asked for while one runs joins it: one scan, one `done`; once it ended, a request starts another.
  const first = daemon.shares.rescan();
  const again = daemon.shares.rescan();
  assert.deepEqual([first.joined, again.joined, daemon.shares.status().state, daemon.shares.status().current?.reason], [false, true, 'scanning', 'request']);
  await daemon.shares.idle();
  const scan = await api.shareScan();
  assert.deepEqual([scan.state, scan.last?.reason, scan.last?.summary?.files, scan.last?.summary?.added], ['idle', 'request', 3, 0]);
  const requested = await api.rescanShares();
  assert.equal(requested.joined, false);
  await daemon.shares.idle();
  assert.equal((await api.shareScan()).last?.reason, 'request');
});
