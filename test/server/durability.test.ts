// What the server acknowledged survives it: accounts and offline private messages outlive a clean
// restart and a SIGKILL, with `slsk server` as a real child process on the same data folder.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { attemptLogin, ServerChild } from './durability-child.ts';
import { LOOPBACK_LIMITS, RawClient, tempDir } from './harness.ts';

const folders: string[] = [];
const children: ServerChild[] = [];
after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited));
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A data folder with a config that makes registration cheap and lets one IP register and message often. */
function dataFolder(): { dataDir: string; args: string[] } {
  const dataDir = tempDir('slsk-durability-');
  folders.push(dataDir);
  const config = join(dataDir, 'server.json');
  writeFileSync(config, JSON.stringify({ passwordCost: 1024, limits: LOOPBACK_LIMITS }));
  return { dataDir, args: ['--data', dataDir, '--config', config] };
}

async function start(args: readonly string[]): Promise<ServerChild> {
  const server = await ServerChild.start(args);
  children.push(server);
  return server;
}

/**
 * Sends a private message and waits for a reply to a request sent after it: a session's messages
 * are handled in order and the store resolves only once a write is durable, so the message is
 * stored by the time the reply comes.
 */
async function sendAcknowledged(client: RawClient, to: string, message: string): Promise<void> {
  client.send({ name: 'PrivateChatMessage', username: to, message });
  client.send({ name: 'GetUserStatus', username: to });
  await client.next('GetUserStatus', (reply) => reply.username === to);
}

/** Logs in and returns the offline messages delivered at login (all sent before a marker's reply). */
async function loginAndCollect(port: number, username: string, password: string) {
  const client = await RawClient.login(port, username, password);
  client.send({ name: 'GetUserStatus', username: 'marker' });
  await client.next('GetUserStatus', (reply) => reply.username === 'marker');
  const messages = client.received.flatMap((m) => (m.name === 'PrivateChatMessage' ? [m] : []));
  return { client, messages };
}

async function assertAccount(port: number, username: string, password: string): Promise<void> {
  // The wrong password first: were the account lost, the right one would register it afresh.
  const { client: wrong, reply } = await attemptLogin(port, username, `${password}-wrong`);
  assert.equal(reply.failureReason, 'INVALIDPASS', `${username} with a wrong password`);
  await wrong.waitClosed();
  const right = await RawClient.login(port, username, password);
  await right.close();
}

describe('durability', { concurrency: true }, () => {
  test('a clean restart keeps accounts and delivers offline private messages', async () => {
    const { args } = dataFolder();
    const first = await start(args);
    const alice = await RawClient.login(first.port, 'alice', 'alice-pw');
    const bob = await RawClient.login(first.port, 'bob', 'bob-pw');
    await bob.close();
    await first.waitForLog((line) => line.msg === 'session closed' && line['user'] === 'bob');
    await sendAcknowledged(alice, 'bob', 'see you after the restart');
    assert.deepEqual(await first.stop('SIGTERM'), { code: 0, signal: null }, first.describe());
    await alice.waitClosed();

    // --private: an account that did not survive would be refused rather than registered again.
    const second = await start([...args, '--private']);
    try {
      const { client, messages } = await loginAndCollect(second.port, 'bob', 'bob-pw');
      assert.deepEqual(
        messages.map(({ username, message, isDirect }) => ({ username, message, isDirect })),
        [{ username: 'alice', message: 'see you after the restart', isDirect: false }],
      );
      await client.close();
      await assertAccount(second.port, 'alice', 'alice-pw');
    } finally {
      assert.equal((await second.stop()).code, 0, second.describe());
    }
  });

  test('SIGKILL loses no acknowledged account or message', async () => {
    const { args } = dataFolder();
    const first = await start(args);
    const inbox = await RawClient.login(first.port, 'inbox', 'inbox-pw');
    await inbox.close();
    await first.waitForLog((line) => line.msg === 'session closed' && line['user'] === 'inbox');

    const accounts: { username: string; password: string }[] = [];
    const acknowledged: string[] = [];
    const sent = new Set<string>();
    const clients: RawClient[] = [];
    for (let i = 0; accounts.length + acknowledged.length < 100; i++) {
      const account = { username: `user${i}`, password: `pw-${i}` };
      // Login answers success only after the new account is stored.
      const client = await RawClient.login(first.port, account.username, account.password);
      clients.push(client);
      accounts.push(account);
      const message = `message ${i} from ${account.username}`;
      sent.add(message);
      await sendAcknowledged(client, 'inbox', message);
      acknowledged.push(message);
    }
    // More writes in flight at the moment of the kill: they may or may not survive, but must not
    // damage what was acknowledged.
    for (const [i, client] of clients.slice(0, 10).entries()) {
      const message = `unacknowledged ${i}`;
      sent.add(message);
      client.send({ name: 'PrivateChatMessage', username: 'inbox', message });
    }
    first.child.kill('SIGKILL');
    assert.deepEqual(await first.waitForExit(), { code: null, signal: 'SIGKILL' });
    assert.ok(!first.logs.some((line) => line.msg === 'server stopped'), 'the server had no chance to shut down');

    const second = await start([...args, '--private']);
    try {
      const { client, messages } = await loginAndCollect(second.port, 'inbox', 'inbox-pw');
      const texts = messages.map((m) => m.message);
      for (const message of acknowledged) assert.ok(texts.includes(message), `acknowledged "${message}" survived`);
      assert.equal(new Set(texts).size, texts.length, 'no message twice');
      for (const text of texts) assert.ok(sent.has(text), `"${text}" was sent`);
      assert.ok(messages.every((m) => !m.isDirect), 'stored messages arrive as not direct');
      await client.close();
      for (const account of accounts) await assertAccount(second.port, account.username, account.password);
    } finally {
      assert.equal((await second.stop()).code, 0, second.describe());
    }
  });
});
