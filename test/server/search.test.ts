// Search delivery: network searches through the branch roots (ServerSearchRequest) and straight
// to users outside the distributed network (FileSearch), never to the searcher; user and room
// searches; the wishlist interval; per-user rate limits and excluded phrases.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RawClient, startServer } from './harness.ts';

describe('search', () => {
  test('FileSearch: roots get ServerSearchRequest, non-participants FileSearch, users with a parent and the searcher nothing', async () => {
    const s = await startServer();
    try {
      const searcher = await RawClient.login(s.port, 'searcher');
      const root = await RawClient.login(s.port, 'root');
      const child = await RawClient.login(s.port, 'child');
      const plain = await RawClient.login(s.port, 'plain');
      root.send({ name: 'ToggleParentSearch', enable: true });
      root.send({ name: 'BranchLevel', level: 0 });
      child.send({ name: 'ToggleParentSearch', enable: false });
      child.send({ name: 'BranchRoot', username: 'root' });
      child.send({ name: 'BranchLevel', level: 1 });
      // Round trips make sure the server has handled those before the search.
      for (const c of [root, child]) await c.sync();
      searcher.send({ name: 'FileSearch', ticket: 4242, query: 'aphex twin' });
      assert.deepEqual(await root.next('ServerSearchRequest'), {
        name: 'ServerSearchRequest',
        distributedCode: 3,
        unknown: 0x31,
        username: 'searcher',
        ticket: 4242,
        query: 'aphex twin',
      });
      assert.deepEqual(await plain.next('FileSearch'), { name: 'FileSearch', username: 'searcher', ticket: 4242, query: 'aphex twin' });
      await child.nothingMore('ServerSearchRequest');
      await child.nothingMore('FileSearch');
      await searcher.nothingMore('FileSearch');
      await searcher.nothingMore('ServerSearchRequest');
      for (const c of [searcher, root, child, plain]) await c.close();
    } finally {
      await s.close();
    }
  });

  test('UserSearch goes to the one user; RoomSearch to the other members, members only', async () => {
    const s = await startServer();
    try {
      const a = await RawClient.login(s.port, 'us-a');
      const b = await RawClient.login(s.port, 'us-b');
      const c = await RawClient.login(s.port, 'us-c');
      a.send({ name: 'UserSearch', username: 'us-b', ticket: 1, query: 'flac' });
      assert.deepEqual(await b.next('FileSearch'), { name: 'FileSearch', username: 'us-a', ticket: 1, query: 'flac' });
      await c.nothingMore('FileSearch');

      for (const x of [a, b]) {
        x.send({ name: 'JoinRoom', roomName: 'searchers' });
        await x.next('JoinRoom');
      }
      a.send({ name: 'RoomSearch', room: 'searchers', ticket: 2, query: 'mp3' });
      assert.deepEqual(await b.next('FileSearch'), { name: 'FileSearch', username: 'us-a', ticket: 2, query: 'mp3' });
      await a.nothingMore('FileSearch');
      // A non-member cannot search the room.
      c.send({ name: 'RoomSearch', room: 'searchers', ticket: 3, query: 'mp3' });
      await b.nothingMore('FileSearch', (m) => m.ticket === 3);
      for (const x of [a, b, c]) await x.close();
    } finally {
      await s.close();
    }
  });

  test('WishlistSearch at most once per interval; rate limits and excluded phrases drop searches', async () => {
    let clock = 1_000_000;
    const s = await startServer({
      now: () => clock,
      wishlistIntervalSeconds: 60,
      excludedSearchPhrases: ['Secret Stuff'],
      limits: { searchBurst: 3, searchesPerMinute: 1 },
    });
    try {
      const a = await RawClient.login(s.port, 'wl-a');
      const b = await RawClient.login(s.port, 'wl-b');
      a.send({ name: 'WishlistSearch', ticket: 10, query: 'wish one' });
      assert.equal((await b.next('FileSearch')).ticket, 10);
      a.send({ name: 'WishlistSearch', ticket: 11, query: 'wish two' });
      await a.sync();
      await b.nothingMore('FileSearch', (m) => m.ticket === 11);
      clock += 60_000;
      a.send({ name: 'WishlistSearch', ticket: 12, query: 'wish three' });
      assert.equal((await b.next('FileSearch')).ticket, 12);

      // Excluded phrases, case-insensitive.
      a.send({ name: 'FileSearch', ticket: 13, query: 'some secret stuff here' });
      await b.nothingMore('FileSearch', (m) => m.ticket === 13);

      // A burst of 3: wishlist 10 took one, the minute's refill topped the bucket up again,
      // wishlist 12 took one, so two more pass and the next is dropped.
      for (const ticket of [14, 15]) {
        a.send({ name: 'FileSearch', ticket, query: 'ok' });
        assert.equal((await b.next('FileSearch')).ticket, ticket);
      }
      a.send({ name: 'FileSearch', ticket: 16, query: 'too many' });
      await a.sync();
      await b.nothingMore('FileSearch', (m) => m.ticket === 16);
      clock += 60_000; // one token back
      a.send({ name: 'FileSearch', ticket: 17, query: 'again' });
      assert.equal((await b.next('FileSearch')).ticket, 17);
      await a.close();
      await b.close();
    } finally {
      await s.close();
    }
  });
});
