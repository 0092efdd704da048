// Our interests in daemon.sqlite: kept across a reopen in the order added, one list per item (adding
// to the other list moves it), removals per list, and the per-list bound and item length refused
// with the store's typed errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonStoreError, MAX_INTEREST_LENGTH, MAX_INTERESTS_PER_LIST } from '../../src/daemon/store/index.ts';
import { openTestStore } from './store-support.ts';

test('interests: kept across a reopen, moved between lists, removed per list, bounded', (t) => {
  const handle = openTestStore();
  t.after(() => handle.dispose());
  const interests = handle.store.interests;
  interests.add('liked', 'jazz');
  handle.clock.now += 1;
  interests.add('hated', 'noise');
  handle.clock.now += 1;
  interests.add('liked', 'bebop');
  interests.add('liked', 'jazz'); // again: no change, keeps its place
  assert.deepEqual(handle.reopen().interests.list(), { liked: ['jazz', 'bebop'], hated: ['noise'] });

  const store = handle.store.interests;
  handle.clock.now += 1;
  store.add('hated', 'jazz');
  assert.deepEqual(store.list(), { liked: ['bebop'], hated: ['noise', 'jazz'] }, 'hating it moved it');
  assert.equal(store.remove('liked', 'jazz'), false, 'not in that list');
  assert.equal(store.remove('hated', 'jazz'), true);
  assert.deepEqual(store.list(), { liked: ['bebop'], hated: ['noise'] });

  assert.throws(() => store.add('liked', 'x'.repeat(MAX_INTEREST_LENGTH + 1)), (e: DaemonStoreError) => e.code === 'BAD_INPUT');
  assert.throws(() => store.add('liked', ''), (e: DaemonStoreError) => e.code === 'BAD_INPUT');
  for (let i = store.list().hated.length; i < MAX_INTERESTS_PER_LIST; i++) store.add('hated', `item ${i}`);
  assert.throws(() => store.add('hated', 'one more'), (e: DaemonStoreError) => e.code === 'FULL');
  store.add('liked', 'still room here');
  assert.equal(store.list().hated.length, MAX_INTERESTS_PER_LIST);
});

test('an item moved to the other list within the same millisecond still goes to its end', (t) => {
  const handle = openTestStore();
  t.after(() => handle.dispose());
  const interests = handle.store.interests;
  // The clock never moves: the order comes from the insertion alone.
  interests.add('liked', 'jazz');
  interests.add('hated', 'metal');
  interests.add('hated', 'jazz');
  assert.deepEqual(interests.list(), { liked: [], hated: ['metal', 'jazz'] });
});
