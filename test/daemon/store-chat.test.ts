// Room and private-message history: kept across a reopen, paged backwards by id, unread counts and
// mark-read, conversation and room lists, the per-room/conversation bounds and the age sweep, the
// text cap — and SQLite's own plan for every statement the store ran: no full scan, no sort.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DaemonStoreError } from '../../src/daemon/store/index.ts';
import { freshStoreEachTest, turnsDuring } from './store-support.ts';

const fresh = freshStoreEachTest();

const DAY = 86_400_000;

describe('daemon store: chat history', () => {
  test('room messages survive a reopen and page backwards by id', () => {
    const handle = fresh();
    for (let i = 0; i < 7; i++) handle.store.chat.addRoomMessage({ room: 'indie', username: `u${i}`, text: `line ${i}`, own: i === 3 });
    handle.store.chat.addRoomMessage({ room: 'jazz', username: 'x', text: 'other room' });
    const store = handle.reopen();
    const page1 = store.chat.roomMessages('indie', { limit: 3 });
    const page2 = store.chat.roomMessages('indie', { limit: 3, before: page1.at(-1)!.id });
    const page3 = store.chat.roomMessages('indie', { limit: 3, before: page2.at(-1)!.id });
    assert.deepEqual([...page1, ...page2, ...page3].map((m) => m.text), [6, 5, 4, 3, 2, 1, 0].map((i) => `line ${i}`));
    assert.deepEqual(page2.map((m) => m.own), [true, false, false]);
    assert.deepEqual(store.chat.rooms().map((r) => [r.room, r.messageCount, r.last.text]), [['jazz', 1, 'other room'], ['indie', 7, 'line 6']]);
  });

  test('private messages: unread counts, mark read up to an id, conversations newest first', () => {
    const { store } = fresh();
    const a1 = store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'hi' });
    store.chat.addPrivateMessage({ peer: 'alice', direction: 'out', text: 'hello' });
    const a3 = store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'got the flac?' });
    store.chat.addPrivateMessage({ peer: 'bob', direction: 'in', text: 'yo' });
    const a5 = store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'still there?' });
    assert.equal(store.chat.unreadCount('alice'), 3, 'our own message is not unread');
    assert.equal(store.chat.markRead('alice', a3.id), 2);
    assert.equal(store.chat.unreadCount('alice'), 1);
    assert.deepEqual(store.chat.privateMessages('alice').map((m) => [m.id, m.read]), [[a5.id, false], [a3.id, true], [a3.id - 1, true], [a1.id, true]]);
    assert.deepEqual(
      store.chat.conversations().map((c) => [c.peer, c.unread, c.messageCount, c.last.text]),
      [['alice', 1, 4, 'still there?'], ['bob', 1, 1, 'yo']],
    );
    assert.equal(store.chat.markRead('alice'), 1);
    assert.equal(store.chat.unreadCount('alice'), 0);
    assert.deepEqual(store.chat.conversations({ limit: 1, before: a5.id }).map((c) => c.peer), ['bob']);
  });

  test('an offline message delivered twice (same server id) is stored once', () => {
    const { store } = fresh();
    const first = store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'while you were away', serverId: 42 });
    const again = store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'while you were away', serverId: 42 });
    assert.equal(again.id, first.id);
    assert.equal(store.chat.privateMessages('alice').length, 1);
    assert.equal(store.chat.unreadCount('alice'), 1);
  });

  test('texts longer than the cap are cut and marked; bad names are refused with a typed error', () => {
    const { store } = fresh({ maxMessageLength: 10 });
    const message = store.chat.addRoomMessage({ room: 'r', username: 'u', text: 'x'.repeat(5000) });
    assert.equal(message.text, 'x'.repeat(10));
    assert.equal(message.truncated, true);
    assert.equal(store.chat.roomMessages('r')[0]!.truncated, true);
    assert.equal(store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: 'short' }).truncated, false);
    assert.throws(() => store.chat.addRoomMessage({ room: 'r'.repeat(101), username: 'u', text: 't' }), (e: unknown) => e instanceof DaemonStoreError && e.code === 'BAD_INPUT' && /room is 101 characters long; the limit is 100/.test(e.message));
    assert.throws(() => store.chat.addPrivateMessage({ peer: 'p', direction: 'sideways' as 'in', text: 't' }), /direction must be/);
    assert.throws(() => store.chat.roomMessages('r', { limit: 0 }), /limit must be a whole number/);
  });

  test('each room and conversation keeps at most its bound, oldest going first, counts kept right', () => {
    const { store } = fresh({ maxMessagesPerRoom: 3, maxMessagesPerConversation: 2 });
    for (let i = 0; i < 10; i++) store.chat.addRoomMessage({ room: 'r', username: 'u', text: `m${i}` });
    assert.deepEqual(store.chat.roomMessages('r').map((m) => m.text), ['m9', 'm8', 'm7']);
    assert.equal(store.chat.rooms()[0]!.messageCount, 3);
    for (let i = 0; i < 5; i++) store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: `p${i}` });
    assert.deepEqual(store.chat.privateMessages('p').map((m) => m.text), ['p4', 'p3']);
    assert.equal(store.chat.unreadCount('p'), 2, 'unread messages trimmed away are no longer counted');
    assert.equal(store.chat.conversations()[0]!.messageCount, 2);
  });

  test('the sweep drops messages past the age limit and applies a lowered bound', async () => {
    const handle = fresh({ chatRetentionDays: 30 });
    const { store, clock } = handle;
    store.chat.addRoomMessage({ room: 'old', username: 'u', text: 'ancient' });
    store.chat.addPrivateMessage({ peer: 'gone', direction: 'in', text: 'ancient' });
    store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'ancient, unread' });
    clock.now += 31 * DAY;
    for (let i = 0; i < 4; i++) store.chat.addRoomMessage({ room: 'new', username: 'u', text: `n${i}` });
    store.chat.addPrivateMessage({ peer: 'alice', direction: 'in', text: 'recent' });
    assert.equal((await store.sweep()).messages, 3);
    assert.deepEqual(store.chat.rooms().map((r) => r.room), ['new']);
    assert.deepEqual(store.chat.conversations().map((c) => [c.peer, c.unread, c.messageCount]), [['alice', 1, 1]]);

    const lowered = handle.reopen({ chatRetentionDays: 30, maxMessagesPerRoom: 2 });
    assert.equal((await lowered.sweep()).messages, 2);
    assert.deepEqual(lowered.chat.roomMessages('new').map((m) => m.text), ['n3', 'n2']);
    assert.equal(lowered.chat.rooms()[0]!.messageCount, 2);
  });

  test('the sweep deletes at most sweepBatchRows per transaction, yielding between them', async () => {
    const { store, clock } = fresh({ chatRetentionDays: 1, sweepBatchRows: 100, maxMessagesPerRoom: 0, maxMessagesPerConversation: 0 });
    for (let i = 0; i < 450; i++) store.chat.addRoomMessage({ room: 'r', username: 'u', text: `${i}`, at: clock.now - 2 * DAY });
    for (let i = 0; i < 250; i++) store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: `${i}`, at: clock.now - 2 * DAY });
    store.chat.addRoomMessage({ room: 'r', username: 'u', text: 'kept' });
    store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: 'kept' });
    const before = { ...store.transactionStats };
    assert.equal(before.maxRowsPerTransaction, 1);
    const { result: swept, turns } = await turnsDuring(() => store.sweep());
    assert.equal(swept.messages, 700);
    const transactions = store.transactionStats.transactions - before.transactions;
    assert.equal(store.transactionStats.maxRowsPerTransaction, 100);
    // 450 → 5 transactions (the last deleting 50), 250 → 3; the bound passes find nothing over 0
    assert.equal(transactions, 5 + 3 + 2);
    assert.ok(turns >= 5 + 3 - 2, `the event loop turned between transactions (${turns} turns)`);
    assert.deepEqual(store.chat.rooms().map((r) => [r.messageCount, r.last.text]), [[1, 'kept']]);
    assert.deepEqual(store.chat.conversations().map((c) => [c.messageCount, c.unread, c.last.text]), [[1, 1, 'kept']]);
  });

  test('every statement the store runs uses an index: no full table scan, no sort', async () => {
    const { store, clock } = fresh({ maxMessagesPerRoom: 2, maxMessagesPerConversation: 2, chatRetentionDays: 1, searchRetentionDays: 1, maxSearches: 1, maxEvents: 2 });
    // Run every path once so every statement is prepared.
    for (let i = 0; i < 3; i++) {
      store.chat.addRoomMessage({ room: 'r', username: 'u', text: 't' });
      store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: 't', serverId: i });
      store.events.add('mention', { room: 'r' });
    }
    const m = store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: 't' });
    store.chat.roomMessages('r', { before: 10 });
    store.chat.roomMessages('r');
    store.chat.privateMessages('p', { before: m.id });
    store.chat.unreadCount('p');
    store.chat.markRead('p', m.id);
    store.chat.conversations();
    store.chat.rooms({ before: 5 });
    store.events.list({ before: 5 });
    const s1 = store.searches.create({ query: 'a' });
    const s2 = store.searches.create({ query: 'b' });
    await store.searches.addResponses(s1.id, [{ username: 'u', slotsFree: true, avgSpeed: 1, queueLength: 0, files: [] }]);
    store.searches.responses(s1.id, { after: 0 });
    store.searches.list({ before: s2.id });
    store.searches.list();
    store.searches.setState(s1.id, 'cancelled');
    await store.searches.delete(s2.id);
    const w = store.wishlist.add({ query: 'w' });
    store.wishlist.update(w.id, { enabled: false });
    store.wishlist.list();
    store.wishlist.remove(w.id);
    store.chat.addRoomMessage({ room: 'r', username: 'u', text: 't', at: clock.now - 2 * DAY });
    store.chat.addPrivateMessage({ peer: 'p', direction: 'in', text: 't', at: clock.now - 2 * DAY });
    await store.sweep();

    // A scan is allowed only where what it reads is bounded by a setting, or stops at a LIMIT:
    const allowedScans = new Map([
      ['SELECT room FROM chat_rooms', 'the sweep visits each room once (one summary row per room)'],
      ['SELECT peer FROM conversations', 'the sweep visits each conversation once (one summary row each)'],
      ['SELECT count(*) AS n FROM wishlist', 'the wishlist is capped by maxWishlistItems'],
      ['SELECT * FROM wishlist ORDER BY added_at, id', 'the wishlist is capped by maxWishlistItems'],
      ['SELECT * FROM searches ORDER BY started_at DESC, seq DESC LIMIT ?', 'reads the index in order, stops at the LIMIT'],
      ['SELECT started_at, seq FROM searches ORDER BY started_at DESC, seq DESC LIMIT 1 OFFSET ?', 'reads maxSearches index entries'],
    ]);
    const plans = store.queryPlans();
    if (process.env.SHOW_PLANS) for (const p of plans) console.log(p.sql.replace(/\s+/g, " "), "=>", p.plan.join(" ; "));
    assert.ok(plans.length >= 30, `every path ran (${plans.length} statements)`);
    const problems = plans.flatMap(({ sql, plan }) => {
      if (allowedScans.has(sql)) return [];
      const bad = plan.filter((step) => /^SCAN (?!\(subquery)/.test(step) || /TEMP B-TREE/.test(step));
      return bad.length === 0 ? [] : [`${sql.replace(/\s+/g, ' ')}\n    ${bad.join('; ')}`];
    });
    assert.deepEqual(problems, [], `statements with a full scan or a sort:\n${problems.join('\n')}`);
  });
});
