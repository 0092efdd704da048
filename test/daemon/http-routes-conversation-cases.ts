// The private-message routes' cases for http-routes.test.ts: each through the typed client and with
// fetch and JSON written by hand. The fixture's conversations are MemoryConversations
// (test/daemon/memory-chat.ts).

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { conversationRoutes } from '../../src/daemon/http/conversation-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const read = { 'x-api-key': KEYS.read };

/** bob wrote twice, we answered, then carol wrote once: carol's conversation is the most recent. */
function seeded(f: Fixture): void {
  const c = f.services.conversations;
  c.receive('bob', 'hi');
  c.receive('bob', 'are you there?');
  c.send('bob', 'yes');
  c.receive('carol', 'got the flac?');
}

export const conversationCases: Record<keyof typeof conversationRoutes, RouteTestCase> = {
  conversations: {
    client: async (f) => {
      seeded(f);
      const api = f.client({ apiKey: KEYS.read });
      const all = await api.conversations({ query: {} });
      assert.deepEqual(all.map((c) => [c.username, c.unread, c.messageCount, c.lastMessage.text]), [['carol', 1, 1, 'got the flac?'], ['bob', 2, 3, 'yes']]);
      const next = await api.conversations({ query: { limit: 1, before: all[0]!.lastMessage.id } });
      assert.deepEqual(next.map((c) => c.username), ['bob']);
    },
    raw: async (f) => {
      f.services.conversations.receive('bob', 'hi');
      const { status, json } = await rawJson(f, 'GET', '/api/v1/conversations', read);
      assert.deepEqual([status, json], [
        200,
        [{ username: 'bob', unread: 1, messageCount: 1, lastMessage: { id: 1, username: 'bob', direction: 'in', text: 'hi', time: '2026-01-01T00:00:01.000Z', read: false, truncated: false } }],
      ]);
      assert.equal((await rawJson(f, 'GET', '/api/v1/conversations?limit=0', read)).status, 400);
    },
  },
  conversation: {
    client: async (f) => {
      seeded(f);
      const api = f.client({ apiKey: KEYS.read });
      const page = await api.conversation({ params: { username: 'bob' }, query: { limit: 2 } });
      assert.deepEqual([page.username, page.unread, page.messageCount], ['bob', 2, 3]);
      assert.deepEqual(page.messages.map((m) => [m.direction, m.text]), [['out', 'yes'], ['in', 'are you there?']]);
      const older = await api.conversation({ params: { username: 'bob' }, query: { before: page.messages[1]!.id } });
      assert.deepEqual(older.messages.map((m) => m.text), ['hi']);
      // someone never talked to: an empty conversation, not an error (a UI opens a new one this way)
      assert.deepEqual(await api.conversation({ params: { username: 'dave' }, query: {} }), { username: 'dave', unread: 0, messageCount: 0, messages: [] });
    },
    raw: async (f) => {
      seeded(f);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/conversations/carol?limit=5', read);
      assert.deepEqual([status, json], [
        200,
        { username: 'carol', unread: 1, messageCount: 1, messages: [{ id: 4, username: 'carol', direction: 'in', text: 'got the flac?', time: '2026-01-01T00:00:04.000Z', read: false, truncated: false }] },
      ]);
      assert.equal((await rawJson(f, 'GET', `/api/v1/conversations/${'u'.repeat(101)}`, read)).status, 400);
    },
  },
  sendPrivateMessage: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      const sent = await api.sendPrivateMessage({ params: { username: 'bob' }, body: { text: 'hello bob' } });
      assert.deepEqual([sent.username, sent.direction, sent.text, sent.read], ['bob', 'out', 'hello bob', true]);
      assert.deepEqual((await api.conversation({ params: { username: 'bob' }, query: {} })).messages.map((m) => m.id), [sent.id]);
      f.services.conversations.online = false;
      await assert.rejects(api.sendPrivateMessage({ params: { username: 'bob' }, body: { text: 'again' } }), (e: DaemonApiError) => e.status === 409 && e.code === 'not_connected');
    },
    raw: async (f) => {
      const sent = await rawJson(f, 'POST', '/api/v1/conversations/bob%20smith/messages', write, '{"text": "hi"}');
      assert.deepEqual([sent.status, (sent.json as { username: string }).username], [201, 'bob smith']);
      const long = await rawJson(f, 'POST', '/api/v1/conversations/bob/messages', write, JSON.stringify({ text: 'x'.repeat(2049) }));
      assert.deepEqual([long.status, (long.json as { field: string }).field], [400, '/body/text']);
      // an unknown field is refused, naming it: a typo must not look like success
      const extra = await rawJson(f, 'POST', '/api/v1/conversations/bob/messages', write, '{"text": "hi", "to": "carol"}');
      assert.deepEqual([extra.status, (extra.json as { field: string }).field], [400, '/body/to']);
      assert.equal((await rawJson(f, 'POST', '/api/v1/conversations/bob/messages', read, '{"text": "hi"}')).status, 403);
    },
  },
  acknowledgeConversation: {
    client: async (f) => {
      seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      assert.deepEqual(await api.acknowledgeConversation({ params: { username: 'bob' }, query: { upTo: 1 } }), { username: 'bob', unread: 1, marked: 1 });
      assert.deepEqual(await api.acknowledgeConversation({ params: { username: 'bob' }, query: {} }), { username: 'bob', unread: 0, marked: 1 });
      assert.deepEqual((await api.conversations({ query: {} })).map((c) => [c.username, c.unread]), [['carol', 1], ['bob', 0]]);
    },
    raw: async (f) => {
      seeded(f);
      // no body needed
      assert.deepEqual(await rawJson(f, 'PUT', '/api/v1/conversations/carol/read', { 'x-api-key': KEYS.write }), { status: 200, json: { username: 'carol', unread: 0, marked: 1 } });
      assert.equal((await rawJson(f, 'PUT', '/api/v1/conversations/carol/read?upTo=zero', { 'x-api-key': KEYS.write })).status, 400);
    },
  },
};
