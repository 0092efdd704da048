// Public rooms: created on first join, member lists with status and stats, join/leave broadcasts,
// messages to members only, the room list with counts, empty rooms removed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RawClient, startServer, type TestServer } from './harness.ts';

const zeroStats = { avgSpeed: 0, uploads: 0n, sharedFileCount: 0, sharedFolderCount: 0 };

describe('rooms', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  test('join, member lists, chat, leave, and the room list', async () => {
    const ann = await RawClient.login(s.port, 'ann');
    const ben = await RawClient.login(s.port, 'ben');
    const cat = await RawClient.login(s.port, 'cat');

    ann.send({ name: 'JoinRoom', roomName: 'Électro fans' });
    // Non-ASCII names are refused (soulfind's rule), with a notice from the server user.
    const notice = await ann.next('PrivateChatMessage');
    assert.equal(notice.username, 'server');
    assert.match(notice.message, /printable ASCII/);

    ann.send({ name: 'JoinRoom', roomName: 'electro' });
    assert.deepEqual(await ann.next('JoinRoom'), {
      name: 'JoinRoom',
      roomName: 'electro',
      users: ['ann'],
      usersStatus: [2],
      usersStats: [zeroStats],
      usersSlotsFree: [0],
      usersCountries: [''],
    });
    assert.deepEqual(await ann.next('RoomTickers'), { name: 'RoomTickers', room: 'electro', tickers: [] });

    ben.send({ name: 'SharedFoldersFiles', sharedFolderCount: 1, sharedFileCount: 10 });
    await ben.next('GetUserStats', (m) => m.username === 'ben');
    ben.send({ name: 'JoinRoom', roomName: 'electro' });
    assert.deepEqual(await ann.next('UserJoinedRoom'), {
      name: 'UserJoinedRoom',
      roomName: 'electro',
      username: 'ben',
      status: 2,
      userStats: { ...zeroStats, sharedFileCount: 10, sharedFolderCount: 1 },
      slotsFree: 0,
      countryCode: '',
    });
    const benJoin = await ben.next('JoinRoom');
    assert.deepEqual(benJoin.users, ['ann', 'ben']);

    // Messages go to every member, the sender included; a non-member's message is ignored.
    ben.send({ name: 'RoomChatMessage', roomName: 'electro', message: 'hi ✌' });
    const expected = { name: 'RoomChatMessage', roomName: 'electro', username: 'ben', message: 'hi ✌' };
    assert.deepEqual(await ann.next('RoomChatMessage'), expected);
    assert.deepEqual(await ben.next('RoomChatMessage'), expected);
    cat.send({ name: 'RoomChatMessage', roomName: 'electro', message: 'gatecrash' });
    await ann.nothingMore('RoomChatMessage');

    // RoomList on request lists every room with its user count.
    cat.send({ name: 'RoomList' });
    const list = await cat.next('RoomList');
    assert.deepEqual(list.rooms, ['electro']);
    assert.deepEqual(list.roomsUserCount, [2]);

    ben.send({ name: 'LeaveRoom', roomName: 'electro' });
    assert.deepEqual(await ben.next('LeaveRoom'), { name: 'LeaveRoom', roomName: 'electro' });
    assert.deepEqual(await ann.next('UserLeftRoom'), { name: 'UserLeftRoom', roomName: 'electro', username: 'ben' });

    // Disconnecting leaves every room; an empty room disappears.
    await ann.close();
    cat.send({ name: 'RoomList' });
    assert.deepEqual((await cat.next('RoomList')).rooms, []);
    await ben.close();
    await cat.close();
  });

  test('joining a room one is already in answers with the room again, to that user only', async () => {
    const ida = await RawClient.login(s.port, 'ida');
    const jon = await RawClient.login(s.port, 'jon');
    for (const user of [ida, jon]) {
      user.send({ name: 'JoinRoom', roomName: 'again' });
      await user.next('JoinRoom');
      await user.next('RoomTickers');
    }
    await ida.next('UserJoinedRoom', (m) => m.username === 'jon');
    jon.send({ name: 'JoinRoom', roomName: 'again' });
    assert.deepEqual((await jon.next('JoinRoom')).users, ['ida', 'jon']);
    assert.deepEqual(await jon.next('RoomTickers'), { name: 'RoomTickers', room: 'again', tickers: [] });
    // Jon's second join is no news to Ida.
    await ida.nothingMore('UserJoinedRoom');
    await ida.close();
    await jon.close();
  });

  test('the room list right after login leaves out rooms with fewer than 5 users', async () => {
    const members = await Promise.all(['m1', 'm2', 'm3', 'm4', 'm5'].map((n) => RawClient.login(s.port, n)));
    for (const m of members) {
      m.send({ name: 'JoinRoom', roomName: 'big room' });
      await m.next('JoinRoom');
    }
    members[0]!.send({ name: 'JoinRoom', roomName: 'small room' });
    await members[0]!.next('JoinRoom');
    const late = await RawClient.connect(s.port);
    late.send({ name: 'Login', username: 'late', password: 'pw', version: 160, md5Hash: '', minorVersion: 1 });
    const list = await late.next('RoomList');
    assert.deepEqual(list.rooms, ['big room']);
    assert.deepEqual(list.roomsUserCount, [5]);
    for (const m of [...members, late]) await m.close();
  });

  test('the public chat feed copies public room messages to subscribers', async () => {
    const talker = await RawClient.login(s.port, 'talker');
    const reader = await RawClient.login(s.port, 'reader');
    reader.send({ name: 'EnablePublicChat' });
    talker.send({ name: 'JoinRoom', roomName: 'lobby' });
    await talker.next('JoinRoom');
    talker.send({ name: 'RoomChatMessage', roomName: 'lobby', message: 'anyone?' });
    assert.deepEqual(await reader.next('PublicChatMessage'), {
      name: 'PublicChatMessage',
      room: 'lobby',
      username: 'talker',
      message: 'anyone?',
    });
    reader.send({ name: 'DisablePublicChat' });
    talker.send({ name: 'RoomChatMessage', roomName: 'lobby', message: 'still?' });
    await talker.next('RoomChatMessage', (m) => m.message === 'still?');
    await reader.nothingMore('PublicChatMessage');
    await talker.close();
    await reader.close();
  });
});
