// DaemonUsers with real parts: our server on 127.0.0.1, the daemon's Client, sharing peers (Client
// instances answering from a real SharesLibrary), the user lists in a real SQLite file, the event hub.
// Covers what the HTTP route cases (over MemoryUsers) cannot: one browse on the wire for callers
// asking at once, a caller giving up not cancelling the others, the bounded cache, browseProgress and
// userStatus events, offline and silent peers, interests and recommendations from the server.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { NotConnectedError, PeerUnreachableError, TimeoutError, type Client } from '../../src/client/index.ts';
import { EventHub } from '../../src/daemon/events/index.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { BrowseCache, DaemonUsers, UserServiceError } from '../../src/daemon/users/index.ts';
import { loggedIn, newClient, nextEvent } from '../client/helpers.ts';
import { startServer } from '../server/harness.ts';
import { scannedLibrary, tempDir, writeTree } from '../shares/helpers.ts';
import { hubRecorder, type HubRecorder } from './hub-recorder.ts';

const DEADLINE_MS = 15_000;

/** The hub's events as a test sees them (hub-recorder.ts). */
const recorder = (hub: EventHub): HubRecorder => hubRecorder(hub, DEADLINE_MS);

/** Counts the share and folder requests a peer receives. */
function countRequests(peer: Client): { shares: number; folders: number } {
  const counts = { shares: 0, folders: 0 };
  peer.on('peerMessage', ({ message }) => {
    if (message.name === 'PeerSharesRequest') counts.shares++;
    if (message.name === 'PeerDirectoryContentsRequest') counts.folders++;
  });
  return counts;
}

async function setup(t: TestContext, options: { browse?: ConstructorParameters<typeof DaemonUsers>[0]['browse']; peerReplyMs?: number } = {}) {
  const server = await startServer();
  t.after(() => server.close());
  const dir = await tempDir(t, 'slsk-daemon-users-');
  const music = join(dir, 'alice-music');
  await writeTree(music, { 'Coltrane/01 Giant Steps.mp3': 'a'.repeat(300), 'Coltrane/02 Cousin Mary.mp3': 'b'.repeat(200), 'Monk/Round Midnight.mp3': 'c'.repeat(100) });
  const library = await scannedLibrary(t, dir, [{ path: music, name: 'Jazz' }]);
  const alice = await loggedIn(server.port, 'alice');
  t.after(() => alice.close());
  alice.setSharesProvider(library.sharesProvider(() => false));
  const store = DaemonStore.open(join(dir, 'data'));
  t.after(() => store.close());
  const lists = store.userLists;
  const hub = new EventHub();
  t.after(() => hub.close());
  const me = newClient(options.peerReplyMs === undefined ? {} : { timeouts: { peerReplyMs: options.peerReplyMs } });
  t.after(() => me.close());
  me.setUserLists(lists);
  const users = new DaemonUsers({ client: me, lists, interests: store.interests, hub, ...(options.browse === undefined ? {} : { browse: options.browse }) });
  t.after(() => users.close());
  const events = recorder(hub);
  const login = (): Promise<unknown> => me.login({ server: `127.0.0.1:${server.port}`, username: 'me', password: 'pw' });
  return { server, alice, me, lists, store, hub, users, events, login };
}

test('browse: callers at once share one request, the listing is kept, refresh asks again, progress is published', { timeout: 60_000 }, async (t) => {
  const { alice, users, events, login } = await setup(t);
  assert.throws(() => users.browse('alice', {}), NotConnectedError, 'offline: said at once');
  await login();
  const asked = countRequests(alice);

  const [a, b] = await Promise.all([users.browse('alice', {}), users.browse('alice', {})]);
  assert.equal(asked.shares, 1, 'one request on the wire for both callers');
  assert.equal(a, b);
  assert.deepEqual(a.listing.folders.map((f) => [f.name, f.files.length]), [['Jazz', 0], ['Jazz\\Coltrane', 2], ['Jazz\\Monk', 1]]);
  assert.deepEqual([a.folders, a.files], [3, 3]);
  const folder = a.listing.folders.find((f) => f.name.endsWith('Coltrane'));
  assert.deepEqual(folder?.files.map((f) => [f.filename, Number(f.size)]), [['01 Giant Steps.mp3', 300], ['02 Cousin Mary.mp3', 200]]);
  // (a listing this small arrives in one read: no `receiving` in between; the big one below has them)
  const progress = events.events.filter((e) => e.event === 'browseProgress' && e.data['state'] !== 'receiving').map((e) => e.data);
  assert.deepEqual(progress, [{ username: 'alice', state: 'requested' }, { username: 'alice', state: 'received', folders: 3, files: 3 }]);

  assert.equal(await users.browse('alice', {}), a, 'kept: not asked again');
  assert.equal(asked.shares, 1);
  const fresh = await users.browse('alice', { refresh: true });
  assert.equal(asked.shares, 2);
  assert.notEqual(fresh, a);

  // One folder: asked of the peer, answered from its library.
  const [listed] = await users.folder('alice', folder!.name);
  assert.deepEqual(listed?.files.map((f) => f.filename), ['01 Giant Steps.mp3', '02 Cousin Mary.mp3']);
  assert.equal(asked.folders, 1);
});

test('browse: a caller giving up does not cancel the others; the cache is bounded; a silent peer times out', { timeout: 60_000 }, async (t) => {
  const { alice, me, server, login, users, events } = await setup(t, { peerReplyMs: 1500, browse: { maxEntries: 1 } });
  await login();
  const asked = countRequests(alice);
  // The BrowseCache itself, with callers' signals (the HTTP layer has none to give).
  const cache = new BrowseCache({ fetch: (username, signal) => me.browse(username, { signal }), maxEntries: 1 });
  t.after(() => cache.close());
  const leaving = new AbortController();
  const first = cache.get('alice', { signal: leaving.signal });
  const second = cache.get('alice');
  leaving.abort(new Error('the HTTP client went away'));
  await assert.rejects(first);
  const listing = await second;
  assert.equal(listing.files, 3, 'the one that stayed gets the listing');
  assert.equal(asked.shares, 1);
  assert.deepEqual(cache.size, { entries: 1, files: 3, running: 0 });

  // A second user sharing nothing: kept instead of alice (one entry at most).
  const bob = await loggedIn(server.port, 'bob');
  t.after(() => bob.close());
  await users.browse('alice', {});
  assert.deepEqual(users.browseCache, { entries: 1, files: 3, running: 0 });
  const empty = await users.browse('bob', {});
  assert.deepEqual([empty.folders, empty.files], [0, 0]);
  assert.deepEqual(users.browseCache, { entries: 1, files: 0, running: 0 });
  const before = asked.shares;
  await users.browse('alice', {});
  assert.equal(asked.shares, before + 1, 'alice was dropped from the cache, so asked again');

  // A peer whose shares never come: the client's deadline, and a failed progress event.
  const silent = await loggedIn(server.port, 'silent');
  t.after(() => silent.close());
  silent.setSharesProvider({ shares: () => new Promise(() => {}), folder: async () => undefined });
  await assert.rejects(users.browse('silent', {}), TimeoutError);
  const failed = await events.next('a failed browse', (e) => e.event === 'browseProgress' && e.data['username'] === 'silent' && e.data['state'] === 'failed');
  assert.match(String(failed.data['error']), /timed out/);
  assert.equal(users.browseCache.running, 0, 'the failed browse is not left running');
});

test('browse: a big listing reports its bytes while it arrives, before it is received', { timeout: 60_000 }, async (t) => {
  const { server, users, events, login } = await setup(t);
  await login();
  // Random names: a listing zlib cannot shrink below many socket reads.
  const files = Array.from({ length: 20_000 }, (_, i) => ({ filename: `${randomBytes(16).toString('hex')} ${i}.mp3`, size: 1000n, extension: 'mp3', locked: false, attributes: [] }));
  const big = await loggedIn(server.port, 'big');
  t.after(() => big.close());
  big.setSharesProvider({ shares: async () => ({ folders: [{ name: 'Big', files }], lockedFolders: [] }), folder: async () => undefined });

  const listing = await users.browse('big', {});
  assert.equal(listing.files, 20_000);
  await events.next('the received state', (e) => e.event === 'browseProgress' && e.data['username'] === 'big' && e.data['state'] === 'received');
  const states = events.events.filter((e) => e.event === 'browseProgress' && e.data['username'] === 'big').map((e) => e.data);
  assert.equal(states[0]?.['state'], 'requested');
  assert.equal(states.at(-1)?.['state'], 'received');
  const receiving = states.filter((e) => e['state'] === 'receiving');
  assert.ok(receiving.length >= 1, JSON.stringify(states.map((e) => e['state'])));
  const size = receiving[0]!['bytes'] as number;
  assert.ok(size > 100_000, `the listing was ${size} bytes on the wire`);
  for (const event of receiving) {
    assert.equal(event['bytes'], size);
    assert.ok((event['bytesReceived'] as number) > 0 && (event['bytesReceived'] as number) < size);
  }
  const counts = receiving.map((e) => e['bytesReceived'] as number);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'bytes only grow');
});

test('users: info, status, stats, address; offline and unknown users are told apart', { timeout: 60_000 }, async (t) => {
  const { alice, users, login, server } = await setup(t);
  alice.setUserInfo({ description: 'jazz only', picture: new Uint8Array(64), uploadSlots: 3, queueLength: 1, slotsFree: true });
  await login();
  const info = await users.info('alice');
  assert.deepEqual([info.description, info.picture?.length, info.uploadSlots, info.queueLength, info.slotsFree], ['jazz only', 64, 3, 1, true]);
  assert.deepEqual(await users.status('alice'), { status: 'online', privileged: false });
  assert.equal((await users.stats('alice')).folders, 0);
  const address = await users.address('alice');
  assert.equal(address.port, alice.listenPort);

  // A registered user who is offline: no address, and no peer to ask.
  const carol = await loggedIn(server.port, 'carol');
  await carol.close();
  await assert.rejects(users.address('carol'), (e: UserServiceError) => e.code === 'USER_OFFLINE');
  await assert.rejects(users.info('carol'), PeerUnreachableError);
  assert.equal((await users.watch('carol')).status, 'offline');
  await assert.rejects(users.watch('nobody-registered'), (e: UserServiceError) => e.code === 'NO_SUCH_USER');
});

test('buddies and watched users: status from the AddUser reply, then changes; notes; unwatching a buddy is refused', { timeout: 60_000 }, async (t) => {
  const { alice, me, users, events, login, lists } = await setup(t);
  users.addBuddy('alice', 'plays sax');
  assert.deepEqual(users.buddies().map((b) => [b.name, b.note, b.status]), [['alice', 'plays sax', 'unknown']], 'unknown until the server says');
  await login();
  // Buddies are watched at login; the AddUser reply holds the first status.
  await events.next('alice online', (e) => e.event === 'userStatus' && e.data['username'] === 'alice' && e.data['status'] === 'online');
  assert.equal(users.buddies()[0]?.status, 'online');

  // A change comes as GetUserStatus (the daemon's publishChat publishes it); the buddy list follows.
  const away = nextEvent(me, 'userStatus', (e) => e.username === 'alice' && e.status === 'away', DEADLINE_MS);
  alice.setStatus('away');
  await away;
  assert.equal(users.buddies()[0]?.status, 'away');
  assert.equal(users.setBuddyNote('alice', 'still plays sax').note, 'still plays sax');
  assert.equal(lists.buddy('alice')?.note, 'still plays sax', 'kept in the file');
  assert.throws(() => users.unwatch('alice'), (e: UserServiceError) => e.code === 'IS_BUDDY');
  assert.throws(() => users.setBuddyNote('zed', 'x'), (e: UserServiceError) => e.code === 'NOT_FOUND');
  assert.ok(users.removeBuddy('alice'));
  assert.deepEqual(users.buddies(), []);
  assert.equal(users.removeBuddy('alice'), false);

  // Ignoring: kept in the list; the ignored user's browse is dropped from the cache.
  assert.equal(users.ignore('alice').name, 'alice');
  assert.deepEqual(users.ignored().map((u) => u.name), ['alice']);
  assert.ok(users.unignore('alice'));
});

test('interests: ours are told to the server; recommendations, similar users and a user\'s interests come from it', { timeout: 60_000 }, async (t) => {
  const { alice, me, users, login, store, hub, server } = await setup(t);
  alice.addInterest('jazz');
  alice.addInterest('bebop');
  alice.addHatedInterest('noise');
  await login();
  assert.deepEqual(users.addInterest('liked', 'jazz'), { liked: ['jazz'], hated: [] });
  assert.deepEqual(users.addInterest('hated', 'polka'), { liked: ['jazz'], hated: ['polka'] });
  assert.throws(() => users.removeInterest('liked', 'polka'), (e: UserServiceError) => e.code === 'NOT_FOUND');
  assert.deepEqual(await users.userInterests('alice'), { username: 'alice', liked: ['jazz', 'bebop'], hated: ['noise'] });
  const similar = await users.similarUsers();
  assert.deepEqual(similar.map((u) => u.username), ['alice']);
  const recommended = await users.recommendations();
  assert.ok(recommended.recommendations.some((r) => r.item === 'bebop'), JSON.stringify(recommended));
  assert.deepEqual(await users.itemSimilarUsers('bebop'), ['alice']);
  assert.ok((await users.itemRecommendations('bebop')).recommendations.some((r) => r.item === 'jazz'));
  const global = await users.globalRecommendations();
  assert.ok(global.recommendations.some((r) => r.item === 'jazz'));
  assert.deepEqual(users.removeInterest('hated', 'polka'), { liked: ['jazz'], hated: [] });
  users.addInterest('hated', 'polka');
  users.addInterest('liked', 'polka');
  assert.deepEqual(store.interests.list(), { liked: ['jazz', 'polka'], hated: [] }, 'kept, moved between lists');

  // A restarted daemon: the kept lists go to its client, which tells the server at login.
  users.close();
  await me.close();
  const again = newClient();
  t.after(() => again.close());
  const restarted = new DaemonUsers({ client: again, lists: store.userLists, interests: store.interests, hub, maxInterests: 2 });
  t.after(() => restarted.close());
  assert.deepEqual(restarted.interests(), { liked: ['jazz', 'polka'], hated: [] });
  assert.throws(() => restarted.addInterest('liked', 'swing'), (e: UserServiceError) => e.code === 'LIMIT', 'bounded: a full list refuses new items');
  await again.login({ server: `127.0.0.1:${server.port}`, username: 'me', password: 'pw' });
  // asked on the same connection, after the lists it sent at login
  assert.deepEqual(await again.userInterests('me'), { username: 'me', liked: ['jazz', 'polka'], hated: [] });
});
