// `slsk daemon` as a real child process against our own Soulseek server, driven over HTTP only: the
// machine-readable first line gives its address, the first start prints the password once, the local
// token reads the API, the event stream reports the login and the shares scan, DELETE/PUT of the
// connection log out and in again, and SIGTERM stops it with exit 0 and the port closed.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import type { TestServer } from '../server/harness.ts';
import type { SlskChild } from './slsk-child.ts';
import { daemonConfigYaml, daemonStarted as started, daemonTestbed, startDaemon as startDaemonChild } from './daemon-child.ts';
import { EventReader, type StreamEvent } from './sse-reader.ts';

const DEADLINE_MS = 20_000;
const SOULSEEK_PASSWORD = 'soulseek-pw-never-shown';
const bed = daemonTestbed();
const children = bed.children;
let server: TestServer | undefined;

const isConnection = (state: string) => (e: StreamEvent) => e.event === 'serverConnection' && e.data['state'] === state;

const startDaemon = (configFile: string): SlskChild => startDaemonChild(configFile, children);

/** SIGTERM with an event stream open (it must not hold the stop up): exit 0 within the deadline, port closed. */
async function stopped(child: SlskChild, url: string, token: string): Promise<void> {
  const open = await EventReader.open(url, token);
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${DEADLINE_MS} ms after SIGTERM\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`)), DEADLINE_MS);
  });
  const result = await Promise.race([child.exited, deadline]).finally(() => clearTimeout(timer));
  assert.equal(result.code, 0, `exit ${result.code} (signal ${result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  assert.match(result.stdout, /"event":"stopped"/);
  await open.ended();
  await assert.rejects(fetch(`${url}/health`), 'the port is closed once it exited');
}

test('slsk daemon: first start, API over HTTP with the local token, events, reconnect, SIGTERM', { timeout: 120_000 }, async () => {
  server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-');
  const data = join(root, 'data');
  const music = join(root, 'Music', 'Artist');
  mkdirSync(music, { recursive: true });
  writeFileSync(join(music, 'song.mp3'), Buffer.alloc(4096, 1));
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(
    configFile,
    daemonConfigYaml({
      serverPort: server.port,
      password: SOULSEEK_PASSWORD,
      data,
      music: join(root, 'Music'),
      // Tries while the server is down back off; the maximum caps the wait once it is back.
      soulseekExtra: ['  reconnectInitialDelayMs: 200', '  reconnectMaxDelayMs: 500'],
    }),
  );

  const child = startDaemon(configFile);
  const { url, firstEventId, lines } = await started(child);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const password = await child.waitFor(/"event":"password"[^\n]*"password":"([^"]+)"/, 'stdout', DEADLINE_MS);
  assert.ok(password[1]!.length >= 20, 'a first-start password is printed');
  assert.ok(lines.length >= 1);

  assert.deepEqual(await (await fetch(`${url}/health`)).json(), { status: 'ok' });
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await fetch(`${url}/api/v1/application`)).status, 401, 'the API needs credentials');

  // Everything since the start: the login and the scan happen while the daemon prints its first line.
  const events = await EventReader.open(url, token, firstEventId - 1);
  try {
    await events.waitForAny('a logged-in serverConnection event', isConnection('loggedIn'));
    await events.waitForAny('scanProgress done', (e) => e.event === 'scanProgress' && e.data['state'] === 'done' && e.data['files'] === 1);

    const application = (await (await fetch(`${url}/api/v1/application`, { headers: auth })).json()) as { server: Record<string, unknown> };
    assert.deepEqual(application.server, { state: 'loggedIn', address: `127.0.0.1:${server.port}`, username: 'daemonuser' });

    const optionsText = await (await fetch(`${url}/api/v1/options`, { headers: auth })).text();
    assert.doesNotMatch(optionsText, new RegExp(SOULSEEK_PASSWORD), 'the Soulseek password is redacted');
    assert.doesNotMatch(optionsText, new RegExp(token), 'the local token is redacted');
    assert.equal((JSON.parse(optionsText) as { soulseek: { username: string } }).soulseek.username, 'daemonuser');

    // Prometheus metrics from the running daemon: the server connection, and no metrics without a key.
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    const scrape = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    assert.match(scrape, /^slsk_server_connected 1$/m);
    assert.match(scrape, /^slsk_process_memory_bytes\{kind="rss"\} \d+/m);

    // A peer on the network sees what the daemon shares (the scan's index answers browses).
    const peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
    try {
      await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });
      const listing = await peer.browse('daemonuser');
      // A private message reaches the stream (it is stored first, in the chat history).
      peer.sendPrivateMessage('daemonuser', 'hello daemon');
      const message = await events.waitFor('the private message', (e) => e.event === 'privateMessage');
      assert.deepEqual([message.data['username'], message.data['direction'], message.data['text']], ['peer', 'in', 'hello daemon']);
      assert.deepEqual(listing.folders.flatMap((folder) => folder.files.map((file) => `${folder.name}\\${file.filename}`)), ['Music\\Artist\\song.mp3']);
    } finally {
      await peer.close();
    }

    // The server restarts: the daemon reports the loss and logs in again by itself.
    const port = server.port;
    await server.close();
    await events.waitFor('a reconnecting event', isConnection('reconnecting'));
    server = await bed.startServer({ port });
    await events.waitFor('logged in after the restart', isConnection('loggedIn'));

    const off = await fetch(`${url}/api/v1/application/connection`, { method: 'DELETE', headers: auth });
    assert.deepEqual(await off.json(), { state: 'disconnected', address: `127.0.0.1:${server.port}`, username: 'daemonuser' });
    await events.waitFor('a disconnected event', isConnection('disconnected'));
    const on = await fetch(`${url}/api/v1/application/connection`, { method: 'PUT', headers: auth });
    assert.equal(((await on.json()) as { state: string }).state, 'loggedIn');
    await events.waitFor('logged in again', isConnection('loggedIn'));
  } finally {
    events.close();
  }
  await stopped(child, url, token);

  // The second start prints no password: it was shown once.
  const again = startDaemon(configFile);
  const second = await started(again);
  await stopped(again, second.url, token);
  assert.doesNotMatch(again.stdout, /"event":"password"/);
});

test('slsk daemon: a wrong setting is named and exits 2', async () => {
  const root = bed.tempDir('slsk-daemon-bad-');
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, `data:\n  folder: ${join(root, 'data')}\nhttp:\n  port: lots\n`);
  const child = startDaemon(configFile);
  const result = await child.exited;
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /http\.port/);
  assert.equal(result.stdout, '');
});

test('slsk daemon: a port already taken is a start failure, exit 1, naming the setting to change', async () => {
  const root = bed.tempDir('slsk-daemon-port-');
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as AddressInfo).port;
    const configFile = join(root, 'daemon.yaml');
    writeFileSync(configFile, `data:\n  folder: ${join(root, 'data')}\nsoulseek:\n  listenPort: 0\nhttp:\n  port: ${port}\n`);
    const result = await startDaemon(configFile).exited;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /could not start: .*EADDRINUSE[\s\S]*http\.port/);
    assert.doesNotMatch(result.stdout, /"event":"started"/);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
