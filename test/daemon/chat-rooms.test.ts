// DaemonRooms with real parts: our server on 127.0.0.1, the daemon's Client and another user's Client,
// a real store in a temp dir and the event hub. Joining (shared in flight), members coming and going,
// sending (answered once the server echoes it), mentions, tickers, private rooms (including being
// removed from one), leaving, and a restart: the history and the joined rooms are still there, and the
// rooms are joined again at login.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { ClientError, type Client } from '../../src/client/index.ts';
import { DaemonRooms } from '../../src/daemon/chat/index.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { loggedIn, newClient, nextEvent } from '../client/helpers.ts';
import { hubRecorder } from './hub-recorder.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const code = (expected: string) => (error: unknown): boolean => error instanceof ClientError && error.code === expected;

test('DaemonRooms: join, members, send and echo, mentions, tickers, private rooms, leave, restart', { timeout: 60_000 }, async () => {
  // Messages longer than 100 characters are dropped by this server: a send that is never echoed.
  const server = await startServer({ limits: { maxChatLength: 100 } });
  const dir = tempDir('slsk-daemon-rooms-');
  dirs.push(dir);
  let store = DaemonStore.open(dir);
  const hub = new EventHub();
  const { next, events } = hubRecorder(hub);
  let me: Client = newClient();
  let rooms = new DaemonRooms({ client: me, history: store.chat, hub, echoTimeoutMs: 10_000 });
  const bob = await loggedIn(server.port, 'bob');
  try {
    await me.login({ server: `127.0.0.1:${server.port}`, username: 'daemon', password: 'pw' });

    // Two joins of one room share the one request; the room is remembered for the next start.
    const first = rooms.join('lounge');
    assert.equal(rooms.join('lounge'), first);
    assert.deepEqual(await first, { room: 'lounge', private: false, operators: [], memberCount: 1, present: true });
    await next('roomJoined', (e) => e.event === 'roomJoined' && e.data['room'] === 'lounge');
    assert.deepEqual(store.chat.joinedRooms().map((r) => r.room), ['lounge']);
    assert.deepEqual((await rooms.list()).find((r) => r.name === 'lounge'), { name: 'lounge', users: 1, joined: true });

    // Someone comes in: the member list and an event.
    await bob.joinRoom('lounge');
    await next('bob joining', (e) => e.event === 'roomMembership' && e.data['username'] === 'bob' && e.data['change'] === 'joined');
    assert.deepEqual(rooms.members('lounge').map((m) => [m.username, m.status]), [['daemon', 'online'], ['bob', 'online']]);

    // Sending resolves with the server's echo, stored as ours; bob gets it too.
    const bobHears = nextEvent(bob, 'roomMessage', (m) => m.username === 'daemon');
    const sent = await rooms.send('lounge', 'evening, bob');
    assert.deepEqual([sent.room, sent.username, sent.text, sent.own, sent.mention], ['lounge', 'daemon', 'evening, bob', true, false]);
    assert.equal((await bobHears).text, 'evening, bob');

    // bob's messages: one says our name (any case, as a word), the other only contains it.
    bob.sayInRoom('lounge', 'hey DAEMON, welcome');
    bob.sayInRoom('lounge', 'daemonic vibes');
    const mentioned = await next('the mention', (e) => e.event === 'roomMessage' && e.data['text'] === 'hey DAEMON, welcome');
    assert.deepEqual([mentioned.data['mention'], mentioned.data['own']], [true, false]);
    const plain = await next('the plain message', (e) => e.event === 'roomMessage' && e.data['text'] === 'daemonic vibes');
    assert.equal(plain.data['mention'], false);
    const history = rooms.messages('lounge', { limit: 10 });
    assert.deepEqual(history.map((m) => [m.username, m.text, m.mention, m.own]), [
      ['bob', 'daemonic vibes', false, false],
      ['bob', 'hey DAEMON, welcome', true, false],
      ['daemon', 'evening, bob', false, true],
    ]);
    assert.equal(mentioned.data['historyId'], history[1]!.id);

    // Tickers: bob's arrives as an event and is listed; ours is set through the service.
    await bob.setRoomTicker('lounge', 'spinning Monk');
    await next("bob's ticker", (e) => e.event === 'roomTicker' && e.data['ticker'] === 'spinning Monk');
    await rooms.setTicker('lounge', 'on air');
    assert.deepEqual(rooms.tickers('lounge').sort((a, b) => a.username.localeCompare(b.username)), [{ username: 'bob', ticker: 'spinning Monk' }, { username: 'daemon', ticker: 'on air' }]);

    // bob leaves: the member list and an event.
    await bob.leaveRoom('lounge');
    await next('bob leaving', (e) => e.event === 'roomMembership' && e.data['username'] === 'bob' && e.data['change'] === 'left');
    assert.deepEqual(rooms.members('lounge').map((m) => m.username), ['daemon']);

    // A room joined through the client itself (as the slskd-compatible routes do) is tracked and kept too.
    await me.joinRoom('side');
    assert.deepEqual(rooms.joinedRoom('side'), { room: 'side', private: false, operators: [], memberCount: 1, present: true });
    assert.equal((await rooms.send('side', 'over here')).room, 'side');
    await rooms.leave('side');
    assert.deepEqual(rooms.messages('side', {}).map((m) => m.text), ['over here']);

    // Not in a room: refused before anything is sent.
    assert.throws(() => rooms.send('elsewhere', 'hi'), code('NOT_IN_ROOM'));
    assert.throws(() => rooms.members('elsewhere'), code('NOT_IN_ROOM'));
    assert.throws(() => rooms.send('lounge', 'x'.repeat(2049)), code('INVALID_ARGUMENT'));

    // A private room we create and run: bob added, made operator, the lists follow.
    const den = await rooms.join('den', { private: true });
    assert.deepEqual([den.private, den.owner], [true, 'daemon']);
    const bobAdded = nextEvent(bob, 'roomMembershipGranted', (room) => room === 'den');
    await rooms.addMember('den', 'bob');
    await bobAdded;
    await rooms.addOperator('den', 'bob');
    assert.deepEqual(rooms.privateRooms().find((r) => r.name === 'den'), { name: 'den', owner: 'daemon', members: ['bob'], operators: ['bob'] });
    await rooms.removeOperator('den', 'bob');
    await rooms.removeMember('den', 'bob');
    assert.deepEqual(rooms.privateRooms().find((r) => r.name === 'den')?.members, []);

    // Someone else's private room: we are added, join, and are removed by its owner.
    await bob.joinRoom('bobs', { private: true });
    const granted = nextEvent(me, 'roomMembershipGranted', (room) => room === 'bobs');
    await bob.addRoomMember('bobs', 'daemon');
    await granted;
    await rooms.join('bobs');
    const removedAt = events.length;
    await bob.removeRoomMember('bobs', 'daemon');
    await next('removed from bobs', (e) => e.event === 'roomLeft' && e.data['room'] === 'bobs', removedAt);
    assert.equal(events.slice(removedAt).find((e) => e.event === 'roomLeft')?.data['reason'], 'removed');
    assert.deepEqual(rooms.joined().map((r) => r.room).sort(), ['den', 'lounge']);
    // A room private to others is refused, and not remembered.
    await assert.rejects(rooms.join('bobs'), code('ROOM_REFUSED'));
    assert.deepEqual(store.chat.joinedRooms().map((r) => r.room).sort(), ['den', 'lounge']);

    // Giving up the private room we own disbands it: the server puts us out of it.
    const disbandedAt = events.length;
    await rooms.disown('den');
    await next('out of den', (e) => e.event === 'roomLeft' && e.data['room'] === 'den', disbandedAt);
    assert.deepEqual(store.chat.joinedRooms().map((r) => r.room), ['lounge']);

    // A restart: the store reopened, a new client; the history and the joined room are there, and
    // the room is joined again at login.
    rooms.close();
    await me.close();
    store.close();
    store = DaemonStore.open(dir);
    me = newClient();
    rooms = new DaemonRooms({ client: me, history: store.chat, hub, echoTimeoutMs: 1000, maxJoinedRooms: 1 });
    assert.deepEqual(rooms.joined(), [{ room: 'lounge', private: false, operators: [], memberCount: 0, present: false }]);
    assert.deepEqual(rooms.messages('lounge', {}).map((m) => [m.text, m.mention]), [['daemonic vibes', false], ['hey DAEMON, welcome', true], ['evening, bob', false]]);
    const rejoinedAt = events.length;
    await me.login({ server: `127.0.0.1:${server.port}`, username: 'daemon', password: 'pw' });
    await next('lounge joined again', (e) => e.event === 'roomJoined' && e.data['room'] === 'lounge', rejoinedAt);
    assert.equal(rooms.joinedRoom('lounge').present, true);
    assert.deepEqual(me.rooms, ['lounge']);

    // The bounds: rooms at once, and a message the server never echoes fails (after the echo timeout).
    assert.throws(() => rooms.join('second'), code('TOO_MANY_ROOMS'));
    await assert.rejects(rooms.send('lounge', 'x'.repeat(150)), code('TIMEOUT'));
    assert.equal(rooms.messages('lounge', {}).length, 3, 'nothing stored for it');

    // Leaving forgets it for the next start; the history stays.
    await rooms.leave('lounge');
    assert.deepEqual(rooms.joined(), []);
    assert.deepEqual(store.chat.joinedRooms(), []);
    assert.equal(rooms.messages('lounge', {}).length, 3);
    assert.throws(() => rooms.joinedRoom('lounge'), code('NOT_IN_ROOM'));
  } finally {
    rooms.close();
    await Promise.all([me.close(), bob.close()]);
    hub.close();
    store.close();
    await server.close();
  }
});

test('DaemonRooms: after a reconnect the client joins again by itself and the member list is filled again', { timeout: 60_000 }, async () => {
  const serverData = tempDir('slsk-daemon-rooms-server-');
  const dir = tempDir('slsk-daemon-rooms-reconnect-');
  dirs.push(serverData, dir);
  let server = await startServer({ dataDir: serverData });
  const port = server.port;
  const store = DaemonStore.open(dir);
  const hub = new EventHub();
  const { next, events } = hubRecorder(hub);
  const me = newClient({ reconnect: { enabled: true, initialDelayMs: 50, maxDelayMs: 200 } });
  const rooms = new DaemonRooms({ client: me, history: store.chat, hub });
  let bob: Client | undefined;
  try {
    await me.login({ server: `127.0.0.1:${port}`, username: 'daemon', password: 'pw' });
    assert.equal((await rooms.join('lounge')).memberCount, 1);

    // The server goes away: the room is still ours, but we are not in it now.
    const gone = nextEvent(me, 'disconnected');
    await server.close();
    await gone;
    assert.deepEqual([rooms.joinedRoom('lounge').present, rooms.members('lounge')], [false, []]);

    // It comes back; the client logs in and joins again on its own (no call of ours): the server's
    // reply fills the member list again, and bob coming in (before or after that) is in it.
    const from = events.length;
    server = await startServer({ dataDir: serverData, port });
    await next('lounge joined again', (e) => e.event === 'roomJoined' && e.data['room'] === 'lounge', from);
    assert.equal(rooms.joinedRoom('lounge').present, true);
    bob = await loggedIn(port, 'bob');
    await bob.joinRoom('lounge');
    await next('bob in lounge', (e) => e.event === 'roomMembership' && e.data['username'] === 'bob', from);
    assert.deepEqual(rooms.members('lounge').map((m) => m.username).sort(), ['bob', 'daemon']);
  } finally {
    rooms.close();
    await Promise.all([me.close(), bob?.close()]);
    hub.close();
    store.close();
    await server.close();
  }
});
