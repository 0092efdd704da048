// The server's store shares its SQLite file with `slsk server user` in another process. While that
// process holds the write lock, a write of the server waits without blocking the event loop: each
// synchronous attempt waits at most the small busy timeout, and the write is retried later, in order
// with the writes queued after it, until the lock is released. Timing figures: bench/server-store-busy.ts.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { openSqliteStore, StoreBusyError, DEFAULT_BUSY_TIMEOUT_MS } from '../../../src/server/store/sqlite-store.ts';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slsk-store-busy-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const WAIT_MS = 10_000;

/** Resolves once `count` busy retries have been reported, with a deadline. */
function retriesSeen(log: number[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (log.length >= count) resolve();
      else if (Date.now() - started > WAIT_MS) reject(new Error(`only ${log.length} busy retries after ${WAIT_MS} ms`));
      else setImmediate(check);
    };
    check();
  });
}

test('a write while another connection holds the write lock waits asynchronously and lands, in order, once the lock is released', async () => {
  const file = path.join(dir, 'held.sqlite');
  const retries: number[] = [];
  const store = await openSqliteStore(file, { passwordCost: 1024, onBusyRetry: (attempt) => retries.push(attempt) });
  try {
    await store.createAccount('alice', 'pw');
    await store.createAccount('bob', 'pw');
    // Each synchronous attempt may wait for the lock only this long.
    assert.equal(store.busyTimeoutMs(), DEFAULT_BUSY_TIMEOUT_MS);
    assert.ok(DEFAULT_BUSY_TIMEOUT_MS <= 5, `busy timeout ${DEFAULT_BUSY_TIMEOUT_MS} ms`);

    const holder = new DatabaseSync(file, { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE');
    const settled: string[] = [];
    const first = store.setShared('alice', 10, 2).then((stats) => (settled.push('first'), stats));
    const second = store
      .storePrivateMessage({ timestamp: 1, from: 'bob', to: 'alice', message: 'queued behind the first' })
      .then((stored) => (settled.push('second'), stored));
    const read = store.pendingPrivateMessages('alice').then((messages) => (settled.push('read'), messages));

    // The event loop turns while the lock is held (this test runs), and the store keeps trying.
    await retriesSeen(retries, 3);
    assert.deepEqual(settled, [], 'nothing completes while the lock is held');
    holder.exec('COMMIT');
    holder.close();

    assert.deepEqual(await first, { avgSpeed: 0, uploads: 0, sharedFiles: 10, sharedFolders: 2 });
    assert.equal((await second).message, 'queued behind the first');
    assert.deepEqual((await read).map((m) => m.message), ['queued behind the first'], 'the read queued after the write sees it');
    assert.deepEqual(settled, ['first', 'second', 'read'], 'in the order they were asked for');
    // Retries count up from 1 for the write that met the lock; none for the ones queued behind it.
    assert.deepEqual(retries.slice(0, 3), [1, 2, 3]);
  } finally {
    await store.close();
  }
  // Acknowledged means stored: a fresh connection reads it back.
  const check = await openSqliteStore(file, { passwordCost: 1024 });
  assert.deepEqual(await check.getStats('alice'), { avgSpeed: 0, uploads: 0, sharedFiles: 10, sharedFolders: 2 });
  await check.close();
});

test('a lock that is never released fails the write after the retry limit with an error that says what to do', async () => {
  const file = path.join(dir, 'stuck.sqlite');
  const store = await openSqliteStore(file, { passwordCost: 1024, busyRetryLimitMs: 50 });
  const holder = new DatabaseSync(file, { timeout: 0 });
  try {
    await store.createAccount('alice', 'pw');
    holder.exec('BEGIN IMMEDIATE');
    await assert.rejects(store.setShared('alice', 1, 1), (error: unknown) => {
      assert.ok(error instanceof StoreBusyError);
      assert.match(error.message, /stuck\.sqlite is locked by another process .*slsk server user.*the write was not made/);
      return true;
    });
    holder.exec('ROLLBACK');
    // The queue goes on after the failure.
    assert.deepEqual(await store.setShared('alice', 3, 1), { avgSpeed: 0, uploads: 0, sharedFiles: 3, sharedFolders: 1 });
  } finally {
    holder.close();
    await store.close();
  }
});
