// The private-message routes and their schemas (spread into the route table in routes.ts):
// conversations with unread counts, a conversation's history, sending, and marking read. Imports only
// typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { HistoryPage } from './room-routes.ts';

const UserParam = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100, description: 'The other side of the conversation (URL-encoded)' }) });

export const PrivateMessageJson = Type.Object(
  {
    id: Type.Integer({ description: 'History id: pass the oldest one seen as `before` for the previous page' }),
    username: Type.String({ description: 'The other side of the conversation' }),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    text: Type.String(),
    time: Type.String({ format: 'date-time', description: 'When the server received it (in), or we sent it (out)' }),
    read: Type.Boolean({ description: 'Ours are always read' }),
    truncated: Type.Boolean({ description: 'Longer than the history keeps: cut' }),
  },
  { title: 'PrivateMessage' },
);
export type PrivateMessageJson = Static<typeof PrivateMessageJson>;

export const ConversationJson = Type.Object(
  {
    username: Type.String(),
    unread: Type.Integer({ minimum: 0 }),
    messageCount: Type.Integer({ minimum: 0, description: 'Messages kept' }),
    lastMessage: PrivateMessageJson,
  },
  { title: 'Conversation' },
);

export const ConversationPageJson = Type.Object(
  {
    username: Type.String(),
    unread: Type.Integer({ minimum: 0 }),
    messageCount: Type.Integer({ minimum: 0 }),
    messages: Type.Array(PrivateMessageJson, { description: 'Newest first' }),
  },
  { title: 'ConversationPage' },
);

export const conversationRoutes = {
  conversations: route({
    method: 'GET',
    path: '/api/v1/conversations',
    access: 'read',
    summary: "Private conversations, the most recently active first, with unread counts and the last message; pass the last entry's `lastMessage.id` as `before` for the next page",
    query: HistoryPage,
    responses: { 200: Type.Array(ConversationJson) },
  }),
  conversation: route({
    method: 'GET',
    path: '/api/v1/conversations/:username',
    access: 'read',
    summary: "A conversation's messages, newest first (empty for someone never talked to); pass the oldest `id` as `before` for the previous page",
    params: UserParam,
    query: HistoryPage,
    responses: { 200: ConversationPageJson },
  }),
  sendPrivateMessage: route({
    method: 'POST',
    path: '/api/v1/conversations/:username/messages',
    access: 'write',
    summary: 'Send a private message (the server keeps it for a user who is offline)',
    params: UserParam,
    body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
    responses: { 201: PrivateMessageJson },
  }),
  acknowledgeConversation: route({
    method: 'PUT',
    path: '/api/v1/conversations/:username/read',
    access: 'write',
    summary: 'Mark a conversation read (all of it, or up to and including the history id `?upTo=`); the unread count survives restarts',
    params: UserParam,
    query: Type.Object({ upTo: Type.Optional(Type.Integer({ minimum: 1, description: 'Mark read only up to and including this history id' })) }),
    responses: { 200: Type.Object({ username: Type.String(), unread: Type.Integer({ minimum: 0 }), marked: Type.Integer({ minimum: 0, description: 'Messages this call marked read' }) }) },
  }),
} as const;
