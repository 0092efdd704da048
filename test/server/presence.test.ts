// Presence: listen ports and peer addresses, status and stats pushed to watchers and room members,
// watch lists, and the indirect-connection relay. A user acts only for itself.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RawClient, startServer, type TestServer } from './harness.ts';

describe('presence', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  test('GetPeerAddress gives the listen port and obfuscated port; zeros for unknown or offline users', async () => {
    const alice = await RawClient.login(s.port, 'pa-alice');
    const bob = await RawClient.login(s.port, 'pa-bob');
    alice.send({ name: 'SetListenPort', listeningPort: 2234, hasObfuscatedPort: 1, obfuscatedPort: 2235 });
    bob.send({ name: 'GetPeerAddress', username: 'pa-alice' });
    assert.deepEqual(await bob.next('GetPeerAddress'), {
      name: 'GetPeerAddress',
      username: 'pa-alice',
      ip: '127.0.0.1',
      port: 2234,
      hasObfuscatedPort: 1,
      obfuscatedPort: 2235,
    });
    bob.send({ name: 'GetPeerAddress', username: 'nobody-here' });
    assert.deepEqual(await bob.next('GetPeerAddress'), {
      name: 'GetPeerAddress',
      username: 'nobody-here',
      ip: '0.0.0.0',
      port: 0,
      hasObfuscatedPort: 0,
      obfuscatedPort: 0,
    });
    await alice.close();
    await bob.close();
  });

  test('AddUser: an unknown user does not exist; a known one comes with status and stats, and is then watched', async () => {
    const carol = await RawClient.login(s.port, 'w-carol');
    const dave = await RawClient.login(s.port, 'w-dave');
    dave.send({ name: 'AddUser', username: 'w-nobody' });
    assert.deepEqual(await dave.next('AddUser'), { name: 'AddUser', username: 'w-nobody', exist: false });
    carol.send({ name: 'SharedFoldersFiles', sharedFolderCount: 3, sharedFileCount: 42 });
    await carol.next('GetUserStats', (m) => m.username === 'w-carol');
    dave.send({ name: 'AddUser', username: 'w-carol' });
    assert.deepEqual(await dave.next('AddUser'), {
      name: 'AddUser',
      username: 'w-carol',
      exist: true,
      status: 2,
      userStats: { avgSpeed: 0, uploads: 0n, sharedFileCount: 42, sharedFolderCount: 3 },
      countryCode: '',
    });

    // Watched: status and stats changes are pushed.
    carol.send({ name: 'SetStatus', status: 1 });
    assert.deepEqual(await dave.next('GetUserStatus', (m) => m.username === 'w-carol'), {
      name: 'GetUserStatus',
      username: 'w-carol',
      status: 1,
      privileged: false,
    });
    carol.send({ name: 'SendUploadSpeed', speed: 1000 });
    carol.send({ name: 'SendUploadSpeed', speed: 3000 });
    await dave.next('GetUserStats', (m) => m.username === 'w-carol');
    assert.deepEqual(await dave.next('GetUserStats', (m) => m.username === 'w-carol'), {
      name: 'GetUserStats',
      username: 'w-carol',
      userStats: { avgSpeed: 2000, uploads: 2n, sharedFileCount: 42, sharedFolderCount: 3 },
    });

    // Going offline is pushed too; afterwards AddUser shows the stored stats and status offline.
    await carol.close();
    assert.deepEqual(await dave.next('GetUserStatus', (m) => m.username === 'w-carol'), {
      name: 'GetUserStatus',
      username: 'w-carol',
      status: 0,
      privileged: false,
    });
    dave.send({ name: 'AddUser', username: 'w-carol' });
    assert.deepEqual(await dave.next('AddUser'), {
      name: 'AddUser',
      username: 'w-carol',
      exist: true,
      status: 0,
      userStats: { avgSpeed: 2000, uploads: 2n, sharedFileCount: 42, sharedFolderCount: 3 },
    });

    // RemoveUser stops the pushes.
    dave.send({ name: 'RemoveUser', username: 'w-carol' });
    const back = await RawClient.login(s.port, 'w-carol');
    await dave.nothingMore('GetUserStatus', (m) => m.username === 'w-carol');
    await back.close();
    await dave.close();
  });

  test('NewPassword replaces the password at once: the old one stops working', async () => {
    const user = await RawClient.login(s.port, 'np-user', 'old-password');
    user.send({ name: 'NewPassword', password: 'new-password' });
    await user.sync();
    await user.close();
    const old = await RawClient.connect(s.port);
    old.send({ name: 'Login', username: 'np-user', password: 'old-password', version: 160, md5Hash: '', minorVersion: 1 });
    assert.equal((await old.next('Login')).failureReason, 'INVALIDPASS');
    await old.waitClosed();
    const fresh = await RawClient.login(s.port, 'np-user', 'new-password');
    await fresh.close();
  });

  test('GetUserStatus and GetUserStats answer for anyone, zeros for unknown users', async () => {
    const erin = await RawClient.login(s.port, 's-erin');
    erin.send({ name: 'GetUserStats', username: 's-unknown' });
    assert.deepEqual(await erin.next('GetUserStats'), {
      name: 'GetUserStats',
      username: 's-unknown',
      userStats: { avgSpeed: 0, uploads: 0n, sharedFileCount: 0, sharedFolderCount: 0 },
    });
    erin.send({ name: 'GetUserStatus', username: 's-unknown' });
    assert.deepEqual(await erin.next('GetUserStatus', (m) => m.username === 's-unknown'), {
      name: 'GetUserStatus',
      username: 's-unknown',
      status: 0,
      privileged: false,
    });
    await erin.close();
  });

  test('ConnectToPeer reaches the target with the requester’s own address; CannotConnect is relayed back', async () => {
    const frank = await RawClient.login(s.port, 'c-frank');
    const gina = await RawClient.login(s.port, 'c-gina');
    frank.send({ name: 'SetListenPort', listeningPort: 50000, hasObfuscatedPort: 1, obfuscatedPort: 50001 });
    frank.send({ name: 'ConnectToPeer', ticket: 77, username: 'c-gina', connectionType: 'P' });
    assert.deepEqual(await gina.next('ConnectToPeer'), {
      name: 'ConnectToPeer',
      username: 'c-frank',
      connectionType: 'P',
      ipAddress: '127.0.0.1',
      port: 50000,
      ticket: 77,
      privileged: false,
      hasObfuscatedPort: 1,
      obfuscatedPort: 50001,
    });
    gina.send({ name: 'CannotConnect', ticket: 77, username: 'c-frank' });
    assert.deepEqual(await frank.next('CannotConnect'), { name: 'CannotConnect', ticket: 77 });

    // To an offline user: CannotConnect at once.
    frank.send({ name: 'ConnectToPeer', ticket: 78, username: 'c-offline', connectionType: 'F' });
    assert.deepEqual(await frank.next('CannotConnect'), { name: 'CannotConnect', ticket: 78 });
    await frank.close();
    await gina.close();
  });

  test('room members hear each other’s status changes', async () => {
    const h = await RawClient.login(s.port, 'r-h');
    const i = await RawClient.login(s.port, 'r-i');
    h.send({ name: 'JoinRoom', roomName: 'status room' });
    await h.next('JoinRoom');
    i.send({ name: 'JoinRoom', roomName: 'status room' });
    await i.next('JoinRoom');
    i.send({ name: 'SetStatus', status: 1 });
    assert.deepEqual(await h.next('GetUserStatus', (m) => m.username === 'r-i'), {
      name: 'GetUserStatus',
      username: 'r-i',
      status: 1,
      privileged: false,
    });
    await h.close();
    await i.close();
  });

  test('a user cannot change another user’s state: stats and status messages only ever apply to the sender', async () => {
    const j = await RawClient.login(s.port, 'x-j');
    const k = await RawClient.login(s.port, 'x-k');
    j.send({ name: 'AddUser', username: 'x-k' });
    await j.next('AddUser');
    // The deprecated speed report names another user: ignored.
    j.send({ name: 'SendDownloadSpeed', username: 'x-k', speed: 999_999 });
    j.send({ name: 'GetUserStats', username: 'x-k' });
    assert.deepEqual((await j.next('GetUserStats', (m) => m.username === 'x-k')).userStats.avgSpeed, 0);
    // Acknowledging someone else's message id does not delete it (checked in chat tests); an
    // invalid status is ignored.
    j.send({ name: 'SetStatus', status: 7 });
    await k.nothingMore('GetUserStatus', (m) => m.username === 'x-j');
    await j.close();
    await k.close();
  });
});
