// Privileges and administration from the client's side: an admin grants days through an admin
// command, the receiver's notification is acknowledged for it and reported as an event, a user
// gives some of its days to another, every refusal carries the server's words, and the set of
// privileged users the client keeps follows the server's lists and announcements.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError, type Client } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../server/harness.ts';
import { syncWithServer } from './helpers-events.ts';
import { loggedIn, nextEvent } from './helpers.ts';

const DAY = 86_400;

/** Seconds left, counting down from `days`: at most that, and no more than a few seconds less. */
function about(seconds: number, days: number): void {
  assert.ok(seconds <= days * DAY && seconds > days * DAY - 30, `${seconds} s is not about ${days} days`);
}

async function giftRefused(call: Promise<unknown>, notice: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ClientError, `not a ClientError: ${String(error)}`);
    assert.equal(error.code, 'PRIVILEGES_REFUSED');
    assert.ok(error.message.endsWith(`: ${notice}`), `${JSON.stringify(error.message)} does not end with ${JSON.stringify(notice)}`);
    return true;
  });
}

describe('privileges and admin commands', () => {
  let s: TestServer;
  let admin: Client;
  let giver: Client;
  let taker: Client;
  before(async () => {
    s = await startServer({ admins: ['pv-admin'] });
    admin = await loggedIn(s.port, 'pv-admin');
    giver = await loggedIn(s.port, 'pv-giver');
    taker = await loggedIn(s.port, 'pv-taker');
  });
  after(async () => {
    await Promise.all([admin, giver, taker].map((client) => client.close()));
    await s.close();
  });

  test('without privileges there is nothing to give', async () => {
    assert.equal(await giver.checkPrivileges(), 0);
    assert.equal(await taker.userPrivileged('pv-giver'), false);
    await giftRefused(giver.givePrivileges('pv-taker', 1), 'You have no privileges to give.');
    assert.throws(() => giver.givePrivileges('pv-taker', 0), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT');
    assert.throws(() => giver.givePrivileges('pv-taker', 1.5), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT');
  });

  test('an admin command grants days: notification acknowledged, event, everyone hears', async () => {
    const given = nextEvent(giver, 'privilegesGiven');
    const heard = nextEvent(taker, 'privilegedUserAdded');
    const reply = await admin.adminCommand('privileges pv-giver 10');
    // The time left is read a moment after the grant: 10 days, or a few milliseconds less.
    assert.match(reply, /^Gave pv-giver 10 days of privileges; (10 days|9 days and 23 hours) left\.$/);
    const event = await given;
    assert.equal(event.from, 'pv-admin');
    assert.equal(typeof event.id, 'number');
    assert.equal(await heard, 'pv-giver');
    await syncWithServer(giver);
    // The client acknowledged the notification for us.
    assert.equal(s.server.core.privilegeNotices.size, 0);
    assert.equal(giver.isPrivileged('pv-giver'), true);
    assert.equal(taker.isPrivileged('pv-giver'), true);
    about(await giver.checkPrivileges(), 10);
    assert.equal(await taker.userPrivileged('pv-giver'), true);
  });

  test('a gift: the giver\'s days move to the receiver', async () => {
    const given = nextEvent(taker, 'privilegesGiven');
    const left = await giver.givePrivileges('pv-taker', 3);
    about(left, 7);
    assert.deepEqual({ from: (await given).from }, { from: 'pv-giver' });
    await syncWithServer(taker);
    assert.equal(s.server.core.privilegeNotices.size, 0);
    about(await taker.checkPrivileges(), 3);
    assert.equal(taker.isPrivileged('pv-taker'), true);
    assert.equal(await giver.userPrivileged('pv-taker'), true);
    // Everyone online heard AddPrivilegedUser while the gift was handled, before this round trip.
    await syncWithServer(admin);
    assert.deepEqual(admin.privilegedUsers, ['pv-giver', 'pv-taker']);
  });

  test('every refusal of a gift, in the server\'s words', async () => {
    await giftRefused(giver.givePrivileges('pv-giver', 1), 'You cannot give privileges to yourself.');
    await giftRefused(giver.givePrivileges('pv-ghost', 1), 'There is no user named "pv-ghost".');
    await giftRefused(giver.givePrivileges('pv-taker', 8), 'You have 6 days and 23 hours of privileges left, not enough to give 8 days.');
    about(await giver.checkPrivileges(), 7);
  });

  test('a client logging in later gets the privileged users in the login list', async () => {
    const late = await loggedIn(s.port, 'pv-late');
    try {
      await syncWithServer(late);
      assert.deepEqual(late.privilegedUsers, ['pv-giver', 'pv-taker']);
      assert.equal(late.isPrivileged('pv-late'), false);
    } finally {
      await late.close();
    }
  });

  test('admin commands: help, announcements as AdminMessage, a non-admin refused', async () => {
    const help = await admin.adminCommand('help');
    assert.ok(help.startsWith('Administrator commands (send them as private messages to "server"):\n'), help);
    const announced = nextEvent(taker, 'adminMessage');
    assert.equal(await admin.adminCommand('announce maintenance at noon'), 'Announced to 3 users.');
    assert.equal(await announced, 'maintenance at noon');
    const toOne = nextEvent(giver, 'adminMessage');
    assert.equal(await admin.adminCommand('message pv-giver just you'), 'Sent to pv-giver.');
    assert.equal(await toOne, 'just you');
    assert.equal(await admin.adminCommand('frobnicate'), 'Unknown command "frobnicate". Send "help" for the list.');
    assert.equal(await taker.adminCommand('users'), 'You are not an administrator of this server.');
    assert.throws(() => taker.adminCommand('  '), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT');
    await syncWithServer(taker);
    assert.deepEqual(await s.server.core.store.pendingPrivateMessages('pv-taker'), []);
  });
});
