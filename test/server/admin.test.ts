// Administration against a live server: commands as private messages to `server` and as
// ExecuteCommand, from admins named in the config or flagged in the store; the refusal everyone
// else gets; bans, kicks (kept out for two minutes on a stubbed clock), announcements and grants.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HELP_TEXT, NOT_ADMIN } from '../../src/server/admin.ts';
import { DATABASE_FILE } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/server/store/sqlite-store.ts';
import { RawClient, startServer, tempDir, type TestServer } from './harness.ts';
import { expectNotice } from './server-notice.ts';

const T0 = Date.UTC(2026, 5, 1);
const DAY_S = 86_400;

describe('administration', () => {
  let s: TestServer;
  let dataDir: string;
  const clock = { now: T0 };
  before(async () => {
    dataDir = tempDir();
    // "keeper" is an administrator through the store, "boss" through the config.
    const store = await openSqliteStore(join(dataDir, DATABASE_FILE), { passwordCost: 1024 });
    await store.createAccount('keeper', 'secret', { admin: true });
    await store.close();
    s = await startServer({ dataDir, admins: ['boss'], now: () => clock.now, limits: { loginTimeoutSeconds: 1 } });
  });
  after(async () => {
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const command = (client: RawClient, text: string): void => client.send({ name: 'PrivateChatMessage', username: 'server', message: text });

  /** Logs in and expects a refusal that says why (BANNED and its detail), then the close. */
  async function refusedAsBanned(username: string, detail: string): Promise<void> {
    const client = await RawClient.connect(s.port);
    client.send({ name: 'Login', username, password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
    await client.waitClosed();
    assert.deepEqual(client.received, [{ name: 'Login', result: false, failureReason: 'BANNED', rejectionDetail: detail }], `${username}'s login refused`);
  }

  test('a non-admin gets one clear refusal, whichever way the command comes', async () => {
    const nobody = await RawClient.login(s.port, 'nobody');
    command(nobody, 'help');
    await expectNotice(nobody, NOT_ADMIN);
    nobody.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['ban', 'keeper'] });
    await expectNotice(nobody, NOT_ADMIN);
    await nobody.close();
    const keeper = await RawClient.login(s.port, 'keeper');
    await keeper.close();
  });

  test('help, users, rooms, and mistakes in commands', async () => {
    const boss = await RawClient.login(s.port, 'boss');
    const keeper = await RawClient.login(s.port, 'keeper');
    command(boss, 'help');
    await expectNotice(boss, HELP_TEXT);
    assert.match(HELP_TEXT, /^kick NAME - disconnect a user and keep them out for 2 minutes$/m);
    keeper.send({ name: 'SetStatus', status: 1 });
    await keeper.sync();
    command(keeper, 'USERS');
    await expectNotice(keeper, '2 users online:\nboss (online)\nkeeper (away)');
    keeper.send({ name: 'JoinRoom', roomName: 'lobby' });
    await keeper.next('JoinRoom');
    keeper.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['rooms'] });
    await expectNotice(keeper, '1 room:\nlobby (1 user)');

    command(boss, 'dance now');
    await expectNotice(boss, 'Unknown command "dance". Send "help" for the list.');
    command(boss, 'ban');
    await expectNotice(boss, 'Usage: ban NAME');
    command(boss, 'message onlyname');
    await expectNotice(boss, 'Usage: message NAME TEXT');
    command(boss, 'privileges keeper 0');
    await expectNotice(boss, 'Usage: privileges NAME DAYS (DAYS from 1 to 3650)');
    boss.send({ name: 'ExecuteCommand', commandType: 'shell', argument: ['ls'] });
    await expectNotice(boss, 'Unknown command type "shell": send "admin" with the command and its arguments.');
    command(boss, 'ban ghost');
    await expectNotice(boss, 'No account named "ghost".');
    command(boss, 'kick boss');
    await expectNotice(boss, 'You cannot kick yourself.');
    await Promise.all([boss.close(), keeper.close()]);
  });

  test('announce reaches everyone as AdminMessage; message reaches one', async () => {
    const boss = await RawClient.login(s.port, 'boss');
    const ann = await RawClient.login(s.port, 'ann');
    const ben = await RawClient.login(s.port, 'ben');
    command(boss, 'announce   Maintenance at noon ');
    for (const client of [boss, ann, ben]) {
      assert.deepEqual(await client.next('AdminMessage'), { name: 'AdminMessage', message: 'Maintenance at noon' });
    }
    await expectNotice(boss, 'Announced to 3 users.');

    boss.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['message', 'ann', 'please', 'rename your share'] });
    assert.deepEqual(await ann.next('AdminMessage'), { name: 'AdminMessage', message: 'please rename your share' });
    await expectNotice(boss, 'Sent to ann.');
    await ben.nothingMore('AdminMessage');
    command(boss, 'message "not here" hello');
    await expectNotice(boss, 'not here is not online.');
    await Promise.all([boss.close(), ann.close(), ben.close()]);
  });

  test('kick: Kicked, disconnected, kept out for two minutes of the clock; unban lets them back early', async () => {
    const boss = await RawClient.login(s.port, 'boss');
    const pest = await RawClient.login(s.port, 'pest');
    command(boss, 'kick pest');
    assert.deepEqual(await pest.next('Kicked'), { name: 'Kicked' });
    await pest.waitClosed();
    await expectNotice(boss, 'Kicked pest; they cannot log in for 2 minutes.');
    await refusedAsBanned('pest', 'Kicked by an admin; you may log in again in 2 minutes.');

    clock.now += 2 * 60_000;
    const back = await RawClient.login(s.port, 'pest');
    command(boss, 'kick pest');
    await back.waitClosed();
    await expectNotice(boss, 'Kicked pest; they cannot log in for 2 minutes.');
    command(boss, 'unban pest');
    await expectNotice(boss, 'Unbanned pest.');
    const early = await RawClient.login(s.port, 'pest');
    await Promise.all([boss.close(), early.close()]);
  });

  test('ban disconnects an online user and is stored; unban lets them in', async () => {
    const keeper = await RawClient.login(s.port, 'keeper');
    const troll = await RawClient.login(s.port, 'troll');
    keeper.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['ban', 'troll'] });
    assert.deepEqual(await troll.next('Kicked'), { name: 'Kicked' });
    await troll.waitClosed();
    await expectNotice(keeper, 'Banned troll and disconnected them.');
    assert.equal((await s.server.core.store.getAccount('troll'))?.banned, true);
    await refusedAsBanned('troll', 'This account is banned from this server.');
    command(keeper, 'unban troll');
    await expectNotice(keeper, 'Unbanned troll.');
    const again = await RawClient.login(s.port, 'troll');
    await Promise.all([keeper.close(), again.close()]);
  });

  test('privileges NAME DAYS: granted from the later of now and the current end, notified, stored', async () => {
    const boss = await RawClient.login(s.port, 'boss');
    const lucky = await RawClient.login(s.port, 'lucky');
    command(boss, 'privileges lucky 5');
    assert.deepEqual(await boss.next('AddPrivilegedUser'), { name: 'AddPrivilegedUser', username: 'lucky' });
    const notification = await lucky.next('PrivilegesNotification');
    assert.deepEqual(notification, { name: 'PrivilegesNotification', notificationId: notification.notificationId, username: 'boss' });
    assert.deepEqual(await lucky.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 5 * DAY_S });
    await expectNotice(boss, 'Gave lucky 5 days of privileges; 5 days left.');
    boss.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['privileges', 'lucky', '2'] });
    assert.deepEqual(await lucky.next('CheckPrivileges'), { name: 'CheckPrivileges', timeLeft: 7 * DAY_S });
    await expectNotice(boss, 'Gave lucky 2 days of privileges; 7 days left.');
    assert.equal((await s.server.core.store.getAccount('lucky'))?.privilegedUntil, clock.now + 7 * DAY_S * 1000);
    command(boss, 'privileges ghost 1');
    await expectNotice(boss, 'No account named "ghost".');
    await Promise.all([boss.close(), lucky.close()]);
  });
});
