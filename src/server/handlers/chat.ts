// Private messages: stored until the recipient acknowledges them, delivered at once when the
// recipient is online and again at every login until acknowledged.

import { serverResponse } from '../../protocol/index.ts';
import { runTextCommand } from '../admin.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import type { Handler } from './context.ts';

export const SERVER_USERNAME = 'server';

async function deliver(core: ServerCore, from: OnlineUser, to: string, text: string): Promise<void> {
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
