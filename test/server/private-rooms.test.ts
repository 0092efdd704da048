// Private rooms against a live server with several raw clients: creation, the JoinRoom owner and
// operator fields, each membership and operator change with exactly who hears what, disbanding,
// every permission refusal, the RoomList sections, the public chat feed, and a restart.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerRequest } from '../../src/protocol/index.ts';
import { MAX_OWNED_PRIVATE_ROOMS } from '../../src/server/private-rooms.ts';
import { RawClient, startServer } from './harness.ts';
import { act, drain, joined, members, operators, roomList, serverPerTest, tickers, userJoined } from './room-frames.ts';
import { expectNotice } from './server-notice.ts';

const each = serverPerTest();
const login = (...names: string[]): Promise<RawClient[]> => each.login(...names);

/** `owner` creates private room `room` (and is in it); what that sent is checked elsewhere. */
async function create(owner: RawClient, room: string): Promise<void> {
  await act(owner, { name: 'JoinRoom', roomName: room, isPrivate: true });
  await drain(owner);
}

/** `actor` adds each of `targets` to `room` and waits until every client involved heard of it. */
async function grant(actor: RawClient, room: string, ...targets: string[]): Promise<void> {
  for (const username of targets) await act(actor, { name: 'PrivateRoomGrantMembership', room, username });
}

async function refused(client: RawClient, message: ServerRequest, notice: string, ...watchers: RawClient[]): Promise<void> {
  client.send(message);
  await expectNotice(client, notice);
  assert.deepEqual(await drain(client), []);
  for (const watcher of watchers) assert.deepEqual(await drain(watcher), [], `${watcher === client ? 'actor' : 'watcher'} heard nothing`);
}

describe('private rooms', () => {
  test('JoinRoom with isPrivate on a free name creates the room: the owner gets its lists, then the join with owner and operators', async () => {
    const [ann, ben] = await login('ann', 'ben');
    ann!.send({ name: 'JoinRoom', roomName: 'club', isPrivate: true });
    assert.deepEqual(await drain(ann!), [
      roomList({ roomsPrivateOwned: ['club'], roomsPrivateOwnedUserCount: [0] }),
      members('club'),
      operators('club'),
      joined('club', ['ann'], { owner: 'ann', operator: [] }),
      tickers('club'),
      members('club'),
      operators('club'),
    ]);
    // The owner's RoomList counts users in the room; strangers see no private room at all.
    ann!.send({ name: 'RoomList' });
    assert.deepEqual(await drain(ann!), [roomList({ roomsPrivateOwned: ['club'], roomsPrivateOwnedUserCount: [1] })]);
    ben!.send({ name: 'RoomList' });
    assert.deepEqual(await drain(ben!), [roomList()]);

    // A stranger cannot join, asking for a private room or not.
    for (const isPrivate of [undefined, true]) {
      ben!.send({ name: 'JoinRoom', roomName: 'club', ...(isPrivate ? { isPrivate } : {}) });
      await expectNotice(ben!, 'The room you are trying to enter (club) is registered as private.');
      assert.deepEqual(await drain(ben!), [{ name: 'CannotCreateRoom', roomName: 'club' }]);
    }
    assert.deepEqual(await drain(ann!), []);
  });

  test('asking for a private room whose name a public room in use has joins the public room, with a notice', async () => {
    const [ann, ben] = await login('ann', 'ben');
    await act(ann!, { name: 'JoinRoom', roomName: 'lobby' });
    await drain(ann!);
    ben!.send({ name: 'JoinRoom', roomName: 'lobby', isPrivate: true });
    await expectNotice(ben!, 'Room (lobby) is registered as public.');
    assert.deepEqual(await drain(ben!), [joined('lobby', ['ann', 'ben']), tickers('lobby')]);
    assert.deepEqual(await drain(ann!), [userJoined('lobby', 'ben')]);
    ben!.send({ name: 'RoomList' });
    assert.deepEqual(await drain(ben!), [roomList({ rooms: ['lobby'], roomsUserCount: [2] })]);
  });

  test('membership and operator changes: who hears what', async () => {
    const [ann, ben, cat, dan] = await login('ann', 'ben', 'cat', 'dan');
    await create(ann!, 'den');

    // The owner adds ben: everyone in the room hears it, ben included; ben gets his lists.
    ann!.send({ name: 'PrivateRoomGrantMembership', room: 'den', username: 'ben' });
    await expectNotice(ann!, 'User ben is now a member of room den.');
    assert.deepEqual(await drain(ann!), [{ name: 'PrivateRoomGrantMembership', room: 'den', username: 'ben' }]);
    assert.deepEqual(await drain(ben!), [
      { name: 'PrivateRoomGrantMembership', room: 'den', username: 'ben' },
      { name: 'PrivateRoomMembershipGranted', room: 'den' },
      roomList({ roomsPrivate: ['den'], roomsPrivateUserCount: [1] }),
      members('den', 'ben'),
      operators('den'),
    ]);

    // cat becomes a member, then an operator.
    await grant(ann!, 'den', 'cat');
    await expectNotice(ann!, 'User cat is now a member of room den.');
    await drain(ann!);
    await drain(cat!);
    assert.deepEqual(await drain(ben!), [{ name: 'PrivateRoomGrantMembership', room: 'den', username: 'cat' }]);
    ann!.send({ name: 'PrivateRoomGrantOperator', room: 'den', username: 'cat' });
    await expectNotice(ann!, 'User cat is now an operator of room den.');
    const granted = { name: 'PrivateRoomGrantOperator', room: 'den', username: 'cat' };
    assert.deepEqual(await drain(ann!), [granted]);
    assert.deepEqual(await drain(ben!), [granted]);
    assert.deepEqual(await drain(cat!), [
      granted,
      { name: 'PrivateRoomOperatorGranted', room: 'den' },
      roomList({ roomsPrivate: ['den'], roomsPrivateUserCount: [1], roomsPrivateOperated: ['den'] }),
      members('den', 'ben', 'cat'),
      operators('den', 'cat'),
    ]);

    // A member joins: JoinRoom with the owner and operators, then the room's lists.
    ben!.send({ name: 'JoinRoom', roomName: 'den' });
    assert.deepEqual(await drain(ben!), [
      joined('den', ['ann', 'ben'], { owner: 'ann', operator: ['cat'] }),
      tickers('den'),
      members('den', 'ben', 'cat'),
      operators('den', 'cat'),
    ]);
    assert.deepEqual(await drain(ann!), [userJoined('den', 'ben')]);

    // An operator adds and removes a plain member; the owner is told who did it.
    cat!.send({ name: 'PrivateRoomGrantMembership', room: 'den', username: 'dan' });
    await expectNotice(ann!, 'User dan was added as a member of room den by operator cat.');
    const danIn = { name: 'PrivateRoomGrantMembership', room: 'den', username: 'dan' };
    for (const client of [ann!, ben!, cat!]) assert.deepEqual(await drain(client), [danIn]);
    assert.deepEqual(await drain(dan!), [
      danIn,
      { name: 'PrivateRoomMembershipGranted', room: 'den' },
      roomList({ roomsPrivate: ['den'], roomsPrivateUserCount: [2] }),
      members('den', 'ben', 'cat', 'dan'),
      operators('den', 'cat'),
    ]);
    cat!.send({ name: 'PrivateRoomRevokeMembership', room: 'den', username: 'dan' });
    await expectNotice(ann!, 'User dan was removed from room den by operator cat.');
    const danOut = { name: 'PrivateRoomRevokeMembership', room: 'den', username: 'dan' };
    for (const client of [ann!, ben!, cat!]) assert.deepEqual(await drain(client), [danOut]);
    assert.deepEqual(await drain(dan!), [{ name: 'PrivateRoomMembershipRevoked', room: 'den' }, roomList()]);

    // The owner removes ben, who is in the room: he is taken out of it and the others see him leave.
    ann!.send({ name: 'PrivateRoomRevokeMembership', room: 'den', username: 'ben' });
    await expectNotice(ann!, 'User ben is no longer a member of room den.');
    assert.deepEqual(await drain(ben!), [
      { name: 'PrivateRoomMembershipRevoked', room: 'den' },
      { name: 'LeaveRoom', roomName: 'den' },
      roomList(),
    ]);
    assert.deepEqual(await drain(ann!), [
      { name: 'PrivateRoomRevokeMembership', room: 'den', username: 'ben' },
      { name: 'UserLeftRoom', roomName: 'den', username: 'ben' },
    ]);
    assert.deepEqual(await drain(cat!), [{ name: 'PrivateRoomRevokeMembership', room: 'den', username: 'ben' }]);
    // Now a stranger again.
    ben!.send({ name: 'JoinRoom', roomName: 'den' });
    await expectNotice(ben!, 'The room you are trying to enter (den) is registered as private.');
    assert.deepEqual(await drain(ben!), [{ name: 'CannotCreateRoom', roomName: 'den' }]);

    // The owner takes cat's operator rights, then gives them back and cat gives them up itself.
    ann!.send({ name: 'PrivateRoomRevokeOperator', room: 'den', username: 'cat' });
    await expectNotice(ann!, 'User cat is no longer an operator of room den.');
    const revoked = { name: 'PrivateRoomRevokeOperator', room: 'den', username: 'cat' };
    assert.deepEqual(await drain(ann!), [revoked]);
    const catUnmade = [
      revoked,
      { name: 'PrivateRoomOperatorRevoked', room: 'den' },
      roomList({ roomsPrivate: ['den'], roomsPrivateUserCount: [1] }),
      members('den', 'cat'),
      operators('den'),
    ];
    assert.deepEqual(await drain(cat!), catUnmade);
    await act(ann!, { name: 'PrivateRoomGrantOperator', room: 'den', username: 'cat' });
    await expectNotice(ann!, 'User cat is now an operator of room den.');
    await drain(cat!);
    await drain(ann!);
    cat!.send({ name: 'PrivateRoomOperatorRevoked', room: 'den' });
    await expectNotice(ann!, 'User cat is no longer an operator of room den.');
    assert.deepEqual(await drain(cat!), catUnmade);
    assert.deepEqual(await drain(ann!), [revoked]);

    // An operator who drops its membership loses the operator right with it, announced first.
    await act(ann!, { name: 'PrivateRoomGrantOperator', room: 'den', username: 'cat' });
    await expectNotice(ann!, 'User cat is now an operator of room den.');
    await drain(cat!);
    await drain(ann!);
    cat!.send({ name: 'PrivateRoomDropMembership', room: 'den' });
    await expectNotice(ann!, 'User cat is no longer a member of room den.');
    assert.deepEqual(await drain(cat!), [{ name: 'PrivateRoomMembershipRevoked', room: 'den' }, roomList()]);
    assert.deepEqual(await drain(ann!), [revoked, { name: 'PrivateRoomRevokeMembership', room: 'den', username: 'cat' }]);
    ann!.send({ name: 'RoomList' });
    assert.deepEqual(await drain(ann!), [roomList({ roomsPrivateOwned: ['den'], roomsPrivateOwnedUserCount: [1] })]);
  });

  test('dropping ownership disbands the room: members lose it, everyone in it leaves, the name is free again', async () => {
    const [ann, ben, cat] = await login('ann', 'ben', 'cat');
    await create(ann!, 'den');
    await grant(ann!, 'den', 'ben', 'cat');
    await act(ben!, { name: 'JoinRoom', roomName: 'den' });
    await act(ben!, { name: 'SetRoomTicker', room: 'den', ticker: 'bens' });
    for (const client of [ann!, ben!, cat!]) await drain(client);

    await act(ann!, { name: 'PrivateRoomDropOwnership', room: 'den' });
    assert.deepEqual(await drain(ann!), [{ name: 'LeaveRoom', roomName: 'den' }, roomList()]);
    assert.deepEqual(await drain(ben!), [
      { name: 'PrivateRoomMembershipRevoked', room: 'den' },
      { name: 'UserLeftRoom', roomName: 'den', username: 'ann' },
      { name: 'LeaveRoom', roomName: 'den' },
      roomList(),
    ]);
    assert.deepEqual(await drain(cat!), [{ name: 'PrivateRoomMembershipRevoked', room: 'den' }, roomList()]);

    // The name is free: joining it makes a public room, without the private room's tickers.
    cat!.send({ name: 'JoinRoom', roomName: 'den' });
    assert.deepEqual(await drain(cat!), [joined('den', ['cat']), tickers('den')]);
  });

  test('every refusal is a notice to the actor, and nobody else hears anything', async () => {
    const [ann, ben, cat, fay, dan, eve] = await login('ann', 'ben', 'cat', 'fay', 'dan', 'eve');
    await create(ann!, 'den');
    await grant(ann!, 'den', 'ben', 'cat', 'fay');
    await act(ann!, { name: 'PrivateRoomGrantOperator', room: 'den', username: 'cat' });
    await act(ann!, { name: 'PrivateRoomGrantOperator', room: 'den', username: 'fay' });
    await act(ben!, { name: 'JoinRoom', roomName: 'den' });
    await act(eve!, { name: 'TogglePrivateRoomInvites', enable: false });
    assert.deepEqual(await drain(eve!), [{ name: 'TogglePrivateRoomInvites', enabled: false }]);
    const gone = await RawClient.login(each.server.port, 'gone');
    await gone.close();
    for (const name of ['ben', 'cat', 'fay']) await expectNotice(ann!, `User ${name} is now a member of room den.`);
    for (const name of ['cat', 'fay']) await expectNotice(ann!, `User ${name} is now an operator of room den.`);
    for (const client of [ann!, ben!, cat!, fay!, dan!]) await drain(client);
    const room = 'den';
    const all = [ann!, ben!, cat!, fay!, dan!, eve!];
    const grantTo = (username: string): ServerRequest => ({ name: 'PrivateRoomGrantMembership', room, username });
    const revokeFrom = (username: string): ServerRequest => ({ name: 'PrivateRoomRevokeMembership', room, username });

    // Adding members.
    await refused(dan!, grantTo('eve'), 'Only the owner and operators of room den can add members.', ...all);
    await refused(ben!, grantTo('dan'), 'Only the owner and operators of room den can add members.', ...all);
    await refused(ann!, grantTo('eve'), 'User eve does not accept private room invitations. Ask them to enable them before adding them again.', ...all);
    await refused(cat!, grantTo('gone'), 'User gone is not logged in.', ...all);
    await refused(ann!, grantTo('nobody'), 'User nobody is not logged in.', ...all);
    await refused(ann!, grantTo('ben'), 'User ben is already a member of room den.', ...all);
    await refused(cat!, grantTo('ann'), 'User ann is the owner of room den.', ...all);
    await refused(ann!, { name: 'PrivateRoomGrantMembership', room: 'lobby', username: 'dan' }, 'Room lobby is not a private room.', ...all);
    // Removing members.
    await refused(ben!, revokeFrom('fay'), 'Only the owner and operators of room den can remove members.', ...all);
    await refused(dan!, revokeFrom('ben'), 'Only the owner and operators of room den can remove members.', ...all);
    await refused(cat!, revokeFrom('ann'), 'User ann is the owner of room den and cannot be removed.', ...all);
    await refused(cat!, revokeFrom('fay'), 'Operators cannot remove other operators of room den.', ...all);
    await refused(cat!, revokeFrom('cat'), 'To leave room den, drop your membership instead.', ...all);
    await refused(ann!, revokeFrom('dan'), 'User dan is not a member of room den.', ...all);
    // Dropping membership and ownership.
    await refused(ann!, { name: 'PrivateRoomDropMembership', room }, 'You own room den: drop ownership to disband it instead.', ...all);
    await refused(dan!, { name: 'PrivateRoomDropMembership', room }, 'You are not a member of room den.', ...all);
    await refused(cat!, { name: 'PrivateRoomDropOwnership', room }, 'You do not own room den.', ...all);
    await refused(dan!, { name: 'PrivateRoomDropOwnership', room: 'nowhere' }, 'Room nowhere is not a private room.', ...all);
    // Operators.
    await refused(cat!, { name: 'PrivateRoomGrantOperator', room, username: 'ben' }, 'Only the owner of room den can grant operator rights.', ...all);
    await refused(dan!, { name: 'PrivateRoomGrantOperator', room, username: 'dan' }, 'Only the owner of room den can grant operator rights.', ...all);
    await refused(ann!, { name: 'PrivateRoomGrantOperator', room, username: 'dan' }, 'User dan is not a member of room den.', ...all);
    await refused(ann!, { name: 'PrivateRoomGrantOperator', room, username: 'ann' }, 'User ann is not a member of room den.', ...all);
    await refused(ann!, { name: 'PrivateRoomGrantOperator', room, username: 'cat' }, 'User cat is already an operator of room den.', ...all);
    await refused(cat!, { name: 'PrivateRoomRevokeOperator', room, username: 'fay' }, 'Only the owner of room den can revoke operator rights.', ...all);
    await refused(ann!, { name: 'PrivateRoomRevokeOperator', room, username: 'ben' }, 'User ben is not an operator of room den.', ...all);
    await refused(ben!, { name: 'PrivateRoomOperatorRevoked', room }, 'You are not an operator of room den.', ...all);
    // A stranger cannot join, talk in or search the room.
    dan!.send({ name: 'JoinRoom', roomName: room });
    await expectNotice(dan!, 'The room you are trying to enter (den) is registered as private.');
    assert.deepEqual(await drain(dan!), [{ name: 'CannotCreateRoom', roomName: room }]);
    await refused(dan!, { name: 'RoomSearch', room, ticket: 7, query: 'secret' }, 'You cannot search room den: it is a private room you are not a member of.', ...all);
    await act(dan!, { name: 'RoomChatMessage', roomName: room, message: 'let me in' });
    await act(dan!, { name: 'SetRoomTicker', room, ticker: 'graffiti' });
    await expectNotice(dan!, 'You must be in room den to set its ticker.');
    for (const client of all) assert.deepEqual(await drain(client), []);
    // A member who is not in the room may still search it; those in it get the search.
    await act(cat!, { name: 'RoomSearch', room, ticket: 8, query: 'shared' });
    assert.deepEqual(await drain(ben!), [{ name: 'FileSearch', username: 'cat', ticket: 8, query: 'shared' }]);
    assert.deepEqual(await drain(ann!), [{ name: 'FileSearch', username: 'cat', ticket: 8, query: 'shared' }]);
    // Invitations back on: eve can be added.
    await act(eve!, { name: 'TogglePrivateRoomInvites', enable: true });
    assert.deepEqual(await drain(eve!), [{ name: 'TogglePrivateRoomInvites', enabled: true }]);
    await act(ann!, grantTo('eve'));
    await expectNotice(ann!, 'User eve is now a member of room den.');
  });

  test('a user owns at most a few private rooms; the name checks of public rooms apply', async () => {
    const [ann] = await login('ann');
    for (let i = 0; i < MAX_OWNED_PRIVATE_ROOMS; i++) {
      await act(ann!, { name: 'JoinRoom', roomName: `room ${i}`, isPrivate: true });
      await act(ann!, { name: 'LeaveRoom', roomName: `room ${i}` });
    }
    await drain(ann!);
    await refused(ann!, { name: 'JoinRoom', roomName: 'one more', isPrivate: true }, `You already own ${MAX_OWNED_PRIVATE_ROOMS} private rooms, the most this server allows.`);
    await refused(ann!, { name: 'JoinRoom', roomName: ' spaced', isPrivate: true }, 'Could not create room " spaced": no leading, trailing or double spaces.');
    // Empty private rooms persist, with no one in them.
    ann!.send({ name: 'RoomList' });
    const owned = Array.from({ length: MAX_OWNED_PRIVATE_ROOMS }, (_, i) => `room ${i}`);
    assert.deepEqual(await drain(ann!), [roomList({ roomsPrivateOwned: owned, roomsPrivateOwnedUserCount: owned.map(() => 0) })]);
  });

  test('the public chat feed carries public rooms only', async () => {
    const [ann, ben, reader] = await login('ann', 'ben', 'reader');
    await act(reader!, { name: 'EnablePublicChat' });
    await create(ann!, 'den');
    await grant(ann!, 'den', 'ben');
    await act(ben!, { name: 'JoinRoom', roomName: 'den' });
    await act(ann!, { name: 'JoinRoom', roomName: 'lobby' });
    await drain(ann!);
    await drain(ben!);
    await act(ann!, { name: 'RoomChatMessage', roomName: 'den', message: 'just us' });
    const said = { name: 'RoomChatMessage', roomName: 'den', username: 'ann', message: 'just us' };
    assert.deepEqual(await drain(ann!), [said]);
    assert.deepEqual(await drain(ben!), [said]);
    await act(ann!, { name: 'RoomChatMessage', roomName: 'lobby', message: 'hello all' });
    assert.deepEqual(await drain(reader!), [{ name: 'PublicChatMessage', room: 'lobby', username: 'ann', message: 'hello all' }]);
  });

  test('the admin rooms command shows which rooms are private, empty ones included', async () => {
    const own = await startServer({ admins: ['root'] });
    try {
      const [ann, ben, root] = await Promise.all(['ann', 'ben', 'root'].map((name) => RawClient.login(own.port, name)));
      await act(ann!, { name: 'JoinRoom', roomName: 'den', isPrivate: true });
      await act(ann!, { name: 'PrivateRoomGrantMembership', room: 'den', username: 'ben' });
      await act(ben!, { name: 'JoinRoom', roomName: 'lobby' });
      await act(ann!, { name: 'JoinRoom', roomName: 'quiet', isPrivate: true });
      await act(ann!, { name: 'LeaveRoom', roomName: 'quiet' });
      root!.send({ name: 'PrivateChatMessage', username: 'server', message: 'rooms' });
      await expectNotice(root!, ['3 rooms:', 'den (1 user, private, owner ann, 1 member)', 'lobby (1 user)', 'quiet (0 users, private, owner ann, 0 members)'].join('\n'));
      for (const client of [ann!, ben!, root!]) await client.close();
    } finally {
      await own.close();
    }
  });

  test('rooms, members, operators, tickers and the invitation setting survive a restart', async () => {
    const [ann, ben, eve] = await login('ann', 'ben', 'eve');
    await create(ann!, 'vault');
    await grant(ann!, 'vault', 'ben');
    await act(ann!, { name: 'PrivateRoomGrantOperator', room: 'vault', username: 'ben' });
    await act(ben!, { name: 'JoinRoom', roomName: 'vault' });
    await act(ben!, { name: 'SetRoomTicker', room: 'vault', ticker: 'members only' });
    await act(ann!, { name: 'JoinRoom', roomName: 'plaza' });
    await act(ann!, { name: 'SetRoomTicker', room: 'plaza', ticker: 'public wall' });
    await act(eve!, { name: 'TogglePrivateRoomInvites', enable: false });
    for (const client of [ann!, ben!, eve!]) await client.close();
    await each.restart();
    const again: RawClient[] = [];
    try {
      // The lists at login: the RoomList, then each private room's members, then its operators.
      const loginLists = async (name: string) => {
        const client = await RawClient.connect(each.server.port);
        again.push(client);
        client.send({ name: 'Login', username: name, password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
        await client.next('ExcludedSearchPhrases');
        const lists = client.received.filter((m) => ['RoomList', 'PrivateRoomMembers', 'PrivateRoomOperators'].includes(m.name));
        await client.sync();
        client.received.splice(0);
        return { client, lists };
      };
      const annAgain = await loginLists('ann');
      assert.deepEqual(annAgain.lists, [
        roomList({ roomsPrivateOwned: ['vault'], roomsPrivateOwnedUserCount: [0] }),
        members('vault', 'ben'),
        operators('vault', 'ben'),
      ]);
      const benAgain = await loginLists('ben');
      assert.deepEqual(benAgain.lists, [
        roomList({ roomsPrivate: ['vault'], roomsPrivateUserCount: [0], roomsPrivateOperated: ['vault'] }),
        members('vault', 'ben'),
        operators('vault', 'ben'),
      ]);
      const eveAgain = await loginLists('eve');
      assert.deepEqual(eveAgain.lists, [roomList()]);

      annAgain.client.send({ name: 'JoinRoom', roomName: 'vault' });
      assert.deepEqual(await drain(annAgain.client), [
        joined('vault', ['ann'], { owner: 'ann', operator: ['ben'] }),
        tickers('vault', ['ben', 'members only']),
        members('vault', 'ben'),
        operators('vault', 'ben'),
      ]);
      eveAgain.client.send({ name: 'JoinRoom', roomName: 'plaza' });
      assert.deepEqual(await drain(eveAgain.client), [joined('plaza', ['eve']), tickers('plaza', ['ann', 'public wall'])]);
      // Still a private room to a stranger; still refusing invitations.
      eveAgain.client.send({ name: 'JoinRoom', roomName: 'vault' });
      assert.deepEqual(await drain(eveAgain.client), [{ name: 'CannotCreateRoom', roomName: 'vault' }]);
      annAgain.client.send({ name: 'PrivateRoomGrantMembership', room: 'vault', username: 'eve' });
      await expectNotice(annAgain.client, 'User eve does not accept private room invitations. Ask them to enable them before adding them again.');
    } finally {
      for (const client of again) if (!client.closed) await client.close();
    }
  });
});
