// The handlers of the private-message routes: the conversations service's results as the API's JSON.

import type { Handlers } from './route.ts';
import type { conversationRoutes, PrivateMessageJson } from './conversation-routes.ts';
import { chatCall } from './chat-errors.ts';
import type { ConversationService } from '../chat/index.ts';
import type { PrivateMessage } from '../store/index.ts';

export function privateMessageJson(message: PrivateMessage): PrivateMessageJson {
  return {
    id: message.id,
    username: message.peer,
    direction: message.direction,
    text: message.text,
    time: new Date(message.at).toISOString(),
    read: message.read,
    truncated: message.truncated,
  };
}

export function conversationHandlers(conversations: ConversationService): Handlers<typeof conversationRoutes> {
  return {
    conversations: async ({ query }) => ({
      status: 200,
      body: (await chatCall(() => conversations.list(query))).map((c) => ({ username: c.peer, unread: c.unread, messageCount: c.messageCount, lastMessage: privateMessageJson(c.last) })),
    }),
    conversation: async ({ params, query }) => {
      const page = await chatCall(() => conversations.get(params.username, query));
      return { status: 200, body: { username: page.peer, unread: page.unread, messageCount: page.messageCount, messages: page.messages.map(privateMessageJson) } };
    },
    sendPrivateMessage: async ({ params, body }) => ({ status: 201, body: privateMessageJson(await chatCall(() => conversations.send(params.username, body.text))) }),
    acknowledgeConversation: async ({ params, query }) => {
      const { marked, unread } = await chatCall(() => conversations.acknowledge(params.username, query.upTo));
      return { status: 200, body: { username: params.username, unread, marked } };
    },
  };
}
