// Private messages: stored until the recipient acknowledges them, delivered at once when the
// recipient is online and again at every login until acknowledged. Each sender has a rate
// (limits.privateMessageBurst / privateMessagesPerMinute) and each connection a bound on what it
// may store (limits.storedBytesPerConnection); the store keeps each sender to a share of an inbox.

import { serverResponse } from '../../protocol/index.ts';
import { runTextCommand } from '../admin.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import type { Handler } from './context.ts';

export const SERVER_USERNAME = 'server';

/** Row overhead charged per stored message besides its text (id, timestamp, index entries). */
const MESSAGE_ROW_BYTES = 64;

export function storedMessageBytes(from: string, to: string, text: string): number {
  return Buffer.byteLength(from) + Buffer.byteLength(to) + Buffer.byteLength(text) + MESSAGE_ROW_BYTES;
}

export function privateMessageRateNotice(core: ServerCore, to: string): string {
  const { privateMessageBurst, privateMessagesPerMinute } = core.config.limits;
  return `You are sending private messages too fast (at most ${privateMessageBurst} at once, then ${privateMessagesPerMinute} a minute): your message to ${to} was not delivered, nor will the next ones be until you slow down. Send it again in a minute.`;
}

/** Takes one message from the sender's allowance; on the first refusal in a row, says so. */
function allowMessage(core: ServerCore, user: OnlineUser, to: string): boolean {
  if (user.privateMessages.take()) {
    user.privateMessageLimitNoticed = false;
    return true;
  }
  if (!user.privateMessageLimitNoticed) {
    user.privateMessageLimitNoticed = true;
    core.log.info({ user: user.username }, 'private message rate limit reached, messages dropped');
    core.sendServerNotice(user, privateMessageRateNotice(core, to));
  }
  return false;
}

async function deliver(core: ServerCore, from: OnlineUser, to: string, text: string): Promise<void> {
  if (!core.chargeStorage(from, storedMessageBytes(from.username, to, text), 'private message')) return;
  const stored = await core.store.storePrivateMessage({
    timestamp: Math.floor(core.now() / 1000),
    from: from.username,
    to,
    message: text,
  });
  core.network.online.get(to)?.send(
    serverResponse.PrivateChatMessage({
      chatId: stored.id,
      timestamp: stored.timestamp,
      username: stored.from,
      message: stored.message,
      isDirect: true,
    }),
  );
}

export const privateChatMessage: Handler<'PrivateChatMessage'> = async ({ core, user }, m) => {
  if (m.message.length === 0 || m.message.length > core.config.limits.maxChatLength) return;
  // Commands to the server count too: each answer is a stored message.
  if (!allowMessage(core, user, m.username)) return;
  if (m.username === SERVER_USERNAME) {
    await runTextCommand(core, user, m.message);
    return;
  }
  // Messages to unknown users are dropped, as on the official server.
  if (!core.network.online.has(m.username) && (await core.store.getAccount(m.username)) === undefined) return;
  await deliver(core, user, m.username, m.message);
};

export const privateChatMessageAck: Handler<'PrivateChatMessageAck'> = async ({ core, user }, m) => {
  await core.store.acknowledgePrivateMessage(user.username, m.chatId);
};

export const privateChatMessageUsers: Handler<'PrivateChatMessageUsers'> = async ({ core, user }, m) => {
  if (m.message.length === 0 || m.message.length > core.config.limits.maxChatLength) return;
  const recipients = new Set(m.username);
  recipients.delete(user.username);
  // One message to many is one message of the sender's rate; what it stores is charged per copy.
  if (recipients.size === 0 || !allowMessage(core, user, [...recipients].join(', '))) return;
  for (const name of recipients) {
    const target = core.network.online.get(name);
    // The official server delivers only to online users who watch the sender.
    if (target !== undefined && core.network.isWatching(target, user.username)) await deliver(core, user, name, m.message);
  }
};

/** Messages stored while the user was offline, oldest first, marked as not direct. */
export async function deliverPending(core: ServerCore, user: OnlineUser): Promise<number> {
  const pending = await core.store.pendingPrivateMessages(user.username);
  for (const stored of pending) {
    user.send(
      serverResponse.PrivateChatMessage({
        chatId: stored.id,
        timestamp: stored.timestamp,
        username: stored.from,
        message: stored.message,
        isDirect: false,
      }),
    );
  }
  return pending.length;
}
