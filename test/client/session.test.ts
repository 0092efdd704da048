// The client's session with the server: typed login errors, announcing ports and status, the
// kick that stops reconnecting, reconnecting after the server restarts, and offline messages.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client, LoginError, type PrivateMessage } from '../../src/client/index.ts';
import { RawClient, startServer, tempDir } from '../server/harness.ts';

const newClient = (options: ConstructorParameters<typeof Client>[0] = {}) => new Client({ listenHost: '127.0.0.1', reconnect: false, ...options });

/** Resolves with the first event of `name` that passes `test`, or rejects after `ms`. */
function nextEvent<T>(emitter: Client, name: string, test: (value: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name as never, listener as never);
      reject(new Error(`no ${name} event within ${ms} ms`));
    }, ms);
    const listener = (value: T) => {
      if (!test(value)) return;
      clearTimeout(timer);
      emitter.off(name as never, listener as never);
      resolve(value);
    };
    emitter.on(name as never, listener as never);
  });
}

describe('client session', () => {
  test('login announces the listen port and status; refusals are typed LoginErrors', async () => {
    const s = await startServer();
    const client = newClient();
    try {
      const info = await client.login({ server: `127.0.0.1:${s.port}`, username: 'cs-alice', password: 'right' });
      assert.equal(info.ip, '127.0.0.1');
      assert.ok(info.listenPort > 0);
      const watcher = await RawClient.login(s.port, 'cs-watcher');
      watcher.send({ name: 'GetPeerAddress', username: 'cs-alice' });
      assert.equal((await watcher.next('GetPeerAddress')).port, info.listenPort);
      watcher.send({ name: 'AddUser', username: 'cs-alice' });
      assert.equal((await watcher.next('AddUser')).status, 2);
      client.setStatus('away');
      await watcher.next('GetUserStatus', (m) => m.username === 'cs-alice' && m.status === 1);
      await watcher.close();
      await client.close();

      const wrong = newClient();
      await assert.rejects(wrong.login({ server: `127.0.0.1:${s.port}`, username: 'cs-alice', password: 'wrong' }), (error: unknown) => {
        assert.ok(error instanceof LoginError);
        assert.equal(error.reason, 'INVALIDPASS');
        assert.match(error.message, /password is wrong/);
        return true;
      });
      await wrong.close();
      const badName = newClient();
      await assert.rejects(badName.login({ server: `127.0.0.1:${s.port}`, username: 'x'.repeat(40), password: 'pw' }), (error: unknown) => {
        assert.ok(error instanceof LoginError);
        assert.equal(error.reason, 'INVALIDUSERNAME');
        assert.equal(error.detail, 'Nick too long.');
        return true;
      });
      await badName.close();
    } finally {
      await client.close();
      await s.close();
    }
  });

  test('a second login elsewhere kicks the first client, which does not reconnect', async () => {
    const s = await startServer();
    const first = newClient({ reconnect: { enabled: true, initialDelayMs: 50 } });
    const second = newClient();
    try {
      await first.login({ server: `127.0.0.1:${s.port}`, username: 'cs-twice', password: 'pw' });
      const kicked = nextEvent(first, 'kicked');
      const disconnected = nextEvent<{ willReconnect: boolean }>(first, 'disconnected');
      await second.login({ server: `127.0.0.1:${s.port}`, username: 'cs-twice', password: 'pw' });
      await kicked;
      assert.equal((await disconnected).willReconnect, false);
      assert.equal(first.loggedIn, false);
    } finally {
      await first.close();
      await second.close();
      await s.close();
    }
  });

  test('after the server restarts the client reconnects, logs in again and rejoins its rooms', async () => {
    const dataDir = tempDir();
    let s = await startServer({ dataDir });
    const port = s.port;
    const client = newClient({ reconnect: { enabled: true, initialDelayMs: 50, maxDelayMs: 200 } });
    try {
      await client.login({ server: `127.0.0.1:${port}`, username: 'cs-back', password: 'pw' });
      await client.joinRoom('comeback');
      const disconnected = nextEvent<{ willReconnect: boolean }>(client, 'disconnected');
      await s.close();
      assert.equal((await disconnected).willReconnect, true);
      const reconnecting = nextEvent(client, 'reconnecting');
      await reconnecting;
      s = await startServer({ dataDir, port });
      await nextEvent(client, 'loggedIn', () => true, 15_000);
      const other = await RawClient.login(port, 'cs-other');
      other.send({ name: 'RoomList' });
      const list = await other.next('RoomList', (m) => m.rooms.includes('comeback'), 5000).catch(async () => {
        other.send({ name: 'RoomList' });
        return other.next('RoomList', (m) => m.rooms.includes('comeback'));
      });
      assert.deepEqual(list.roomsUserCount[list.rooms.indexOf('comeback')], 1);
      await other.close();
    } finally {
      await client.close();
      await s.close();
    }
  });

  test('messages sent while we were offline arrive at login as events, acknowledged once', async () => {
    const s = await startServer();
    const sender = await RawClient.login(s.port, 'cs-sender');
    await (await RawClient.login(s.port, 'cs-away')).close();
    sender.send({ name: 'PrivateChatMessage', username: 'cs-away', message: 'while you were out' });
    await sender.sync();
    const client = newClient();
    try {
      const received: PrivateMessage[] = [];
      client.on('privateMessage', (m) => received.push(m));
      await client.login({ server: `127.0.0.1:${s.port}`, username: 'cs-away', password: 'secret' });
      if (received.length === 0) await nextEvent(client, 'privateMessage');
      assert.equal(received[0]?.text, 'while you were out');
      assert.equal(received[0]?.from, 'cs-sender');
      assert.equal(received[0]?.isNew, false);
      await client.close();
      // Acknowledged by the client: not delivered again.
      const again = await RawClient.login(s.port, 'cs-away');
      await again.nothingMore('PrivateChatMessage');
      await again.close();
    } finally {
      await sender.close();
      await client.close();
      await s.close();
    }
  });

});
