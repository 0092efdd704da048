// The limits that keep one address or one user from filling the server's disk or locking others
// out, each with its setting in the config (limits.*), its refusal and its exact words: connections
// that never log in and failed logins per address (successful logins never count), connections
// waiting to log in per address, registrations per address, private messages per sender, each
// sender's share of an inbox, and the bytes one connection may store. Time is a stubbed clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storageLimitNotice } from '../../src/server/core.ts';
import { registrationLimitDetail } from '../../src/server/handlers/login.ts';
import { RawClient, startServer } from './harness.ts';
import { expectNotice } from './server-notice.ts';

const T0 = 1_800_000_000_000;

/** A connection the server refuses is closed at once, before any reply, whatever it sends. */
async function refusedAtConnect(port: number): Promise<void> {
  const client = await RawClient.connect(port);
  client.send({ name: 'Login', username: 'anyone', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
  await client.waitClosed();
  assert.deepEqual(client.received, [], 'no reply on a refused connection');
}

async function failLogin(port: number, username: string): Promise<void> {
  const client = await RawClient.connect(port);
  client.send({ name: 'Login', username, password: 'wrong', version: 160, md5Hash: '', minorVersion: 1 });
  assert.equal((await client.next('Login')).failureReason, 'INVALIDPASS');
  await client.waitClosed();
}

describe('abuse limits', () => {
  test('failed logins and connections that never log in count per address; successful logins never do', async () => {
    const clock = { now: T0 };
    const s = await startServer({ now: () => clock.now, limits: { failedConnectionsPerMinutePerIp: 3, loginTimeoutSeconds: 1 } });
    try {
      // A well-behaved household: many clients behind one address, logging in and out all day.
      for (let i = 0; i < 12; i++) await (await RawClient.login(s.port, `member${i % 4}`)).close();
      // Two wrong passwords and one connection that never sends Login use up the allowance of three.
      await failLogin(s.port, 'member0');
      await failLogin(s.port, 'member1');
      const silent = await RawClient.connect(s.port);
      await silent.waitClosed();
      await refusedAtConnect(s.port);
      // A minute later one connection's worth has come back.
      clock.now += 20_000;
      await (await RawClient.login(s.port, 'member2')).close();
      await (await RawClient.login(s.port, 'member3')).close();
    } finally {
      await s.close();
    }
  });

  test('connections waiting to log in are capped per address; a login frees the place', async () => {
    const s = await startServer({ limits: { pendingLoginsPerIp: 2 } });
    try {
      const first = await RawClient.connect(s.port);
      const second = await RawClient.connect(s.port);
      await refusedAtConnect(s.port);
      // One of the two logs in: its place is free again, and logged-in sessions do not count.
      first.send({ name: 'Login', username: 'early', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
      assert.equal((await first.next('Login')).result, true);
      const third = await RawClient.login(s.port, 'third');
      await Promise.all([first.close(), second.close(), third.close()]);
    } finally {
      await s.close();
    }
  });

  test('registrations per address: past the allowance a new name is refused with REGISTRATIONLIMIT; existing accounts still log in', async () => {
    const clock = { now: T0 };
    const s = await startServer({ now: () => clock.now, limits: { registrationsPerHourPerIp: 2 } });
    try {
      await (await RawClient.login(s.port, 'first')).close();
      await (await RawClient.login(s.port, 'second')).close();
      const third = await RawClient.connect(s.port);
      third.send({ name: 'Login', username: 'third', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
      assert.deepEqual(await third.next('Login'), {
        name: 'Login',
        result: false,
        failureReason: 'REGISTRATIONLIMIT',
        rejectionDetail: registrationLimitDetail(2),
      });
      assert.equal(
        registrationLimitDetail(2),
        'Too many new accounts from your address (at most 2 an hour): this name was not registered. Log in with an existing account, or try again later.',
      );
      await third.waitClosed();
      assert.equal(await s.server.core.store.getAccount('third'), undefined, 'nothing was stored');
      await (await RawClient.login(s.port, 'first')).close();
      // Half an hour (and a little) gives one registration back.
      clock.now += 31 * 60_000;
      await (await RawClient.login(s.port, 'third')).close();
    } finally {
      await s.close();
    }
  });

  test('private messages per sender: past the burst they are dropped, the sender told once; the allowance refills', async () => {
    const clock = { now: T0 };
    const s = await startServer({ now: () => clock.now, limits: { privateMessageBurst: 3, privateMessagesPerMinute: 1 } });
    try {
      const alice = await RawClient.login(s.port, 'alice');
      const bob = await RawClient.login(s.port, 'bob');
      for (let i = 1; i <= 6; i++) alice.send({ name: 'PrivateChatMessage', username: 'bob', message: `m${i}` });
      await expectNotice(
        alice,
        'You are sending private messages too fast (at most 3 at once, then 1 a minute): your message to bob was not delivered, nor will the next ones be until you slow down. Send it again in a minute.',
      );
      await alice.nothingMore('PrivateChatMessage');
      await bob.sync();
      assert.deepEqual(bob.received.filter((m) => m.name === 'PrivateChatMessage').map((m) => m.name === 'PrivateChatMessage' && m.message), ['m1', 'm2', 'm3']);
      assert.deepEqual((await s.server.core.store.pendingPrivateMessages('bob')).map((m) => m.message), ['m1', 'm2', 'm3'], 'refused messages are not stored');
      clock.now += 60_000;
      alice.send({ name: 'PrivateChatMessage', username: 'bob', message: 'after a minute' });
      assert.equal((await bob.next('PrivateChatMessage', (m) => m.message === 'after a minute')).username, 'alice');
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await s.close();
    }
  });

  test("each sender has a share of an inbox: a flood evicts only the flooder's own messages", async () => {
    const s = await startServer({ limits: { inboxSize: 6, inboxSharePerSender: 2 } });
    try {
      // Bob has an account and is offline, so everything waits in his inbox.
      await (await RawClient.login(s.port, 'bob')).close();
      const friends = await Promise.all(['carol', 'dave'].map((name) => RawClient.login(s.port, name)));
      for (const friend of friends) {
        friend.send({ name: 'PrivateChatMessage', username: 'bob', message: `real mail from ${friend.socket.localPort}` });
        await friend.sync();
      }
      const flooder = await RawClient.login(s.port, 'flooder');
      for (let i = 1; i <= 20; i++) flooder.send({ name: 'PrivateChatMessage', username: 'bob', message: `spam ${i}` });
      await flooder.sync();
      const inbox = await s.server.core.store.pendingPrivateMessages('bob');
      assert.deepEqual(
        inbox.map((m) => [m.from, m.message]),
        [
          ['carol', `real mail from ${friends[0]!.socket.localPort}`],
          ['dave', `real mail from ${friends[1]!.socket.localPort}`],
          ['flooder', 'spam 19'],
          ['flooder', 'spam 20'],
        ],
      );
      await Promise.all([...friends, flooder].map((c) => c.close()));
    } finally {
      await s.close();
    }
  });

  test('a full inbox of many senders gives up the oldest message of the one holding the most', async () => {
    const s = await startServer({ limits: { inboxSize: 4, inboxSharePerSender: 2 } });
    try {
      await (await RawClient.login(s.port, 'bob')).close();
      const send = async (from: RawClient, text: string): Promise<void> => {
        from.send({ name: 'PrivateChatMessage', username: 'bob', message: text });
        await from.sync();
      };
      const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => RawClient.login(s.port, name)));
      await send(ann!, 'ann 1');
      await send(ben!, 'ben 1');
      await send(ben!, 'ben 2');
      await send(ann!, 'ann 2');
      // The inbox is full (4): cat's message must cost someone one. Ann and Ben hold two each, the
      // most; Ann's began first, so Ann gives up her oldest.
      await send(cat!, 'cat 1');
      const inbox = await s.server.core.store.pendingPrivateMessages('bob');
      assert.deepEqual(inbox.map((m) => m.message), ['ben 1', 'ben 2', 'ann 2', 'cat 1']);
      await Promise.all([ann!, ben!, cat!].map((c) => c.close()));
    } finally {
      await s.close();
    }
  });

  test('the bytes one connection may store: past the bound its writes are refused with one notice, until it logs in again', async () => {
    const s = await startServer({ limits: { storedBytesPerConnection: 1024 } });
    let sender: RawClient | undefined;
    try {
      await (await RawClient.login(s.port, 'bob')).close();
      sender = await RawClient.login(s.port, 'writer');
      // 250 characters + the two names (9) + 64 bytes of row = 323: three fit in 1024 bytes, a fourth does not.
      const body = (i: number): string => `${i}`.padEnd(250, '.');
      for (let i = 1; i <= 5; i++) sender.send({ name: 'PrivateChatMessage', username: 'bob', message: body(i) });
      await expectNotice(sender, storageLimitNotice(1024));
      assert.equal(
        storageLimitNotice(1024),
        'This connection has stored 1024 bytes on the server (private messages, interests, tickers, rooms): nothing more is stored until you log in again.',
      );
      sender.send({ name: 'AddInterest', interest: 'jazz' });
      await sender.nothingMore('PrivateChatMessage');
      assert.deepEqual((await s.server.core.store.pendingPrivateMessages('bob')).map((m) => m.message), [body(1), body(2), body(3)]);
      assert.deepEqual(await s.server.core.store.getInterests('writer'), { liked: [], hated: [] });
      await sender.close();
      // A new connection has a new allowance.
      sender = await RawClient.login(s.port, 'writer');
      sender.send({ name: 'PrivateChatMessage', username: 'bob', message: 'again' });
      await sender.sync();
      assert.equal((await s.server.core.store.pendingPrivateMessages('bob')).at(-1)?.message, 'again');
    } finally {
      await sender?.close();
      await s.close();
    }
  });

  test('every limit has a default and is checked when set in the config', async () => {
    const { defaultConfig, resolveConfig, ConfigError } = await import('../../src/server/config.ts');
    assert.deepEqual(
      [
        defaultConfig.limits.failedConnectionsPerMinutePerIp,
        defaultConfig.limits.pendingLoginsPerIp,
        defaultConfig.limits.registrationsPerHourPerIp,
        defaultConfig.limits.privateMessageBurst,
        defaultConfig.limits.privateMessagesPerMinute,
        defaultConfig.limits.inboxSize,
        defaultConfig.limits.inboxSharePerSender,
        defaultConfig.limits.storedBytesPerConnection,
      ],
      [30, 20, 5, 20, 30, 1000, 100, 4 * 1024 * 1024],
    );
    assert.throws(() => resolveConfig({ limits: { inboxSize: 10, inboxSharePerSender: 11 } }), ConfigError);
    assert.throws(() => resolveConfig({ limits: { registrationsPerHourPerIp: 0 } }), /limits.registrationsPerHourPerIp must be a whole number from 1/);
  });
});
