// The buddy and ignore lists: their SQLite file (shared by two processes' worth of UserLists), their
// limits and refusals, and what they change in a live client — an ignored user's messages,
// searches, browses, search results and transfer requests dropped; a buddy sees buddies-only shares.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { PeerMessage } from '../../src/protocol/index.ts';
import { AbortError, type PrivateMessage } from '../../src/client/index.ts';
import { UserListError, UserLists, listNameProblem, type UserListChange } from '../../src/client/user-lists.ts';
import { startServer } from '../server/harness.ts';
import { scannedLibrary, tempDir, writeTree } from '../shares/helpers.ts';
import { newManager } from '../transfers/helpers.ts';
import { Recorder, syncWithServer } from './helpers-events.ts';
import { loggedIn, newClient, nextEvent } from './helpers.ts';

const listError = (code: string) => (error: unknown) => error instanceof UserListError && error.code === code;

describe('the lists file', () => {
  test('adds, notes and removes; a second UserLists on the same file sees each change on refresh', async (t) => {
    const path = join(await tempDir(t, 'slsk-lists-'), 'nested', 'lists.db');
    let clock = 1000;
    const one = UserLists.open(path, { now: () => clock++ });
    const two = UserLists.open(path);
    t.after(() => {
      one.close();
      two.close();
    });
    const seen: UserListChange[] = [];
    two.on('change', (change) => seen.push(change));

    assert.equal(one.addBuddy('Alice', { note: 'met in #jazz' }), 'added');
    assert.equal(one.addBuddy('Alice'), 'unchanged');
    assert.equal(one.addBuddy('Alice', { note: 'met in #jazz' }), 'unchanged');
    assert.equal(one.addBuddy('Alice', { note: 'flac only' }), 'updated');
    assert.equal(one.addBuddy('bob'), 'added');
    assert.equal(one.ignore('spammer'), true);
    assert.equal(one.ignore('spammer'), false);
    assert.deepEqual(one.buddies(), [
      { name: 'Alice', note: 'flac only', addedAt: 1000 },
      { name: 'bob', note: '', addedAt: 1001 },
    ]);
    // Usernames are case-sensitive.
    assert.equal(one.isBuddy('alice'), false);
    assert.equal(one.isBuddy('Alice'), true);

    assert.deepEqual(two.refresh(), [
      { list: 'buddies', action: 'added', name: 'Alice' },
      { list: 'buddies', action: 'added', name: 'bob' },
      { list: 'ignored', action: 'added', name: 'spammer' },
    ]);
    assert.deepEqual(seen, [
      { list: 'buddies', action: 'added', name: 'Alice' },
      { list: 'buddies', action: 'added', name: 'bob' },
      { list: 'ignored', action: 'added', name: 'spammer' },
    ]);
    assert.equal(two.isIgnored('spammer'), true);
    assert.deepEqual(two.buddy('Alice'), { name: 'Alice', note: 'flac only', addedAt: 1000 });

    assert.equal(two.removeBuddy('bob'), true);
    assert.equal(two.removeBuddy('bob'), false);
    assert.equal(two.unignore('spammer'), true);
    assert.equal(two.addBuddy('Alice', { note: 'changed elsewhere' }), 'updated');
    const ones: UserListChange[] = [];
    one.on('change', (change) => ones.push(change));
    assert.deepEqual(one.refresh(), [
      { list: 'buddies', action: 'updated', name: 'Alice' },
      { list: 'buddies', action: 'removed', name: 'bob' },
      { list: 'ignored', action: 'removed', name: 'spammer' },
    ]);
    assert.equal(ones.length, 3);
    assert.deepEqual(one.buddyNames(), ['Alice']);
    assert.deepEqual(one.ignored(), []);
    assert.deepEqual(one.refresh(), []);
  });

  test('reopened, the lists are still there', async (t) => {
    const path = join(await tempDir(t, 'slsk-lists-'), 'lists.db');
    const first = UserLists.open(path);
    first.addBuddy('keeper');
    first.ignore('troll');
    first.close();
    const again = UserLists.open(path);
    t.after(() => again.close());
    assert.deepEqual(again.buddyNames(), ['keeper']);
    assert.deepEqual(again.ignored().map((user) => user.name), ['troll']);
  });

  test('each list is bounded, and full means refused, even when another UserLists filled it', async (t) => {
    const path = join(await tempDir(t, 'slsk-lists-'), 'lists.db');
    const one = UserLists.open(path, { maxEntries: 2 });
    const two = UserLists.open(path, { maxEntries: 2 });
    t.after(() => {
      one.close();
      two.close();
    });
    one.addBuddy('b1');
    two.addBuddy('b2');
    assert.throws(() => one.addBuddy('b3'), listError('LIST_FULL'));
    assert.equal(one.addBuddy('b2', { note: 'a note is not a new entry' }), 'updated');
    one.ignore('i1');
    one.ignore('i2');
    assert.throws(() => two.ignore('i3'), listError('LIST_FULL'));
    two.unignore('i1');
    assert.equal(one.ignore('i3'), true);
    assert.deepEqual(one.ignored().map((user) => user.name), ['i2', 'i3']);
  });

  test('names servers would refuse as usernames, and over-long notes, are refused', async () => {
    const lists = UserLists.open(':memory:');
    try {
      const bad = ['', ' lead', 'trail ', 'x'.repeat(31), 'line\nbreak', 'tab\there', 'server', 'SERVER', 'zero\u200bwidth'];
      for (const name of bad) {
        assert.notEqual(listNameProblem(name), undefined, name);
        assert.throws(() => lists.addBuddy(name), listError('BAD_NAME'), JSON.stringify(name));
        assert.throws(() => lists.ignore(name), listError('BAD_NAME'), JSON.stringify(name));
      }
      assert.equal(listNameProblem('x'.repeat(30)), undefined);
      assert.equal(listNameProblem('DJ Shadow ♫'), undefined);
      assert.throws(() => lists.addBuddy('ok', { note: 'n'.repeat(1001) }), listError('BAD_NOTE'));
      assert.equal(lists.addBuddy('ok', { note: 'n'.repeat(1000) }), 'added');
      assert.equal(lists.removeBuddy(''), false);
      assert.deepEqual(lists.ignored(), []);
    } finally {
      lists.close();
    }
  });
});

describe('the lists in a live client', () => {
  test('an ignored user: private messages acknowledged and dropped, searches, browses and results unanswered', async (t) => {
    const dir = await tempDir(t, 'slsk-lists-live-');
    const s = await startServer();
    t.after(() => s.close());
    const lists = UserLists.open(join(dir, 'lists.db'));
    t.after(() => lists.close());
    const ann = await loggedIn(s.port, 'ul-ann');
    t.after(() => ann.close());
    const ben = await loggedIn(s.port, 'ul-ben');
    t.after(() => ben.close());
    ann.setUserLists(lists);
    lists.ignore('ul-ben');

    // Private messages: dropped, yet acknowledged, so the server does not keep them.
    const messages = new Recorder<PrivateMessage>();
    ann.on('privateMessage', (message) => messages.push(message));
    const arrived = nextEvent(ann, 'serverMessage', (m) => m.name === 'PrivateChatMessage' && m.username === 'ul-ben');
    ben.sendPrivateMessage('ul-ann', 'you cannot hear me');
    await arrived;
    await syncWithServer(ann);
    assert.deepEqual((await s.server.core.store.pendingPrivateMessages('ul-ann')).map((m) => m.message), []);
    lists.unignore('ul-ben');
    ben.sendPrivateMessage('ul-ann', 'now you can');
    const heard = await messages.wait((m) => m.from === 'ul-ben', 'the message after unignoring');
    assert.equal(heard.text, 'now you can');
    assert.deepEqual(messages.items.map((m) => m.text), ['now you can']);
    lists.ignore('ul-ben');

    // Searches: the responder never hears of them; nor does the app.
    const asked = new Recorder<string>();
    ann.setSearchResponder((search) => {
      asked.push(`${search.username}: ${search.query}`);
      return undefined;
    });
    const requests = new Recorder<string>();
    ann.on('searchRequest', (search) => requests.push(`${search.username}: ${search.query}`));
    const ignoredSearch = ben.search('ignored query', { scope: { kind: 'user', username: 'ul-ann' } });
    await nextEvent(ann, 'serverMessage', (m) => m.name === 'FileSearch' && m.query === 'ignored query');
    ignoredSearch.stop();
    lists.unignore('ul-ben');
    const heardSearch = ben.search('heard query', { scope: { kind: 'user', username: 'ul-ann' } });
    await requests.wait((r) => r === 'ul-ben: heard query', 'the search after unignoring');
    heardSearch.stop();
    assert.deepEqual(requests.items, ['ul-ben: heard query']);
    assert.deepEqual(asked.items, ['ul-ben: heard query']);
    lists.ignore('ul-ben');

    // Browse: no answer, so the browse waits until the caller gives up.
    const shareCalls: string[] = [];
    ann.setSharesProvider({
      shares: (requester) => {
        shareCalls.push(requester);
        return { folders: [{ name: 'Music', files: [] }], lockedFolders: [] };
      },
      folder: () => undefined,
    });
    const replies = new Recorder<PeerMessage['name']>();
    ben.on('peerMessage', (event) => {
      if (event.username === 'ul-ann') replies.push(event.message.name);
    });
    const giveUp = new AbortController();
    const browse = ben.browse('ul-ann', { signal: giveUp.signal });
    await nextEvent(ann, 'peerMessage', (e) => e.username === 'ul-ben' && e.message.name === 'PeerSharesRequest');
    giveUp.abort();
    await assert.rejects(browse, (error: unknown) => error instanceof AbortError);
    lists.unignore('ul-ben');
    const listing = await ben.browse('ul-ann');
    assert.deepEqual(listing.folders.map((folder) => folder.name), ['Music']);
    // Had the first request been answered, its reply would have come first on the same connection.
    assert.deepEqual(replies.items.filter((name) => name === 'PeerSharesReply'), ['PeerSharesReply']);
    assert.deepEqual(shareCalls, ['ul-ben']);
    lists.ignore('ul-ben');

    // Search results from an ignored user are dropped.
    ben.setSearchResponder(() => ({
      files: [{ filename: '@@x\\ignored.mp3', size: 1n }],
      slotsFree: true,
      avgSpeed: 0,
      queueLength: 0,
    }));
    const search = ann.search('anything at all', { scope: { kind: 'user', username: 'ul-ben' } });
    await nextEvent(ann, 'peerMessage', (e) => e.username === 'ul-ben' && e.message.name === 'PeerSearchReply');
    search.stop();
    assert.deepEqual(await search.done, []);

    // Not redelivered at the next login either: the ignored message was acknowledged.
    await ann.close();
    const again = newClient();
    t.after(() => again.close());
    const atLogin = new Recorder<PrivateMessage>();
    again.on('privateMessage', (message) => atLogin.push(message));
    await again.login({ server: `127.0.0.1:${s.port}`, username: 'ul-ann', password: 'pw' });
    await syncWithServer(again);
    assert.deepEqual(atLogin.items.map((m) => m.text), []);
  });

  test('an ignored user\'s transfer requests get no answer from the TransferManager', async (t) => {
    const dir = await tempDir(t, 'slsk-lists-transfer-');
    const s = await startServer();
    t.after(() => s.close());
    const lists = UserLists.open(join(dir, 'lists.db'));
    t.after(() => lists.close());
    const ann = await loggedIn(s.port, 'ut-ann');
    t.after(() => ann.close());
    const ben = await loggedIn(s.port, 'ut-ben');
    t.after(() => ben.close());
    ann.setUserLists(lists);
    const manager = newManager(ann, join(dir, 'ann'), { isIgnored: lists.isIgnored });
    await manager.start();
    t.after(() => manager.close());
    const added: string[] = [];
    manager.on('transferAdded', (transfer) => added.push(transfer.username));
    const answers = new Recorder<PeerMessage>();
    ben.on('peerMessage', (event) => {
      if (event.username === 'ut-ann') answers.push(event.message);
    });

    lists.ignore('ut-ben');
    const request = { name: 'PeerTransferQueue', filename: '@@share\\missing.flac' } as const;
    await ben.sendToPeer('ut-ann', request);
    await ben.sendToPeer('ut-ann', { name: 'PeerPlaceInQueueRequest', filename: '@@share\\missing.flac' });
    await ben.sendToPeer('ut-ann', { name: 'PeerTransferRequest', direction: 0, ticket: 7, filename: '@@share\\missing.flac' });
    await nextEvent(ann, 'peerMessage', (e) => e.username === 'ut-ben' && e.message.name === 'PeerTransferRequest');
    lists.unignore('ut-ben');
    await ben.sendToPeer('ut-ann', request);
    const refused = await answers.wait((m) => m.name === 'PeerTransferQueueFailed', 'the refusal once unignored');
    // The refusal of the request made while ignored would have come first on the same connection.
    assert.deepEqual(answers.items, [{ name: 'PeerTransferQueueFailed', filename: '@@share\\missing.flac', reason: 'File not shared.' }]);
    assert.deepEqual(refused, answers.items[0]);
    assert.deepEqual(added, []);
  });

  test('a buddy opens the buddies-only folders a non-buddy sees only as locked', async (t) => {
    const dir = await tempDir(t, 'slsk-lists-buddy-');
    await writeTree(join(dir, 'music'), { 'Album/01 - Open.mp3': 'open' });
    await writeTree(join(dir, 'friends'), { 'Demos/demo.mp3': 'demo' });
    const library = await scannedLibrary(t, dir, [
      { path: join(dir, 'music'), name: 'Music' },
      { path: join(dir, 'friends'), name: 'Friends', visibility: 'buddies' },
    ]);
    const s = await startServer();
    t.after(() => s.close());
    const lists = UserLists.open(join(dir, 'lists.db'));
    t.after(() => lists.close());
    const sharer = await loggedIn(s.port, 'ub-sharer');
    t.after(() => sharer.close());
    const buddy = await loggedIn(s.port, 'ub-buddy');
    t.after(() => buddy.close());
    const stranger = await loggedIn(s.port, 'ub-stranger');
    t.after(() => stranger.close());

    // Buddies are watched: adding one sends AddUser, answered with its status.
    const watched = nextEvent(sharer, 'serverMessage', (m) => m.name === 'AddUser' && m.username === 'ub-buddy');
    sharer.setUserLists(lists);
    lists.addBuddy('ub-buddy');
    assert.equal((await watched).name, 'AddUser');
    sharer.setSharesProvider(library.sharesProvider(lists.isBuddy));

    const byName = (listing: { folders: { name: string; files: { filename: string }[] }[] }) =>
      listing.folders.map((folder) => [folder.name, folder.files.map((file) => file.filename)]);
    const asBuddy = await buddy.browse('ub-sharer');
    assert.deepEqual(byName(asBuddy), [
      ['Friends', []],
      ['Friends\\Demos', ['demo.mp3']],
      ['Music', []],
      ['Music\\Album', ['01 - Open.mp3']],
    ]);
    assert.deepEqual(asBuddy.lockedFolders, []);

    const asStranger = await stranger.browse('ub-sharer');
    assert.deepEqual(byName(asStranger), [
      ['Music', []],
      ['Music\\Album', ['01 - Open.mp3']],
    ]);
    assert.deepEqual(byName({ folders: asStranger.lockedFolders }), [
      ['Friends', []],
      ['Friends\\Demos', ['demo.mp3']],
    ]);
  });
});
