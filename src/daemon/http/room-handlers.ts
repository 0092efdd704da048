// The handlers of the room routes: the rooms service's results as the API's JSON.

import type { Handlers } from './route.ts';
import type { JoinedRoomJson, RoomMemberJson, RoomMessageJson, roomRoutes } from './room-routes.ts';
import { chatCall } from './chat-errors.ts';
import type { JoinedRoom, RoomService } from '../chat/index.ts';
import type { RoomMessage } from '../store/index.ts';
import type { RoomMember } from '../../client/index.ts';

export function joinedRoomJson(room: JoinedRoom): JoinedRoomJson {
  return {
    name: room.room,
    private: room.private,
    ...(room.owner === undefined ? {} : { owner: room.owner }),
    operators: room.operators,
    memberCount: room.memberCount,
    present: room.present,
  };
}

export function roomMemberJson(member: RoomMember): RoomMemberJson {
  return {
    username: member.username,
    status: member.status,
    uploadSpeed: member.stats.avgSpeed,
    files: member.stats.files,
    folders: member.stats.folders,
    slotsFree: member.slotsFree,
    country: member.country,
  };
}

export function roomMessageJson(message: RoomMessage): RoomMessageJson {
  return {
    id: message.id,
    room: message.room,
    username: message.username,
    text: message.text,
    time: new Date(message.at).toISOString(),
    own: message.own,
    mention: message.mention,
    truncated: message.truncated,
  };
}

const done = { status: 204, body: null } as const;

export function roomHandlers(rooms: RoomService): Handlers<typeof roomRoutes> {
  return {
    rooms: async () => ({ status: 200, body: await chatCall(() => rooms.list()) }),
    joinedRooms: async () => ({ status: 200, body: rooms.joined().map(joinedRoomJson) }),
    joinRoom: async ({ params, query }) => ({
      status: 200,
      body: joinedRoomJson(await chatCall(() => rooms.join(params.room, query.private === true ? { private: true } : {}), params.room)),
    }),
    joinedRoom: async ({ params }) => ({ status: 200, body: joinedRoomJson(await chatCall(() => rooms.joinedRoom(params.room), params.room)) }),
    leaveRoom: async ({ params }) => {
      await chatCall(() => rooms.leave(params.room), params.room);
      return done;
    },
    roomMembers: async ({ params }) => ({ status: 200, body: (await chatCall(() => rooms.members(params.room), params.room)).map(roomMemberJson) }),
    roomTickers: async ({ params }) => ({ status: 200, body: await chatCall(() => rooms.tickers(params.room), params.room) }),
    setRoomTicker: async ({ params, body }) => {
      await chatCall(() => rooms.setTicker(params.room, body.ticker), params.room);
      return done;
    },
    roomMessages: async ({ params, query }) => ({ status: 200, body: (await chatCall(() => rooms.messages(params.room, query))).map(roomMessageJson) }),
    sendRoomMessage: async ({ params, body }) => ({ status: 201, body: roomMessageJson(await chatCall(() => rooms.send(params.room, body.text), params.room)) }),
    privateRooms: async () => ({ status: 200, body: rooms.privateRooms() }),
    setRoomInvitations: async ({ body }) => ({ status: 200, body: { enabled: await chatCall(() => rooms.setInvitations(body.enabled)) } }),
    addRoomMember: async ({ params }) => {
      await chatCall(() => rooms.addMember(params.room, params.username));
      return done;
    },
    removeRoomMember: async ({ params }) => {
      await chatCall(() => rooms.removeMember(params.room, params.username));
      return done;
    },
    addRoomOperator: async ({ params }) => {
      await chatCall(() => rooms.addOperator(params.room, params.username));
      return done;
    },
    removeRoomOperator: async ({ params }) => {
      await chatCall(() => rooms.removeOperator(params.room, params.username));
      return done;
    },
    giveUpRoomMembership: async ({ params }) => {
      await chatCall(() => rooms.giveUpMembership(params.room));
      return done;
    },
    disownRoom: async ({ params }) => {
      await chatCall(() => rooms.disown(params.room));
      return done;
    },
  };
}
