// The room routes and their schemas (spread into the route table in routes.ts): the server's room
// list, the rooms the daemon is in (join, leave, members, tickers), room history and sending, and
// private-room administration. Imports only typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';

/** Room and user names: what the daemon's history stores (src/daemon/store/migrations.ts MAX_NAME_LENGTH). */
const Name = (description: string) => Type.String({ minLength: 1, maxLength: 100, description });
const RoomParam = Type.Object({ room: Name('The room name (URL-encoded)') });
const RoomUserParams = Type.Object({ room: Name('The private room'), username: Name('The user') });
/** What servers accept in one message (longer ones they drop). */
const ChatText = Type.String({ minLength: 1, maxLength: 2048 });

export const RoomListingJson = Type.Object(
  {
    name: Type.String(),
    users: Type.Integer({ minimum: 0, description: 'Users in the room now' }),
    private: Type.Optional(Type.Union([Type.Literal('owned'), Type.Literal('member')], { description: 'Private rooms only: one we own, or one we are a member of' })),
    operator: Type.Optional(Type.Boolean({ description: 'Private rooms only: we are one of its operators' })),
    joined: Type.Boolean({ description: 'The daemon is in it' }),
  },
  { title: 'RoomListing' },
);

export const JoinedRoomJson = Type.Object(
  {
    name: Type.String(),
    private: Type.Boolean(),
    owner: Type.Optional(Type.String({ description: 'Private rooms only' })),
    operators: Type.Array(Type.String()),
    memberCount: Type.Integer({ minimum: 0 }),
    present: Type.Boolean({ description: 'In it now; false while offline or while it is joined again after a start' }),
  },
  { title: 'JoinedRoom' },
);
export type JoinedRoomJson = Static<typeof JoinedRoomJson>;

export const RoomMemberJson = Type.Object(
  {
    username: Type.String(),
    status: Type.Union([Type.Literal('offline'), Type.Literal('away'), Type.Literal('online')]),
    uploadSpeed: Type.Number({ minimum: 0, description: 'Average upload speed, bytes/s' }),
    files: Type.Integer({ minimum: 0 }),
    folders: Type.Integer({ minimum: 0 }),
    slotsFree: Type.Integer({ minimum: 0 }),
    country: Type.String({ description: "Two-letter country code ('' when unknown)" }),
  },
  { title: 'RoomMember' },
);
export type RoomMemberJson = Static<typeof RoomMemberJson>;

export const RoomMessageJson = Type.Object(
  {
    id: Type.Integer({ description: 'History id: pass the oldest one seen as `before` for the previous page' }),
    room: Type.String(),
    username: Type.String(),
    text: Type.String(),
    time: Type.String({ format: 'date-time', description: 'When the daemon received it' }),
    own: Type.Boolean({ description: 'We sent it' }),
    mention: Type.Boolean({ description: 'It says our username' }),
    truncated: Type.Boolean({ description: 'Longer than the history keeps: cut' }),
  },
  { title: 'RoomMessage' },
);
export type RoomMessageJson = Static<typeof RoomMessageJson>;

export const RoomTickerJson = Type.Object({ username: Type.String(), ticker: Type.String() }, { title: 'RoomTicker' });

export const PrivateRoomJson = Type.Object(
  {
    name: Type.String(),
    owner: Type.Optional(Type.String()),
    members: Type.Array(Type.String()),
    operators: Type.Array(Type.String()),
  },
  { title: 'PrivateRoom' },
);

export const HistoryPage = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only messages older than this history id' })),
});

export const roomRoutes = {
  rooms: route({
    method: 'GET',
    path: '/api/v1/rooms',
    access: 'read',
    summary: "The server's rooms with their user counts: public ones, then private ones we own or belong to (needs the server connection)",
    responses: { 200: Type.Array(RoomListingJson) },
  }),
  joinedRooms: route({
    method: 'GET',
    path: '/api/v1/joined-rooms',
    access: 'read',
    summary: 'The rooms the daemon is in (kept across restarts: it joins them again at login)',
    responses: { 200: Type.Array(JoinedRoomJson) },
  }),
  joinRoom: route({
    method: 'PUT',
    path: '/api/v1/joined-rooms/:room',
    access: 'write',
    summary: 'Join a room (a room nobody uses is created; `?private=true` creates a private room we own); joining one we are in answers at once',
    params: RoomParam,
    query: Type.Object({ private: Type.Optional(Type.Boolean({ description: 'Create it as a private room we own, if nobody uses the name' })) }),
    responses: { 200: JoinedRoomJson },
  }),
  joinedRoom: route({
    method: 'GET',
    path: '/api/v1/joined-rooms/:room',
    access: 'read',
    summary: 'One room the daemon is in',
    params: RoomParam,
    responses: { 200: JoinedRoomJson },
  }),
  leaveRoom: route({
    method: 'DELETE',
    path: '/api/v1/joined-rooms/:room',
    access: 'write',
    summary: 'Leave a room (and stop joining it at start); its history stays',
    params: RoomParam,
    responses: { 204: Type.Null() },
  }),
  roomMembers: route({
    method: 'GET',
    path: '/api/v1/joined-rooms/:room/members',
    access: 'read',
    summary: 'Who is in a room the daemon is in, with status and stats (kept up to date by the server; roomMembership events)',
    params: RoomParam,
    responses: { 200: Type.Array(RoomMemberJson) },
  }),
  roomTickers: route({
    method: 'GET',
    path: '/api/v1/joined-rooms/:room/tickers',
    access: 'read',
    summary: "A room's tickers (one line per user), as the server last sent them",
    params: RoomParam,
    responses: { 200: Type.Array(RoomTickerJson) },
  }),
  setRoomTicker: route({
    method: 'PUT',
    path: '/api/v1/joined-rooms/:room/ticker',
    access: 'write',
    summary: "Set our ticker in a room the daemon is in ('' clears it)",
    params: RoomParam,
    body: Type.Object({ ticker: Type.String({ maxLength: 1024, pattern: '^[^\\r\\n]*$', description: 'One line' }) }, { additionalProperties: false }),
    responses: { 204: Type.Null() },
  }),
  roomMessages: route({
    method: 'GET',
    path: '/api/v1/rooms/:room/messages',
    access: 'read',
    summary: "A room's history, newest first (kept across restarts, also after leaving); pass the last page's oldest `id` as `before`",
    params: RoomParam,
    query: HistoryPage,
    responses: { 200: Type.Array(RoomMessageJson) },
  }),
  sendRoomMessage: route({
    method: 'POST',
    path: '/api/v1/rooms/:room/messages',
    access: 'write',
    summary: 'Say something in a room the daemon is in; answers with the message once the server has echoed it to the room',
    params: RoomParam,
    body: Type.Object({ text: ChatText }, { additionalProperties: false }),
    responses: { 201: RoomMessageJson },
  }),
  privateRooms: route({
    method: 'GET',
    path: '/api/v1/private-rooms',
    access: 'read',
    summary: 'The private rooms we own or belong to: owner, members, operators',
    responses: { 200: Type.Array(PrivateRoomJson) },
  }),
  setRoomInvitations: route({
    method: 'PUT',
    path: '/api/v1/private-rooms/invitations',
    access: 'write',
    summary: 'Whether others may add us to their private rooms; answers with what the server keeps',
    body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
    responses: { 200: Type.Object({ enabled: Type.Boolean() }) },
  }),
  addRoomMember: route({
    method: 'PUT',
    path: '/api/v1/private-rooms/:room/members/:username',
    access: 'write',
    summary: 'Add a member to a private room we own or operate',
    params: RoomUserParams,
    responses: { 204: Type.Null() },
  }),
  removeRoomMember: route({
    method: 'DELETE',
    path: '/api/v1/private-rooms/:room/members/:username',
    access: 'write',
    summary: 'Remove a member from a private room we own or operate',
    params: RoomUserParams,
    responses: { 204: Type.Null() },
  }),
  addRoomOperator: route({
    method: 'PUT',
    path: '/api/v1/private-rooms/:room/operators/:username',
    access: 'write',
    summary: 'Make a member of a private room we own one of its operators',
    params: RoomUserParams,
    responses: { 204: Type.Null() },
  }),
  removeRoomOperator: route({
    method: 'DELETE',
    path: '/api/v1/private-rooms/:room/operators/:username',
    access: 'write',
    summary: "Take a private room's operator rights from a user",
    params: RoomUserParams,
    responses: { 204: Type.Null() },
  }),
  giveUpRoomMembership: route({
    method: 'DELETE',
    path: '/api/v1/private-rooms/:room/membership',
    access: 'write',
    summary: "Give up our membership of someone else's private room",
    params: RoomParam,
    responses: { 204: Type.Null() },
  }),
  disownRoom: route({
    method: 'DELETE',
    path: '/api/v1/private-rooms/:room',
    access: 'write',
    summary: 'Give up a private room we own, which disbands it',
    params: RoomParam,
    responses: { 204: Type.Null() },
  }),
} as const;
