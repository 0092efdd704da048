// Rooms and private messages through `slsk daemon` as a real child process, over HTTP (the typed
// client) and its event stream, against our own Soulseek server and another user (a library Client):
// a joined room's messages with the mention flag, a message sent to it, a private conversation's unread
// count; then a restart: the room is joined again by itself, the history and the unread count are
// still there (with the message sent while the daemon was away), and acknowledging clears it.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { createDaemonClient } from '../../src/daemon/client.ts';
import { syncWithServer } from '../client/helpers-events.ts';
import { nextEvent } from '../client/helpers.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from './daemon-child.ts';
import { EventReader } from './sse-reader.ts';

const bed = daemonTestbed();

test('slsk daemon: rooms and conversations over HTTP, kept and rejoined across a restart', { timeout: 120_000 }, async () => {
  const server = await bed.startServer();
  const root = bed.tempDir('slsk-daemon-chat-');
  const data = join(root, 'data');
  mkdirSync(join(root, 'Music'), { recursive: true });
  const configFile = join(root, 'daemon.yaml');
  writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music: join(root, 'Music') }));
  const bob = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
  await bob.login({ server: `127.0.0.1:${server.port}`, username: 'bob', password: 'bob-pw' });

  /** Starts the daemon and waits until it is logged in; the API through the typed client and the event stream. */
  const start = async () => {
    const child = startDaemon(configFile, bed.children);
    const first = await daemonStarted(child);
    const token = readFileSync(join(data, 'daemon.token'), 'utf8').trim();
    const events = await EventReader.open(first.url, token, first.firstEventId - 1);
    await events.waitFor('the daemon logged in', (e) => e.event === 'serverConnection' && e.data['state'] === 'loggedIn');
    return { child, events, api: createDaemonClient({ baseUrl: first.url, token }) };
  };
  const stop = async (child: Awaited<ReturnType<typeof start>>['child']): Promise<void> => {
    child.process.kill('SIGTERM');
    const result = await child.exited;
    assert.equal(result.code, 0, result.stderr);
  };

  try {
    let run = await start();
    try {
      const joined = await run.api.joinRoom({ params: { room: 'lounge' }, query: {} });
      assert.deepEqual([joined.name, joined.present, joined.memberCount], ['lounge', true, 1]);
      await bob.joinRoom('lounge');
      await run.events.waitFor('bob in the room', (e) => e.event === 'roomMembership' && e.data['username'] === 'bob');

      bob.sayInRoom('lounge', 'welcome, daemonuser');
      const said = await run.events.waitFor("bob's message", (e) => e.event === 'roomMessage' && e.data['username'] === 'bob');
      assert.deepEqual([said.data['text'], said.data['mention']], ['welcome, daemonuser', true]);
      const bobHears = nextEvent(bob, 'roomMessage', (m) => m.username === 'daemonuser');
      const sent = await run.api.sendRoomMessage({ params: { room: 'lounge' }, body: { text: 'thanks bob' } });
      assert.deepEqual([sent.own, sent.username, (await bobHears).text], [true, 'daemonuser', 'thanks bob']);

      bob.sendPrivateMessage('daemonuser', 'psst');
      await run.events.waitFor('the private message', (e) => e.event === 'privateMessage' && e.data['text'] === 'psst');
      assert.deepEqual((await run.api.conversations({ query: {} })).map((c) => [c.username, c.unread]), [['bob', 1]]);
    } finally {
      run.events.close();
    }
    await stop(run.child);

    // While the daemon is away bob writes again: the server keeps it for the next login.
    bob.sendPrivateMessage('daemonuser', 'still there?');
    await syncWithServer(bob);

    run = await start();
    try {
      await run.events.waitForAny('lounge joined again', (e) => e.event === 'roomJoined' && e.data['room'] === 'lounge');
      assert.deepEqual((await run.api.joinedRooms()).map((r) => [r.name, r.present]), [['lounge', true]]);
      const history = await run.api.roomMessages({ params: { room: 'lounge' }, query: {} });
      assert.deepEqual(history.map((m) => [m.username, m.text, m.own, m.mention]), [
        ['daemonuser', 'thanks bob', true, false],
        ['bob', 'welcome, daemonuser', false, true],
      ]);

      await run.events.waitForAny('the message sent while away', (e) => e.event === 'privateMessage' && e.data['text'] === 'still there?');
      const page = await run.api.conversation({ params: { username: 'bob' }, query: {} });
      assert.deepEqual([page.unread, page.messages.map((m) => m.text)], [2, ['still there?', 'psst']]);
      assert.deepEqual(await run.api.acknowledgeConversation({ params: { username: 'bob' }, query: {} }), { username: 'bob', unread: 0, marked: 2 });
      await run.events.waitFor('conversationRead', (e) => e.event === 'conversationRead' && e.data['username'] === 'bob' && e.data['unread'] === 0);
      assert.deepEqual((await run.api.conversations({ query: {} })).map((c) => [c.username, c.unread]), [['bob', 0]]);
    } finally {
      run.events.close();
    }
    await stop(run.child);
  } finally {
    await bob.close();
  }
});
