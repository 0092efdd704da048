// Tests of the SQLite store's private rooms, members and operators, room tickers and the private
// room invitation setting, on real files in a temporary folder, reopened to check they persist.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore, UnknownAccountError, openSqliteStore } from '../../../src/server/store/sqlite-store.ts';

const FAST = { passwordCost: 1024 };

let dir: string;
let fileCounter = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slsk-private-rooms-store-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A store on a new file with accounts `users`, closed after `body` even when an assertion fails. */
async function withStore(users: string[], body: (store: SqliteStore, file: string) => Promise<void>): Promise<void> {
  const file = path.join(dir, `store-${++fileCounter}.sqlite`);
  const store = await openSqliteStore(file, FAST);
  try {
    for (const name of users) await store.createAccount(name, 'pw');
    await body(store, file);
  } finally {
    await store.close();
  }
}

/** listPrivateRooms without the creation times, which depend on the clock. */
async function rooms(store: SqliteStore): Promise<{ name: string; owner: string; members: { username: string; operator: boolean }[] }[]> {
  return (await store.listPrivateRooms()).map(({ name, owner, members }) => ({ name, owner, members }));
}

async function tickers(store: SqliteStore): Promise<[string, string, string][]> {
  return (await store.listRoomTickers()).map((t) => [t.room, t.username, t.ticker]);
}

describe('private rooms', () => {
  test('create, list in creation order with members in the order added, and a taken name', async () => {
    await withStore(['ann', 'ben', 'cat'], async (store) => {
      const before = Date.now();
      assert.equal(await store.createPrivateRoom('b-room', 'ann'), true);
      assert.equal(await store.createPrivateRoom('a-room', 'ben'), true);
      assert.equal(await store.createPrivateRoom('b-room', 'cat'), false);
      assert.equal(await store.addPrivateRoomMember('b-room', 'cat'), true);
      assert.equal(await store.addPrivateRoomMember('b-room', 'ben'), true);
      const listed = await store.listPrivateRooms();
      assert.ok(listed.every((room) => room.createdAt >= before && room.createdAt <= Date.now()));
      assert.deepEqual(await rooms(store), [
        { name: 'b-room', owner: 'ann', members: [{ username: 'cat', operator: false }, { username: 'ben', operator: false }] },
        { name: 'a-room', owner: 'ben', members: [] },
      ]);
    });
  });

  test('an owner with no account is refused and nothing is written', async () => {
    await withStore([], async (store) => {
      await assert.rejects(store.createPrivateRoom('room', 'ghost'), UnknownAccountError);
      assert.deepEqual(await store.listPrivateRooms(), []);
    });
  });

  test('adding a member: twice, the owner, to no room, or with no account', async () => {
    await withStore(['ann', 'ben'], async (store) => {
      await store.createPrivateRoom('room', 'ann');
      assert.equal(await store.addPrivateRoomMember('room', 'ben'), true);
      assert.equal(await store.addPrivateRoomMember('room', 'ben'), false);
      assert.equal(await store.addPrivateRoomMember('room', 'ann'), false);
      assert.equal(await store.addPrivateRoomMember('nowhere', 'ben'), false);
      await assert.rejects(store.addPrivateRoomMember('room', 'ghost'), UnknownAccountError);
      assert.deepEqual(await rooms(store), [{ name: 'room', owner: 'ann', members: [{ username: 'ben', operator: false }] }]);
    });
  });

  test('operators are members with the flag; the owner and non-members cannot be made operators', async () => {
    await withStore(['ann', 'ben', 'cat'], async (store) => {
      await store.createPrivateRoom('room', 'ann');
      await store.addPrivateRoomMember('room', 'ben');
      assert.equal(await store.setPrivateRoomOperator('room', 'ben', true), true);
      assert.equal(await store.setPrivateRoomOperator('room', 'ann', true), false);
      assert.equal(await store.setPrivateRoomOperator('room', 'cat', true), false);
      assert.deepEqual((await rooms(store))[0]?.members, [{ username: 'ben', operator: true }]);
      assert.equal(await store.setPrivateRoomOperator('room', 'ben', false), true);
      assert.deepEqual((await rooms(store))[0]?.members, [{ username: 'ben', operator: false }]);
      // Removing an operator removes the operator right with the membership.
      await store.setPrivateRoomOperator('room', 'ben', true);
      assert.equal(await store.removePrivateRoomMember('room', 'ben'), true);
      assert.equal(await store.removePrivateRoomMember('room', 'ben'), false);
      await store.addPrivateRoomMember('room', 'ben');
      assert.deepEqual((await rooms(store))[0]?.members, [{ username: 'ben', operator: false }]);
    });
  });

  test('disbanding takes the room, its members and its tickers, and leaves other rooms alone', async () => {
    await withStore(['ann', 'ben'], async (store) => {
      await store.createPrivateRoom('gone', 'ann');
      await store.createPrivateRoom('kept', 'ann');
      await store.addPrivateRoomMember('gone', 'ben');
      await store.addPrivateRoomMember('kept', 'ben');
      await store.setRoomTicker('gone', 'ben', 'bye');
      await store.setRoomTicker('kept', 'ben', 'hi');
      await store.setRoomTicker('public', 'ben', 'yo');
      assert.equal(await store.deletePrivateRoom('gone'), true);
      assert.equal(await store.deletePrivateRoom('gone'), false);
      // A name that is no private room keeps its tickers: public room tickers are not disbanded.
      assert.equal(await store.deletePrivateRoom('public'), false);
      assert.deepEqual(await rooms(store), [{ name: 'kept', owner: 'ann', members: [{ username: 'ben', operator: false }] }]);
      assert.deepEqual(await tickers(store), [
        ['kept', 'ben', 'hi'],
        ['public', 'ben', 'yo'],
      ]);
    });
  });

  test('deleting an account takes its rooms, memberships and tickers, and loading still works', async () => {
    await withStore(['ann', 'ben', 'cat'], async (store) => {
      await store.createPrivateRoom('anns', 'ann');
      await store.createPrivateRoom('bens', 'ben');
      await store.addPrivateRoomMember('anns', 'ben');
      await store.addPrivateRoomMember('anns', 'cat');
      await store.addPrivateRoomMember('bens', 'cat');
      await store.setRoomTicker('anns', 'ben', 'mine');
      await store.setRoomTicker('anns', 'cat', 'cats');
      assert.equal(await store.deleteAccount('ben'), true);
      assert.deepEqual(await rooms(store), [{ name: 'anns', owner: 'ann', members: [{ username: 'cat', operator: false }] }]);
      assert.deepEqual(await tickers(store), [['anns', 'cat', 'cats']]);
      // The owner's deletion takes the room and every ticker on its wall, not only the owner's.
      assert.equal(await store.deleteAccount('ann'), true);
      assert.deepEqual(await rooms(store), []);
      assert.deepEqual(await tickers(store), []);
    });
  });
});

describe('room tickers', () => {
  test('set, replace (which makes it the newest), clear, and one per user per room', async () => {
    await withStore(['ann', 'ben'], async (store) => {
      await store.setRoomTicker('room', 'ann', 'first');
      await store.setRoomTicker('room', 'ben', 'second');
      await store.setRoomTicker('other', 'ann', 'elsewhere');
      await store.setRoomTicker('room', 'ann', 'replaced');
      assert.deepEqual(await tickers(store), [
        ['room', 'ben', 'second'],
        ['other', 'ann', 'elsewhere'],
        ['room', 'ann', 'replaced'],
      ]);
      assert.equal(await store.clearRoomTicker('room', 'ben'), true);
      assert.equal(await store.clearRoomTicker('room', 'ben'), false);
      assert.deepEqual(await tickers(store), [
        ['other', 'ann', 'elsewhere'],
        ['room', 'ann', 'replaced'],
      ]);
      const [first] = await store.listRoomTickers();
      assert.ok(first !== undefined && first.setAt > 0 && first.setAt <= Date.now());
    });
  });

  test('a ticker for a name with no account, or an empty one, is refused', async () => {
    await withStore(['ann'], async (store) => {
      await assert.rejects(store.setRoomTicker('room', 'ghost', 'hi'), UnknownAccountError);
      await assert.rejects(store.setRoomTicker('room', 'ann', ''), RangeError);
      await assert.rejects(store.setRoomTicker('', 'ann', 'hi'), RangeError);
      assert.deepEqual(await tickers(store), []);
    });
  });
});

describe('private room invitations', () => {
  test('on by default, switched off and on, undefined and false for an unknown user', async () => {
    await withStore(['ann'], async (store) => {
      assert.equal(await store.getPrivateRoomInvites('ann'), true);
      assert.equal(await store.setPrivateRoomInvites('ann', false), true);
      assert.equal(await store.getPrivateRoomInvites('ann'), false);
      assert.equal(await store.setPrivateRoomInvites('ann', true), true);
      assert.equal(await store.getPrivateRoomInvites('ann'), true);
      assert.equal(await store.getPrivateRoomInvites('ghost'), undefined);
      assert.equal(await store.setPrivateRoomInvites('ghost', false), false);
    });
  });
});

test('rooms, members, operators, tickers and the invitation setting survive a reopen', async () => {
  await withStore(['ann', 'ben'], async (store, file) => {
    await store.createPrivateRoom('room', 'ann');
    await store.addPrivateRoomMember('room', 'ben');
    await store.setPrivateRoomOperator('room', 'ben', true);
    await store.setRoomTicker('room', 'ben', 'hello');
    await store.setPrivateRoomInvites('ben', false);
    await store.close();
    const reopened = await openSqliteStore(file, FAST);
    try {
      assert.deepEqual(await rooms(reopened), [{ name: 'room', owner: 'ann', members: [{ username: 'ben', operator: true }] }]);
      assert.deepEqual(await tickers(reopened), [['room', 'ben', 'hello']]);
      assert.equal(await reopened.getPrivateRoomInvites('ben'), false);
    } finally {
      await reopened.close();
    }
  });
});
