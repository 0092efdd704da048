// Rooms, private chat and watched users from the client's side: typed calls and events.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError, type Client } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../server/harness.ts';
import { loggedIn, nextEvent } from './helpers.ts';

describe('rooms, chat and watching', () => {
  let s: TestServer;
  let ann: Client;
  let ben: Client;
  before(async () => {
    s = await startServer();
    ann = await loggedIn(s.port, 'soc-ann');
    ben = await loggedIn(s.port, 'soc-ben');
  });
  after(async () => {
    await ann.close();
    await ben.close();
    await s.close();
  });

  test('room list, join with members, messages, join and leave events', async () => {
    const annState = await ann.joinRoom('lounge');
    assert.deepEqual(annState.members.map((m) => [m.username, m.status]), [['soc-ann', 'online']]);
    const joined = nextEvent(ann, 'userJoinedRoom', (e) => e.member.username === 'soc-ben');
    const benState = await ben.joinRoom('lounge');
    assert.deepEqual(benState.members.map((m) => m.username), ['soc-ann', 'soc-ben']);
    assert.equal((await joined).room, 'lounge');
    assert.deepEqual(ben.rooms, ['lounge']);

    const list = await ann.roomList();
    assert.deepEqual(list.find((r) => r.name === 'lounge'), { name: 'lounge', users: 2 });

    const said = nextEvent(ann, 'roomMessage', (m) => m.username === 'soc-ben');
    ben.sayInRoom('lounge', 'hello room ♫');
    assert.deepEqual(await said, { room: 'lounge', username: 'soc-ben', text: 'hello room ♫' });

    const left = nextEvent(ann, 'userLeftRoom', (e) => e.username === 'soc-ben');
    await ben.leaveRoom('lounge');
    assert.deepEqual(await left, { room: 'lounge', username: 'soc-ben' });
    await assert.rejects(ann.joinRoom('Bad  Name'), (error: unknown) => error instanceof ClientError && error.code === 'ROOM_REFUSED');
  });

  test('private messages both ways, and to several users', async () => {
    const got = nextEvent(ben, 'privateMessage', (m) => m.from === 'soc-ann');
    ann.sendPrivateMessage('soc-ben', 'psst');
    const message = await got;
    assert.equal(message.text, 'psst');
    assert.equal(message.isNew, true);
    assert.ok(message.time instanceof Date);

    await ben.watch('soc-ann');
    const many = nextEvent(ben, 'privateMessage', (m) => m.text === 'to everyone');
    ann.sendPrivateMessageToMany(['soc-ben', 'soc-nobody'], 'to everyone');
    assert.equal((await many).from, 'soc-ann');
  });

  test('watching a user: its status and stats, and their changes as events', async () => {
    const unknown = await ann.watch('soc-ghost');
    assert.deepEqual(unknown, { username: 'soc-ghost', exists: false });
    const watched = await ann.watch('soc-ben');
    assert.equal(watched.exists, true);
    assert.equal(watched.status, 'online');
    const away = nextEvent(ann, 'userStatus', (e) => e.username === 'soc-ben' && e.status === 'away');
    ben.setStatus('away');
    assert.equal((await away).privileged, false);
    const stats = nextEvent(ann, 'userStats', (e) => e.username === 'soc-ben' && e.stats.files === 12);
    ben.setSharedCounts(3, 12);
    assert.deepEqual((await stats).stats, { avgSpeed: 0, uploads: 0, files: 12, folders: 3 });
    assert.deepEqual(await ann.userStatus('soc-ben'), { status: 'away', privileged: false });
    assert.deepEqual(await ann.userStats('soc-ben'), { avgSpeed: 0, uploads: 0, files: 12, folders: 3 });
    ann.unwatch('soc-ben');
    ben.setStatus('online');
  });
});
