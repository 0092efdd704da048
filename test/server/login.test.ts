// Login: every refusal reason real clients expect, what the server sends after a success and in
// which order, registration on first login, and the newest login kicking the older session.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RawClient, startServer, type TestServer } from './harness.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('login', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ motd: 'hello from the test', excludedSearchPhrases: ['forbidden thing'] });
  });
  after(() => s.close());

  async function refused(username: string, password: string, version = 160): Promise<{ reason: string | undefined; detail: string | undefined; closed: boolean }> {
    const client = await RawClient.connect(s.port);
    client.send({ name: 'Login', username, password, version, md5Hash: md5(username + password), minorVersion: 1 });
    const reply = await client.next('Login');
    assert.equal(reply.result, false);
    await client.waitClosed();
    return { reason: reply.failureReason, detail: reply.rejectionDetail, closed: client.closed };
  }

  test('success: the reply, then the room list, parent speed settings, wishlist interval, privileged users, excluded phrases', async () => {
    const client = await RawClient.connect(s.port);
    client.send({ name: 'Login', username: 'Björk_fan', password: 'pässwörd', version: 160, md5Hash: md5('Björk_fanpässwörd'), minorVersion: 1 });
    await client.next('ExcludedSearchPhrases');
    assert.deepEqual(client.history.slice(0, 7), [
      'Login',
      'RoomList',
      'ParentMinSpeed',
      'ParentSpeedRatio',
      'WishlistInterval',
      'PrivilegedUsers',
      'ExcludedSearchPhrases',
    ]);
    assert.deepEqual(await client.next('Login'), {
      name: 'Login',
      result: true,
      greeting: 'hello from the test',
      ipAddress: '127.0.0.1',
      md5Hash: md5('pässwörd'),
      privileged: false,
    });
    assert.deepEqual(await client.next('ParentMinSpeed'), { name: 'ParentMinSpeed', parentMinSpeed: 1 });
    assert.deepEqual(await client.next('ParentSpeedRatio'), { name: 'ParentSpeedRatio', parentSpeedRatio: 50 });
    assert.deepEqual(await client.next('WishlistInterval'), { name: 'WishlistInterval', interval: 720 });
    assert.deepEqual(await client.next('PrivilegedUsers'), { name: 'PrivilegedUsers', users: [] });
    // Its own status, pushed because a user always watches itself.
    assert.deepEqual(await client.next('GetUserStatus'), { name: 'GetUserStatus', username: 'Björk_fan', status: 2, privileged: false });
    await client.close();
    // Registered on first login: the same password works again, another does not.
    const again = await RawClient.login(s.port, 'Björk_fan', 'pässwörd');
    await again.close();
    assert.equal((await refused('Björk_fan', 'other')).reason, 'INVALIDPASS');
  });

  test('the excluded phrases are sent after login', async () => {
    const client = await RawClient.connect(s.port);
    client.send({ name: 'Login', username: 'phrases', password: 'pw', version: 160, md5Hash: md5('phrasespw'), minorVersion: 1 });
    assert.deepEqual(await client.next('ExcludedSearchPhrases'), { name: 'ExcludedSearchPhrases', phrases: ['forbidden thing'] });
    await client.close();
  });

  test('a wrong password is INVALIDPASS and the connection closes', async () => {
    const first = await RawClient.login(s.port, 'pwcheck', 'right');
    await first.close();
    assert.deepEqual(await refused('pwcheck', 'wrong'), { reason: 'INVALIDPASS', detail: undefined, closed: true });
  });

  test('bad names are INVALIDUSERNAME with the detail string', async () => {
    assert.deepEqual(await refused('', 'pw'), { reason: 'INVALIDUSERNAME', detail: 'Nick empty.', closed: true });
    assert.deepEqual(await refused('x'.repeat(31), 'pw'), { reason: 'INVALIDUSERNAME', detail: 'Nick too long.', closed: true });
    assert.equal((await refused(' padded', 'pw')).detail, 'Nick has leading or trailing spaces.');
    assert.equal((await refused('tab\there', 'pw')).detail, 'Nick contains invalid characters.');
    assert.equal((await refused('server', 'pw')).detail, 'Nick is reserved.');
  });

  test('an empty password is EMPTYPASSWORD, version 0 is INVALIDVERSION', async () => {
    assert.equal((await refused('nopw', '')).reason, 'EMPTYPASSWORD');
    assert.equal((await refused('oldclient', 'pw', 0)).reason, 'INVALIDVERSION');
  });


  test('a second login of the same user sends Kicked to the first and closes it', async () => {
    const first = await RawClient.login(s.port, 'twice');
    const watcher = await RawClient.login(s.port, 'watcher');
    watcher.send({ name: 'AddUser', username: 'twice' });
    await watcher.next('AddUser');
    const second = await RawClient.login(s.port, 'twice');
    await first.next('Kicked');
    await first.waitClosed();
    // The watcher never sees the user go offline: the newer session replaced it.
    await watcher.nothingMore('GetUserStatus', (m) => m.username === 'twice' && m.status === 0);
    second.send({ name: 'GetUserStatus', username: 'twice' });
    assert.deepEqual(await second.next('GetUserStatus', (m) => m.username === 'twice'), {
      name: 'GetUserStatus',
      username: 'twice',
      status: 2,
      privileged: false,
    });
    await second.close();
    await watcher.close();
  });

  test('anything before Login closes the connection', async () => {
    const client = await RawClient.connect(s.port);
    client.send({ name: 'GetUserStatus', username: 'x' });
    await client.waitClosed();
  });
});

describe('private server, full server, login timeout', () => {
  test('a full server is SVRFULL, but a user already online may log in again', async () => {
    const s = await startServer({ maxUsers: 2 });
    try {
      const one = await RawClient.login(s.port, 'full1');
      const two = await RawClient.login(s.port, 'full2');
      const client = await RawClient.connect(s.port);
      client.send({ name: 'Login', username: 'full3', password: 'pw', version: 160, md5Hash: '', minorVersion: 1 });
      assert.equal((await client.next('Login')).failureReason, 'SVRFULL');
      await client.waitClosed();
      const again = await RawClient.login(s.port, 'full1');
      await one.waitClosed();
      await again.close();
      await two.close();
    } finally {
      await s.close();
    }
  });

  test('--private refuses unknown users with SVRPRIVATE', async () => {
    const s = await startServer({ private: true });
    try {
      const client = await RawClient.connect(s.port);
      client.send({ name: 'Login', username: 'stranger', password: 'pw', version: 160, md5Hash: '', minorVersion: 1 });
      assert.equal((await client.next('Login')).failureReason, 'SVRPRIVATE');
      await client.waitClosed();
      await s.server.core.store.createAccount('member', 'pw');
      const member = await RawClient.login(s.port, 'member', 'pw');
      await member.close();
    } finally {
      await s.close();
    }
  });

  test('a connection that never logs in is closed after the login timeout; a banned user is refused with BANNED, a stranger with INVALIDPASS', async () => {
    const s = await startServer({ limits: { loginTimeoutSeconds: 1 } });
    try {
      const silent = await RawClient.connect(s.port);
      await silent.waitClosed(4000);
      await s.server.core.store.createAccount('banned', 'pw');
      await s.server.core.store.setBanned('banned', true);
      const banned = await RawClient.connect(s.port);
      banned.send({ name: 'Login', username: 'banned', password: 'pw', version: 160, md5Hash: '', minorVersion: 1 });
      await banned.waitClosed(4000);
      assert.deepEqual(banned.received, [{ name: 'Login', result: false, failureReason: 'BANNED', rejectionDetail: 'This account is banned from this server.' }]);
      // Someone without the password does not learn that the account is banned.
      const guesser = await RawClient.connect(s.port);
      guesser.send({ name: 'Login', username: 'banned', password: 'guess', version: 160, md5Hash: '', minorVersion: 1 });
      await guesser.waitClosed(4000);
      assert.deepEqual(guesser.received, [{ name: 'Login', result: false, failureReason: 'INVALIDPASS' }]);
    } finally {
      await s.close();
    }
  });
});
