// What a user is told about the rooms it can see: the RoomList (public rooms, and the private rooms
// it owns, belongs to and operates) and, for each of its private rooms, the member and operator lists.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import type { PrivateRoom } from '../private-rooms.ts';

/** How many users are in a room right now (RoomList counts joined users, not members). */
function joinedCount(core: ServerCore, name: string): number {
  return core.network.rooms.get(name)?.members.size ?? 0;
}

/** The room list as `user` sees it; `minUsers` leaves out small public rooms (the list sent right after login does). */
export function roomListFrame(core: ServerCore, user: OnlineUser, minUsers = 0): Uint8Array {
  const publicRooms = [...core.network.rooms.values()].filter(
    (room) => room.members.size >= minUsers && core.network.privateRooms.get(room.name) === undefined,
  );
  const mine = core.network.privateRooms.of(user.username);
  const owned = mine.filter((room) => room.owner === user.username);
  const member = mine.filter((room) => room.owner !== user.username);
  return serverResponse.RoomList({
    rooms: publicRooms.map((room) => room.name),
    roomsUserCount: publicRooms.map((room) => room.members.size),
    roomsPrivateOwned: owned.map((room) => room.name),
    roomsPrivateOwnedUserCount: owned.map((room) => joinedCount(core, room.name)),
    roomsPrivate: member.map((room) => room.name),
    roomsPrivateUserCount: member.map((room) => joinedCount(core, room.name)),
    roomsPrivateOperated: member.filter((room) => room.isOperator(user.username)).map((room) => room.name),
  });
}

/** PrivateRoomMembers: everyone but the owner, operators included. */
export function membersFrame(room: PrivateRoom): Uint8Array {
  return serverResponse.PrivateRoomMembers({ room: room.name, username: room.memberNames() });
}

export function operatorsFrame(room: PrivateRoom): Uint8Array {
  return serverResponse.PrivateRoomOperators({ room: room.name, username: room.operatorNames() });
}

/**
 * The RoomList, then the member lists of all the user's private rooms, then their operator lists
 * (the official server's order, as aioslsk records it). Sent at login and to whoever's place in a
 * private room changed.
 */
export function sendRoomList(core: ServerCore, user: OnlineUser, minUsers = 0): void {
  user.send(roomListFrame(core, user, minUsers));
  const mine = core.network.privateRooms.of(user.username);
  for (const room of mine) user.send(membersFrame(room));
  for (const room of mine) user.send(operatorsFrame(room));
}

/** Sends `frame` to those of `usernames` who are online, except `except`. */
export function sendToOnline(core: ServerCore, usernames: Iterable<string>, frame: Uint8Array, except?: string): void {
  for (const name of usernames) {
    if (name === except) continue;
    core.network.online.get(name)?.send(frame);
  }
}
