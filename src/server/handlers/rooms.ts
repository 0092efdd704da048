// Public chat rooms: join (created on first join), leave, talk, the room list, and the public chat
// feed. Private rooms and tickers arrive with a later issue; the room code leaves room for them.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser, Room } from '../network.ts';
import type { Handler } from './context.ts';

const MAX_ROOM_NAME = 24;

/** Why a room name is refused, or undefined when it is fine (soulfind's rules). */
export function roomNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Could not create room: the name is empty.';
  if (name.length > MAX_ROOM_NAME) return `Could not create room "${name}": names are at most ${MAX_ROOM_NAME} characters.`;
  if (!/^[\x20-\x7e]+$/.test(name)) return `Could not create room "${name}": only printable ASCII characters are allowed.`;
  if (name !== name.trim() || name.includes('  ')) return `Could not create room "${name}": no leading, trailing or double spaces.`;
  return undefined;
}

export const joinRoom: Handler<'JoinRoom'> = ({ core, user }, m) => {
  const problem = roomNameProblem(m.roomName);
  if (problem !== undefined) {
    core.sendServerNotice(user, problem);
    return;
  }
  const existing = core.network.rooms.get(m.roomName);
  if (existing?.members.has(user)) return;
  if (user.rooms.size >= core.config.limits.maxJoinedRooms) {
    core.sendServerNotice(user, `You are in ${user.rooms.size} rooms, the most this server allows.`);
    return;
  }
  if (m.isPrivate === true) {
    core.sendServerNotice(user, `Room "${m.roomName}" was joined as a public room: private rooms are not available on this server yet.`);
  }
  const room = core.network.joinRoom(user, m.roomName);
  announceJoin(core, room, user);
};

function announceJoin(core: ServerCore, room: Room, joiner: OnlineUser): void {
  const joined = serverResponse.UserJoinedRoom({
    roomName: room.name,
    username: joiner.username,
    status: joiner.status,
    userStats: joiner.wireStats,
    slotsFree: 0,
    countryCode: '',
  });
  const members = [...room.members];
  for (const member of members) if (member !== joiner) member.send(joined);
  joiner.send(
    serverResponse.JoinRoom({
      roomName: room.name,
      users: members.map((u) => u.username),
      usersStatus: members.map((u) => u.status),
      usersStats: members.map((u) => u.wireStats),
      usersSlotsFree: members.map(() => 0),
      usersCountries: members.map(() => ''),
    }),
  );
  joiner.send(serverResponse.RoomTickers({ room: room.name, tickers: [] }));
  core.log.debug({ user: joiner.username, room: room.name, members: members.length }, 'joined room');
}

export const leaveRoom: Handler<'LeaveRoom'> = ({ core, user }, m) => {
  const room = core.network.rooms.get(m.roomName);
  if (room === undefined || !room.members.has(user)) return;
  core.network.leaveRoom(user, room);
  user.send(serverResponse.LeaveRoom({ roomName: m.roomName }));
};

export const roomChatMessage: Handler<'RoomChatMessage'> = ({ core, user }, m) => {
  const room = core.network.rooms.get(m.roomName);
  // Only members talk in a room; the rest is ignored.
  if (room === undefined || !room.members.has(user)) return;
  if (m.message.length > core.config.limits.maxChatLength || m.message.length === 0) return;
  const frame = serverResponse.RoomChatMessage({ roomName: room.name, username: user.username, message: m.message });
  for (const member of room.members) member.send(frame);
  const copy = serverResponse.PublicChatMessage({ room: room.name, username: user.username, message: m.message });
  for (const listener of core.publicChatListeners) if (!room.members.has(listener)) listener.send(copy);
};

/** The room list; `minUsers` leaves out small rooms (the list sent right after login does). */
export function roomListFrame(core: ServerCore, minUsers = 0): Uint8Array {
  const rooms = [...core.network.rooms.values()].filter((room) => room.members.size >= minUsers);
  return serverResponse.RoomList({
    rooms: rooms.map((room) => room.name),
    roomsUserCount: rooms.map((room) => room.members.size),
    roomsPrivateOwned: [],
    roomsPrivateOwnedUserCount: [],
    roomsPrivate: [],
    roomsPrivateUserCount: [],
    roomsPrivateOperated: [],
  });
}

export const roomList: Handler<'RoomList'> = ({ core, user }) => {
  user.send(roomListFrame(core));
};

export const enablePublicChat: Handler<'EnablePublicChat'> = ({ core, user }) => {
  user.publicChat = true;
  core.publicChatListeners.add(user);
};

export const disablePublicChat: Handler<'DisablePublicChat'> = ({ core, user }) => {
  user.publicChat = false;
  core.publicChatListeners.delete(user);
};
