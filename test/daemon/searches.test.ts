// DaemonSearches with real parts: our server on 127.0.0.1, a library Client searching, sharing peers
// answering, a real store in a temp dir and the event hub. Covers what the HTTP tests do not reach: the
// cap on kept files (after the filter), the bound on running searches, buddies searches, and a search
// started while offline.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { Client, NotConnectedError } from '../../src/client/index.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonSearches, SEARCH_BATCH_FILES, SearchBusyError } from '../../src/daemon/searches.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { hubRecorder, type HubRecorder } from './hub-recorder.ts';

const DEADLINE_MS = 15_000;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The hub's events as a test sees them (hub-recorder.ts). */
const recorder = (hub: EventHub): HubRecorder => hubRecorder(hub, DEADLINE_MS);

const file = (name: string, extension: string) => ({ filename: `@@music\\${name}.${extension}`, size: 1000n, extension });

test('DaemonSearches: filter before the cap, bounded running searches, buddies, offline', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const dir = tempDir('slsk-daemon-searches-');
  dirs.push(dir);
  const store = DaemonStore.open(dir);
  // left unfinished by a run that was killed: ended as errored when the service starts
  const leftover = store.searches.create({ query: 'from the last run' });
  store.searches.setState(leftover.id, 'in-progress');
  const hub = new EventHub();
  const me = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false });
  const peers = ['bob', 'carol'].map((name) => ({ name, client: new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false }), asked: 0 }));
  let buddies: string[] = [];
  const searches = new DaemonSearches({ client: me, searches: store.searches, hub, buddies: () => buddies, maxConcurrent: 1, defaultTimeoutMs: 30_000 });
  try {
    // Offline: the client refuses, the record is kept as errored so the failure is visible.
    assert.equal(store.searches.get(leftover.id).state, 'errored');
    assert.throws(() => searches.start({ query: 'anything' }), NotConnectedError);
    assert.deepEqual(store.searches.list().map((s) => s.state), ['errored', 'errored']);
    assert.equal(searches.runningCount, 0);

    for (const peer of peers) {
      peer.client.setSearchResponder((search) => {
        peer.asked++;
        if (search.query === 'many') return { files: Array.from({ length: 450 }, (_, i) => file(`many ${i}`, 'flac')), slotsFree: true, avgSpeed: 10, queueLength: 0 };
        return { files: [file(`${peer.name} a`, 'flac'), file(`${peer.name} b`, 'mp3'), file(`${peer.name} c`, 'flac')], slotsFree: true, avgSpeed: 10, queueLength: 0 };
      });
      await peer.client.login({ server: `127.0.0.1:${server.port}`, username: peer.name, password: 'pw' });
    }
    await me.login({ server: `127.0.0.1:${server.port}`, username: 'me', password: 'pw' });
    const { events, next } = recorder(hub);

    // Three FLACs wanted of the 4 FLACs and 2 MP3s offered: the MP3s never count toward the cap.
    const capped = searches.start({ query: 'songs', filter: 'ext:flac', maxResults: 3 });
    assert.throws(() => searches.start({ query: 'second' }), SearchBusyError, 'one running search at most');
    await next('the capped search completing', (e) => e.event === 'searchState' && e.data['searchId'] === capped.id && e.data['state'] === 'completed');
    const record = store.searches.get(capped.id);
    assert.deepEqual([record.state, record.fileCount], ['completed', 3]);
    const kept = store.searches.responses(capped.id).flatMap((r) => r.files.map((f) => f.extension));
    assert.deepEqual(kept, ['flac', 'flac', 'flac']);
    const published = events.filter((e) => e.event === 'searchResponses' && e.data['searchId'] === capped.id);
    assert.equal(published.flatMap((e) => (e.data['responses'] as { files: unknown[] }[]).flatMap((r) => r.files)).length, 3, 'what is published is what is kept');
    assert.equal(searches.runningCount, 0);

    // Buddies: one user search per buddy, only they are asked.
    buddies = ['carol'];
    const askedBefore = peers.map((p) => p.asked);
    const buddySearch = searches.start({ query: 'songs', scope: 'buddies', maxResults: 3 });
    await next('the buddies search completing', (e) => e.event === 'searchState' && e.data['searchId'] === buddySearch.id && e.data['state'] === 'completed');
    assert.deepEqual(peers.map((p, i) => p.asked - askedBefore[i]!), [0, 1]);
    assert.deepEqual([...new Set(store.searches.responses(buddySearch.id).map((r) => r.username))], ['carol']);
    assert.equal(store.searches.get(buddySearch.id).scope, 'buddies');

    // The setting searches.maxResults is a ceiling: a request asking for more keeps that many.
    const strict = new DaemonSearches({ client: me, searches: store.searches, hub, buddies: () => [], defaultMaxResults: 2 });
    const ceiling = strict.start({ query: 'songs', scope: 'user', target: 'carol', maxResults: 100 });
    await next('the ceiling search completing', (e) => e.event === 'searchState' && e.data['searchId'] === ceiling.id && e.data['state'] === 'completed');
    assert.equal(store.searches.get(ceiling.id).fileCount, 2);

    // One reply of 450 files: stored whole, published as events of at most SEARCH_BATCH_FILES files.
    const many = searches.start({ query: 'many', scope: 'user', target: 'bob', maxResults: 450 });
    await next('the big search completing', (e) => e.event === 'searchState' && e.data['searchId'] === many.id && e.data['state'] === 'completed');
    assert.deepEqual(store.searches.responses(many.id).map((r) => [r.username, r.files.length]), [['bob', 450]]);
    const sizes = events.filter((e) => e.event === 'searchResponses' && e.data['searchId'] === many.id).map((e) => (e.data['responses'] as { files: unknown[] }[]).reduce((n, r) => n + r.files.length, 0));
    assert.deepEqual(sizes, [SEARCH_BATCH_FILES, SEARCH_BATCH_FILES, 50]);

    // Stopped while running: cancelled, announced as stopped; deleting removes it with its responses.
    const stopped = searches.start({ query: 'nothing matches this', filter: 'ext:ogg' });
    searches.stop(stopped.id);
    await next('the stopped search', (e) => e.event === 'searchState' && e.data['searchId'] === stopped.id && e.data['state'] === 'cancelled');
    assert.equal(store.searches.get(stopped.id).state, 'cancelled');
    assert.equal(await searches.delete(stopped.id), true);
    assert.equal(await searches.delete(stopped.id), false);
  } finally {
    searches.close();
    await me.close();
    for (const peer of peers) await peer.client.close();
    hub.close();
    store.close();
    await server.close();
  }
});
