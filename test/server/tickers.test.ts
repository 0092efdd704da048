// Room tickers against a live server: set, replace, clear, the length limit, users not in the room,
// the list on join (kept while the room is empty), private rooms, and the per-room and per-user bounds.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_TICKER_LENGTH, MAX_TICKERS_PER_ROOM, MAX_TICKERS_PER_USER, RoomTickers } from '../../src/server/private-rooms.ts';
import type { RawClient } from './harness.ts';
import { act, drain, joined, serverPerTest, tickers } from './room-frames.ts';
import { expectNotice } from './server-notice.ts';

const each = serverPerTest();
const login = (...names: string[]): Promise<RawClient[]> => each.login(...names);

async function join(room: string, ...users: RawClient[]): Promise<void> {
  for (const user of users) await act(user, { name: 'JoinRoom', roomName: room });
  for (const user of users) await drain(user);
}

const added = (username: string, ticker: string) => ({ name: 'RoomTickerAdded', room: 'wall', username, ticker });
const removed = (username: string) => ({ name: 'RoomTickerRemoved', room: 'wall', username });

describe('room tickers', () => {
  test('set, replace and clear: everyone in the room hears it, and joiners get the list, oldest first', async () => {
    const [ann, ben, cat] = await login('ann', 'ben', 'cat');
    await join('wall', ann!, ben!);

    await act(ann!, { name: 'SetRoomTicker', room: 'wall', ticker: 'hello' });
    for (const client of [ann!, ben!]) assert.deepEqual(await drain(client), [added('ann', 'hello')]);
    await act(ben!, { name: 'SetRoomTicker', room: 'wall', ticker: 'bens' });
    for (const client of [ann!, ben!]) assert.deepEqual(await drain(client), [added('ben', 'bens')]);
    // Replacing removes the old one first, and the new one is the newest.
    await act(ann!, { name: 'SetRoomTicker', room: 'wall', ticker: 'again' });
    for (const client of [ann!, ben!]) assert.deepEqual(await drain(client), [removed('ann'), added('ann', 'again')]);
    assert.deepEqual(await drain(cat!), []);

    cat!.send({ name: 'JoinRoom', roomName: 'wall' });
    assert.deepEqual(await drain(cat!), [joined('wall', ['ann', 'ben', 'cat']), tickers('wall', ['ben', 'bens'], ['ann', 'again'])]);
    for (const client of [ann!, ben!]) await drain(client);

    // An empty ticker clears; clearing again says nothing.
    await act(ben!, { name: 'SetRoomTicker', room: 'wall', ticker: '' });
    for (const client of [ann!, ben!, cat!]) assert.deepEqual(await drain(client), [removed('ben')]);
    await act(ben!, { name: 'SetRoomTicker', room: 'wall', ticker: '' });
    for (const client of [ann!, ben!, cat!]) assert.deepEqual(await drain(client), []);
  });

  test('tickers stay while the room is empty and survive a restart', async () => {
    const [ann] = await login('ann');
    await join('wall', ann!);
    await act(ann!, { name: 'SetRoomTicker', room: 'wall', ticker: 'still here' });
    await act(ann!, { name: 'LeaveRoom', roomName: 'wall' });
    await drain(ann!);
    await ann!.close();
    const [ben] = await login('ben');
    ben!.send({ name: 'JoinRoom', roomName: 'wall' });
    assert.deepEqual(await drain(ben!), [joined('wall', ['ben']), tickers('wall', ['ann', 'still here'])]);
    await ben!.close();

    await each.restart();
    const [cat] = await login('cat');
    cat!.send({ name: 'JoinRoom', roomName: 'wall' });
    assert.deepEqual(await drain(cat!), [joined('wall', ['cat']), tickers('wall', ['ann', 'still here'])]);
  });

  test(`at most ${MAX_TICKER_LENGTH} characters, counted as a person would; users not in the room are refused`, async () => {
    const [ann, ben] = await login('ann', 'ben');
    await join('wall', ann!);

    ann!.send({ name: 'SetRoomTicker', room: 'wall', ticker: 'x'.repeat(MAX_TICKER_LENGTH + 1) });
    await expectNotice(ann!, `Tickers are at most ${MAX_TICKER_LENGTH} characters; yours has ${MAX_TICKER_LENGTH + 1}.`);
    assert.deepEqual(await drain(ann!), []);
    const longest = '🎵'.repeat(MAX_TICKER_LENGTH);
    await act(ann!, { name: 'SetRoomTicker', room: 'wall', ticker: longest });
    assert.deepEqual(await drain(ann!), [added('ann', longest)]);

    // Not in the room (or no such room): refused, and the room hears nothing.
    for (const room of ['wall', 'nowhere']) {
      ben!.send({ name: 'SetRoomTicker', room, ticker: 'drive-by' });
      await expectNotice(ben!, `You must be in room ${room} to set its ticker.`);
    }
    assert.deepEqual(await drain(ann!), []);
    assert.deepEqual(await drain(ben!), []);
  });

  test('in a private room: members set them, and a removed member takes its ticker along', async () => {
    const [ann, ben] = await login('ann', 'ben');
    await act(ann!, { name: 'JoinRoom', roomName: 'den', isPrivate: true });
    await act(ann!, { name: 'PrivateRoomGrantMembership', room: 'den', username: 'ben' });
    await join('den', ben!);
    await drain(ann!);
    await act(ben!, { name: 'SetRoomTicker', room: 'den', ticker: 'inside' });
    const benTicker = { name: 'RoomTickerAdded', room: 'den', username: 'ben', ticker: 'inside' };
    for (const client of [ann!, ben!]) assert.deepEqual(await drain(client), [benTicker]);

    await act(ann!, { name: 'PrivateRoomRevokeMembership', room: 'den', username: 'ben' });
    assert.deepEqual(await drain(ann!), [
      { name: 'PrivateRoomRevokeMembership', room: 'den', username: 'ben' },
      { name: 'UserLeftRoom', roomName: 'den', username: 'ben' },
      { name: 'RoomTickerRemoved', room: 'den', username: 'ben' },
    ]);
    await act(ann!, { name: 'LeaveRoom', roomName: 'den' });
    await act(ann!, { name: 'JoinRoom', roomName: 'den' });
    const rejoin = await drain(ann!);
    assert.deepEqual(rejoin.filter((m) => m.name === 'RoomTickers'), [tickers('den')]);
  });
});

test(`a room keeps at most ${MAX_TICKERS_PER_ROOM} tickers and a user ${MAX_TICKERS_PER_USER}: the oldest goes`, () => {
  const wall = new RoomTickers();
  for (let i = 0; i < MAX_TICKERS_PER_ROOM; i++) assert.deepEqual(wall.set('wall', `user${i}`, `t${i}`), []);
  // Replacing one's own ticker evicts nobody.
  assert.deepEqual(wall.set('wall', 'user0', 'newer'), []);
  assert.deepEqual(wall.set('wall', 'late', 'last'), [{ room: 'wall', username: 'user1' }]);
  const kept = wall.of('wall');
  assert.equal(kept.length, MAX_TICKERS_PER_ROOM);
  assert.deepEqual(kept[0], ['user2', 't2']);
  assert.deepEqual(kept.slice(-2), [
    ['user0', 'newer'],
    ['late', 'last'],
  ]);

  const rover = new RoomTickers();
  for (let i = 0; i < MAX_TICKERS_PER_USER; i++) assert.deepEqual(rover.set(`room ${i}`, 'ann', 'hi'), []);
  assert.deepEqual(rover.set('room 0', 'ann', 'replaced'), []);
  assert.deepEqual(rover.set('one more', 'ann', 'hi'), [{ room: 'room 1', username: 'ann' }]);
  assert.deepEqual(rover.of('room 1'), []);
  assert.deepEqual(rover.of('room 0'), [['ann', 'replaced']]);
  // A room's last ticker gone, the room is forgotten; others keep theirs.
  assert.deepEqual(rover.clearRoom('room 0'), ['ann']);
  assert.deepEqual(rover.set('room 1', 'ann', 'back'), []);
});
