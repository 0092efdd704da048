// The daemon's chat: rooms (DaemonRooms) and private conversations (DaemonConversations).

export { DaemonRooms, MAX_CHAT_TEXT, MAX_JOINED_ROOMS, MAX_MEMBERS_PER_ROOM, MAX_PENDING_SENDS, checkChatText, type DaemonRoomsOptions, type JoinedRoom, type RoomListEntry } from './rooms.ts';
export { DaemonConversations, type ConversationPage, type DaemonConversationsOptions } from './conversations.ts';
export { mentionsUser } from './mentions.ts';

import type { DaemonConversations } from './conversations.ts';
import type { DaemonRooms } from './rooms.ts';

/**
 * What the HTTP routes use of the rooms. Errors: ClientError with code NOT_IN_ROOM, ROOM_REFUSED,
 * TOO_MANY_ROOMS, BUSY, INVALID_ARGUMENT, NOT_CONNECTED, TIMEOUT; DaemonStoreError BAD_INPUT.
 */
export type RoomService = Pick<
  DaemonRooms,
  | 'list' | 'joined' | 'joinedRoom' | 'join' | 'leave' | 'members' | 'messages' | 'send' | 'tickers' | 'setTicker'
  | 'privateRooms' | 'addMember' | 'removeMember' | 'addOperator' | 'removeOperator' | 'giveUpMembership' | 'disown' | 'setInvitations'
>;

/** What the HTTP routes use of the conversations. Errors: ClientError INVALID_ARGUMENT, NOT_CONNECTED; DaemonStoreError BAD_INPUT. */
export type ConversationService = Pick<DaemonConversations, 'list' | 'get' | 'send' | 'acknowledge'>;
