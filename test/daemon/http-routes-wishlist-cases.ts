// The wishlist routes' cases for http-routes.test.ts: each through the typed client and with fetch and
// JSON written by hand. The fixture's wishlist is MemoryWishlist (test/daemon/memory-wishlist.ts),
// its runs start on the fixture's MemorySearches.

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { wishlistRoutes } from '../../src/daemon/http/wishlist-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const read = { 'x-api-key': KEYS.read };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const seeded = (f: Fixture): string => f.services.wishlist.add({ query: 'abbey road', filter: 'ext:flac', autoDownload: true }).id;

export const wishlistCases: Record<keyof typeof wishlistRoutes, RouteTestCase> = {
  wishlist: {
    client: async (f) => {
      const id = seeded(f);
      const second = f.services.wishlist.add({ query: 'let it be', enabled: false }).id;
      const items = await f.client({ apiKey: KEYS.read }).wishlist();
      assert.deepEqual(items.map((i) => [i.id, i.query, i.filter, i.enabled, i.autoDownload]), [[id, 'abbey road', 'ext:flac', true, true], [second, 'let it be', '', false, false]]);
    },
    raw: async (f) => {
      const id = seeded(f);
      assert.equal((await rawJson(f, 'GET', '/api/v1/wishlist', {})).status, 401);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/wishlist', read);
      assert.deepEqual([status, json], [200, [{ id, query: 'abbey road', filter: 'ext:flac', enabled: true, autoDownload: true, addedAt: '2026-01-01T00:00:00.000Z' }]]);
    },
  },
  addWishlistItem: {
    client: async (f) => {
      const item = await f.client({ apiKey: KEYS.write }).addWishlistItem({ body: { query: 'abbey road', filter: 'ext:flac', autoDownload: true } });
      assert.deepEqual([item.query, item.filter, item.enabled, item.autoDownload, item.lastRunAt], ['abbey road', 'ext:flac', true, true, undefined]);
      assert.deepEqual(f.services.wishlist.items.map((i) => i.id), [item.id]);
      await assert.rejects(f.client({ apiKey: KEYS.read }).addWishlistItem({ body: { query: 'x' } }), (e: DaemonApiError) => e.status === 403);
    },
    raw: async (f) => {
      const created = await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": "abbey road"}');
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.json as object).sort(), ['addedAt', 'autoDownload', 'enabled', 'filter', 'id', 'query']);
      const bad = await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": "abbey road", "filter": "size:>lots"}');
      assert.deepEqual([bad.status, (bad.json as { field: string }).field], [400, '/body/filter']);
      const empty = await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": ""}');
      assert.deepEqual([empty.status, (empty.json as { field: string }).field], [400, '/body/query']);
      // a full wishlist: 409 saying what to do
      await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": "two"}');
      await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": "three"}');
      assert.equal(f.services.wishlist.items.length, 3);
      const full = await rawJson(f, 'POST', '/api/v1/wishlist', write, '{"query": "four"}');
      assert.deepEqual([full.status, (full.json as { error: string }).error], [409, 'wishlist_full']);
      assert.match((full.json as { message: string }).message, /remove one/);
    },
  },
  updateWishlistItem: {
    client: async (f) => {
      const id = seeded(f);
      const item = await f.client({ apiKey: KEYS.write }).updateWishlistItem({ params: { id }, body: { enabled: false, filter: '' } });
      assert.deepEqual([item.id, item.query, item.filter, item.enabled, item.autoDownload], [id, 'abbey road', '', false, true]);
      assert.equal(f.services.wishlist.items[0]?.enabled, false);
    },
    raw: async (f) => {
      const id = seeded(f);
      const changed = await rawJson(f, 'PATCH', `/api/v1/wishlist/${id}`, write, '{"query": "abbey road remaster", "autoDownload": false}');
      assert.deepEqual([changed.status, (changed.json as { query: string }).query, (changed.json as { autoDownload: boolean }).autoDownload], [200, 'abbey road remaster', false]);
      assert.equal((await rawJson(f, 'PATCH', `/api/v1/wishlist/${id}`, write, '{}')).status, 400);
      assert.equal((await rawJson(f, 'PATCH', `/api/v1/wishlist/${id}`, write, '{"filter": "br:>=fast"}')).status, 400);
      const unknown = await rawJson(f, 'PATCH', `/api/v1/wishlist/${UNKNOWN}`, write, '{"enabled": true}');
      assert.deepEqual([unknown.status, (unknown.json as { error: string }).error], [404, 'not_found']);
    },
  },
  deleteWishlistItem: {
    client: async (f) => {
      const id = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.deleteWishlistItem({ params: { id } }), null);
      assert.deepEqual(await api.wishlist(), []);
      await assert.rejects(api.deleteWishlistItem({ params: { id } }), (e: DaemonApiError) => e.status === 404);
    },
    raw: async (f) => {
      const id = seeded(f);
      assert.equal((await rawJson(f, 'DELETE', `/api/v1/wishlist/${id}`, read)).status, 403);
      assert.deepEqual(await rawJson(f, 'DELETE', `/api/v1/wishlist/${id}`, { 'x-api-key': KEYS.write }), { status: 204, json: undefined });
      assert.equal((await rawJson(f, 'DELETE', '/api/v1/wishlist/not-a-uuid', { 'x-api-key': KEYS.write })).status, 400);
    },
  },
  runWishlistItem: {
    client: async (f) => {
      const id = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      const run = await api.runWishlistItem({ params: { id } });
      assert.deepEqual([run.item.id, run.item.lastRunAt, run.search.query, run.search.filter, run.search.state], [id, '2026-01-02T00:00:00.000Z', 'abbey road', 'ext:flac', 'in-progress']);
      // while it runs, asking again returns the same run
      assert.equal((await api.runWishlistItem({ params: { id } })).search.id, run.search.id);
      assert.deepEqual(f.services.searches.records.map((r) => r.id), [run.search.id]);
    },
    raw: async (f) => {
      const id = seeded(f);
      const { status, json } = await rawJson(f, 'POST', `/api/v1/wishlist/${id}/run`, { 'x-api-key': KEYS.write });
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(json as object).sort(), ['item', 'search']);
      assert.equal((json as { search: { id: string } }).search.id, f.services.searches.records[0]?.id);
      const unknown = await rawJson(f, 'POST', `/api/v1/wishlist/${UNKNOWN}/run`, { 'x-api-key': KEYS.write });
      assert.equal(unknown.status, 404);
      // too many searches running: the run is refused with 429, like a search
      const other = f.services.wishlist.add({ query: 'other' }).id;
      f.services.searches.start({ query: 'busy' });
      const busy = await rawJson(f, 'POST', `/api/v1/wishlist/${other}/run`, { 'x-api-key': KEYS.write });
      assert.deepEqual([busy.status, (busy.json as { error: string }).error], [429, 'too_many_searches']);
    },
  },
};
