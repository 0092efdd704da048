// Private messages: ids and timestamps, delivery while online, storage while offline and
// redelivery at every login until acknowledged, and messages to several users.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RawClient, startServer, type TestServer } from './harness.ts';

describe('private messages', () => {
  let s: TestServer;
  let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
  before(async () => {
    s = await startServer({ now: () => clock });
  });
  after(() => s.close());

  test('an online recipient gets the message at once, with an id and the server time', async () => {
    const amy = await RawClient.login(s.port, 'pm-amy');
    const bo = await RawClient.login(s.port, 'pm-bo');
    amy.send({ name: 'PrivateChatMessage', username: 'pm-bo', message: 'Björk – Jóga ♥' });
    const got = await bo.next('PrivateChatMessage');
    assert.ok(got.chatId > 0);
    assert.deepEqual(got, {
      name: 'PrivateChatMessage',
      chatId: got.chatId,
      timestamp: clock / 1000,
      username: 'pm-amy',
      message: 'Björk – Jóga ♥',
      isDirect: true,
    });
    amy.send({ name: 'PrivateChatMessage', username: 'pm-bo', message: 'second' });
    const second = await bo.next('PrivateChatMessage');
    assert.ok(second.chatId > got.chatId, 'ids increase');
    bo.send({ name: 'PrivateChatMessageAck', chatId: got.chatId });
    bo.send({ name: 'PrivateChatMessageAck', chatId: second.chatId });
    await bo.close();
    // Acknowledged: nothing comes back at the next login.
    const boAgain = await RawClient.login(s.port, 'pm-bo');
    await boAgain.nothingMore('PrivateChatMessage');
    await boAgain.close();
    await amy.close();
  });

  test('unacknowledged and offline messages are redelivered at every login, oldest first, not direct', async () => {
    const cy = await RawClient.login(s.port, 'pm-cy');
    const di = await RawClient.login(s.port, 'pm-di');
    await di.close();
    // Each round trip proves the message was handled (stored) before the clock moves on.
    for (const text of ['one', 'two']) {
      clock += 1000;
      cy.send({ name: 'PrivateChatMessage', username: 'pm-di', message: text });
      await cy.sync();
    }

    const first = await RawClient.connect(s.port);
    first.send({ name: 'Login', username: 'pm-di', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
    const one = await first.next('PrivateChatMessage');
    const two = await first.next('PrivateChatMessage');
    assert.deepEqual([one.message, two.message], ['one', 'two']);
    assert.equal(one.isDirect, false);
    assert.equal(two.timestamp - one.timestamp, 1);
    // Only the first is acknowledged; the second comes back next time.
    first.send({ name: 'PrivateChatMessageAck', chatId: one.chatId });
    await first.close();
    const second = await RawClient.connect(s.port);
    second.send({ name: 'Login', username: 'pm-di', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
    const again = await second.next('PrivateChatMessage');
    assert.equal(again.message, 'two');
    assert.equal(again.chatId, two.chatId);
    await second.nothingMore('PrivateChatMessage');
    await second.close();
    await cy.close();
  });

  test('a user cannot acknowledge (delete) a message sent to someone else', async () => {
    const ed = await RawClient.login(s.port, 'pm-ed');
    const fay = await RawClient.login(s.port, 'pm-fay');
    const gus = await RawClient.login(s.port, 'pm-gus');
    ed.send({ name: 'PrivateChatMessage', username: 'pm-fay', message: 'for fay only' });
    const got = await fay.next('PrivateChatMessage');
    gus.send({ name: 'PrivateChatMessageAck', chatId: got.chatId });
    await gus.nothingMore('PrivateChatMessage');
    await fay.close();
    const fayAgain = await RawClient.connect(s.port);
    fayAgain.send({ name: 'Login', username: 'pm-fay', password: 'secret', version: 160, md5Hash: '', minorVersion: 1 });
    assert.equal((await fayAgain.next('PrivateChatMessage')).message, 'for fay only');
    await fayAgain.close();
    await ed.close();
    await gus.close();
  });

  test('messages to unknown users are dropped', async () => {
    const hal = await RawClient.login(s.port, 'pm-hal');
    hal.send({ name: 'PrivateChatMessage', username: 'pm-never-registered', message: 'hello?' });
    await hal.nothingMore('PrivateChatMessage');
    const stranger = await RawClient.login(s.port, 'pm-never-registered');
    await stranger.nothingMore('PrivateChatMessage');
    await stranger.close();
    await hal.close();
  });

  test('PrivateChatMessageUsers reaches only online recipients that watch the sender', async () => {
    const ivy = await RawClient.login(s.port, 'pm-ivy');
    const jo = await RawClient.login(s.port, 'pm-jo');
    const kim = await RawClient.login(s.port, 'pm-kim');
    jo.send({ name: 'AddUser', username: 'pm-ivy' });
    await jo.next('AddUser');
    ivy.send({ name: 'PrivateChatMessageUsers', username: ['pm-jo', 'pm-kim', 'pm-offline'], message: 'to all' });
    const got = await jo.next('PrivateChatMessage');
    assert.equal(got.message, 'to all');
    assert.equal(got.username, 'pm-ivy');
    await kim.nothingMore('PrivateChatMessage');
    for (const c of [ivy, jo, kim]) await c.close();
  });
});
