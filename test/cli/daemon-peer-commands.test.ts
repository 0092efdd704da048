// The commands that reach another user — browse, info, pm, download, get — and `slsk transfers`, with a
// running `slsk daemon` (issue 12), all as real processes: our Soulseek server, the daemon child, a real
// sharing peer (a library Client with a SharesLibrary and a TransferManager) and `slsk` children. They go
// through the daemon (which stays logged in) and print what a direct run prints; the downloads land byte
// for byte in the daemon's downloads folder, and `slsk transfers` lists, follows, clears and refuses as it
// says; with no daemon, `slsk transfers` says how to start one.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import type { TestServer } from '../server/harness.ts';
import { newManager, sha256, writeRandomFile } from '../transfers/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { jsonLines, type ProcessResult } from './run-process.ts';
import { cleanEnv, SlskChild } from './slsk-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
const FILES = { 'Album/CD1/01.flac': 60_000, 'Album/CD2/01.flac': 40_000, 'Album/cover.jpg': 2_000, 'Singles/song one.mp3': 30_000, 'Singles/other.mp3': 20_000 };
let server: TestServer;
let root: string;
let data: string;
let peerMusic: string;
let events: EventReader;
let peer: Client;
let daemonUrl: string;
let daemonToken: string;
const daemonApi = async <T>(path: string): Promise<T> => (await (await fetch(`${daemonUrl}${path}`, { headers: { authorization: `Bearer ${daemonToken}` } })).json()) as T;
const closers: (() => Promise<void> | void)[] = [];

function slskChild(args: readonly string[], env: Record<string, string> = {}): SlskChild {
  const child = new SlskChild(args, cleanEnv({ SLSK_DATA: data, ...env }), 60_000);
  bed.children.push(child);
  return child;
}
const slsk = (args: readonly string[], env: Record<string, string> = {}): Promise<ProcessResult> => slskChild(args, env).exited;

before(async () => {
  server = await bed.startServer();
  root = bed.tempDir('slsk-daemon-transfer-commands-');
  data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));
  peerMusic = join(root, 'peer', 'music');
  for (const [path, size] of Object.entries(FILES)) {
    mkdirSync(dirname(join(peerMusic, path)), { recursive: true });
    writeRandomFile(join(peerMusic, path), size);
  }
  const library = await SharesLibrary.open({ database: join(root, 'peer', 'shares.db'), folders: [{ path: peerMusic, name: 'Music' }] });
  closers.push(() => library.close());
  await library.scan();
  peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  closers.unshift(() => peer.close());
  peer.setSharesProvider(library.sharesProvider(() => false));
  peer.setSearchResponder(library.responder({ isBuddy: () => false, slotsFree: () => true, avgSpeed: () => 1_000_000, queueLength: () => 0 }));
  const uploads = newManager(peer, join(root, 'peer'), { resolveUpload: (path) => library.resolve(path, { buddy: false }) });
  closers.unshift(() => uploads.close());
  await uploads.start();
  await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });

  const daemon = startDaemon(configFile, bed.children);
  const started = await daemonStarted(daemon);
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  daemonUrl = started.url;
  daemonToken = token;
  events = await EventReader.open(started.url, token, started.firstEventId - 1);
  closers.unshift(() => events.close());
  await events.waitForAny('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');
});

after(async () => {
  for (const close of closers) await close();
});

const stillLoggedIn = (): void => {
  const states = events.events.filter((e) => e.event === 'serverConnection').map((e) => e.data['state']);
  assert.deepEqual(states.filter((s) => s !== 'connecting'), ['loggedIn'], 'the daemon was never logged out');
};

/** The same command with its own login (another account), for what a direct run prints. */
const direct = (args: readonly string[]): Promise<ProcessResult> =>
  slsk([...args, '--no-daemon', '--server', `127.0.0.1:${server.port}`, '--username', 'direct', '--password', 'direct-pw']);

test('slsk browse, info and rooms through the daemon print what a direct run prints', { timeout: 60_000 }, async () => {
  for (const args of [['browse', 'peer', '--json'], ['browse', 'peer'], ['info', 'peer', '--json'], ['rooms', '--json']]) {
    const [viaDaemon, own] = [await slsk(args), await direct(args)];
    assert.equal(viaDaemon.code, 0, viaDaemon.stderr);
    assert.equal(own.code, 0, own.stderr);
    assert.match(viaDaemon.stderr, /using the daemon/);
    assert.equal(viaDaemon.stdout, own.stdout, args.join(' '));
  }
  const browsed = JSON.parse((await slsk(['browse', 'peer', '--json'])).stdout) as { folders: { name: string }[] };
  for (const name of ['Music\\Album\\CD1', 'Music\\Album\\CD2', 'Music\\Singles']) assert.ok(browsed.folders.some((f) => f.name === name), name);
  const nobody = await slsk(['info', 'nobody-here']);
  assert.equal(nobody.code, 1, nobody.stderr);
  stillLoggedIn();
});

test('slsk pm through the daemon: sent, and with --wait the answer', { timeout: 60_000 }, async () => {
  const answer = (message: { from: string; text: string }): void => {
    if (message.text === 'ping') peer.sendPrivateMessage(message.from, 'pong');
  };
  peer.on('privateMessage', answer);
  try {
    const result = await slsk(['pm', 'peer', 'ping', '--wait', '20']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^sent to peer\n\[\d\d:\d\d:\d\d\] <peer> pong\n$/);
  } finally {
    peer.off('privateMessage', answer);
  }
  stillLoggedIn();
});

test('slsk chat through the daemon: the members, a line piped in said in the room, the room left again', { timeout: 60_000 }, async () => {
  await peer.joinRoom('lounge');
  const heard = new Promise<{ username: string; text: string }>((resolve) => {
    const listener = (message: { room: string; username: string; text: string }): void => {
      if (message.room !== 'lounge') return;
      peer.off('roomMessage', listener);
      resolve(message);
    };
    peer.on('roomMessage', listener);
  });
  const child = slskChild(['chat', 'lounge', '--json']);
  child.write('hello from the cli\n');
  child.endInput();
  const result = await child.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /using the daemon/);
  const lines = jsonLines(result.stdout);
  const members = lines[0]!['members'] as { username: string }[];
  assert.deepEqual([lines[0]!['event'], members.map((m) => m.username).sort()], ['members', ['daemonuser', 'peer']]);
  assert.deepEqual(lines.at(-1), { event: 'left', room: 'lounge' });
  assert.deepEqual(await heard, { room: 'lounge', username: 'daemonuser', text: 'hello from the cli' });
  const joined = await daemonApi<{ name: string }[]>('/api/v1/joined-rooms');
  assert.ok(!joined.some((r) => r.name === 'lounge'), 'the daemon left the room it joined for the chat');
  stillLoggedIn();
});

test('slsk download of one file goes through the daemon: the JSON Lines of a direct download, the file in its downloads folder', { timeout: 60_000 }, async () => {
  const result = await slsk(['download', 'peer', 'Music\\Singles\\song one.mp3', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /using the daemon at http:\/\/127\.0\.0\.1:\d+ \(logged in as daemonuser/);
  const lines = jsonLines(result.stdout);
  const done = lines.at(-1)!;
  assert.deepEqual([done['event'], done['state'], done['user'], done['filename'], done['size']], ['done', 'completed', 'peer', 'Music\\Singles\\song one.mp3', '30000']);
  assert.ok(lines.some((line) => line['event'] === 'state' && line['state'] === 'transferring'), result.stdout);
  const path = String(done['path']);
  assert.ok(path.startsWith(join(data, 'downloads')), path);
  assert.equal(await sha256(path), await sha256(join(peerMusic, 'Singles/song one.mp3')));
  stillLoggedIn();
});

test("slsk download USER 'Folder\\' enqueues the folder in the daemon and waits for every file", { timeout: 60_000 }, async () => {
  const result = await slsk(['download', 'peer', 'Music\\Album\\']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /'Music\\Album\\?' from peer: 3 files to download/);
  const paths = result.stdout.trim().split('\n').sort();
  assert.deepEqual(paths, ['Album/CD1/01.flac', 'Album/CD2/01.flac', 'Album/cover.jpg'].map((p) => join(data, 'downloads', p)));
  for (const path of ['Album/CD1/01.flac', 'Album/CD2/01.flac', 'Album/cover.jpg']) assert.equal(await sha256(join(data, 'downloads', path)), await sha256(join(peerMusic, path)), path);
  stillLoggedIn();
});

test('slsk get searches and downloads through the daemon', { timeout: 60_000 }, async () => {
  const result = await slsk(['get', 'other', '--timeout', '2', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const lines = jsonLines(result.stdout);
  assert.deepEqual([lines[0]!['event'], lines[0]!['user'], lines[0]!['filename']], ['picked', 'peer', 'Music\\Singles\\other.mp3']);
  const done = lines.at(-1)!;
  assert.equal(done['state'], 'completed');
  assert.equal(await sha256(String(done['path'])), await sha256(join(peerMusic, 'Singles/other.mp3')));
});

test('slsk transfers list: every download as JSON Lines and as a table', { timeout: 60_000 }, async () => {
  const json = await slsk(['transfers', 'list', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = jsonLines(json.stdout);
  assert.deepEqual(
    rows.map((t) => [t['direction'], t['username'], t['filename'], t['state'], t['bytesTransferred']]).sort(),
    [
      ['download', 'peer', 'Music\\Album\\CD1\\01.flac', 'completed', 60_000],
      ['download', 'peer', 'Music\\Album\\CD2\\01.flac', 'completed', 40_000],
      ['download', 'peer', 'Music\\Album\\cover.jpg', 'completed', 2_000],
      ['download', 'peer', 'Music\\Singles\\other.mp3', 'completed', 20_000],
      ['download', 'peer', 'Music\\Singles\\song one.mp3', 'completed', 30_000],
    ],
  );
  assert.ok(rows.every((t) => typeof t['id'] === 'string' && t['id'] !== ''));
  const text = await slsk(['transfers', '--state', 'completed']);
  assert.equal(text.code, 0, text.stderr);
  const [header, ...lines] = text.stdout.trim().split('\n');
  assert.match(header!, /^id +direction +user +state +progress +speed +file$/);
  assert.equal(lines.length, 5);
  assert.match(text.stderr, /^5 transfers: 5 completed/m);
  // --state names only the states there are.
  const bad = await slsk(['transfers', 'list', '--state', 'done']);
  assert.equal(bad.code, 2, bad.stderr);
});

test('slsk transfers watch follows a download enqueued with --no-wait until Ctrl-C', { timeout: 60_000 }, async () => {
  await slsk(['transfers', 'clear']);
  const watch = slskChild(['transfers', 'watch', '--json']);
  // Listening before the download is queued: its events cannot come before the watch.
  await watch.waitFor(/watching the daemon's transfers/, 'stderr');
  const queued = await slsk(['download', 'peer', 'Music\\Singles\\song one.mp3', '--no-wait']);
  assert.equal(queued.code, 0, queued.stderr);
  const id = queued.stdout.trim();
  assert.match(id, /^[0-9A-Za-z-]+$/);
  await watch.waitFor(new RegExp(`"event":"transferState","id":"${id}"[^\\n]*"state":"completed"`));
  watch.process.kill('SIGINT');
  const ended = await watch.exited;
  assert.equal(ended.code, 0, ended.stderr);
});

test('slsk transfers cancel/retry an unknown id, clear, and no daemon at all', { timeout: 60_000 }, async () => {
  const unknown = await slsk(['transfers', 'cancel', 'no-such-transfer']);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.match(unknown.stderr, /slsk transfers: the daemon at \S+ answered: /);

  // An unknown (or offline) user is said at once, as a direct download says it, not after --timeout.
  const ghost = await slsk(['download', 'nobody-here', 'Music\\x.mp3']);
  assert.equal(ghost.code, 1, ghost.stderr);
  assert.match(ghost.stderr, /nobody-here/);

  const cleared = await slsk(['transfers', 'clear', '--state', 'completed']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /^removed \d+ transfers?$/m);
  const empty = await slsk(['transfers', 'list', '--json']);
  assert.equal(empty.stdout, '');

  const nowhere = bed.tempDir('slsk-no-daemon-');
  const none = await slsk(['transfers'], { SLSK_DATA: nowhere });
  assert.equal(none.code, 4, none.stderr);
  assert.match(none.stderr, /no daemon is running with the data folder .*start one with 'slsk daemon --username NAME'/);
  const noWait = await slsk(['download', 'peer', 'Music\\Singles\\other.mp3', '--no-wait', '--username', 'x', '--password', 'y'], { SLSK_DATA: nowhere });
  assert.equal(noWait.code, 2, noWait.stderr);
  assert.match(noWait.stderr, /--no-wait needs a running daemon/);
});
