// Chat rooms: join (a public room is created on first join, a private one when asked for), leave,
// talk, the room list, and the public chat feed. Private room management is in private-rooms.ts.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser, Room } from '../network.ts';
import type { Handler } from './context.ts';
import { createPrivateRoom, createProblem } from './private-rooms.ts';
import { membersFrame, operatorsFrame, roomListFrame } from './room-lists.ts';

const MAX_ROOM_NAME = 24;

/** Why a room name is refused, or undefined when it is fine (soulfind's rules). */
export function roomNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Could not create room: the name is empty.';
  if (name.length > MAX_ROOM_NAME) return `Could not create room "${name}": names are at most ${MAX_ROOM_NAME} characters.`;
  if (!/^[\x20-\x7e]+$/.test(name)) return `Could not create room "${name}": only printable ASCII characters are allowed.`;
  if (name !== name.trim() || name.includes('  ')) return `Could not create room "${name}": no leading, trailing or double spaces.`;
  return undefined;
}

export const joinRoom: Handler<'JoinRoom'> = async ({ core, user }, m) => {
  const problem = roomNameProblem(m.roomName);
  if (problem !== undefined) {
    core.sendServerNotice(user, problem);
    return;
  }
  const existing = core.network.rooms.get(m.roomName);
  if (existing?.members.has(user)) {
    // Already in: the room's state again, to this user only (a client waiting for JoinRoom after
    // a reconnect race, or asking twice, gets its answer; the others hear no second join).
    announceJoin(core, existing, user, { rejoin: true });
    return;
  }
  const privateRoom = core.network.privateRooms.get(m.roomName);
  if (privateRoom !== undefined && !privateRoom.admits(user.username)) {
    user.send(serverResponse.CannotCreateRoom({ roomName: m.roomName }));
    core.sendServerNotice(user, `The room you are trying to enter (${m.roomName}) is registered as private.`);
    return;
  }
  if (user.rooms.size >= core.config.limits.maxJoinedRooms) {
    core.sendServerNotice(user, `You are in ${user.rooms.size} rooms, the most this server allows.`);
    return;
  }
  let created: Promise<void> | undefined;
  if (m.isPrivate === true && privateRoom === undefined) {
    if (existing !== undefined) {
      // A public room in use stays public; the user joins it as such.
      core.sendServerNotice(user, `Room (${m.roomName}) is registered as public.`);
    } else {
      const refusal = createProblem(core, user);
      if (refusal !== undefined) {
        core.sendServerNotice(user, refusal);
        return;
      }
      created = createPrivateRoom(core, user, m.roomName);
    }
  }
  const room = core.network.joinRoom(user, m.roomName);
  announceJoin(core, room, user);
  await created;
};

function announceJoin(core: ServerCore, room: Room, joiner: OnlineUser, options: { rejoin?: boolean } = {}): void {
  const joined = serverResponse.UserJoinedRoom({
    roomName: room.name,
    username: joiner.username,
    status: joiner.status,
    userStats: joiner.wireStats,
    slotsFree: 0,
    countryCode: '',
  });
  const members = [...room.members];
  if (options.rejoin !== true) for (const member of members) if (member !== joiner) member.send(joined);
  const privateRoom = core.network.privateRooms.get(room.name);
  joiner.send(
    serverResponse.JoinRoom({
      roomName: room.name,
      users: members.map((u) => u.username),
      usersStatus: members.map((u) => u.status),
      usersStats: members.map((u) => u.wireStats),
      usersSlotsFree: members.map(() => 0),
      usersCountries: members.map(() => ''),
      ...(privateRoom === undefined ? {} : { owner: privateRoom.owner, operator: privateRoom.operatorNames() }),
    }),
  );
  const tickers = core.network.tickers.of(room.name).map(([username, ticker]) => ({ username, ticker }));
  joiner.send(serverResponse.RoomTickers({ room: room.name, tickers }));
  if (privateRoom !== undefined) {
    joiner.send(membersFrame(privateRoom));
    joiner.send(operatorsFrame(privateRoom));
  }
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
  // The public chat feed carries public rooms only: a private room's talk stays with its members.
  if (core.network.privateRooms.get(room.name) !== undefined) return;
  const copy = serverResponse.PublicChatMessage({ room: room.name, username: user.username, message: m.message });
  for (const listener of core.publicChatListeners) if (!room.members.has(listener)) listener.send(copy);
};

export const roomList: Handler<'RoomList'> = ({ core, user }) => {
  user.send(roomListFrame(core, user));
};

export const enablePublicChat: Handler<'EnablePublicChat'> = ({ core, user }) => {
  user.publicChat = true;
  core.publicChatListeners.add(user);
};

export const disablePublicChat: Handler<'DisablePublicChat'> = ({ core, user }) => {
  user.publicChat = false;
  core.publicChatListeners.delete(user);
};
