// Privileges against a live server on a stubbed clock: time left counting down, the flag others
// see, the end of privileges, gifts between users with every refusal, the notification and its
// acknowledgement, and privileges surviving a restart.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DATABASE_FILE } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/server/store/sqlite-store.ts';
import { RawClient, startServer, tempDir, type TestServer } from './harness.ts';
import { expectNotice } from './server-notice.ts';

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);
/** The wishlist intervals of the default config: 720 s, 120 s when privileged. */
const PLAIN_INTERVAL = 720;
const PRIVILEGED_INTERVAL = 120;

const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A data folder whose accounts (password "secret") hold privileges until the given times. */
async function seeded(accounts: Record<string, number>): Promise<string> {
  const dataDir = tempDir();
  folders.push(dataDir);
  const store = await openSqliteStore(join(dataDir, DATABASE_FILE), { passwordCost: 1024 });
  for (const [name, until] of Object.entries(accounts)) {
    await store.createAccount(name, 'secret');
    if (until > 0) await store.setPrivilegedUntil(name, until);
  }
  await store.close();
  return dataDir;
}

/** A server whose clock the test moves. */
async function serverAt(dataDir: string): Promise<{ s: TestServer; clock: { now: number } }> {
  const clock = { now: T0 };
  const s = await startServer({ dataDir, now: () => clock.now });
  return { s, clock };
}

async function timeLeft(client: RawClient): Promise<number> {
  client.send({ name: 'CheckPrivileges' });
  return (await client.next('CheckPrivileges')).timeLeft;
}

async function privileged(client: RawClient, username: string): Promise<boolean> {
  client.send({ name: 'GetUserPrivileges', username });
  const reply = await client.next('GetUserPrivileges', (m) => m.username === username);
  return reply.privileged;
}

describe('privileges', () => {
  test('the login burst, CheckPrivileges counting down, GetUserPrivileges', async () => {
    const { s, clock } = await serverAt(await seeded({ rich: T0 + 10 * DAY_MS, poor: 0 }));
    try {
      const rich = await RawClient.connect(s.port);
      rich.send({ name: 'Login', username: 'rich', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
      assert.equal((await rich.next('Login')).privileged, true);
      assert.deepEqual(await rich.next('WishlistInterval'), { name: 'WishlistInterval', interval: PRIVILEGED_INTERVAL });
      assert.deepEqual(await rich.next('PrivilegedUsers'), { name: 'PrivilegedUsers', users: ['rich'] });
      const poor = await RawClient.login(s.port, 'poor');

      assert.equal(await timeLeft(rich), 10 * DAY_S);
      clock.now += 1000_500;
      assert.equal(await timeLeft(rich), 10 * DAY_S - 1001, 'whole seconds, rounded down');
      assert.equal(await timeLeft(poor), 0);
      assert.equal(await privileged(poor, 'rich'), true);
      assert.equal(await privileged(rich, 'poor'), false);
      assert.equal(await privileged(rich, 'nobody'), false);
      await rich.close();
      await poor.close();
    } finally {
      await s.close();
    }
  });

  test('when privileges run out the user, its watchers and new logins hear it', async () => {
    const { s, clock } = await serverAt(await seeded({ brief: T0 + HOUR_MS, eye: 0 }));
    try {
      const brief = await RawClient.login(s.port, 'brief');
      const eye = await RawClient.login(s.port, 'eye');
      eye.send({ name: 'AddUser', username: 'brief' });
      await eye.next('AddUser');

      clock.now += HOUR_MS;
      // The server looks every second: the messages arrive without anyone asking.
      assert.deepEqual(await brief.next('WishlistInterval'), { name: 'WishlistInterval', interval: PLAIN_INTERVAL });
      assert.deepEqual(await eye.next('GetUserStatus', (m) => m.username === 'brief'), {
        name: 'GetUserStatus',
        username: 'brief',
        status: 2,
        privileged: false,
      });
      assert.equal(await timeLeft(brief), 0);
      assert.equal(await privileged(eye, 'brief'), false);

      const late = await RawClient.connect(s.port);
      late.send({ name: 'Login', username: 'late', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
      assert.deepEqual(await late.next('PrivilegedUsers'), { name: 'PrivilegedUsers', users: [] });
      await Promise.all([brief.close(), eye.close(), late.close()]);
    } finally {
      await s.close();
    }
  });

  test('a gift moves days from the giver; the receiver is notified and everyone hears of a new privileged user; a restart keeps both', async () => {
    const dataDir = await seeded({ giver: T0 + 10 * DAY_MS, taker: 0, crowd: 0 });
    const first = await serverAt(dataDir);
    try {
      const [giver, taker, crowd] = await Promise.all(['giver', 'taker', 'crowd'].map((name) => RawClient.login(first.s.port, name)));
      giver!.send({ name: 'GiveUserPrivileges', username: 'taker', days: 3 });

      assert.deepEqual(await crowd!.next('AddPrivilegedUser'), { name: 'AddPrivilegedUser', username: 'taker' });
      assert.deepEqual(await taker!.next('AddPrivilegedUser'), { name: 'AddPrivilegedUser', username: 'taker' });
      assert.deepEqual(await taker!.next('WishlistInterval'), { name: 'WishlistInterval', interval: PRIVILEGED_INTERVAL });
      const notification = await taker!.next('PrivilegesNotification');
      assert.deepEqual(notification, { name: 'PrivilegesNotification', notificationId: notification.notificationId, username: 'giver' });
      assert.deepEqual(await taker!.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 3 * DAY_S });
      assert.deepEqual(await giver!.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 7 * DAY_S });
      taker!.send({ name: 'PrivilegesNotificationAck', notificationId: notification.notificationId });
      await taker!.sync();
      assert.equal(first.s.server.core.privilegeNotices.size, 0, 'acknowledged');

      // A second gift to a user already privileged: no AddPrivilegedUser, the days add up.
      first.clock.now += DAY_MS;
      giver!.send({ name: 'GiveUserPrivileges', username: 'taker', days: 2 });
      const second = await taker!.next('PrivilegesNotification');
      assert.notEqual(second.notificationId, notification.notificationId);
      assert.deepEqual(await taker!.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 4 * DAY_S });
      assert.deepEqual(await giver!.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 4 * DAY_S });
      await crowd!.nothingMore('AddPrivilegedUser');
      await taker!.nothingMore('AddPrivilegedUser');
      // An acknowledgement of someone else's ticket, or of none, changes nothing.
      crowd!.send({ name: 'PrivilegesNotificationAck', notificationId: second.notificationId });
      await crowd!.sync();
      assert.equal(first.s.server.core.privilegeNotices.size, 1);
      await Promise.all([giver!.close(), taker!.close(), crowd!.close()]);
    } finally {
      await first.s.close();
    }

    const again = await serverAt(dataDir);
    try {
      again.clock.now = T0 + DAY_MS;
      const giver = await RawClient.login(again.s.port, 'giver');
      const taker = await RawClient.login(again.s.port, 'taker');
      assert.equal(await timeLeft(giver), 4 * DAY_S);
      assert.equal(await timeLeft(taker), 4 * DAY_S);
      await Promise.all([giver.close(), taker.close()]);
    } finally {
      await again.s.close();
    }
  });

  test('gift refusals are server notices, and move nothing', async () => {
    const { s } = await serverAt(await seeded({ rich: T0 + 10 * DAY_MS, poor: 0 }));
    try {
      const rich = await RawClient.login(s.port, 'rich');
      const poor = await RawClient.login(s.port, 'poor');
      const at = Math.floor(T0 / 1000);
      poor.send({ name: 'GiveUserPrivileges', username: 'rich', days: 1 });
      await expectNotice(poor, 'You have no privileges to give.', at);
      rich.send({ name: 'GiveUserPrivileges', username: 'poor', days: 0 });
      await expectNotice(rich, 'Give at least one day of privileges.', at);
      rich.send({ name: 'GiveUserPrivileges', username: 'rich', days: 1 });
      await expectNotice(rich, 'You cannot give privileges to yourself.', at);
      rich.send({ name: 'GiveUserPrivileges', username: 'ghost', days: 1 });
      await expectNotice(rich, 'There is no user named "ghost".', at);
      rich.send({ name: 'GiveUserPrivileges', username: 'poor', days: 11 });
      await expectNotice(rich, 'You have 10 days of privileges left, not enough to give 11 days.', at);
      rich.send({ name: 'GiveUserPrivileges', username: 'poor', days: 0xffff_ffff });
      await expectNotice(rich, 'You have 10 days of privileges left, not enough to give 4294967295 days.', at);

      assert.equal(await timeLeft(rich), 10 * DAY_S);
      assert.equal(await timeLeft(poor), 0);
      await poor.nothingMore('PrivilegesNotification');
      await Promise.all([rich.close(), poor.close()]);
    } finally {
      await s.close();
    }
  });
});
