// The room routes' cases for http-routes.test.ts: each through the typed client and with fetch and
// JSON written by hand. The fixture's rooms are MemoryRooms (test/daemon/memory-chat.ts).

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { roomRoutes } from '../../src/daemon/http/room-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const writeNoBody = { 'x-api-key': KEYS.write };
const read = { 'x-api-key': KEYS.read };
const errorOf = (json: unknown): [string, string] => [(json as { error: string }).error, (json as { message: string }).message];
const notInRoom = (e: DaemonApiError): boolean => e.status === 409 && e.code === 'not_in_room';

export const roomCases: Record<keyof typeof roomRoutes, RouteTestCase> = {
  rooms: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const rooms = await f.client({ apiKey: KEYS.read }).rooms();
      assert.deepEqual(rooms, [
        { name: 'jazz', users: 12, joined: true },
        { name: 'hideout', users: 2, private: 'owned', operator: false, joined: false },
      ]);
    },
    raw: async (f) => {
      f.services.rooms.online = false;
      const { status, json } = await rawJson(f, 'GET', '/api/v1/rooms', read);
      assert.equal(status, 409);
      assert.deepEqual(errorOf(json), ['not_connected', 'Not logged in to the Soulseek server; connect first (PUT /api/v1/application/connection)']);
    },
  },
  joinedRooms: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual(await api.joinedRooms(), []);
      await f.services.rooms.join('jazz');
      assert.deepEqual(await api.joinedRooms(), [{ name: 'jazz', private: false, operators: [], memberCount: 2, present: true }]);
    },
    raw: async (f) => {
      await f.services.rooms.join('den', { private: true });
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/joined-rooms', read), {
        status: 200,
        json: [{ name: 'den', private: true, owner: 'tester', operators: [], memberCount: 2, present: true }],
      });
    },
  },
  joinRoom: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      const room = await api.joinRoom({ params: { room: 'late night' }, query: {} });
      assert.deepEqual(room, { name: 'late night', private: false, operators: [], memberCount: 2, present: true });
      assert.deepEqual(await api.joinRoom({ params: { room: 'den' }, query: { private: true } }).then((r) => [r.private, r.owner]), [true, 'tester']);
      await assert.rejects(f.client({ apiKey: KEYS.read }).joinRoom({ params: { room: 'x' }, query: {} }), (e: DaemonApiError) => e.status === 403);
    },
    raw: async (f) => {
      // No body needed: the name is the path, the option a query parameter.
      const joined = await rawJson(f, 'PUT', '/api/v1/joined-rooms/late%20night?private=true', writeNoBody);
      assert.deepEqual(joined, { status: 200, json: { name: 'late night', private: true, owner: 'tester', operators: [], memberCount: 2, present: true } });
      const refused = await rawJson(f, 'PUT', '/api/v1/joined-rooms/vault', writeNoBody);
      assert.equal(refused.status, 409);
      assert.deepEqual(errorOf(refused.json), ['room_refused', 'The server refused room "vault": it is a private room of another user']);
      assert.equal((await rawJson(f, 'PUT', `/api/v1/joined-rooms/${'r'.repeat(101)}`, writeNoBody)).status, 400);
      assert.equal((await rawJson(f, 'PUT', '/api/v1/joined-rooms/jazz?private=maybe', writeNoBody)).status, 400);
    },
  },
  joinedRoom: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const api = f.client({ apiKey: KEYS.read });
      assert.equal((await api.joinedRoom({ params: { room: 'jazz' } })).memberCount, 2);
      await assert.rejects(api.joinedRoom({ params: { room: 'blues' } }), notInRoom);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/joined-rooms/blues%20bar', read);
      assert.equal(status, 409);
      assert.deepEqual(errorOf(json), ['not_in_room', 'The daemon is not in room "blues bar"; join it first (PUT /api/v1/joined-rooms/blues%20bar)']);
    },
  },
  leaveRoom: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.leaveRoom({ params: { room: 'jazz' } }), null);
      assert.deepEqual(await api.joinedRooms(), []);
      await assert.rejects(api.leaveRoom({ params: { room: 'jazz' } }), notInRoom);
    },
    raw: async (f) => {
      await f.services.rooms.join('jazz');
      assert.deepEqual(await rawJson(f, 'DELETE', '/api/v1/joined-rooms/jazz', writeNoBody), { status: 204, json: undefined });
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/joined-rooms/jazz', writeNoBody)).status, 409);
    },
  },
  roomMembers: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const members = await f.client({ apiKey: KEYS.read }).roomMembers({ params: { room: 'jazz' } });
      assert.deepEqual(members.map((m) => [m.username, m.status]), [['tester', 'online'], ['bob', 'away']]);
    },
    raw: async (f) => {
      await f.services.rooms.join('jazz');
      const { status, json } = await rawJson(f, 'GET', '/api/v1/joined-rooms/jazz/members', read);
      assert.equal(status, 200);
      assert.deepEqual((json as unknown[])[0], { username: 'tester', status: 'online', uploadSpeed: 100, files: 10, folders: 2, slotsFree: 1, country: 'NL' });
      assert.equal((await rawJson(f, 'GET', '/api/v1/joined-rooms/blues/members', read)).status, 409);
    },
  },
  roomTickers: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).roomTickers({ params: { room: 'jazz' } }), [{ username: 'bob', ticker: 'hi all' }]);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'GET', '/api/v1/joined-rooms/jazz/tickers', read)).status, 409);
    },
  },
  setRoomTicker: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.setRoomTicker({ params: { room: 'jazz' }, body: { ticker: 'spinning Monk' } }), null);
      assert.deepEqual(await api.roomTickers({ params: { room: 'jazz' } }), [{ username: 'bob', ticker: 'hi all' }, { username: 'tester', ticker: 'spinning Monk' }]);
      await api.setRoomTicker({ params: { room: 'jazz' }, body: { ticker: '' } });
      assert.equal((await api.roomTickers({ params: { room: 'jazz' } })).length, 1);
    },
    raw: async (f) => {
      await f.services.rooms.join('jazz');
      const twoLines = await rawJson(f, 'PUT', '/api/v1/joined-rooms/jazz/ticker', write, '{"ticker": "one\\ntwo"}');
      assert.deepEqual([twoLines.status, (twoLines.json as { field: string }).field], [400, '/body/ticker']);
      assert.equal((await rawJson(f, 'PUT', '/api/v1/joined-rooms/jazz/ticker', write, JSON.stringify({ ticker: 'x'.repeat(1025) }))).status, 400);
      assert.equal((await rawJson(f, 'PUT', '/api/v1/joined-rooms/jazz/ticker', write, '{"ticker": "ok"}')).status, 204);
    },
  },
  roomMessages: {
    client: async (f) => {
      const rooms = f.services.rooms;
      for (const text of ['one', 'two', 'three']) rooms.say('jazz', 'bob', text);
      const api = f.client({ apiKey: KEYS.read });
      const newest = await api.roomMessages({ params: { room: 'jazz' }, query: { limit: 2 } });
      assert.deepEqual(newest.map((m) => m.text), ['three', 'two']);
      const older = await api.roomMessages({ params: { room: 'jazz' }, query: { before: newest[1]!.id } });
      assert.deepEqual(older.map((m) => m.text), ['one']);
    },
    raw: async (f) => {
      f.services.rooms.say('jazz', 'bob', 'hey tester, listen');
      const { status, json } = await rawJson(f, 'GET', '/api/v1/rooms/jazz/messages', read);
      assert.deepEqual([status, json], [200, [{ id: 1, room: 'jazz', username: 'bob', text: 'hey tester, listen', time: '2026-01-01T00:00:01.000Z', own: false, mention: true, truncated: false }]]);
      assert.equal((await rawJson(f, 'GET', '/api/v1/rooms/jazz/messages?limit=1001', read)).status, 400);
      assert.equal((await rawJson(f, 'GET', '/api/v1/rooms/jazz/messages?before=0', read)).status, 400);
    },
  },
  sendRoomMessage: {
    client: async (f) => {
      await f.services.rooms.join('jazz');
      const api = f.client({ apiKey: KEYS.write });
      const sent = await api.sendRoomMessage({ params: { room: 'jazz' }, body: { text: 'evening all' } });
      assert.deepEqual([sent.text, sent.username, sent.own, sent.mention], ['evening all', 'tester', true, false]);
      assert.deepEqual((await api.roomMessages({ params: { room: 'jazz' }, query: {} })).map((m) => m.id), [sent.id]);
      await assert.rejects(api.sendRoomMessage({ params: { room: 'blues' }, body: { text: 'hello?' } }), notInRoom);
    },
    raw: async (f) => {
      await f.services.rooms.join('jazz');
      const empty = await rawJson(f, 'POST', '/api/v1/rooms/jazz/messages', write, '{"text": ""}');
      assert.deepEqual([empty.status, (empty.json as { field: string }).field], [400, '/body/text']);
      const long = await rawJson(f, 'POST', '/api/v1/rooms/jazz/messages', write, JSON.stringify({ text: 'x'.repeat(2049) }));
      assert.deepEqual([long.status, (long.json as { field: string }).field], [400, '/body/text']);
      const sent = await rawJson(f, 'POST', '/api/v1/rooms/jazz/messages', write, '{"text": "ok"}');
      assert.deepEqual([sent.status, (sent.json as { text: string }).text], [201, 'ok']);
    },
  },
  privateRooms: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).privateRooms(), [{ name: 'hideout', owner: 'tester', members: ['bob'], operators: [] }]);
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/private-rooms', read), { status: 200, json: [{ name: 'hideout', owner: 'tester', members: ['bob'], operators: [] }] });
    },
  },
  setRoomInvitations: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.write }).setRoomInvitations({ body: { enabled: false } }), { enabled: false });
      assert.equal(f.services.rooms.invitations, false);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'PUT', '/api/v1/private-rooms/invitations', write, '{"enabled": "no"}')).status, 400);
      assert.deepEqual(await rawJson(f, 'PUT', '/api/v1/private-rooms/invitations', write, '{"enabled": true}'), { status: 200, json: { enabled: true } });
    },
  },
  addRoomMember: {
    client: async (f) => {
      assert.equal(await f.client({ apiKey: KEYS.write }).addRoomMember({ params: { room: 'hideout', username: 'carol' } }), null);
      assert.deepEqual(f.services.rooms.privateRoomList[0]!.members, ['bob', 'carol']);
    },
    raw: async (f) => {
      const refused = await rawJson(f, 'PUT', '/api/v1/private-rooms/elsewhere/members/carol', writeNoBody);
      assert.deepEqual([refused.status, errorOf(refused.json)[0]], [409, 'room_refused']);
      assert.match(errorOf(refused.json)[1], /^The server refused .*not the owner/);
    },
  },
  removeRoomMember: {
    client: async (f) => {
      await f.client({ apiKey: KEYS.write }).removeRoomMember({ params: { room: 'hideout', username: 'bob' } });
      assert.deepEqual(f.services.rooms.privateRoomList[0]!.members, []);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout/members/bob', writeNoBody)).status, 204);
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout/members/bob', read)).status, 403);
    },
  },
  addRoomOperator: {
    client: async (f) => {
      await f.client({ apiKey: KEYS.write }).addRoomOperator({ params: { room: 'hideout', username: 'bob' } });
      assert.deepEqual(f.services.rooms.privateRoomList[0]!.operators, ['bob']);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'PUT', '/api/v1/private-rooms/hideout/operators/bob', writeNoBody)).status, 204);
      assert.deepEqual(f.services.rooms.privateRoomList[0]!.operators, ['bob']);
    },
  },
  removeRoomOperator: {
    client: async (f) => {
      f.services.rooms.privateRoomList[0]!.operators.push('bob');
      await f.client({ apiKey: KEYS.write }).removeRoomOperator({ params: { room: 'hideout', username: 'bob' } });
      assert.deepEqual(f.services.rooms.privateRoomList[0]!.operators, []);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout/operators/bob', writeNoBody)).status, 204);
      assert.equal((await rawJson(f, 'DELETE', `/api/v1/private-rooms/hideout/operators/${'u'.repeat(101)}`, writeNoBody)).status, 400);
    },
  },
  giveUpRoomMembership: {
    client: async (f) => {
      await f.client({ apiKey: KEYS.write }).giveUpRoomMembership({ params: { room: 'hideout' } });
      assert.deepEqual(f.services.rooms.privateRoomList, []);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout/membership', writeNoBody)).status, 204);
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout/membership', writeNoBody)).status, 409);
    },
  },
  disownRoom: {
    client: async (f) => {
      await f.client({ apiKey: KEYS.write }).disownRoom({ params: { room: 'hideout' } });
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).privateRooms(), []);
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'DELETE', '/api/v1/private-rooms/hideout', writeNoBody), { status: 204, json: undefined });
    },
  },
};
