// The one-shot `slsk` commands with a running `slsk daemon` for the same account (issue 12): a real
// Soulseek server, the daemon as a child process, a real sharing peer, and `slsk` as a child process.
// Through the daemon the command does not log in itself — the daemon stays logged in (no disconnect on
// its event stream) and the search shows in its history — while --no-daemon logs in directly, which is
// exactly what logs the daemon out. daemon.json appears at start and goes at a clean stop; a stale one
// (a dead process, a port nobody answers on) is ignored.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import type { TestServer } from '../server/harness.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { jsonLines, type ProcessResult } from './run-process.ts';
import { cleanEnv, SlskChild } from './slsk-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
let server: TestServer;
let data: string;
let url: string;
let token: string;
let daemon: SlskChild;
let events: EventReader;
let peer: Client;
/** What after() closes, added as it is opened. */
const closers: (() => Promise<void> | void)[] = [];

const FLAC = '@@music\\Beatles\\Abbey Road\\01 Come Together.flac';

async function slsk(args: readonly string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  const child = new SlskChild(args, cleanEnv(env), 60_000);
  bed.children.push(child);
  return child.exited;
}

const api = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;

/** The daemon's connection events since it started. */
const connectionStates = (): string[] => events.events.filter((e) => e.event === 'serverConnection').map((e) => String(e.data['state']));

before(async () => {
  server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-commands-');
  data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));
  peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  closers.push(() => peer.close());
  peer.setSearchResponder(() => ({
    files: [{ filename: FLAC, size: 31_000_000n, extension: 'flac', duration: 259 }],
    slotsFree: true,
    avgSpeed: 1_000_000,
    queueLength: 0,
  }));
  await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });
  daemon = startDaemon(configFile, bed.children);
  const started = await daemonStarted(daemon);
  url = started.url;
  token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  events = await EventReader.open(url, token, started.firstEventId - 1);
  closers.push(() => events.close());
  await events.waitForAny('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');
});

// Also when a test failed or was filtered out: an open stream or client would keep this file's process alive.
after(async () => {
  for (const close of closers) await close();
});

test('slsk daemon writes daemon.json with its URL and pid once it listens', () => {
  const file = JSON.parse(readFileSync(join(data, 'daemon.json'), 'utf8')) as { url: string; pid: number };
  assert.deepEqual(file, { url, pid: daemon.process.pid });
});

test('slsk search with no account goes through the daemon: its JSON lines, the search in its history, the daemon still logged in', { timeout: 60_000 }, async () => {
  const result = await slsk(['search', 'beatles', 'abbey', '--timeout', '2', '--json'], { SLSK_DATA: data });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`using the daemon at ${url.replace(/\./g, '\\.')} \\(logged in as daemonuser`));
  // The direct search's JSON Lines, size a decimal string: scripts see no difference.
  assert.deepEqual(jsonLines(result.stdout), [
    { user: 'peer', filename: FLAC, size: '31000000', bitrate: null, duration: 259, vbr: null, sampleRate: null, bitDepth: null, locked: false, slotsFree: true, avgSpeed: 1_000_000, queueLength: 0 },
  ]);
  assert.match(result.stderr, /1 file from 1 user \(searched for 2 s\)/);
  const kept = await api<{ query: string; state: string; fileCount: number }[]>('/api/v1/searches');
  assert.deepEqual(kept.map((s) => [s.query, s.state, s.fileCount]), [['beatles abbey', 'completed', 1]]);
  const app = await api<{ server: { state: string } }>('/api/v1/application');
  assert.equal(app.server.state, 'loggedIn');
  assert.deepEqual(connectionStates().filter((s) => s !== 'connecting'), ['loggedIn'], 'no disconnect, no second login');
});

test('slsk search --username of the daemon, as text: the same table as a direct search', { timeout: 60_000 }, async () => {
  const result = await slsk(['search', 'come together', '--timeout', '1', '--username', 'daemonuser'], { SLSK_DATA: data });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /using the daemon/);
  const [header, row] = result.stdout.split('\n');
  assert.match(header!, /^user +size +quality +length +slots +speed +queue +file$/);
  assert.match(row!, /^peer +29\.6 MiB +4:19 +free +977 KiB\/s +0 +@@music\\Beatles\\Abbey Road\\01 Come Together\.flac$/);
  const direct = await slsk(['search', 'come together', '--timeout', '1', '--server', `127.0.0.1:${server.port}`, '--username', 'direct', '--password', 'direct-pw']);
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(result.stdout, direct.stdout, 'the table a direct search prints');
  const kept = await api<{ query: string }[]>('/api/v1/searches');
  assert.equal(kept[0]!.query, 'come together');
});

test('Ctrl-C stops the daemon search, and the command prints what was found so far', { timeout: 60_000 }, async () => {
  const earlier = new Set((await api<{ id: string }[]>('/api/v1/searches')).map((s) => s.id));
  const child = new SlskChild(['search', 'come', 'together', '--timeout', '120', '--json'], cleanEnv({ SLSK_DATA: data }), 60_000);
  bed.children.push(child);
  const started = await events.waitForAny('the search started', (e) => e.event === 'searchState' && e.data['state'] === 'in-progress' && !earlier.has(String(e.data['searchId'])));
  const id = String(started.data['searchId']);
  await events.waitForAny('its response', (e) => e.event === 'searchResponses' && e.data['searchId'] === id);
  child.process.kill('SIGINT');
  const result = await child.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /1 file from 1 user \(stopped with Ctrl-C\)/);
  assert.equal(jsonLines(result.stdout)[0]!['filename'], FLAC);
  const search = await api<{ state: string }>(`/api/v1/searches/${id}`);
  assert.equal(search.state, 'cancelled', 'the daemon stopped the search');
});

test('a command for another account logs in itself: the daemon is not used', { timeout: 60_000 }, async () => {
  const before = (await api<unknown[]>('/api/v1/searches')).length;
  const result = await slsk(['search', 'beatles', '--timeout', '1', '--json', '--server', `127.0.0.1:${server.port}`, '--username', 'other', '--password', 'other-pw'], { SLSK_DATA: data });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /using the daemon/);
  assert.equal(jsonLines(result.stdout)[0]!['user'], 'peer');
  assert.equal((await api<unknown[]>('/api/v1/searches')).length, before, 'the daemon ran no search');
});

test('slsk recommendations and similar through the daemon print what a direct run prints', { timeout: 60_000 }, async () => {
  const someone = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  closers.push(() => someone.close());
  await someone.login({ server: `127.0.0.1:${server.port}`, username: 'fan', password: 'fan-pw' });
  someone.addInterest('electronic');
  someone.addInterest('idm');
  // Our own lists read back: the server has stored them.
  await someone.userInterests('fan');
  for (const args of [['recommendations', '--global', '--json'], ['recommendations', '--item', 'electronic'], ['similar', '--item', 'electronic', '--json']]) {
    const viaDaemon = await slsk(args, { SLSK_DATA: data });
    const direct = await slsk([...args, '--no-daemon', '--server', `127.0.0.1:${server.port}`, '--username', 'other', '--password', 'other-pw'], { SLSK_DATA: data });
    assert.equal(viaDaemon.code, 0, viaDaemon.stderr);
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(viaDaemon.stderr, /using the daemon/);
    assert.equal(viaDaemon.stdout, direct.stdout, args.join(' '));
  }
  assert.deepEqual(JSON.parse((await slsk(['similar', '--item', 'electronic', '--json'], { SLSK_DATA: data })).stdout), [{ username: 'fan' }]);
});

test("slsk interests changes the daemon's lists through it (a direct change would log it out)", { timeout: 60_000 }, async () => {
  const added = await slsk(['interests', 'add', 'electronic', 'jazz'], { SLSK_DATA: data });
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stderr, /using the daemon/);
  assert.equal(added.stdout, 'You like:\n  electronic\n  jazz\nYou hate nothing yet.\n');
  const removed = await slsk(['interests', 'remove', 'jazz', 'never-there', '--json'], { SLSK_DATA: data });
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(JSON.parse(removed.stdout), { username: 'daemonuser', liked: ['electronic'], hated: [] });
  assert.deepEqual(await api('/api/v1/interests'), { liked: ['electronic'], hated: [] }, 'kept by the daemon');
  const theirs = await slsk(['interests', 'show', 'fan', '--json'], { SLSK_DATA: data });
  assert.deepEqual(JSON.parse(theirs.stdout), { username: 'fan', liked: ['electronic', 'idm'], hated: [] });
});

test('--daemon URL with another account is refused, not a silent second login', { timeout: 60_000 }, async () => {
  const result = await slsk(['search', 'beatles', '--daemon', url, '--username', 'someone'], { SLSK_DATA: data });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /the daemon at \S+ logs in as daemonuser, not someone: leave out --username/);
  const both = await slsk(['search', 'beatles', '--daemon', url, '--no-daemon'], { SLSK_DATA: data });
  assert.equal(both.code, 2, both.stderr);
});

test('a stale daemon.json is ignored: a dead pid, or a live pid whose port nobody answers on', { timeout: 60_000 }, async () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  for (const pid of [dead, process.pid]) {
    const stale = bed.tempDir('slsk-stale-daemon-');
    writeFileSync(join(stale, 'daemon.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, pid }));
    writeFileSync(join(stale, 'daemon.token'), 'x'.repeat(43));
    const result = await slsk(['search', 'beatles', '--timeout', '1', '--json', '--server', `127.0.0.1:${server.port}`, '--username', 'stale', '--password', 'stale-pw'], { SLSK_DATA: stale });
    assert.equal(result.code, 0, `pid ${pid}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /daemon/);
    assert.equal(jsonLines(result.stdout)[0]!['user'], 'peer');
    // Asked for by name, the same dead address is an error, not a silent direct login.
    const forced = await slsk(['search', 'beatles', '--timeout', '1', '--daemon', `http://127.0.0.1:${port}`], { SLSK_DATA: stale });
    assert.equal(forced.code, 4, forced.stderr);
    assert.match(forced.stderr, /cannot reach the daemon at http:\/\/127\.0\.0\.1:\d+ \(from --daemon\)/);
  }
});

test('--no-daemon logs in directly with the same account, and that logs the daemon out (what the daemon route avoids)', { timeout: 60_000 }, async () => {
  const result = await slsk(['search', 'beatles', '--timeout', '1', '--json', '--no-daemon', '--server', `127.0.0.1:${server.port}`, '--username', 'daemonuser', '--password', 'daemon-pw'], { SLSK_DATA: data });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /using the daemon/);
  await events.waitFor('the daemon logged out by the second login', (e) => e.event === 'serverConnection' && e.data['state'] === 'disconnected');
});

test('slsk daemon removes daemon.json at a clean stop', { timeout: 60_000 }, async () => {
  daemon.process.kill('SIGTERM');
  const result = await daemon.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(existsSync(join(data, 'daemon.json')), false);
  assert.equal(existsSync(join(data, 'daemon.token')), true, 'the token stays for the next start');
});
