// Bad input and bad behaviour cost only the connection that caused it: malformed and oversized
// frames, clients that never read, idle connections, handlers that throw. Unknown codes are skipped.
// Per-address connection limits: abuse-limits.test.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RawClient, startServer } from './harness.ts';

const frame = (code: number, body: number[]): Uint8Array => {
  const bytes = new Uint8Array(8 + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 4 + body.length, true);
  view.setUint32(4, code, true);
  bytes.set(body, 8);
  return bytes;
};

describe('robustness', () => {
  test('a malformed message closes that connection only; an unknown code is skipped', async () => {
    const s = await startServer();
    try {
      const good = await RawClient.login(s.port, 'good');
      const bad = await RawClient.login(s.port, 'bad');
      // Unknown code 9999: skipped, the session goes on.
      bad.sendRaw(frame(9999, [1, 2, 3]));
      await bad.sync();
      // SetStatus with a truncated body: the connection is closed.
      bad.sendRaw(frame(28, [2, 0]));
      await bad.waitClosed();
      // The other session carries on.
      await good.sync();
      assert.equal(s.server.onlineCount, 1);
      await good.close();
    } finally {
      await s.close();
    }
  });

  test('a handler that throws synchronously closes that session only; the server and other sessions go on', async () => {
    const s = await startServer();
    try {
      const core = s.server.core;
      const handle = core.handle.bind(core);
      // A handler that throws at once (not a rejected promise): as a bug in any handler would.
      core.handle = (session, message) => {
        if (message.name === 'SetStatus' && session.username === 'thrower') throw new Error('handler bug');
        return handle(session, message);
      };
      const good = await RawClient.login(s.port, 'good');
      const thrower = await RawClient.login(s.port, 'thrower');
      thrower.send({ name: 'SetStatus', status: 1 });
      await thrower.waitClosed();
      // The other session carries on, and new ones are accepted.
      await good.sync();
      good.send({ name: 'SetStatus', status: 1 });
      await good.sync();
      const late = await RawClient.login(s.port, 'late');
      await late.sync();
      assert.deepEqual([...s.server.core.network.online.keys()].sort(), ['good', 'late']);
      await Promise.all([good.close(), late.close()]);
    } finally {
      await s.close();
    }
  });

  test('a frame over the size limit closes the connection before it is buffered', async () => {
    const s = await startServer({ limits: { maxMessageBytes: 4096 } });
    try {
      const client = await RawClient.login(s.port, 'big');
      const header = new Uint8Array(8);
      new DataView(header.buffer).setUint32(0, 100_000_000, true);
      new DataView(header.buffer).setUint32(4, 13, true);
      client.sendRaw(header);
      await client.waitClosed();
    } finally {
      await s.close();
    }
  });

  test('a client that does not read is disconnected instead of growing the server’s memory', async () => {
    const s = await startServer({ limits: { maxWriteBufferBytes: 64 * 1024, maxChatLength: 4000 } });
    try {
      const reader = await RawClient.login(s.port, 'reader');
      const sleeper = await RawClient.login(s.port, 'sleeper');
      for (const c of [sleeper, reader]) {
        c.send({ name: 'JoinRoom', roomName: 'flood' });
        await c.next('JoinRoom');
      }
      sleeper.socket.pause();
      const text = 'x'.repeat(4000);
      // Enough to fill the sleeper's kernel buffers and then the server's 64 KiB allowance.
      const left = reader.next('UserLeftRoom', (m) => m.username === 'sleeper', 20_000);
      for (let i = 0; i < 8000 && !reader.closed; i++) {
        reader.send({ name: 'RoomChatMessage', roomName: 'flood', message: text });
        if (i % 200 === 199) {
          await reader.sync();
          reader.received.length = 0;
          if (s.server.onlineCount < 2) break;
        }
      }
      await left;
      assert.equal(s.server.onlineCount, 1);
      sleeper.socket.destroy();
      await reader.close();
    } finally {
      await s.close();
    }
  });

  test('an idle session is closed after the idle timeout', async () => {
    const s = await startServer({ limits: { idleTimeoutSeconds: 1 } });
    try {
      const idle = await RawClient.login(s.port, 'idle');
      await idle.waitClosed(5000);
    } finally {
      await s.close();
    }
  });
});
