// Waits for a server notice (a private message from the user `server`) and checks it whole: the
// refusals and admin replies of the interests, privileges and admin tests.

import assert from 'node:assert/strict';
import type { RawClient } from './harness.ts';

/**
 * The next notice must say exactly `text`; `timestamp` (seconds) is checked when given. It is then
 * acknowledged, as a client does, so the user's next login does not get it again.
 */
export async function expectNotice(client: RawClient, text: string, timestamp?: number): Promise<void> {
  const notice = await client.next('PrivateChatMessage', (m) => m.username === 'server');
  client.send({ name: 'PrivateChatMessageAck', chatId: notice.chatId });
  assert.ok(Number.isInteger(notice.chatId) && notice.chatId > 0, `a stored notice has an id, got ${notice.chatId}`);
  assert.deepEqual(notice, {
    name: 'PrivateChatMessage',
    chatId: notice.chatId,
    timestamp: timestamp ?? notice.timestamp,
    username: 'server',
    message: text,
    isDirect: true,
  });
}
