// Private rooms and tickers from the client's side, against a live server: an owner, an operator, a
// member and an outsider; every call that succeeds, and every refusal rejecting with the server's
// own words (docs/flows.md §7 "Rooms").

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ClientError, type Client, type PrivateMessage } from '../../src/client/index.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { Recorder, syncWithServer } from './helpers-events.ts';
import { loggedIn, nextEvent } from './helpers.ts';

const ROOM = 'hideout';

/** Rejects with ROOM_REFUSED carrying the server's notice, word for word. */
async function refused(call: Promise<unknown>, notice: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ClientError, `not a ClientError: ${String(error)}`);
    assert.equal(error.code, 'ROOM_REFUSED');
    assert.ok(error.message.endsWith(`: ${notice}`), `${JSON.stringify(error.message)} does not end with the notice ${JSON.stringify(notice)}`);
    return true;
  });
}

describe('private rooms', () => {
  let s: TestServer;
  let owner: Client;
  let op: Client;
  let member: Client;
  let outsider: Client;
  /** Private messages the owner sees (notices not taken by a call of its own). */
  const ownerMessages = new Recorder<PrivateMessage>();

  before(async () => {
    s = await startServer();
    owner = await loggedIn(s.port, 'pr-own');
    op = await loggedIn(s.port, 'pr-op');
    member = await loggedIn(s.port, 'pr-mem');
    outsider = await loggedIn(s.port, 'pr-out');
    owner.on('privateMessage', (message) => ownerMessages.push(message));
  });
  after(async () => {
    await Promise.all([owner, op, member, outsider].map((client) => client.close()));
    await s.close();
  });

  test('joining with private: true creates a room we own', async () => {
    const changed = nextEvent(owner, 'privateRoomChanged', (e) => e.room === ROOM);
    const state = await owner.joinRoom(ROOM, { private: true });
    assert.deepEqual(
      { ...state, members: state.members.map((m) => m.username) },
      { room: ROOM, members: ['pr-own'], owner: 'pr-own', operators: [], tickers: [] },
    );
    assert.deepEqual(await changed, { room: ROOM, owner: 'pr-own', members: [], operators: [] });
    assert.deepEqual(owner.privateRoom(ROOM), { name: ROOM, owner: 'pr-own', members: [], operators: [] });
    assert.deepEqual(owner.privateRooms(), [{ name: ROOM, owner: 'pr-own', members: [], operators: [] }]);
    assert.deepEqual((await owner.roomList()).find((r) => r.name === ROOM), { name: ROOM, users: 1, private: 'owned', operator: false });
    // Others do not see it in their room list.
    assert.equal((await outsider.roomList()).find((r) => r.name === ROOM), undefined);
  });

  test('members and operators: granted by the owner, an operator adds a member, each learns it', async () => {
    // Invitations are accepted unless a user turns them off.
    assert.equal(await op.setRoomInvitations(false), false);
    await refused(
      owner.addRoomMember(ROOM, 'pr-op'),
      'User pr-op does not accept private room invitations. Ask them to enable them before adding them again.',
    );
    assert.equal(await op.setRoomInvitations(true), true);
    assert.equal(await member.setRoomInvitations(true), true);

    const granted = nextEvent(op, 'roomMembershipGranted');
    const opKnows = nextEvent(op, 'privateRoomChanged', (e) => e.room === ROOM && e.members.includes('pr-op'));
    await owner.addRoomMember(ROOM, 'pr-op');
    assert.equal(await granted, ROOM);
    assert.deepEqual(await opKnows, { room: ROOM, members: ['pr-op'], operators: [] });
    // The owner's notice confirming its own change comes after the broadcast; it must not be taken
    // for the refusal of the next call.
    const operatorGranted = nextEvent(op, 'roomOperatorGranted');
    await owner.addRoomOperator(ROOM, 'pr-op');
    assert.equal(await operatorGranted, ROOM);
    assert.deepEqual(owner.privateRoom(ROOM), { name: ROOM, owner: 'pr-own', members: ['pr-op'], operators: ['pr-op'] });

    const told = ownerMessages.wait((m) => m.from === 'server' && m.text.includes('by operator'), 'the notice to the owner');
    const memberGranted = nextEvent(member, 'roomMembershipGranted');
    await op.addRoomMember(ROOM, 'pr-mem');
    assert.equal(await memberGranted, ROOM);
    assert.equal((await told).text, 'User pr-mem was added as a member of room hideout by operator pr-op.');
    await syncWithServer(owner);
    assert.deepEqual(owner.privateRoom(ROOM), { name: ROOM, owner: 'pr-own', members: ['pr-mem', 'pr-op'], operators: ['pr-op'] });
    assert.deepEqual(op.privateRoom(ROOM), { name: ROOM, members: ['pr-mem', 'pr-op'], operators: ['pr-op'] });
    assert.deepEqual(member.privateRoom(ROOM), { name: ROOM, members: ['pr-mem', 'pr-op'], operators: ['pr-op'] });
    assert.deepEqual((await op.roomList()).find((r) => r.name === ROOM), { name: ROOM, users: 1, private: 'member', operator: true });
    assert.deepEqual((await member.roomList()).find((r) => r.name === ROOM), { name: ROOM, users: 1, private: 'member', operator: false });
  });

  test('every permission refusal, in the server\'s words', async () => {
    await refused(op.addRoomOperator(ROOM, 'pr-mem'), 'Only the owner of room hideout can grant operator rights.');
    await refused(op.removeRoomOperator(ROOM, 'pr-op'), 'Only the owner of room hideout can revoke operator rights.');
    await refused(member.addRoomMember(ROOM, 'pr-out'), 'Only the owner and operators of room hideout can add members.');
    await refused(member.removeRoomMember(ROOM, 'pr-op'), 'Only the owner and operators of room hideout can remove members.');
    await refused(op.addRoomMember(ROOM, 'pr-own'), 'User pr-own is the owner of room hideout.');
    await refused(owner.addRoomMember(ROOM, 'pr-mem'), 'User pr-mem is already a member of room hideout.');
    await refused(owner.addRoomMember(ROOM, 'pr-ghost'), 'User pr-ghost is not logged in.');
    await refused(op.removeRoomMember(ROOM, 'pr-own'), 'User pr-own is the owner of room hideout and cannot be removed.');
    await refused(owner.removeRoomMember(ROOM, 'pr-out'), 'User pr-out is not a member of room hideout.');
    await refused(owner.addRoomOperator(ROOM, 'pr-out'), 'User pr-out is not a member of room hideout.');
    await refused(owner.addRoomOperator(ROOM, 'pr-op'), 'User pr-op is already an operator of room hideout.');
    await refused(owner.removeRoomOperator(ROOM, 'pr-mem'), 'User pr-mem is not an operator of room hideout.');
    await refused(owner.leavePrivateRoom(ROOM), 'You own room hideout: drop ownership to disband it instead.');
    await refused(outsider.leavePrivateRoom(ROOM), 'You are not a member of room hideout.');
    await refused(op.disbandRoom(ROOM), 'You do not own room hideout.');
    await refused(owner.disbandRoom('pr-nowhere'), 'Room pr-nowhere is not a private room.');

    // Operators manage members, not other operators.
    await owner.addRoomOperator(ROOM, 'pr-mem');
    await refused(op.removeRoomMember(ROOM, 'pr-mem'), 'Operators cannot remove other operators of room hideout.');
    const revoked = nextEvent(member, 'roomOperatorRevoked');
    await owner.removeRoomOperator(ROOM, 'pr-mem');
    assert.equal(await revoked, ROOM);
    assert.deepEqual(owner.privateRoom(ROOM)?.operators, ['pr-op']);
  });

  test('a non-member cannot enter: the join rejects with the notice, and says so as an event', async () => {
    for (const options of [{}, { private: true }]) {
      const event = nextEvent(outsider, 'roomCreateRefused');
      await refused(outsider.joinRoom(ROOM, options), 'The room you are trying to enter (hideout) is registered as private.');
      assert.deepEqual(await event, { room: ROOM, reason: 'The room you are trying to enter (hideout) is registered as private.' });
    }
    assert.deepEqual(outsider.rooms, []);
    await refused(outsider.joinRoom('bad  name'), 'Could not create room "bad  name": no leading, trailing or double spaces.');
    // Asking for a private room where a public one is in use joins the public one; the notice that
    // says so is news for the app, not the join's answer.
    await op.joinRoom('pr-public');
    const news = nextEvent(outsider, 'privateMessage', (m) => m.from === 'server');
    const state = await outsider.joinRoom('pr-public', { private: true });
    assert.deepEqual({ owner: state.owner, operators: state.operators }, { owner: undefined, operators: [] });
    assert.equal((await news).text, 'Room (pr-public) is registered as public.');
    await refused(owner.disbandRoom('pr-public'), 'Room pr-public is not a private room.');
    // The notices were acknowledged, by the calls they answered or the app that heard them.
    await syncWithServer(outsider);
    assert.deepEqual(await s.server.core.store.pendingPrivateMessages('pr-out'), []);
  });

  test('tickers: set and cleared by members, the list on join, the limits', async () => {
    const joined = await member.joinRoom(ROOM);
    assert.deepEqual({ owner: joined.owner, operators: joined.operators, tickers: joined.tickers }, { owner: 'pr-own', operators: ['pr-op'], tickers: [] });
    const seen = nextEvent(member, 'roomTickerSet', (e) => e.username === 'pr-own');
    await owner.setRoomTicker(ROOM, 'welcome, all ♫');
    assert.deepEqual(await seen, { room: ROOM, username: 'pr-own', ticker: 'welcome, all ♫' });
    assert.deepEqual(owner.roomTickers(ROOM), [{ username: 'pr-own', ticker: 'welcome, all ♫' }]);
    assert.deepEqual(member.roomTickers(ROOM), [{ username: 'pr-own', ticker: 'welcome, all ♫' }]);
    await member.setRoomTicker(ROOM, 'hi');

    const listed = nextEvent(op, 'roomTickers', (e) => e.room === ROOM);
    const opJoined = await op.joinRoom(ROOM);
    const expected = [
      { username: 'pr-own', ticker: 'welcome, all ♫' },
      { username: 'pr-mem', ticker: 'hi' },
    ];
    assert.deepEqual(opJoined.tickers, expected);
    assert.deepEqual(await listed, { room: ROOM, tickers: expected });

    const cleared = nextEvent(op, 'roomTickerCleared');
    await member.clearRoomTicker(ROOM);
    assert.deepEqual(await cleared, { room: ROOM, username: 'pr-mem' });
    assert.deepEqual(op.roomTickers(ROOM), [{ username: 'pr-own', ticker: 'welcome, all ♫' }]);
    // Clearing what is not there is done at once.
    await member.clearRoomTicker(ROOM);

    assert.throws(() => owner.setRoomTicker(ROOM, 'x'.repeat(1025)), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT');
    await owner.setRoomTicker(ROOM, 'x'.repeat(1024));
    assert.throws(() => outsider.setRoomTicker(ROOM, 'let me in'), (error: unknown) => error instanceof ClientError && error.code === 'NOT_IN_ROOM');
  });

  test('membership revoked, dropped, and the room disbanded', async () => {
    const revoked = nextEvent(member, 'roomMembershipRevoked');
    const left = nextEvent(member, 'roomLeft');
    await owner.removeRoomMember(ROOM, 'pr-mem');
    assert.equal(await revoked, ROOM);
    assert.equal(await left, ROOM);
    assert.equal(member.privateRoom(ROOM), undefined);
    assert.deepEqual(member.rooms, []);
    assert.deepEqual(owner.privateRoom(ROOM)?.members, ['pr-op']);

    const ownerSees = nextEvent(owner, 'privateRoomChanged', (e) => e.room === ROOM && e.members.length === 0);
    await op.leavePrivateRoom(ROOM);
    assert.deepEqual(await ownerSees, { room: ROOM, owner: 'pr-own', members: [], operators: [] });
    assert.equal(op.privateRoom(ROOM), undefined);
    assert.deepEqual(op.rooms, ['pr-public']);

    await owner.addRoomMember(ROOM, 'pr-mem');
    const gone = nextEvent(member, 'roomMembershipRevoked');
    const ownerLeft = nextEvent(owner, 'roomLeft');
    await owner.disbandRoom(ROOM);
    assert.equal(await gone, ROOM);
    assert.equal(await ownerLeft, ROOM);
    assert.equal(owner.privateRoom(ROOM), undefined);
    assert.deepEqual(owner.privateRooms(), []);
    assert.equal((await owner.roomList()).find((r) => r.name === ROOM), undefined);
    assert.equal(await member.setRoomInvitations(false), false);
    // Free again: anyone may create it.
    const reborn = await outsider.joinRoom(ROOM, { private: true });
    assert.equal(reborn.owner, 'pr-out');
  });
});

test('after a server restart the client learns its private rooms again, tickers included', async (t) => {
  const dataDir = tempDir('slsk-private-restart-');
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startServer({ dataDir });
  const owner = await loggedIn(first.port, 'rs-own');
  const member = await loggedIn(first.port, 'rs-mem');
  await owner.joinRoom('den', { private: true });
  await owner.addRoomMember('den', 'rs-mem');
  await owner.addRoomOperator('den', 'rs-mem');
  await owner.setRoomTicker('den', 'still here');
  await Promise.all([owner.close(), member.close()]);
  await first.close();

  const second = await startServer({ dataDir });
  t.after(() => second.close());
  const ownerAgain = await loggedIn(second.port, 'rs-own');
  t.after(() => ownerAgain.close());
  const memberAgain = await loggedIn(second.port, 'rs-mem');
  t.after(() => memberAgain.close());
  await Promise.all([ownerAgain, memberAgain].map(syncWithServer));
  assert.deepEqual(ownerAgain.privateRooms(), [{ name: 'den', owner: 'rs-own', members: ['rs-mem'], operators: ['rs-mem'] }]);
  assert.deepEqual(memberAgain.privateRoom('den'), { name: 'den', members: ['rs-mem'], operators: ['rs-mem'] });
  const state = await memberAgain.joinRoom('den');
  assert.deepEqual({ owner: state.owner, operators: state.operators, tickers: state.tickers }, {
    owner: 'rs-own',
    operators: ['rs-mem'],
    tickers: [{ username: 'rs-own', ticker: 'still here' }],
  });
  assert.deepEqual(memberAgain.privateRoom('den'), { name: 'den', owner: 'rs-own', members: ['rs-mem'], operators: ['rs-mem'] });
});
