// The SQLite store's interests and privilege moves on real files: the list rules (one list per
// item, length and count limits), order, deletion with the account, atomic moves, and reopening.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore, UnknownAccountError, type SqliteStore } from '../../../src/server/store/sqlite-store.ts';
import { INTEREST_LIST_LIMIT, INTEREST_MAX_LENGTH } from '../../../src/server/store/store.ts';

let dir: string;
let counter = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slsk-interests-store-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function freshStore(...accounts: string[]): Promise<{ store: SqliteStore; file: string }> {
  const file = path.join(dir, `store-${++counter}.sqlite`);
  const store = await openSqliteStore(file, { passwordCost: 1024 });
  for (const name of accounts) await store.createAccount(name, 'pw');
  return { store, file };
}

describe('interests in the SQLite store', () => {
  test('add, move between lists, unchanged, remove; lists keep the order added', async () => {
    const { store } = await freshStore('alice');
    assert.equal(await store.addInterest('alice', 'jazz', false), 'added');
    assert.equal(await store.addInterest('alice', 'rock', false), 'added');
    assert.equal(await store.addInterest('alice', 'metal', true), 'added');
    assert.equal(await store.addInterest('alice', 'jazz', false), 'unchanged');
    assert.deepEqual(await store.getInterests('alice'), { liked: ['jazz', 'rock'], hated: ['metal'] });

    // An item is never on both lists: hating jazz takes it off the liked list, to the end of the hated one.
    assert.equal(await store.addInterest('alice', 'jazz', true), 'moved');
    assert.deepEqual(await store.getInterests('alice'), { liked: ['rock'], hated: ['metal', 'jazz'] });

    assert.equal(await store.removeInterest('alice', 'jazz', false), false, 'not on the liked list');
    assert.equal(await store.removeInterest('alice', 'jazz', true), true);
    assert.equal(await store.removeInterest('alice', 'jazz', true), false, 'already removed');
    assert.deepEqual(await store.getInterests('alice'), { liked: ['rock'], hated: ['metal'] });
    assert.deepEqual(await store.getInterests('nobody'), { liked: [], hated: [] });
    await store.close();
  });

  test('refusals: too long (in code points) and a full list write nothing', async () => {
    const { store } = await freshStore('bob');
    // 64 emoji are 128 UTF-16 code units but 64 characters: allowed; one more is not.
    const emoji = '🎷'.repeat(INTEREST_MAX_LENGTH);
    assert.equal(await store.addInterest('bob', emoji, false), 'added');
    assert.equal(await store.addInterest('bob', `${emoji}🎺`, false), 'too-long');
    assert.equal(await store.addInterest('bob', 'x'.repeat(INTEREST_MAX_LENGTH + 1), true), 'too-long');

    for (let i = 1; i < INTEREST_LIST_LIMIT; i++) assert.equal(await store.addInterest('bob', `liked ${i}`, false), 'added');
    assert.equal(await store.addInterest('bob', 'one too many', false), 'list-full');
    // The hated list has its own room; moving into the full liked list is refused, leaving it hated.
    assert.equal(await store.addInterest('bob', 'noise', true), 'added');
    assert.equal(await store.addInterest('bob', 'noise', false), 'list-full');
    const lists = await store.getInterests('bob');
    assert.equal(lists.liked.length, INTEREST_LIST_LIMIT);
    assert.deepEqual(lists.hated, ['noise']);
    // A full list still takes an item already on it (unchanged) and accepts removals.
    assert.equal(await store.addInterest('bob', 'liked 1', false), 'unchanged');
    assert.equal(await store.removeInterest('bob', 'liked 1', false), true);
    assert.equal(await store.addInterest('bob', 'one too many', false), 'added');
    await store.close();
  });

  test('allInterests lists everyone, per user in the order added; an account takes its interests when deleted', async () => {
    const { store } = await freshStore('carol', 'alice');
    await store.addInterest('carol', 'b', false);
    await store.addInterest('alice', 'z', true);
    await store.addInterest('carol', 'a', true);
    await store.addInterest('alice', 'y', false);
    assert.deepEqual(await store.allInterests(), [
      { username: 'alice', item: 'z', hated: true },
      { username: 'alice', item: 'y', hated: false },
      { username: 'carol', item: 'b', hated: false },
      { username: 'carol', item: 'a', hated: true },
    ]);
    assert.equal(await store.deleteAccount('carol'), true);
    assert.deepEqual(await store.allInterests(), [
      { username: 'alice', item: 'z', hated: true },
      { username: 'alice', item: 'y', hated: false },
    ]);
    await assert.rejects(store.addInterest('carol', 'a', false), UnknownAccountError);
    await assert.rejects(store.addInterest('alice', '', false), RangeError);
    await store.close();
  });

  test('interests survive closing and reopening the file', async () => {
    const { store, file } = await freshStore('dave');
    await store.addInterest('dave', 'ambient', false);
    await store.addInterest('dave', 'polka', true);
    await store.close();
    const reopened = await openSqliteStore(file, { passwordCost: 1024 });
    assert.deepEqual(await reopened.getInterests('dave'), { liked: ['ambient'], hated: ['polka'] });
    await reopened.close();
  });
});

describe('privilege moves in the SQLite store', () => {
  test('both ends are written together, and survive reopening', async () => {
    const { store, file } = await freshStore('giver', 'taker');
    await store.setPrivilegedUntil('giver', 5_000_000);
    assert.equal(await store.movePrivileges('giver', 3_000_000, 'taker', 2_000_000), true);
    await store.close();
    const reopened = await openSqliteStore(file, { passwordCost: 1024 });
    assert.equal((await reopened.getAccount('giver'))?.privilegedUntil, 3_000_000);
    assert.equal((await reopened.getAccount('taker'))?.privilegedUntil, 2_000_000);
    await reopened.close();
  });

  test('a missing account on either side writes nothing', async () => {
    const { store } = await freshStore('giver');
    await store.setPrivilegedUntil('giver', 5_000_000);
    assert.equal(await store.movePrivileges('giver', 1, 'ghost', 2), false);
    assert.equal((await store.getAccount('giver'))?.privilegedUntil, 5_000_000, 'the giver keeps its days');
    assert.equal(await store.movePrivileges('ghost', 1, 'giver', 2), false);
    assert.equal((await store.getAccount('giver'))?.privilegedUntil, 5_000_000);
    await assert.rejects(store.movePrivileges('giver', -1, 'giver', 2), RangeError);
    await store.close();
  });
});
