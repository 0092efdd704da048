import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient, startServer } from './harness.ts';

test('smoke: two users log in and chat in a room', async () => {
  const s = await startServer();
  try {
    const alice = await RawClient.login(s.port, 'alice');
    const bob = await RawClient.login(s.port, 'bob');
    alice.send({ name: 'JoinRoom', roomName: 'indie' });
    await alice.next('JoinRoom');
    bob.send({ name: 'JoinRoom', roomName: 'indie' });
    const joined = await alice.next('UserJoinedRoom');
    assert.equal(joined.username, 'bob');
    bob.send({ name: 'RoomChatMessage', roomName: 'indie', message: 'hi' });
    const said = await alice.next('RoomChatMessage');
    assert.equal(said.message, 'hi');
    await alice.close();
    await bob.close();
  } finally {
    await s.close();
  }
});
