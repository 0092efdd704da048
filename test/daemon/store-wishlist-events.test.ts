// The wishlist (add/update/remove/list, its cap), the events log (a ring of the last N, paged), the
// buddy list with notes and the transfer file the daemon shares with `slsk share`/`slsk buddy`, and the
// settings the store refuses.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TransferStore } from '../../src/transfers/store.ts';
import { USER_LISTS_FILE } from '../../src/cli/data-dir.ts';
import { DaemonStore, DaemonStoreError, USER_LISTS_DATABASE_FILE } from '../../src/daemon/store/index.ts';
import { freshStoreEachTest } from './store-support.ts';

const fresh = freshStoreEachTest();

describe('daemon store: wishlist', () => {
  test('items are added, updated, listed oldest first across a reopen, and removed', () => {
    const handle = fresh();
    const first = handle.store.wishlist.add({ query: 'boards of canada', filter: 'flac', autoDownload: true });
    handle.clock.now += 1000;
    const second = handle.store.wishlist.add({ query: 'autechre' });
    assert.deepEqual(
      { ...first, id: '' },
      { id: '', query: 'boards of canada', filter: 'flac', enabled: true, autoDownload: true, lastRunAt: undefined, addedAt: handle.clock.now - 1000 },
    );
    handle.store.wishlist.update(second.id, { enabled: false, lastRunAt: handle.clock.now });
    const store = handle.reopen();
    assert.deepEqual(store.wishlist.list().map((i) => [i.query, i.enabled, i.lastRunAt]), [['boards of canada', true, undefined], ['autechre', false, handle.clock.now]]);
    assert.equal(store.wishlist.remove(first.id), true);
    assert.equal(store.wishlist.remove(first.id), false);
    assert.throws(() => store.wishlist.update(first.id, { enabled: true }), (e: unknown) => e instanceof DaemonStoreError && e.code === 'NOT_FOUND');
    assert.throws(() => store.wishlist.update(second.id, { query: '' }), /query is empty/);
    assert.equal(store.wishlist.get(second.id).query, 'autechre', 'a refused update changes nothing');
  });

  test('the wishlist refuses items past its cap, saying what to do', () => {
    const { store } = fresh({ maxWishlistItems: 2 });
    store.wishlist.add({ query: 'a' });
    store.wishlist.add({ query: 'b' });
    assert.throws(() => store.wishlist.add({ query: 'c' }), (e: unknown) => e instanceof DaemonStoreError && e.code === 'FULL' && /remove one first/.test(e.message));
    assert.equal(store.wishlist.list().length, 2);
  });
});

describe('daemon store: events log', () => {
  test('keeps exactly the last maxEvents, newest first, paged', () => {
    const handle = fresh({ maxEvents: 5 });
    for (let i = 0; i < 12; i++) handle.store.events.add(i % 2 === 0 ? 'download-complete' : 'user-online', { n: i });
    assert.equal(handle.store.events.count(), 5);
    const page1 = handle.store.events.list({ limit: 3 });
    const page2 = handle.store.events.list({ limit: 3, before: page1.at(-1)!.id });
    assert.deepEqual([...page1, ...page2].map((e) => e.data['n']), [11, 10, 9, 8, 7]);
    assert.equal(page1[0]!.kind, 'user-online');
    // a lowered bound applies at the next event
    const store = handle.reopen({ maxEvents: 2 });
    store.events.add('mention', { room: 'r', n: 12 });
    assert.deepEqual(store.events.list().map((e) => e.data['n']), [12, 11]);
  });

  test('refuses unknown kinds and oversized data', () => {
    const { store } = fresh();
    assert.throws(() => store.events.add('reboot' as 'mention'), /event kind must be one of/);
    assert.throws(() => store.events.add('mention', { text: 'x'.repeat(5000) }), /the limit is 4096/);
    assert.equal(store.events.count(), 0);
  });
});

describe('daemon store: the files it shares with the rest of slsk', () => {
  test('buddies with notes and ignored users live in the same user-lists.sqlite as `slsk buddy`', () => {
    const handle = fresh();
    assert.equal(USER_LISTS_DATABASE_FILE, USER_LISTS_FILE);
    handle.store.userLists.addBuddy('alice', { note: 'has the rare pressings' });
    handle.store.userLists.ignore('spammer');
    const store = handle.reopen();
    assert.deepEqual(store.userLists.buddy('alice')?.note, 'has the rare pressings');
    assert.equal(store.userLists.isIgnored('spammer'), true);
  });

  test('transfersDatabase is the transfers.sqlite of the data folder', () => {
    const { store, dataDir } = fresh();
    assert.equal(store.transfersDatabase, join(dataDir, 'transfers.sqlite'));
    const transfers = new TransferStore(store.transfersDatabase);
    transfers.close();
  });

  test('settings out of range are refused before anything is opened', () => {
    const { dataDir } = fresh();
    assert.throws(() => DaemonStore.open(dataDir, { settings: { responseBatchFiles: 0 } }), /responseBatchFiles must be a whole number ≥ 1/);
    assert.throws(() => DaemonStore.open(dataDir, { settings: { maxSearches: -1 } }), /maxSearches must be a whole number ≥ 0/);
    assert.throws(() => DaemonStore.open(dataDir, { settings: { durability: 'maybe' as 'power' } }), /durability must be/);
  });
});
