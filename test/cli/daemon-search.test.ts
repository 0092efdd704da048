// Searches through `slsk daemon` as a real child process, over HTTP only, against our own Soulseek
// server and a real sharing peer (a library Client with a search responder): the responses stream as
// `searchResponses` events while the search runs, the filter drops files before they are kept or
// published, GET pages the kept responses, stop ends it and DELETE removes it.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import type { TestServer } from '../server/harness.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();
const children = bed.children;
let server: TestServer | undefined;

test('slsk daemon: a search over HTTP streams filtered responses as events, pages them, stops and deletes', { timeout: 120_000 }, async () => {
  server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-search-');
  const data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));

  const peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  const asked: string[] = [];
  peer.setSearchResponder((search) => {
    asked.push(search.query);
    return {
      files: [
        { filename: '@@music\\Beatles\\Abbey Road\\01 Come Together.flac', size: 31_000_000n, extension: 'flac', duration: 259 },
        { filename: '@@music\\Beatles\\Abbey Road\\01 Come Together.mp3', size: 8_000_000n, extension: 'mp3', bitrate: 320 },
      ],
      slotsFree: true,
      avgSpeed: 1_000_000,
      queueLength: 0,
    };
  });

  const child = startDaemon(configFile, children);
  const first = await daemonStarted(child);
  const url = first.url;
  const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const events = await EventReader.open(url, token, first.firstEventId - 1);
  try {
    await peer.login({ server: `127.0.0.1:${server.port}`, username: 'peer', password: 'peer-pw' });
    await events.waitFor('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');

    // A filter that does not parse is refused before anything is searched, naming the filter.
    const bad = await fetch(`${url}/api/v1/searches`, { method: 'POST', headers: json, body: '{"query": "beatles", "filter": "br:>=fast"}' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, '/body/filter');

    // A long timeout: the responses must show up while it runs, not at its end.
    const created = await fetch(`${url}/api/v1/searches`, { method: 'POST', headers: json, body: '{"query": "beatles abbey", "filter": "ext:flac", "timeoutMs": 60000}' });
    assert.equal(created.status, 201);
    const record = (await created.json()) as { id: string; state: string; filter: string };
    assert.deepEqual([record.state, record.filter], ['in-progress', 'ext:flac']);
    const id = record.id;

    const batch = await events.waitFor('searchResponses for the search', (e) => e.event === 'searchResponses' && e.data['searchId'] === id);
    const running = (await (await fetch(`${url}/api/v1/searches/${id}`, { headers: auth })).json()) as { state: string; responseCount: number; fileCount: number };
    assert.deepEqual(running, { ...running, state: 'in-progress', responseCount: 1, fileCount: 1 }, 'the responses arrived before the search ended');
    assert.ok(!events.events.some((e) => e.event === 'searchState' && e.data['searchId'] === id && e.data['state'] !== 'in-progress'));
    // The peer offered a FLAC and an MP3; the filter kept only the FLAC, in the event and in the store.
    const responses = batch.data['responses'] as { username: string; files: { filename: string; size: number }[] }[];
    assert.deepEqual(responses.map((r) => [r.username, r.files.map((f) => [f.filename, f.size])]), [['peer', [['@@music\\Beatles\\Abbey Road\\01 Come Together.flac', 31_000_000]]]]);
    assert.deepEqual(asked, ['beatles abbey']);

    const stored = (await (await fetch(`${url}/api/v1/searches/${id}/responses?limit=10`, { headers: auth })).json()) as { seq: number; username: string; files: { filename: string; duration?: number }[] }[];
    assert.deepEqual(stored.map((r) => [r.username, r.files.map((f) => [f.filename, f.duration])]), [['peer', [['@@music\\Beatles\\Abbey Road\\01 Come Together.flac', 259]]]]);
    const nextPage = await (await fetch(`${url}/api/v1/searches/${id}/responses?after=${stored[0]!.seq}`, { headers: auth })).json();
    assert.deepEqual(nextPage, []);

    const stop = await fetch(`${url}/api/v1/searches/${id}/stop`, { method: 'PUT', headers: auth });
    assert.equal(stop.status, 200);
    const ended = await events.waitFor('the stopped searchState', (e) => e.event === 'searchState' && e.data['searchId'] === id && e.data['state'] === 'cancelled');
    assert.deepEqual([ended.data['responseCount'], ended.data['fileCount']], [1, 1]);
    const kept = (await (await fetch(`${url}/api/v1/searches`, { headers: auth })).json()) as { id: string; state: string }[];
    assert.deepEqual(kept.map((s) => [s.id, s.state]), [[id, 'cancelled']]);

    const removed = await fetch(`${url}/api/v1/searches/${id}`, { method: 'DELETE', headers: auth });
    assert.equal(removed.status, 204);
    assert.equal((await fetch(`${url}/api/v1/searches/${id}`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${url}/api/v1/searches/${id}/responses`, { headers: auth })).status, 404);
  } finally {
    events.close();
    await peer.close();
  }
  child.process.kill('SIGTERM');
  const result = await child.exited;
  assert.equal(result.code, 0, result.stderr);
});
