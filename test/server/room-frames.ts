// Helpers of the private room and ticker tests: everything a client received up to a round trip,
// and the decoded room messages they expect, built with their defaults.

import { afterEach, beforeEach } from 'node:test';
import type { ServerResponse, ServerResponseOf } from '../../src/protocol/index.ts';
import { RawClient, startServer, type TestServer } from './harness.ts';

export const zeroStats = { avgSpeed: 0, uploads: 0n, sharedFileCount: 0, sharedFolderCount: 0 };

/**
 * Everything the client received until the server answered a round trip, in order. Server notices
 * stay behind for expectNotice: they are sent once stored, so they may come after the marker.
 */
export async function drain(client: RawClient): Promise<ServerResponse[]> {
  await client.sync();
  const got = client.received.filter((m) => m.name !== 'PrivateChatMessage');
  client.received.splice(0, client.received.length, ...client.received.filter((m) => m.name === 'PrivateChatMessage'));
  return got;
}

/**
 * A fresh server for every test of the file, and `login(...)`, whose clients (their login burst
 * drained) are closed after the test. `restart()` replaces the server with one on the same data
 * folder, which is removed after the test as usual.
 */
export function serverPerTest(): { readonly server: TestServer; login(...names: string[]): Promise<RawClient[]>; restart(): Promise<void> } {
  let current: TestServer | undefined;
  let clients: RawClient[] = [];
  beforeEach(async () => {
    current = await startServer();
  });
  afterEach(async () => {
    for (const client of clients) if (!client.closed) await client.close();
    clients = [];
    await current?.close();
  });
  return {
    get server(): TestServer {
      if (current === undefined) throw new Error('no server outside a test');
      return current;
    },
    async login(...names) {
      const logged = await Promise.all(names.map((name) => RawClient.login(this.server.port, name)));
      clients.push(...logged);
      // What follows the login burst (the user's own status) is not what these tests look at.
      for (const client of logged) await drain(client);
      return logged;
    },
    async restart() {
      const first = this.server;
      await first.server.close();
      const second = await startServer({ dataDir: first.dataDir });
      current = {
        ...second,
        close: async () => {
          await second.close();
          await first.close();
        },
      };
    },
  };
}

/** Sends a message and waits until the server has handled it (a round trip). */
export async function act(client: RawClient, message: Parameters<RawClient['send']>[0]): Promise<void> {
  client.send(message);
  await client.sync();
}

export function roomList(fields: Partial<Omit<ServerResponseOf<'RoomList'>, 'name'>> = {}): ServerResponseOf<'RoomList'> {
  return {
    name: 'RoomList',
    rooms: [],
    roomsUserCount: [],
    roomsPrivateOwned: [],
    roomsPrivateOwnedUserCount: [],
    roomsPrivate: [],
    roomsPrivateUserCount: [],
    roomsPrivateOperated: [],
    ...fields,
  };
}

export function members(room: string, ...username: string[]): ServerResponseOf<'PrivateRoomMembers'> {
  return { name: 'PrivateRoomMembers', room, username };
}

export function operators(room: string, ...username: string[]): ServerResponseOf<'PrivateRoomOperators'> {
  return { name: 'PrivateRoomOperators', room, username };
}

/** The JoinRoom reply for users who are all online with no stats; owner and operators for a private room. */
export function joined(roomName: string, users: string[], owner?: { owner: string; operator: string[] }): ServerResponseOf<'JoinRoom'> {
  return {
    name: 'JoinRoom',
    roomName,
    users,
    usersStatus: users.map(() => 2),
    usersStats: users.map(() => zeroStats),
    usersSlotsFree: users.map(() => 0),
    usersCountries: users.map(() => ''),
    ...owner,
  };
}

export function userJoined(roomName: string, username: string): ServerResponseOf<'UserJoinedRoom'> {
  return { name: 'UserJoinedRoom', roomName, username, status: 2, userStats: zeroStats, slotsFree: 0, countryCode: '' };
}

export function tickers(room: string, ...pairs: [string, string][]): ServerResponseOf<'RoomTickers'> {
  return { name: 'RoomTickers', room, tickers: pairs.map(([username, ticker]) => ({ username, ticker })) };
}
