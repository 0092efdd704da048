// DaemonWishlist with real parts: our server on 127.0.0.1 (announcing a 1 s WishlistInterval), a
// library Client searching, sharing peers answering, a real store, DaemonSearches, a real
// TransferManager and the event hub. The timer runs enabled items only, at the server's interval, as
// wishlist searches; auto-download takes the best new match (filter, free slot, speed) and never a
// file already in the download list; "run now" shares a run in progress; an offline tick does nothing.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonSearches } from '../../src/daemon/searches.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { DaemonWishlist, DEFAULT_WISHLIST_INTERVAL_MS } from '../../src/daemon/wishlist.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { newManager } from '../transfers/helpers.ts';
import { nextEvent } from '../client/helpers.ts';
import { bestNewMatch, knownDownloads } from '../../src/daemon/wishlist-pick.ts';
import type { StoredResponse } from '../../src/daemon/store/index.ts';

const DEADLINE_MS = 20_000;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Seen = { event: string; data: Record<string, unknown> };

/** The hub's events; `waitFor` resolves with the first matching one (already seen or still to come). */
function recorder(hub: EventHub): { events: Seen[]; waitFor: (what: string, match: (e: Seen) => boolean) => Promise<Seen> } {
  const events: Seen[] = [];
  const waiters = new Set<() => void>();
  hub.subscribe({
    write: (chunk) => {
      for (const [, event, data] of chunk.matchAll(/event: (\w+)\ndata: (.*)\n/g)) events.push({ event: event!, data: JSON.parse(data!) as Record<string, unknown> });
      for (const wake of waiters) wake();
      return true;
    },
    onDrain: () => {},
  });
  const waitFor = async (what: string, match: (e: Seen) => boolean): Promise<Seen> => {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const found = events.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${DEADLINE_MS} ms: ${JSON.stringify(events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  };
  return { events, waitFor };
}

const file = (name: string, size = 5_000_000n) => ({ filename: `@@music\\Beatles\\${name}`, size, extension: name.split('.').pop() ?? '' });

test('DaemonWishlist: timer at the server interval, best new match downloaded, never twice, run now, offline', { timeout: 90_000 }, async () => {
  const server = await startServer({ wishlistIntervalSeconds: 1 });
  const dir = tempDir('slsk-daemon-wishlist-');
  dirs.push(dir);
  const store = DaemonStore.open(dir);
  const hub = new EventHub();
  const seen = recorder(hub);
  const me = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
  const manager = newManager(me, join(dir, 'me'));
  const searches = new DaemonSearches({ client: me, searches: store.searches, hub, buddies: () => [], defaultTimeoutMs: 1500 });
  const wishlist = new DaemonWishlist({ items: store.wishlist, searches, transfers: manager, client: me, hub });
  // Three sharers: a fast one with a free slot, a faster one with no free slot, a slow one with a free slot.
  const sharers = [
    { name: 'fast', slotsFree: true, avgSpeed: 2_000_000, files: [file('Come Together.flac'), file('Something.flac', 6_000_000n), file('Come Together.mp3')] },
    { name: 'busy', slotsFree: false, avgSpeed: 9_000_000, files: [file('Octopus.flac', 7_000_000n)] },
    { name: 'slow', slotsFree: true, avgSpeed: 1_000, files: [file('Come Together.flac'), file('Because.flac', 8_000_000n)] },
  ];
  const asked: { peer: string; query: string }[] = [];
  const peers: Client[] = [];
  try {
    assert.equal(wishlist.intervalMs, DEFAULT_WISHLIST_INTERVAL_MS);
    // Offline: a tick is a no-op (no errored search is recorded for it).
    const item = wishlist.add({ query: 'beatles', filter: 'ext:flac', autoDownload: true });
    const off = wishlist.add({ query: 'never searched', enabled: false });
    wishlist.tick();
    assert.deepEqual(store.searches.list(), []);

    for (const sharer of sharers) {
      const peer = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
      peers.push(peer);
      peer.setSearchResponder((search) => {
        asked.push({ peer: sharer.name, query: search.query });
        return { files: sharer.files, slotsFree: sharer.slotsFree, avgSpeed: sharer.avgSpeed, queueLength: 0 };
      });
      await peer.login({ server: `127.0.0.1:${server.port}`, username: sharer.name, password: 'pw' });
    }
    const announced = nextEvent(me, 'serverMessage', (m) => m.name === 'WishlistInterval', DEADLINE_MS);
    await me.login({ server: `127.0.0.1:${server.port}`, username: 'me', password: 'pw' });
    await manager.start();
    // The server announces its interval after login; the timer follows it.
    await announced;
    assert.equal(wishlist.intervalMs, 1000);

    // Run now: a network search with the item's filter; asking again while it runs returns the same run.
    const run = wishlist.runNow(item.id);
    assert.deepEqual([run.search.query, run.search.filter, run.search.scope, run.search.state], ['beatles', 'ext:flac', 'network', 'in-progress']);
    assert.equal(wishlist.runNow(item.id).search.id, run.search.id);
    assert.ok(run.item.lastRunAt !== undefined);
    await wishlist.whenIdle(item.id);
    // Free slot first, then speed: fast wins over busy (no slot) and slow; between fast's two FLACs the name decides.
    const first = await seen.waitFor('the first wishlistDownload', (e) => e.event === 'wishlistDownload');
    assert.deepEqual([first.data['username'], first.data['filename'], first.data['searchId'], first.data['itemId']], ['fast', '@@music\\Beatles\\Come Together.flac', run.search.id, item.id]);
    assert.deepEqual(
      manager.list({ direction: 'download' }).map((t) => [t.username, t.filename, t.id]),
      [['fast', '@@music\\Beatles\\Come Together.flac', first.data['transferId']]],
    );
    assert.equal(store.searches.get(run.search.id).state, 'completed');

    // The timer: only the enabled item runs, as wishlist searches, at the server's pace. Its second
    // download is the next best new file: not the same one, not slow's copy of it (same name and size).
    wishlist.start();
    const timed = await seen.waitFor('a timer run', (e) => e.event === 'wishlistRun' && e.data['trigger'] === 'timer');
    assert.deepEqual([timed.data['itemId'], timed.data['query']], [item.id, 'beatles']);
    const second = await seen.waitFor('the second wishlistDownload', (e) => e.event === 'wishlistDownload' && e.data['searchId'] === timed.data['searchId']);
    assert.deepEqual([second.data['username'], second.data['filename']], ['fast', '@@music\\Beatles\\Something.flac']);
    // Then the free slot of the slow sharer beats the faster one without a slot; never an MP3 (the filter).
    const third = await seen.waitFor('the third wishlistDownload', (e) => e.event === 'wishlistDownload' && e.data['searchId'] !== timed.data['searchId'] && e.data['searchId'] !== run.search.id);
    assert.deepEqual([third.data['username'], third.data['filename']], ['slow', '@@music\\Beatles\\Because.flac']);
    wishlist.close();
    await wishlist.whenIdle(item.id);
    assert.ok(!seen.events.some((e) => e.event === 'wishlistRun' && e.data['itemId'] === off.id), 'a disabled item is not run by the timer');
    assert.ok(!asked.some((a) => a.query === 'never searched'));
    const downloads = manager.list({ direction: 'download' }).map((t) => `${t.username} ${t.filename}`);
    assert.equal(new Set(downloads).size, downloads.length, 'no file is asked for twice');
    assert.ok(!downloads.some((d) => d.endsWith('.mp3')));
    assert.ok(store.wishlist.get(item.id).lastRunAt !== undefined);
  } finally {
    wishlist.close();
    searches.close();
    await manager.close();
    for (const peer of peers) await peer.close();
    await me.close();
    store.close();
    await server.close();
  }
});

test('bestNewMatch: locked files skipped; a cancelled download blocks only its exact (user, path)', () => {
  const response = (username: string, slotsFree: boolean, avgSpeed: number, files: { filename: string; size: bigint; locked?: boolean }[]): StoredResponse => ({
    seq: 1,
    receivedAt: 0,
    username,
    slotsFree,
    avgSpeed,
    queueLength: 0,
    files: files.map((f) => ({ filename: f.filename, size: f.size, extension: 'flac', locked: f.locked ?? false, attributes: [] })),
  });
  const responses = [
    response('locked', true, 9e9, [{ filename: 'a\\x.flac', size: 1n, locked: true }]),
    response('alice', true, 100, [{ filename: 'a\\song.flac', size: 5n }]),
    response('bob', true, 50, [{ filename: 'b\\Song.FLAC', size: 5n }]),
  ];
  assert.equal(bestNewMatch(responses, knownDownloads([]))?.username, 'alice', 'the locked offer is skipped despite its speed');
  // alice's file was cancelled: that exact pair is not asked again, but the same song from bob is still new
  const cancelled = knownDownloads([{ direction: 'download', username: 'alice', filename: 'a\\song.flac', size: 5n, state: 'cancelled' }]);
  assert.equal(bestNewMatch(responses, cancelled)?.username, 'bob');
  // completed: the same name and size from anyone counts as had
  const had = knownDownloads([{ direction: 'download', username: 'alice', filename: 'a\\song.flac', size: 5n, state: 'completed' }]);
  assert.equal(bestNewMatch(responses, had), undefined);
  // an upload of the same file is not a download
  assert.equal(bestNewMatch(responses, knownDownloads([{ direction: 'upload', username: 'alice', filename: 'a\\song.flac', size: 5n, state: 'completed' }]))?.username, 'alice');
});
