// Searches in the daemon store: records and their life, responses round-tripped exactly (uint64 sizes,
// attributes), paging, the FK cascade on delete and sweep, and addResponses' batching bound: files per
// transaction and a turn of the event loop between transactions — counted, not timed.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { DaemonStoreError } from '../../src/daemon/store/index.ts';
import { audioFile, freshStoreEachTest, responseOf, turnsDuring } from './store-support.ts';

const fresh = freshStoreEachTest();

/** Rows in a table, read through a connection of its own (what is on disk, not in this store). */
function countRows(dataDir: string, table: string): number {
  const db = new DatabaseSync(join(dataDir, 'daemon.sqlite'), { readOnly: true });
  try {
    return Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.['n']);
  } finally {
    db.close();
  }
}

describe('daemon store: searches', () => {
  test('a search is created requested, moves along its life, and refuses impossible moves', () => {
    const { store, clock } = fresh();
    const search = store.searches.create({ query: 'aphex twin', scope: 'room', target: 'electronic', filter: 'flac' });
    assert.match(search.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...search, id: undefined },
      { id: undefined, query: 'aphex twin', scope: 'room', target: 'electronic', filter: 'flac', state: 'requested', startedAt: clock.now, endedAt: undefined, responseCount: 0, fileCount: 0 },
    );
    store.searches.setState(search.id, 'in-progress');
    clock.now += 5000;
    assert.equal(store.searches.setState(search.id, 'completed').endedAt, clock.now);
    assert.equal(store.searches.get(search.id).endedAt, clock.now);
    assert.throws(() => store.searches.setState(search.id, 'in-progress'), (error: unknown) => error instanceof DaemonStoreError && error.code === 'BAD_TRANSITION' && /completed and cannot become in-progress/.test(error.message));
    assert.throws(() => store.searches.create({ query: 'x', scope: 'user' }), /a user search needs a target user/);
    assert.throws(() => store.searches.create({ query: 'x', target: 'bob' }), /a network search takes no target/);
    assert.throws(() => store.searches.create({ query: '' }), /query is empty/);
    assert.throws(() => store.searches.create({ query: 'again', id: search.id }), (error: unknown) => error instanceof DaemonStoreError && error.code === 'EXISTS');
    assert.throws(() => store.searches.create({ query: 'x', id: 'not-a-uuid' }), /is not a UUID; leave it out to get one/);
    assert.throws(() => store.searches.get('nope'), (error: unknown) => error instanceof DaemonStoreError && error.code === 'NOT_FOUND');
  });

  test('responses come back exactly as stored, paged by keyset, and counted on the search', async () => {
    const { store } = fresh();
    const search = store.searches.create({ query: 'q' });
    const big = { ...audioFile('huge', 2n ** 63n - 1n), locked: true };
    await store.searches.addResponses(search.id, [{ ...responseOf('alice', 2), files: [big, audioFile('b')] }, responseOf('bob', 3), responseOf('carol', 1)]);
    const record = store.searches.get(search.id);
    assert.equal(record.responseCount, 3);
    assert.equal(record.fileCount, 6);

    const first = store.searches.responses(search.id, { limit: 2 });
    assert.deepEqual(first.map((r) => r.username), ['alice', 'bob']);
    assert.deepEqual(first[0]!.files[0], big, 'a uint64 size and the attributes survive');
    const rest = store.searches.responses(search.id, { after: first.at(-1)!.seq, limit: 2 });
    assert.deepEqual(rest.map((r) => r.username), ['carol']);
    assert.deepEqual({ ...rest[0], seq: 0, receivedAt: 0 }, { ...responseOf('carol', 1), seq: 0, receivedAt: 0 });
  });

  test('searches list newest first, paged, after a reopen', () => {
    const handle = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      handle.clock.now += 1000;
      ids.push(handle.store.searches.create({ query: `q${i}` }).id);
    }
    const store = handle.reopen();
    const page1 = store.searches.list({ limit: 2 });
    const page2 = store.searches.list({ limit: 2, before: page1.at(-1)!.id });
    const page3 = store.searches.list({ limit: 2, before: page2.at(-1)!.id });
    assert.deepEqual([...page1, ...page2, ...page3].map((s) => s.id), ids.toReversed());
  });

  test('deleting a search deletes its responses (FK cascade)', async () => {
    const { store, dataDir } = fresh();
    const keep = store.searches.create({ query: 'keep' });
    const gone = store.searches.create({ query: 'gone' });
    await store.searches.addResponses(keep.id, [responseOf('a', 1)]);
    await store.searches.addResponses(gone.id, [responseOf('b', 1), responseOf('c', 1)]);
    assert.equal(countRows(dataDir, 'search_responses'), 3);
    assert.equal(await store.searches.delete(gone.id), true);
    assert.equal(await store.searches.delete(gone.id), false);
    assert.equal(countRows(dataDir, 'search_responses'), 1);
    assert.throws(() => store.searches.responses(gone.id), /there is no search/);
  });

  test('the sweep removes searches past the age limit and beyond the count limit, responses with them', async () => {
    const { store, clock, dataDir } = fresh({ searchRetentionDays: 2, maxSearches: 3 });
    const day = 86_400_000;
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      made.push(store.searches.create({ query: `q${i}` }).id);
      await store.searches.addResponses(made.at(-1)!, [responseOf(`u${i}`, 2)]);
      clock.now += day / 2;
    }
    // now = start + 3 days: q0 and q1 (started 3 and 2.5 days ago) are too old; q2 (2 days ago) is not,
    // but only the 3 newest may stay.
    assert.equal((await store.sweep()).searches, 3);
    assert.deepEqual(store.searches.list().map((s) => s.query), ['q5', 'q4', 'q3']);
    assert.equal(countRows(dataDir, 'search_responses'), 3);
  });

  test('deleting a search with many responses removes them sweepBatchRows per transaction', async () => {
    const { store, dataDir } = fresh({ sweepBatchRows: 100 });
    const search = store.searches.create({ query: 'popular' });
    await store.searches.addResponses(search.id, Array.from({ length: 350 }, (_, i) => responseOf(`u${i}`, 1)));
    const before = store.transactionStats.transactions;
    const maxBefore = store.transactionStats.maxRowsPerTransaction;
    assert.equal(await store.searches.delete(search.id), true);
    assert.equal(store.transactionStats.transactions - before, 4, '100 + 100 + 100 + 50');
    assert.equal(store.transactionStats.maxRowsPerTransaction, Math.max(maxBefore, 100));
    assert.equal(countRows(dataDir, 'search_responses'), 0);
    assert.equal(countRows(dataDir, 'searches'), 0);
  });

  test('closing the store while addResponses runs rejects it with a typed error, and what was committed stays', async () => {
    const handle = fresh({ responseBatchFiles: 10 });
    const search = handle.store.searches.create({ query: 'q' });
    const writing = handle.store.searches.addResponses(search.id, Array.from({ length: 10 }, (_, i) => responseOf(`u${i}`, 10)));
    handle.store.close(); // after the first batch, before the second
    await assert.rejects(writing, (error: unknown) => error instanceof DaemonStoreError && error.code === 'CLOSED' && /open it again/.test(error.message));
    assert.equal(handle.reopen().searches.get(search.id).responseCount, 1);
  });

  test('addResponses writes 50,000 files in transactions of at most 1,000 files, yielding between them', async () => {
    const { store } = fresh({ responseBatchFiles: 1000 });
    const search = store.searches.create({ query: 'everything' });
    const responses = Array.from({ length: 5000 }, (_, i) => responseOf(`user${i}`, 10));
    const before = { ...store.transactionStats };
    const { turns } = await turnsDuring(() => store.searches.addResponses(search.id, responses));
    const transactions = store.transactionStats.transactions - before.transactions;
    assert.equal(transactions, 50, 'one transaction per 1,000 files');
    assert.equal(store.transactionStats.maxRowsPerTransaction, 1000);
    assert.ok(turns >= transactions - 1, `the event loop turned between transactions (${turns} turns, ${transactions} transactions)`);
    assert.equal(store.searches.get(search.id).fileCount, 50_000);

    // one response bigger than a batch is a batch of its own, never split or merged
    const afterBig = store.transactionStats.transactions;
    await store.searches.addResponses(search.id, [responseOf('small', 1), responseOf('big', 1500), responseOf('small2', 1)]);
    assert.equal(store.transactionStats.transactions - afterBig, 3);
    assert.equal(store.transactionStats.maxRowsPerTransaction, 1500);
  });
});
