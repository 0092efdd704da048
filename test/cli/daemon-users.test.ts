// Users through `slsk daemon` as a real child process, over HTTP only, against our own Soulseek server
// and a real sharing peer (a library Client answering from a SharesLibrary): a buddy added over HTTP is
// watched (its status arrives as userStatus events, first from the watch's reply, then each change), a
// browse streams browseProgress and returns the listing, the user's info comes from the peer, and the
// errors say what to do (offline user, unwatching a buddy).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { writeTree } from '../shares/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();

test('slsk daemon: buddies watched with userStatus events, a browse with browseProgress, user info, errors that say what to do', { timeout: 120_000 }, async () => {
  const server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-users-');
  const data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));

  const aliceMusic = join(root, 'alice');
  await writeTree(aliceMusic, { 'Coltrane/01 Giant Steps.mp3': 'a'.repeat(300), 'Monk/Round Midnight.mp3': 'b'.repeat(100) });
  const library = await SharesLibrary.open({ database: join(root, 'alice-shares.sqlite'), folders: [{ path: aliceMusic, name: 'Jazz' }] });
  await library.scan();
  const alice = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  alice.setSharesProvider(library.sharesProvider(() => false));
  alice.setUserInfo({ description: 'jazz only', uploadSlots: 2 });

  const child = startDaemon(configFile, bed.children);
  const first = await daemonStarted(child);
  const url = first.url;
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const events = await EventReader.open(url, token, first.firstEventId - 1);
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(url + path, { headers: auth });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  try {
    await alice.login({ server: `127.0.0.1:${server.port}`, username: 'alice', password: 'alice-pw' });
    await events.waitFor('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');

    // A buddy is watched: the watch's reply says online, then each change comes as it happens.
    const added = await fetch(`${url}/api/v1/buddies/alice`, { method: 'PUT', headers: json, body: '{"note": "plays sax"}' });
    assert.equal(added.status, 200);
    const buddy = (await added.json()) as { username: string; note: string };
    assert.deepEqual([buddy.username, buddy.note], ['alice', 'plays sax']);
    await events.waitForAny('alice online', (e) => e.event === 'userStatus' && e.data['username'] === 'alice' && e.data['status'] === 'online');
    alice.setStatus('away');
    await events.waitForAny('alice away', (e) => e.event === 'userStatus' && e.data['username'] === 'alice' && e.data['status'] === 'away');
    const buddies = (await get('/api/v1/buddies')).body as unknown as { username: string; status: string; note: string }[];
    assert.deepEqual(buddies.map((b) => [b.username, b.note, b.status]), [['alice', 'plays sax', 'away']]);
    const unwatch = await fetch(`${url}/api/v1/users/alice/watch`, { method: 'DELETE', headers: auth });
    assert.deepEqual([unwatch.status, ((await unwatch.json()) as { error: string }).error], [409, 'is_buddy']);

    // A browse: progress on the stream, the listing in the reply.
    const browse = await get('/api/v1/users/alice/browse');
    assert.equal(browse.status, 200);
    const folders = browse.body['folders'] as { name: string; files: { filename: string; size: number }[] }[];
    assert.deepEqual(folders.filter((f) => f.files.length > 0).map((f) => [f.name, f.files.map((file) => [file.filename, file.size])]), [
      ['Jazz\\Coltrane', [['01 Giant Steps.mp3', 300]]],
      ['Jazz\\Monk', [['Round Midnight.mp3', 100]]],
    ]);
    assert.equal(browse.body['fileCount'], 2);
    await events.waitForAny('browse requested', (e) => e.event === 'browseProgress' && e.data['username'] === 'alice' && e.data['state'] === 'requested');
    const received = await events.waitForAny('browse received', (e) => e.event === 'browseProgress' && e.data['username'] === 'alice' && e.data['state'] === 'received');
    assert.equal(received.data['files'], 2);

    const info = await get('/api/v1/users/alice');
    assert.deepEqual([info.status, info.body['description'], info.body['uploadSlots'], info.body['hasPicture']], [200, 'jazz only', 2, false]);
    const status = await get('/api/v1/users/alice/status');
    assert.deepEqual(status.body, { username: 'alice', status: 'away', privileged: false });

    // Nobody by that name is online: the address route says so and what to do.
    const offline = await get('/api/v1/users/nobody/address');
    assert.deepEqual([offline.status, offline.body['error']], [404, 'user_offline']);
    assert.match(String(offline.body['message']), /PUT \/api\/v1\/users\/nobody\/watch/);

    // Interests are told to the server: alice sees them.
    const liked = await fetch(`${url}/api/v1/interests/liked/jazz`, { method: 'PUT', headers: auth });
    assert.deepEqual(await liked.json(), { liked: ['jazz'], hated: [] });
    const theirs = await get('/api/v1/users/daemonuser/interests');
    assert.deepEqual(theirs.body, { username: 'daemonuser', liked: ['jazz'], hated: [] });
  } finally {
    events.close();
    await alice.close();
    await library.close();
  }
  child.process.kill('SIGTERM');
  const result = await child.exited;
  assert.equal(result.code, 0, result.stderr);
});
