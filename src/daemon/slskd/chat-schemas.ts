// The JSON of slskd's conversation and room routes (used by slskd-python-api and MCP servers only).

import { Type } from 'typebox';

const DateText = Type.String({ description: 'ISO-8601, 7 fractional digits, UTC (Z)' });

export const PrivateMessage = Type.Object({
  timestamp: DateText,
  id: Type.Integer(),
  username: Type.String(),
  direction: Type.Union([Type.Literal('In'), Type.Literal('Out')]),
  message: Type.String(),
  isAcknowledged: Type.Boolean(),
  wasReplayed: Type.Boolean(),
});

export const Conversation = Type.Object({
  username: Type.String(),
  isActive: Type.Boolean(),
  unAcknowledgedMessageCount: Type.Integer(),
  hasUnAcknowledgedMessages: Type.Boolean(),
  messages: Type.Optional(Type.Array(PrivateMessage)),
});

export const RoomInfo = Type.Object({ name: Type.String(), userCount: Type.Integer(), isPrivate: Type.Boolean(), isOwned: Type.Boolean(), isModerated: Type.Boolean() });

export const RoomUser = Type.Object({
  username: Type.String(),
  status: Type.Union([Type.Literal('Online'), Type.Literal('Away'), Type.Literal('Offline')]),
  averageSpeed: Type.Number(),
  uploadCount: Type.Integer(),
  fileCount: Type.Integer(),
  directoryCount: Type.Integer(),
  countryCode: Type.Optional(Type.String()),
  slotsFree: Type.Optional(Type.Integer()),
});

export const RoomMessage = Type.Object({ timestamp: DateText, username: Type.String(), message: Type.String(), roomName: Type.String() });

export const Room = Type.Object({ name: Type.String(), isPrivate: Type.Boolean(), users: Type.Array(RoomUser), messages: Type.Array(RoomMessage) });

/** POST bodies that are a bare JSON string (a message, a room name), as slskd takes them. */
export const MessageText = Type.String({ minLength: 1, maxLength: 4096, pattern: '\\S' });
export const RoomName = Type.String({ minLength: 1, maxLength: 256 });
