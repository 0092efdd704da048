// slskd's conversation and room routes over the daemon's chat history and the client. Only the generic
// wrappers (slskd-python-api, MCP servers) call them. A conversation is "active" while it has history
// (ours is kept until the retention sweep); acknowledging marks messages read. Room members are not
// tracked after the join, so a joined room lists none.

import type { Static } from 'typebox';
import type { Handlers } from '../http/route.ts';
import { notFound } from '../http/errors.ts';
import type { PrivateMessage as StoredPrivateMessage } from '../store/chat.ts';
import type { RoomMember } from '../../client/types.ts';
import type { SlskdRoutes } from './routes.ts';
import type { PrivateMessage, RoomUser } from './chat-schemas.ts';
import { dotnetDate, queryBool } from './format.ts';
import { asSlskd } from './errors.ts';
import type { SlskdDeps } from './deps.ts';

type ChatRoutes = Pick<
  SlskdRoutes,
  | 'v0Conversations'
  | 'v0Conversation'
  | 'v0ConversationMessages'
  | 'v0SendMessage'
  | 'v0AcknowledgeAll'
  | 'v0Acknowledge'
  | 'v0AvailableRooms'
  | 'v0JoinedRooms'
  | 'v0JoinRoom'
  | 'v0JoinedRoom'
  | 'v0LeaveRoom'
  | 'v0RoomMessages'
  | 'v0SayInRoom'
>;

/** Messages returned per conversation or room: the newest this many, oldest first. */
const MESSAGES = 1000;
const PRESENCE = { online: 'Online', away: 'Away', offline: 'Offline' } as const;

function messageJson(message: StoredPrivateMessage, us: string | undefined): Static<typeof PrivateMessage> {
  return {
    timestamp: dotnetDate(message.at),
    id: message.id,
    username: message.direction === 'in' ? message.peer : (us ?? ''),
    direction: message.direction === 'in' ? 'In' : 'Out',
    message: message.text,
    isAcknowledged: message.read,
    wasReplayed: false,
  };
}

function roomUserJson(member: RoomMember): Static<typeof RoomUser> {
  return {
    username: member.username,
    status: PRESENCE[member.status],
    averageSpeed: member.stats.avgSpeed,
    uploadCount: member.stats.uploads,
    fileCount: member.stats.files,
    directoryCount: member.stats.folders,
    ...(member.country === '' ? {} : { countryCode: member.country }),
    slotsFree: member.slotsFree,
  };
}

export function chatHandlers(deps: SlskdDeps): Handlers<ChatRoutes> {
  const { chat, client } = deps;
  const messages = (peer: string) => chat.privateMessages(peer, { limit: MESSAGES }).reverse().map((m) => messageJson(m, deps.username));
  const roomMessages = (room: string) =>
    chat.roomMessages(room, { limit: MESSAGES }).reverse().map((m) => ({ timestamp: dotnetDate(m.at), username: m.username, message: m.text, roomName: m.room }));
  const joined = (room: string): void => {
    if (!client.rooms.includes(room)) throw notFound(`Not in the room ${room}; join it first (POST /api/v0/rooms/joined)`);
  };

  return {
    v0Conversations: async ({ query }) => {
      const unacknowledgedOnly = queryBool(query.unAcknowledgedOnly, false);
      const list = chat
        .conversations({ limit: MESSAGES })
        .filter((c) => !unacknowledgedOnly || c.unread > 0)
        .map((c) => ({ username: c.peer, isActive: true, unAcknowledgedMessageCount: c.unread, hasUnAcknowledgedMessages: c.unread > 0 }));
      return { status: 200, body: list };
    },
    v0Conversation: async ({ params, query }) => {
      const history = messages(params.username);
      if (history.length === 0) throw notFound(`No conversation with ${params.username}`);
      const unread = chat.unreadCount(params.username);
      return {
        status: 200,
        body: {
          username: params.username,
          isActive: true,
          unAcknowledgedMessageCount: unread,
          hasUnAcknowledgedMessages: unread > 0,
          ...(queryBool(query.includeMessages, true) ? { messages: history } : {}),
        },
      };
    },
    v0ConversationMessages: async ({ params }) => ({ status: 200, body: messages(params.username) }),
    v0SendMessage: async ({ params, body }) => {
      await asSlskd(`a message to ${params.username}`, () => client.sendPrivateMessage(params.username, body));
      chat.addPrivateMessage({ peer: params.username, direction: 'out', text: body });
      return { status: 201, body: undefined };
    },
    v0AcknowledgeAll: async ({ params }) => {
      chat.markRead(params.username);
      return { status: 200, body: undefined };
    },
    v0Acknowledge: async ({ params }) => {
      if (chat.privateMessages(params.username, { before: params.id + 1, limit: 1 })[0]?.id !== params.id) throw notFound(`No message ${params.id} from ${params.username}`);
      chat.markRead(params.username, params.id);
      return { status: 200, body: undefined };
    },

    v0AvailableRooms: async () => {
      const rooms = await asSlskd('the room list', () => client.roomList());
      return { status: 200, body: rooms.map((r) => ({ name: r.name, userCount: r.users, isPrivate: r.private !== undefined, isOwned: r.private === 'owned', isModerated: r.operator === true })) };
    },
    v0JoinedRooms: async () => ({ status: 200, body: [...client.rooms] }),
    v0JoinRoom: async ({ body }) => {
      const state = await asSlskd(`joining ${body}`, () => client.joinRoom(body));
      return { status: 201, body: { name: state.room, isPrivate: client.privateRoom(state.room) !== undefined, users: state.members.map(roomUserJson), messages: roomMessages(state.room) } };
    },
    v0JoinedRoom: async ({ params }) => {
      joined(params.roomName);
      return { status: 200, body: { name: params.roomName, isPrivate: client.privateRoom(params.roomName) !== undefined, users: [], messages: roomMessages(params.roomName) } };
    },
    v0LeaveRoom: async ({ params }) => {
      joined(params.roomName);
      await asSlskd(`leaving ${params.roomName}`, () => client.leaveRoom(params.roomName));
      return { status: 204, body: null };
    },
    v0RoomMessages: async ({ params }) => {
      joined(params.roomName);
      return { status: 200, body: roomMessages(params.roomName) };
    },
    v0SayInRoom: async ({ params, body }) => {
      joined(params.roomName);
      await asSlskd(`a message to ${params.roomName}`, () => client.sayInRoom(params.roomName, body));
      return { status: 201, body: undefined };
    },
  };
}
