// The daemon's private conversations: every message in and out kept in the history with its unread
// state (which survives restarts: it lives in the store), published as events, and marked read on
// request.
//
// Acknowledging to the server is the client's part: it sends PrivateChatMessageAck for each message
// as soon as someone listens for them (this service does, from its construction), so the server
// does not deliver it again at the next login. Read/unread is ours alone: the protocol has no such
// state. A message the server delivers twice anyway (sent while we were away, then again before
// the ack reached it) is stored once, by its server id.

import type { Client } from '../../client/index.ts';
import type { EventHub } from '../events/index.ts';
import type { ChatHistory, Conversation, Page, PrivateMessage } from '../store/index.ts';
import { checkChatText } from './rooms.ts';

export interface ConversationPage {
  peer: string;
  unread: number;
  messageCount: number;
  /** Newest first. */
  messages: PrivateMessage[];
}

export interface DaemonConversationsOptions {
  client: Client;
  history: ChatHistory;
  hub: EventHub;
  onWarning?: (message: string) => void;
}

export class DaemonConversations {
  readonly #client: Client;
  readonly #history: ChatHistory;
  readonly #hub: EventHub;
  readonly #warn: (message: string) => void;
  readonly #listener: (message: { id: number; time: Date; from: string; text: string }) => void;

  constructor(options: DaemonConversationsOptions) {
    this.#client = options.client;
    this.#history = options.history;
    this.#hub = options.hub;
    this.#warn = options.onWarning ?? (() => {});
    this.#listener = (message) => this.#received(message);
    this.#client.on('privateMessage', this.#listener);
  }

  /** Conversations, the most recently active first; `before` is the previous page's last `last.id`. */
  list(page: Page): Conversation[] {
    return this.#history.conversations(page);
  }

  /** One conversation's messages, newest first; an empty page (not an error) for someone we never talked to. */
  get(peer: string, page: Page): ConversationPage {
    const summary = this.#history.conversation(peer);
    return {
      peer,
      unread: summary?.unread ?? 0,
      messageCount: summary?.messageCount ?? 0,
      messages: summary === undefined ? [] : this.#history.privateMessages(peer, page),
    };
  }

  /** Sends a private message; resolves with it as stored. The server does not confirm delivery. */
  send(peer: string, text: string): PrivateMessage {
    checkChatText(text);
    // Sent before it is stored: a message that could not be sent (offline) is not in the history.
    this.#client.sendPrivateMessage(peer, text);
    const stored = this.#history.addPrivateMessage({ peer, direction: 'out', text });
    this.#hub.publish('privateMessage', {
      id: 0,
      username: peer,
      direction: 'out',
      text: stored.text,
      time: new Date(stored.at).toISOString(),
      historyId: stored.id,
      unread: this.#history.unreadCount(peer),
    });
    return stored;
  }

  /**
   * Marks a conversation read, all of it or up to and including the message `upTo` (a history id);
   * resolves with how many messages changed and the unread count left.
   */
  acknowledge(peer: string, upTo?: number): { marked: number; unread: number } {
    const marked = this.#history.markRead(peer, upTo);
    const unread = this.#history.unreadCount(peer);
    if (marked > 0) this.#hub.publish('conversationRead', { username: peer, unread });
    return { marked, unread };
  }

  close(): void {
    this.#client.off('privateMessage', this.#listener);
  }

  /** Stored first, then published: a client that reloads after the event finds it. */
  #received(message: { id: number; time: Date; from: string; text: string }): void {
    let stored: PrivateMessage;
    try {
      // Delivered again (sent while we were away, then once more before our ack reached the server): kept and told once.
      if (this.#history.hasServerMessage(message.from, message.id)) return;
      stored = this.#history.addPrivateMessage({ peer: message.from, direction: 'in', text: message.text, at: message.time.getTime(), serverId: message.id });
    } catch (error) {
      this.#warn(`a private message from ${JSON.stringify(message.from)} was not stored: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#hub.publish('privateMessage', {
      id: message.id,
      username: message.from,
      direction: 'in',
      text: stored.text,
      time: new Date(stored.at).toISOString(),
      historyId: stored.id,
      unread: this.#history.unreadCount(message.from),
    });
  }
}
