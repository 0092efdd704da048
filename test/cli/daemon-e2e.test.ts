// Issue 12's "done when", end to end with every part a real process: our server (`slsk server`), two
// sharing peers (`slsk share`) and `slsk daemon`, driven over HTTP only. The daemon searches and the
// responses stream in as events; it chats in a room and privately; it downloads a whole remote folder
// with its subfolders and is killed with SIGKILL in the middle of it; the restarted daemon finishes the
// folder (told over the event stream and by the folderComplete webhook) with the sharer's bytes, and
// still has the chat history.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { Receiver } from '../daemon/hooks-support.ts';
import { ServerChild } from '../server/durability-child.ts';
import { sha256, writeRandomFile } from '../transfers/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { cleanEnv, SlskChild } from './slsk-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** alice's album: two discs and a cover; the first track is big enough to be cut in the middle at the daemon's first speed limit. */
const ALBUM: Record<string, number> = {
  'Album/CD1/01 Intro.flac': 1_500_000,
  'Album/CD1/02 Theme.flac': 120_000,
  'Album/CD2/01 Reprise.flac': 90_000,
  'Album/cover.jpg': 4_000,
};
/** The speed limit of the first run: the big track takes several seconds, so the kill lands mid-file. */
const FIRST_RUN_LIMIT = 150_000;

test('slsk daemon, done when: search, chat, a folder download surviving SIGKILL, over HTTP only with real processes', { timeout: 240_000 }, async () => {
  const root = bed.tempDir('slsk-daemon-e2e-');
  const serverData = join(root, 'server');
  mkdirSync(serverData, { recursive: true });
  writeFileSync(join(serverData, 'server.json'), JSON.stringify({ passwordCost: 1024 }));
  const server = await ServerChild.start(['--data', serverData, '--config', join(serverData, 'server.json')]);
  cleanups.push(() => server.kill());

  // Two sharing peers, each `slsk share` in its own process.
  const peerMusic = (user: string): string => join(root, user, 'Music');
  for (const [path, size] of Object.entries(ALBUM)) {
    mkdirSync(dirname(join(peerMusic('alice'), path)), { recursive: true });
    writeRandomFile(join(peerMusic('alice'), path), size);
  }
  mkdirSync(join(peerMusic('bob'), 'Other Album'), { recursive: true });
  writeRandomFile(join(peerMusic('bob'), 'Other Album', '01 Album Song.mp3'), 30_000);
  for (const user of ['alice', 'bob']) {
    const args = ['share', peerMusic(user), '--data', join(root, user, 'data'), '--json'];
    const sharer = new SlskChild([...args, '--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'], cleanEnv(), 240_000);
    bed.children.push(sharer);
    await sharer.waitFor(/"event":"online"/, 'stdout', 30_000);
  }

  // Someone to chat with: a library client in this process.
  const carol = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
  cleanups.push(() => carol.close());
  await carol.login({ server: `127.0.0.1:${server.port}`, username: 'carol', password: 'pw' });
  await carol.joinRoom('lounge');

  const receiver = await Receiver.start();
  cleanups.push(() => receiver.close());
  const data = join(root, 'daemon');
  mkdirSync(join(root, 'daemon-music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  const config = (limit: number): string =>
    daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'daemon-music') }) +
    ['transfers:', `  downloadBytesPerSecond: ${limit}`, 'webhooks:', `  - url: ${JSON.stringify(receiver.url)}`, '    events: [folderComplete]', ''].join('\n');
  writeFileSync(configFile, config(FIRST_RUN_LIMIT));

  let daemon = startDaemon(configFile, bed.children);
  let started = await daemonStarted(daemon);
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  let events = await EventReader.open(started.url, token, started.firstEventId - 1);
  cleanups.push(() => events.close());
  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(started.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, json: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  await events.waitForAny('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');

  // Search: both sharers' responses stream in as events while the search runs.
  const search = await api<{ id: string }>('POST', '/api/v1/searches', { query: 'album', timeoutMs: 60_000 });
  assert.equal(search.status, 201);
  const responders = new Set<string>();
  while (responders.size < 2) {
    const batch = await events.waitFor('searchResponses from alice and bob', (e) => e.event === 'searchResponses' && e.data['searchId'] === search.json.id);
    for (const response of batch.data['responses'] as { username: string }[]) responders.add(response.username);
  }
  assert.deepEqual([...responders].sort(), ['alice', 'bob']);
  const stored = await api<{ username: string; files: { filename: string }[] }[]>('GET', `/api/v1/searches/${search.json.id}/responses`);
  const aliceFiles = stored.json.find((r) => r.username === 'alice')!.files.map((f) => f.filename).sort();
  assert.deepEqual(aliceFiles, Object.keys(ALBUM).map((path) => `Music\\${path.replaceAll('/', '\\')}`).sort());
  assert.equal((await api('PUT', `/api/v1/searches/${search.json.id}/stop`)).status, 200);

  // A room: the daemon joins, speaks, and hears carol mention it.
  assert.equal((await api('PUT', '/api/v1/joined-rooms/lounge')).status, 200);
  const carolHeard = new Promise<string>((resolve) => carol.on('roomMessage', (m) => m.username === 'daemonuser' && resolve(m.text)));
  assert.equal((await api('POST', '/api/v1/rooms/lounge/messages', { text: 'hello lounge' })).status, 201);
  assert.equal(await carolHeard, 'hello lounge');
  carol.sayInRoom('lounge', 'welcome daemonuser');
  const mention = await events.waitForAny('carol in the room', (e) => e.event === 'roomMessage' && e.data['username'] === 'carol');
  assert.deepEqual([mention.data['text'], mention.data['mention']], ['welcome daemonuser', true]);

  // Privately: carol writes, the daemon answers; the conversation's unread count goes to zero once read.
  const carolGotPm = new Promise<string>((resolve) => carol.on('privateMessage', (m) => m.from === 'daemonuser' && resolve(m.text)));
  carol.sendPrivateMessage('daemonuser', 'psst');
  await events.waitForAny('carol’s private message', (e) => e.event === 'privateMessage' && e.data['username'] === 'carol' && e.data['direction'] === 'in');
  const unread = await api<{ username: string; unread: number }[]>('GET', '/api/v1/conversations');
  assert.equal(unread.json.find((c) => c.username === 'carol')?.unread, 1);
  assert.equal((await api('POST', '/api/v1/conversations/carol/messages', { text: 'hi carol' })).status, 201);
  assert.equal(await carolGotPm, 'hi carol');
  assert.equal((await api('PUT', '/api/v1/conversations/carol/read')).status, 200);

  // The whole folder, subfolders included, at the first run's speed limit; killed in the middle.
  const folder = await api<{ id: string; files: { destination: string }[] }>('POST', '/api/v1/transfers/folders', { username: 'alice', folder: 'Music\\Album\\' });
  assert.equal(folder.status, 201, JSON.stringify(folder.json));
  assert.deepEqual(folder.json.files.map((f) => f.destination).sort(), Object.keys(ALBUM).sort());
  const bigTrack = await events.waitForAny('the big track queued', (e) => e.event === 'transferState' && e.data['filename'] === 'Music\\Album\\CD1\\01 Intro.flac');
  await events.waitFor('the big track under way', (e) => {
    if (e.event !== 'transferProgress' || e.data['id'] !== bigTrack.data['id']) return false;
    const bytes = Number(e.data['bytesTransferred']);
    return bytes > 0 && bytes < ALBUM['Album/CD1/01 Intro.flac']!;
  });
  daemon.process.kill('SIGKILL');
  assert.equal((await daemon.exited).signal, 'SIGKILL');
  events.close();
  assert.ok(!existsSync(join(data, 'downloads', 'Album/CD1/01 Intro.flac')), 'the kill came before the big track was finished');

  // The restarted daemon, without the limit, finishes what the killed one acknowledged.
  writeFileSync(configFile, config(0));
  daemon = startDaemon(configFile, bed.children);
  started = await daemonStarted(daemon);
  events = await EventReader.open(started.url, token, started.firstEventId - 1);
  cleanups.push(() => events.close());
  const done = await events.waitForAny('the folder done', (e) => e.event === 'folderDone' && e.data['id'] === folder.json.id);
  assert.equal(done.data['complete'], true, JSON.stringify(done.data));
  for (const path of Object.keys(ALBUM)) assert.equal(await sha256(join(data, 'downloads', path)), await sha256(join(peerMusic('alice'), path)), path);
  const group = await api<{ complete: boolean; files: { state: string }[] }>('GET', `/api/v1/transfers/folders/${folder.json.id}`);
  assert.deepEqual([group.json.complete, group.json.files.map((f) => f.state)], [true, ['completed', 'completed', 'completed', 'completed']]);
  await receiver.waitForRequests(1);
  const hook = JSON.parse(receiver.requests[0]!.body) as { type: string; data: { user: string; folder: string; files: number; localFolder: string } };
  assert.deepEqual([hook.type, hook.data.user, hook.data.files, hook.data.localFolder], ['folderComplete', 'alice', 4, join(data, 'downloads', 'Album')]);

  // The chat history outlived the kill.
  const room = await api<{ username: string }[]>('GET', '/api/v1/rooms/lounge/messages');
  assert.deepEqual(room.json.map((m) => m.username).sort(), ['carol', 'daemonuser']);
  const conversation = await api<{ messages: unknown[] }>('GET', '/api/v1/conversations/carol');
  assert.equal(conversation.json.messages.length, 2);

  daemon.process.kill('SIGTERM');
  const exit = await daemon.exited;
  assert.equal(exit.code, 0, exit.stderr);
});
