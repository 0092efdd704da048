// The user and social routes' cases for http-routes.test.ts: each through the typed client and with
// fetch and JSON written by hand. The fixture's users are MemoryUsers (test/daemon/memory-users.ts):
// alice is online and shares, bob is offline, slowpoke never answers.

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { userRoutes } from '../../src/daemon/http/user-routes.ts';
import type { socialRoutes } from '../../src/daemon/http/social-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const read = { 'x-api-key': KEYS.read };
const write = { 'x-api-key': KEYS.write };
const writeJson = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const error = (json: unknown): string => (json as { error: string }).error;
const is = (status: number, code: string) => (e: DaemonApiError) => e.status === status && e.code === code;

export const userCases: Record<keyof typeof userRoutes | keyof typeof socialRoutes, RouteTestCase> = {
  user: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual(await api.user({ params: { username: 'alice' } }), {
        username: 'alice',
        description: 'hi, I share jazz',
        hasPicture: true,
        pictureBytes: 1234,
        uploadSlots: 2,
        queueLength: 5,
        slotsFree: false,
        uploadPermissions: 1,
      });
      await assert.rejects(api.user({ params: { username: 'bob' } }), is(409, 'user_unreachable'));
      await assert.rejects(api.user({ params: { username: 'slowpoke' } }), is(504, 'timeout'));
      f.services.users.loggedIn = false;
      await assert.rejects(api.user({ params: { username: 'alice' } }), is(409, 'not_connected'));
    },
    raw: async (f) => {
      const offline = await rawJson(f, 'GET', '/api/v1/users/bob', read);
      assert.equal(offline.status, 409);
      assert.match((offline.json as { message: string }).message, /^Cannot reach bob: the user is offline\. .*GET \/api\/v1\/users\/bob\/status/);
      const slow = await rawJson(f, 'GET', '/api/v1/users/slowpoke', read);
      assert.equal(slow.status, 504);
      assert.match((slow.json as { message: string }).message, /Try again later$/);
      // 31 characters: longer than any server allows
      const long = await rawJson(f, 'GET', `/api/v1/users/${'x'.repeat(31)}`, read);
      assert.deepEqual([long.status, (long.json as { field: string }).field], [400, '/params/username']);
    },
  },
  userStatus: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual(await api.userStatus({ params: { username: 'alice' } }), { username: 'alice', status: 'online', privileged: true });
      assert.deepEqual(await api.userStatus({ params: { username: 'bob' } }), { username: 'bob', status: 'offline', privileged: false });
    },
    raw: async (f) => {
      // a name with a space and a backslash travels percent-encoded
      f.services.users.known.set('d j\\x', { ...f.services.users.known.get('alice')!, status: 'away', privileged: false });
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/users/d%20j%5Cx/status', read), { status: 200, json: { username: 'd j\\x', status: 'away', privileged: false } });
    },
  },
  userStats: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).userStats({ params: { username: 'alice' } }), { username: 'alice', avgSpeed: 250_000, uploads: 42, files: 3, folders: 2 });
    },
    raw: async (f) => {
      f.services.users.loggedIn = false;
      const reply = await rawJson(f, 'GET', '/api/v1/users/alice/stats', read);
      assert.deepEqual([reply.status, error(reply.json)], [409, 'not_connected']);
      assert.match((reply.json as { message: string }).message, /PUT \/api\/v1\/application\/connection/);
    },
  },
  userAddress: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual(await api.userAddress({ params: { username: 'alice' } }), { username: 'alice', ip: '10.0.0.7', port: 2234, obfuscatedPort: 2235 });
      await assert.rejects(api.userAddress({ params: { username: 'bob' } }), is(404, 'user_offline'));
    },
    raw: async (f) => {
      const reply = await rawJson(f, 'GET', '/api/v1/users/bob/address', read);
      assert.equal(reply.status, 404);
      assert.match((reply.json as { message: string }).message, /^bob is offline.*PUT \/api\/v1\/users\/bob\/watch/);
    },
  },
  userBrowse: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      const listing = await api.userBrowse({ params: { username: 'alice' }, query: {} });
      assert.deepEqual([listing.folderCount, listing.fileCount], [2, 3]);
      assert.deepEqual(listing.folders[0]?.files.map((file) => [file.filename, file.size, file.bitrate]), [
        ['01 Giant Steps.flac', 31_000_000, undefined],
        ['02 Cousin Mary.mp3', 6_000_000, 320],
      ]);
      assert.equal(listing.lockedFolders[0]?.files[0]?.locked, true);
      // kept: a second call does not ask again, refresh does
      await api.userBrowse({ params: { username: 'alice' }, query: {} });
      assert.equal(f.services.users.browseCalls, 1);
      const fresh = await api.userBrowse({ params: { username: 'alice' }, query: { refresh: true } });
      assert.equal(f.services.users.browseCalls, 2);
      assert.ok(fresh.fetchedAt > listing.fetchedAt);
      await assert.rejects(api.userBrowse({ params: { username: 'slowpoke' }, query: {} }), is(504, 'timeout'));
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/users/alice/browse?refresh=true', read);
      assert.equal(status, 200);
      assert.deepEqual(json, {
        username: 'alice',
        folders: [
          {
            name: '@@jazz\\Coltrane',
            files: [
              { filename: '01 Giant Steps.flac', size: 31_000_000, extension: 'flac', locked: false },
              { filename: '02 Cousin Mary.mp3', size: 6_000_000, extension: 'mp3', locked: false, bitrate: 320 },
            ],
          },
        ],
        lockedFolders: [{ name: '@@jazz\\Private', files: [{ filename: 'demo.flac', size: 1000, extension: 'flac', locked: true }] }],
        folderCount: 2,
        fileCount: 3,
        fetchedAt: '2026-01-01T00:00:01.000Z',
      });
      assert.equal((await rawJson(f, 'GET', '/api/v1/users/alice/browse?refresh=maybe', read)).status, 400);
    },
  },
  userFolder: {
    client: async (f) => {
      const folders = await f.client({ apiKey: KEYS.read }).userFolder({ params: { username: 'alice' }, query: { path: '@@jazz\\Coltrane' } });
      assert.deepEqual(folders.map((folder) => [folder.name, folder.files.length]), [['@@jazz\\Coltrane', 2]]);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', `/api/v1/users/alice/folder?path=${encodeURIComponent('@@jazz\\Private')}`, read);
      assert.deepEqual([status, (json as { name: string }[]).map((folder) => folder.name)], [200, ['@@jazz\\Private']]);
      const missing = await rawJson(f, 'GET', '/api/v1/users/alice/folder', read);
      assert.deepEqual([missing.status, (missing.json as { field: string }).field], [400, '/query/path']);
      assert.equal((await rawJson(f, 'GET', `/api/v1/users/alice/folder?path=${'x'.repeat(4097)}`, read)).status, 400);
    },
  },
  userInterests: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).userInterests({ params: { username: 'alice' } }), { username: 'alice', liked: ['jazz', 'coltrane'], hated: ['noise'] });
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/users/nobody/interests', read), { status: 200, json: { username: 'nobody', liked: [], hated: [] } });
    },
  },
  watchUser: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      assert.deepEqual(await api.watchUser({ params: { username: 'alice' } }), { username: 'alice', status: 'online', stats: { avgSpeed: 250_000, uploads: 42, files: 3, folders: 2 } });
      assert.deepEqual([...f.services.users.watched], ['alice']);
      await assert.rejects(api.watchUser({ params: { username: 'nobody' } }), is(404, 'no_such_user'));
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'PUT', '/api/v1/users/alice/watch', read)).status, 403);
      const { status, json } = await rawJson(f, 'PUT', '/api/v1/users/bob/watch', write);
      assert.deepEqual([status, (json as { status: string }).status], [200, 'offline']);
    },
  },
  unwatchUser: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      await api.watchUser({ params: { username: 'alice' } });
      assert.equal(await api.unwatchUser({ params: { username: 'alice' } }), null);
      assert.equal(f.services.users.watched.size, 0);
    },
    raw: async (f) => {
      f.services.users.lists.addBuddy('alice');
      const buddy = await rawJson(f, 'DELETE', '/api/v1/users/alice/watch', write);
      assert.deepEqual([buddy.status, error(buddy.json)], [409, 'is_buddy']);
      assert.deepEqual(await rawJson(f, 'DELETE', '/api/v1/users/carol/watch', write), { status: 204, json: undefined });
    },
  },

  buddies: {
    client: async (f) => {
      f.services.users.lists.addBuddy('zed', { note: 'met in #jazz' });
      f.services.users.lists.addBuddy('alice');
      f.services.users.heard.set('alice', 'away');
      const buddies = await f.client({ apiKey: KEYS.read }).buddies();
      assert.deepEqual(buddies.map((b) => [b.username, b.note, b.status]), [['alice', '', 'away'], ['zed', 'met in #jazz', 'unknown']]);
    },
    raw: async (f) => {
      f.services.users.lists.addBuddy('alice', { note: 'n' });
      const { status, json } = await rawJson(f, 'GET', '/api/v1/buddies', read);
      assert.equal(status, 200);
      const [buddy] = json as Record<string, unknown>[];
      assert.deepEqual(Object.keys(buddy!).sort(), ['addedAt', 'note', 'status', 'username']);
      assert.match(String(buddy!['addedAt']), /^\d{4}-\d\d-\d\dT/);
    },
  },
  addBuddy: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      const added = await api.addBuddy({ params: { username: 'alice' }, body: { note: 'jazz' } });
      assert.deepEqual([added.username, added.note, added.status], ['alice', 'jazz', 'unknown']);
      // again without a note keeps it
      assert.equal((await api.addBuddy({ params: { username: 'alice' }, body: {} })).note, 'jazz');
      assert.deepEqual(f.services.users.lists.buddyNames(), ['alice']);
    },
    raw: async (f) => {
      const server = await rawJson(f, 'PUT', '/api/v1/buddies/Server', writeJson, '{}');
      assert.deepEqual([server.status, error(server.json), (server.json as { field: string }).field], [400, 'bad_username', '/params/username']);
      const long = await rawJson(f, 'PUT', '/api/v1/buddies/alice', writeJson, JSON.stringify({ note: 'n'.repeat(1001) }));
      assert.deepEqual([long.status, (long.json as { field: string }).field], [400, '/body/note']);
      assert.equal((await rawJson(f, 'PUT', '/api/v1/buddies/alice', writeJson, '{"note": "ok"}')).status, 200);
      assert.equal(f.services.users.lists.buddy('alice')?.note, 'ok');
    },
  },
  setBuddyNote: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      await assert.rejects(api.setBuddyNote({ params: { username: 'alice' }, body: { note: 'x' } }), is(404, 'not_found'));
      await api.addBuddy({ params: { username: 'alice' }, body: {} });
      assert.equal((await api.setBuddyNote({ params: { username: 'alice' }, body: { note: 'plays sax' } })).note, 'plays sax');
      assert.equal(f.services.users.lists.buddy('alice')?.note, 'plays sax');
    },
    raw: async (f) => {
      f.services.users.lists.addBuddy('alice');
      const missing = await rawJson(f, 'PATCH', '/api/v1/buddies/alice', writeJson, '{}');
      assert.deepEqual([missing.status, (missing.json as { field: string }).field], [400, '/body/note']);
      const { status, json } = await rawJson(f, 'PATCH', '/api/v1/buddies/alice', writeJson, '{"note": ""}');
      assert.deepEqual([status, (json as { note: string }).note], [200, '']);
    },
  },
  removeBuddy: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      f.services.users.lists.addBuddy('alice');
      assert.equal(await api.removeBuddy({ params: { username: 'alice' } }), null);
      assert.deepEqual(f.services.users.lists.buddyNames(), []);
      await assert.rejects(api.removeBuddy({ params: { username: 'alice' } }), is(404, 'not_found'));
    },
    raw: async (f) => {
      f.services.users.lists.addBuddy('alice');
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/buddies/alice', read)).status, 403);
      assert.deepEqual(await rawJson(f, 'DELETE', '/api/v1/buddies/alice', write), { status: 204, json: undefined });
    },
  },
  ignoredUsers: {
    client: async (f) => {
      f.services.users.lists.ignore('spammer');
      assert.deepEqual((await f.client({ apiKey: KEYS.read }).ignoredUsers()).map((u) => u.username), ['spammer']);
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/ignored', read), { status: 200, json: [] });
    },
  },
  ignoreUser: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      assert.equal((await api.ignoreUser({ params: { username: 'spammer' } })).username, 'spammer');
      assert.equal((await api.ignoreUser({ params: { username: 'spammer' } })).username, 'spammer', 'again is no error');
      assert.ok(f.services.users.lists.isIgnored('spammer'));
    },
    raw: async (f) => {
      const bad = await rawJson(f, 'PUT', '/api/v1/ignored/%20padded', write);
      assert.deepEqual([bad.status, error(bad.json)], [400, 'bad_username']);
      assert.match((bad.json as { message: string }).message, /leading or trailing spaces/);
    },
  },
  unignoreUser: {
    client: async (f) => {
      f.services.users.lists.ignore('spammer');
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.unignoreUser({ params: { username: 'spammer' } }), null);
      assert.equal(f.services.users.lists.isIgnored('spammer'), false);
    },
    raw: async (f) => {
      const reply = await rawJson(f, 'DELETE', '/api/v1/ignored/spammer', write);
      assert.deepEqual([reply.status, (reply.json as { message: string }).message], [404, 'spammer is not ignored; GET /api/v1/ignored lists who is']);
    },
  },
  interests: {
    client: async (f) => {
      f.services.users.liked.push('jazz');
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).interests(), { liked: ['jazz'], hated: [] });
    },
    raw: async (f) => assert.deepEqual(await rawJson(f, 'GET', '/api/v1/interests', read), { status: 200, json: { liked: [], hated: [] } }),
  },
  addInterest: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      assert.deepEqual(await api.addInterest({ params: { kind: 'liked', item: 'free jazz' } }), { liked: ['free jazz'], hated: [] });
      // hating it moves it
      assert.deepEqual(await api.addInterest({ params: { kind: 'hated', item: 'free jazz' } }), { liked: [], hated: ['free jazz'] });
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'PUT', '/api/v1/interests/liked/drum%20%26%20bass', write), { status: 200, json: { liked: ['drum & bass'], hated: [] } });
      assert.equal((await rawJson(f, 'PUT', '/api/v1/interests/loved/jazz', write)).status, 400);
      assert.equal((await rawJson(f, 'PUT', `/api/v1/interests/liked/${'x'.repeat(201)}`, write)).status, 400);
    },
  },
  removeInterest: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      await api.addInterest({ params: { kind: 'liked', item: 'jazz' } });
      assert.deepEqual(await api.removeInterest({ params: { kind: 'liked', item: 'jazz' } }), { liked: [], hated: [] });
      await assert.rejects(api.removeInterest({ params: { kind: 'liked', item: 'jazz' } }), is(404, 'not_found'));
    },
    raw: async (f) => {
      f.services.users.hated.push('noise');
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/interests/liked/noise', write)).status, 404, 'not in that list');
      assert.deepEqual(await rawJson(f, 'DELETE', '/api/v1/interests/hated/noise', write), { status: 200, json: { liked: [], hated: [] } });
    },
  },
  recommendations: {
    client: async (f) => {
      f.services.users.liked.push('jazz');
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).recommendations(), { recommendations: [{ item: 'coltrane', score: 1 }], unrecommendations: [] });
    },
    raw: async (f) => {
      f.services.users.loggedIn = false;
      assert.equal((await rawJson(f, 'GET', '/api/v1/recommendations', read)).status, 409);
    },
  },
  globalRecommendations: {
    client: async (f) => {
      const global = await f.client({ apiKey: KEYS.read }).globalRecommendations();
      assert.deepEqual(global.unrecommendations, [{ item: 'noise', score: -1 }]);
      assert.deepEqual(global.recommendations.map((r) => r.item).sort(), ['coltrane', 'jazz']);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/recommendations/global', read);
      assert.deepEqual([status, Object.keys(json as object).sort()], [200, ['recommendations', 'unrecommendations']]);
    },
  },
  similarUsers: {
    client: async (f) => {
      f.services.users.liked.push('jazz', 'coltrane');
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).similarUsers(), [{ username: 'alice', rating: 2 }]);
    },
    raw: async (f) => assert.deepEqual(await rawJson(f, 'GET', '/api/v1/similar-users', read), { status: 200, json: [] }),
  },
  itemRecommendations: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.read }).itemRecommendations({ params: { item: 'jazz' } }), { recommendations: [{ item: 'coltrane', score: 1 }], unrecommendations: [] });
    },
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/items/polka/recommendations', read), { status: 200, json: { recommendations: [], unrecommendations: [] } });
      assert.equal((await rawJson(f, 'GET', `/api/v1/items/${'x'.repeat(201)}/recommendations`, read)).status, 400);
    },
  },
  itemSimilarUsers: {
    client: async (f) => assert.deepEqual(await f.client({ apiKey: KEYS.read }).itemSimilarUsers({ params: { item: 'coltrane' } }), ['alice']),
    raw: async (f) => {
      assert.deepEqual(await rawJson(f, 'GET', '/api/v1/items/free%20jazz/similar-users', read), { status: 200, json: [] });
      f.services.users.loggedIn = false;
      assert.equal((await rawJson(f, 'GET', '/api/v1/items/jazz/similar-users', read)).status, 409);
    },
  },
};
