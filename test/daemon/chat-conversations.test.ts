// DaemonConversations with real parts: our server on 127.0.0.1, the daemon's Client and another user's
// Client, a real store in a temp dir and the event hub. Messages in and out are kept and published,
// unread counts go to zero when acknowledged and survive a restart, and every message received is
// acknowledged to the server: it is not delivered again at the next login (the server keeps and
// re-delivers messages that were not).

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { ClientError, NotConnectedError, type Client, type PrivateMessage } from '../../src/client/index.ts';
import { DaemonConversations } from '../../src/daemon/chat/index.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { loggedIn, newClient, nextEvent } from '../client/helpers.ts';
import { syncWithServer } from '../client/helpers-events.ts';
import { hubRecorder } from './hub-recorder.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('DaemonConversations: in and out, unread and acknowledged, kept across a restart, acknowledged to the server', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const dir = tempDir('slsk-daemon-conversations-');
  dirs.push(dir);
  let store = DaemonStore.open(dir);
  const hub = new EventHub();
  const { next, events } = hubRecorder(hub);
  let me: Client = newClient();
  let conversations = new DaemonConversations({ client: me, history: store.chat, hub });
  const bob = await loggedIn(server.port, 'bob');
  const login = (client: Client): Promise<unknown> => client.login({ server: `127.0.0.1:${server.port}`, username: 'daemon', password: 'pw' });
  try {
    // Offline: nothing is sent, nothing stored.
    assert.throws(() => conversations.send('bob', 'anyone?'), NotConnectedError);
    assert.deepEqual(conversations.list({}), []);

    // A message arrives: stored unread, then published.
    await login(me);
    bob.sendPrivateMessage('daemon', 'hi, you there?');
    const first = await next('the first message', (e) => e.event === 'privateMessage' && e.data['text'] === 'hi, you there?');
    assert.deepEqual([first.data['username'], first.data['direction'], first.data['unread']], ['bob', 'in', 1]);

    // Our answer reaches bob and is stored as ours (read).
    const bobGets = nextEvent(bob, 'privateMessage', (m) => m.from === 'daemon');
    const answer = conversations.send('bob', 'yes, here');
    assert.deepEqual([answer.direction, answer.read, (await bobGets).text], ['out', true, 'yes, here']);
    await next('our message as an event', (e) => e.event === 'privateMessage' && e.data['direction'] === 'out' && e.data['historyId'] === answer.id);

    bob.sendPrivateMessage('daemon', 'great');
    await next('the second message', (e) => e.event === 'privateMessage' && e.data['text'] === 'great');
    const [summary] = conversations.list({});
    assert.deepEqual([summary?.peer, summary?.unread, summary?.messageCount, summary?.last.text], ['bob', 2, 3, 'great']);
    const page = conversations.get('bob', { limit: 2 });
    assert.deepEqual(page.messages.map((m) => [m.direction, m.text, m.read]), [['in', 'great', false], ['out', 'yes, here', true]]);

    // Acknowledging up to the first message leaves one unread; then all of it.
    const firstId = conversations.get('bob', {}).messages.at(-1)!.id;
    assert.deepEqual(conversations.acknowledge('bob', firstId), { marked: 1, unread: 1 });
    await next('conversationRead', (e) => e.event === 'conversationRead' && e.data['unread'] === 1);
    assert.deepEqual(conversations.acknowledge('bob'), { marked: 1, unread: 0 });
    assert.deepEqual(conversations.acknowledge('bob'), { marked: 0, unread: 0 }, 'nothing left to mark');
    assert.equal(events.filter((e) => e.event === 'conversationRead').length, 2, 'an acknowledgement that changed nothing is not an event');

    // A restart (the store reopened, a new client) with a message sent while the daemon was away:
    // the server delivers it at login, and it is kept unread.
    const restart = async (): Promise<void> => {
      conversations.close();
      await me.close();
      store.close();
      store = DaemonStore.open(dir);
      me = newClient();
      conversations = new DaemonConversations({ client: me, history: store.chat, hub });
    };
    await restart();
    bob.sendPrivateMessage('daemon', 'still there?');
    await syncWithServer(bob);
    await login(me);
    await next('the message kept while away', (e) => e.event === 'privateMessage' && e.data['text'] === 'still there?');
    assert.deepEqual([conversations.list({})[0]?.unread, conversations.get('bob', {}).messageCount], [1, 4], 'the unread count survived the restart');

    // Once more: the server delivers again at login whatever was not acknowledged. Nothing comes.
    await restart();
    const redelivered: PrivateMessage[] = [];
    me.on('privateMessage', (message) => redelivered.push(message));
    await login(me);
    // What the server still held would have come with the login; a round trip after it makes sure.
    await syncWithServer(me);
    assert.deepEqual(redelivered, [], 'every message was acknowledged to the server');
    assert.deepEqual([conversations.list({})[0]?.unread, conversations.get('bob', {}).messageCount], [1, 4]);

    // A message the server delivers twice (its id the same) is kept and published once.
    const beforeAgain = events.filter((e) => e.event === 'privateMessage').length;
    const again = { id: 424_242, time: new Date(), from: 'bob', text: 'twice', isNew: false };
    me.emit('privateMessage', again);
    me.emit('privateMessage', again);
    assert.equal(events.filter((e) => e.event === 'privateMessage').length, beforeAgain + 1);
    assert.deepEqual(conversations.get('bob', { limit: 2 }).messages.map((m) => m.text), ['twice', 'still there?']);
    assert.equal(conversations.get('bob', {}).messageCount, 5);

    assert.deepEqual(conversations.get('nobody', {}), { peer: 'nobody', unread: 0, messageCount: 0, messages: [] });
    assert.throws(() => conversations.send('bob', ''), (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT');
  } finally {
    conversations.close();
    await Promise.all([me.close(), bob.close()]);
    hub.close();
    store.close();
    await server.close();
  }
});
