// BrowseCache's own rules, with the clock stubbed and listings made in memory (the fetch over real
// peers is in users.test.ts): kept for ttlMs then asked again, bounded by entries and by files in
// total (oldest dropped first; a listing over the file bound alone is returned, not kept), distinct
// browses at once bounded (BUSY), a failed fetch not kept and the next caller asking afresh.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SharesListing } from '../../src/client/index.ts';
import { BrowseCache, UserServiceError, type BrowseProgress } from '../../src/daemon/users/index.ts';

const listingOf = (username: string, files: number): SharesListing => ({
  username,
  folders: [{ name: `@@${username}`, files: Array.from({ length: files }, (_, i) => ({ filename: `${i}.mp3`, size: 1n, extension: 'mp3', locked: false, attributes: [] })) }],
  lockedFolders: [],
});

test('BrowseCache: ttl, bounds by entries and files, busy, failures', async () => {
  const clock = { now: 1_000_000 };
  const sizes = new Map([['a', 10], ['b', 20], ['c', 30], ['huge', 1000]]);
  const asked: string[] = [];
  const pending = new Map<string, PromiseWithResolvers<SharesListing>>();
  const progress: BrowseProgress[] = [];
  const cache = new BrowseCache({
    fetch: async (username) => {
      asked.push(username);
      if (username === 'broken') throw new Error('peer went away');
      if (username.startsWith('slow')) {
        const wait = Promise.withResolvers<SharesListing>();
        pending.set(username, wait);
        return wait.promise;
      }
      return listingOf(username, sizes.get(username)!);
    },
    onProgress: (p) => progress.push(p),
    ttlMs: 60_000,
    maxEntries: 2,
    maxFiles: 45,
    maxRunning: 1,
    now: () => clock.now,
  });

  await cache.get('a');
  await cache.get('a');
  assert.deepEqual(asked, ['a'], 'kept');
  clock.now += 60_000;
  await cache.get('a');
  assert.deepEqual(asked, ['a', 'a'], 'asked again once older than ttlMs');

  await cache.get('b');
  assert.deepEqual(cache.size, { entries: 2, files: 30, running: 0 });
  await cache.get('c'); // 10 + 20 + 30 > 45 files and 3 > 2 entries: a and b go, oldest first
  assert.deepEqual(cache.size, { entries: 1, files: 30, running: 0 });
  await cache.get('huge');
  assert.deepEqual(cache.size, { entries: 1, files: 30, running: 0 }, 'a listing over maxFiles is returned, not kept');
  assert.equal((await cache.get('huge')).files, 1000);
  assert.equal(asked.filter((u) => u === 'huge').length, 2);

  // One browse at a time: a second user is refused while the first runs; the same user joins it.
  const first = cache.get('slow1');
  const joined = cache.get('slow1', { refresh: true });
  await assert.rejects(cache.get('slow2'), (e: UserServiceError) => e.code === 'BUSY');
  pending.get('slow1')!.resolve(listingOf('slow1', 1));
  assert.equal(await first, await joined);
  assert.equal(asked.filter((u) => u === 'slow1').length, 1);

  await assert.rejects(cache.get('broken'), /peer went away/);
  await assert.rejects(cache.get('broken'), /peer went away/);
  assert.equal(asked.filter((u) => u === 'broken').length, 2, 'a failure is not kept');
  assert.deepEqual(progress.filter((p) => p.username === 'broken').map((p) => p.state), ['requested', 'failed', 'requested', 'failed']);
  cache.close();
  assert.deepEqual(cache.size, { entries: 0, files: 0, running: 0 });
});
