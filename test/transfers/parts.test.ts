// The pieces of the transfer manager on their own: local file names from peer-controlled virtual
// paths, moving without overwriting, the upload queue order, the token bucket, the SQLite schema.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { incompletePathFor, localFileName, moveWithoutOverwrite, serveOrder, TokenBucket, TRANSFER_MIGRATIONS } from '../../src/transfers/index.ts';
import { TransferStore } from '../../src/transfers/store.ts';
import { tempDir } from '../server/harness.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('local file names', () => {
  test('the last backslash component, without what file names may not hold', () => {
    assert.equal(localFileName('@@music\\Björk\\Homogenic\\06 - Jóga.flac'), '06 - Jóga.flac');
    assert.equal(localFileName('plain.mp3'), 'plain.mp3');
    assert.equal(localFileName('@@x\\a/b:c*d?e"f<g>h|i.mp3'), 'abcdefghi.mp3');
    assert.equal(localFileName('@@x\\..'), 'file');
    assert.equal(localFileName('@@x\\'), 'file');
    assert.equal(localFileName('@@x\\../../etc/passwd'), '....etcpasswd');
    assert.equal(localFileName('@@x\\name. . '), 'name');
    assert.equal(localFileName('@@x\\tab\there\u0000.txt'), 'tabhere.txt');
    assert.equal(localFileName('@@x\\NUL'), '_NUL');
    assert.equal(localFileName('@@x\\lpt1.txt'), '_lpt1.txt');
  });

  test('long names are cut to 255 bytes, keeping the extension and whole characters', () => {
    const name = localFileName(`@@x\\${'é'.repeat(300)}.flac`);
    assert.ok(Buffer.byteLength(name) <= 255);
    assert.ok(name.endsWith('é.flac'));
  });

  test('partial files: one per user and path, inside the folder', () => {
    const a = incompletePathFor('/tmp/inc', 'alice', '@@x\\..\\..\\song.mp3');
    assert.match(a, /^\/tmp\/inc\/INCOMPLETE[0-9a-f]{16} song\.mp3$/);
    assert.notEqual(a, incompletePathFor('/tmp/inc', 'bob', '@@x\\..\\..\\song.mp3'));
    assert.equal(a, incompletePathFor('/tmp/inc', 'alice', '@@x\\..\\..\\song.mp3'));
  });

  test('a finished file never replaces another: name (1), name (2)…', async () => {
    const dir = tempDir('slsk-move-');
    dirs.push(dir);
    const out = join(dir, 'out');
    for (const [i, expected] of ['song.mp3', 'song (1).mp3', 'song (2).mp3'].entries()) {
      const source = join(dir, `partial-${i}`);
      writeFileSync(source, `take ${i}`);
      const target = await moveWithoutOverwrite(source, out, 'song.mp3');
      assert.equal(target, join(out, expected));
      assert.equal(readFileSync(target, 'utf8'), `take ${i}`);
      assert.ok(!existsSync(source));
    }
    assert.equal(readFileSync(join(out, 'song.mp3'), 'utf8'), 'take 0');
  });
});

describe('upload queue order', () => {
  const item = (username: string, order: number) => ({ username, order });

  test('round-robin between users, each user oldest first', () => {
    const items = [item('a', 0), item('a', 1), item('a', 2), item('b', 3), item('c', 4), item('b', 5)];
    assert.deepEqual(
      serveOrder(items, () => false, new Map()).map((i) => `${i.username}${i.order}`),
      ['a0', 'b3', 'c4', 'a1', 'b5', 'a2'],
    );
  });

  test('privileged users first; the user served longest ago goes next', () => {
    const items = [item('a', 0), item('b', 1), item('vip', 2), item('a', 3), item('vip', 4)];
    // a was just served, b never: b first among the others.
    const order = serveOrder(items, (u) => u === 'vip', new Map([['a', 5]]));
    assert.deepEqual(order.map((i) => `${i.username}${i.order}`), ['vip2', 'vip4', 'b1', 'a0', 'a3']);
  });
});

describe('token bucket', () => {
  test('unlimited never waits; a limit makes the average rate hold', () => {
    let now = 0;
    const unlimited = new TokenBucket(0, () => now);
    assert.equal(unlimited.take(1e9), 0);
    const bucket = new TokenBucket(8000, () => now);
    // The burst (a quarter second) goes at once, then each 4000 bytes cost half a second.
    assert.equal(bucket.take(2000), 0);
    assert.equal(bucket.take(4000), 500);
    now += 500;
    assert.equal(bucket.take(4000), 500);
    bucket.setRate(0);
    assert.equal(bucket.take(1e6), 0);
  });
});

describe('transfer store', () => {
  test('the schema is migrated through PRAGMA user_version and rows round-trip, 64-bit sizes included', () => {
    const dir = tempDir('slsk-store-');
    dirs.push(dir);
    const path = join(dir, 'nested', 'transfers.db');
    const store = new TransferStore(path);
    const row = {
      id: 'x',
      direction: 'download' as const,
      username: 'alice',
      filename: '@@x\\big.iso',
      size: 5n * 1024n ** 3n,
      bytes: 5n * 1024n ** 3n - 1n,
      state: 'queued' as const,
      reason: undefined,
      attempts: 2,
      retryAt: undefined,
      localPath: undefined,
      destination: '/music',
      incompletePath: '/tmp/inc/x',
      legacy: false,
      createdAt: 1,
      updatedAt: 2,
      finishedAt: undefined,
    };
    store.save(row);
    store.save({ ...row, state: 'failed', reason: 'Too many files', retryAt: 99 });
    store.close();
    const again = new TransferStore(path);
    assert.deepEqual(again.all(), [{ ...row, state: 'failed', reason: 'Too many files', retryAt: 99 }]);
    again.close();
    const db = new DatabaseSync(path);
    assert.equal(db.prepare('PRAGMA user_version').get()?.['user_version'], TRANSFER_MIGRATIONS.at(-1)!.version);
    assert.throws(() => db.prepare("INSERT INTO transfers (id, direction, username, filename, state, created_at, updated_at) VALUES ('y', 'sideways', 'a', 'b', 'queued', 0, 0)").run());
    db.close();
  });
});
