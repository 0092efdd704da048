// The search routes' cases for http-routes.test.ts: each through the typed client and with fetch and
// JSON written by hand. The fixture's searches are MemorySearches (test/daemon/memory-searches.ts).

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { searchRoutes } from '../../src/daemon/http/search-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const read = { 'x-api-key': KEYS.read };
const flac = { filename: 'Music\\Beatles\\Abbey Road\\01 Come Together.flac', size: 31_000_000n, extension: 'flac', locked: false, attributes: [], duration: 259 };

function seeded(f: Fixture): string {
  const { id } = f.services.searches.start({ query: 'beatles' });
  f.services.searches.add(id, { username: 'alice', slotsFree: true, avgSpeed: 2_000_000, queueLength: 3, files: [flac] });
  f.services.searches.add(id, { username: 'bob', slotsFree: false, avgSpeed: 500, queueLength: 0, files: [{ ...flac, filename: 'b.mp3', extension: 'mp3', bitrate: 320 }] });
  return id;
}

export const searchCases: Record<keyof typeof searchRoutes, RouteTestCase> = {
  startSearch: {
    client: async (f) => {
      const record = await f.client({ apiKey: KEYS.write }).startSearch({ body: { query: 'abbey road', filter: 'ext:flac', scope: 'network' } });
      assert.deepEqual([record.query, record.filter, record.scope, record.state, record.responseCount], ['abbey road', 'ext:flac', 'network', 'in-progress', 0]);
      await assert.rejects(f.client({ apiKey: KEYS.read }).startSearch({ body: { query: 'x' } }), (e: DaemonApiError) => e.status === 403);
    },
    raw: async (f) => {
      const created = await rawJson(f, 'POST', '/api/v1/searches', write, '{"query": "abbey road", "maxResults": 50, "timeoutMs": 5000}');
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.json as object).sort(), ['fileCount', 'filter', 'id', 'query', 'responseCount', 'scope', 'startedAt', 'state']);
      // a filter that does not parse is a 400 naming the filter
      const bad = await rawJson(f, 'POST', '/api/v1/searches', write, '{"query": "abbey road", "filter": "size:>lots"}');
      assert.equal(bad.status, 400);
      assert.equal((bad.json as { field: string }).field, '/body/filter');
      assert.match((bad.json as { message: string }).message, /^filter: .*size/);
      const missing = await rawJson(f, 'POST', '/api/v1/searches', write, '{"scope": "network"}');
      assert.deepEqual([missing.status, (missing.json as { field: string }).field], [400, '/body/query']);
      // past the limit of running searches: 429 with what to do
      await rawJson(f, 'POST', '/api/v1/searches', write, '{"query": "two"}');
      const busy = await rawJson(f, 'POST', '/api/v1/searches', write, '{"query": "three"}');
      assert.deepEqual([busy.status, (busy.json as { error: string }).error], [429, 'too_many_searches']);
    },
  },
  searches: {
    client: async (f) => {
      const first = seeded(f);
      const second = f.services.searches.start({ query: 'second' }).id;
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual((await api.searches({ query: {} })).map((s) => s.id), [second, first]);
      assert.deepEqual((await api.searches({ query: { limit: 1, before: second } })).map((s) => s.id), [first]);
    },
    raw: async (f) => {
      const id = seeded(f);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/searches?limit=10', read);
      assert.deepEqual([status, json], [200, [{ id, query: 'beatles', scope: 'network', filter: '', state: 'in-progress', startedAt: '2026-01-01T00:00:00.000Z', responseCount: 2, fileCount: 2 }]]);
      assert.equal((await rawJson(f, 'GET', '/api/v1/searches?limit=0', read)).status, 400);
    },
  },
  search: {
    client: async (f) => {
      const id = seeded(f);
      const record = await f.client({ apiKey: KEYS.read }).search({ params: { id } });
      assert.deepEqual([record.id, record.responseCount, record.fileCount], [id, 2, 2]);
    },
    raw: async (f) => {
      const unknown = await rawJson(f, 'GET', '/api/v1/searches/00000000-0000-4000-8000-000000000000', read);
      assert.deepEqual([unknown.status, (unknown.json as { error: string }).error], [404, 'not_found']);
      assert.equal((await rawJson(f, 'GET', '/api/v1/searches/not-a-uuid', read)).status, 400);
    },
  },
  searchResponses: {
    client: async (f) => {
      const id = seeded(f);
      const api = f.client({ apiKey: KEYS.read });
      const [first] = await api.searchResponses({ params: { id }, query: { limit: 1 } });
      assert.equal(first?.username, 'alice');
      const rest = await api.searchResponses({ params: { id }, query: { after: first!.seq } });
      assert.deepEqual(rest.map((r) => [r.username, r.files[0]?.bitrate]), [['bob', 320]]);
    },
    raw: async (f) => {
      const id = seeded(f);
      const { status, json } = await rawJson(f, 'GET', `/api/v1/searches/${id}/responses?limit=1`, read);
      assert.equal(status, 200);
      assert.deepEqual(json, [
        {
          seq: 1,
          username: 'alice',
          hasFreeUploadSlot: true,
          uploadSpeed: 2_000_000,
          queueLength: 3,
          receivedAt: '2026-01-01T00:00:01.000Z',
          files: [{ filename: 'Music\\Beatles\\Abbey Road\\01 Come Together.flac', size: 31_000_000, extension: 'flac', locked: false, duration: 259 }],
        },
      ]);
    },
  },
  stopSearch: {
    client: async (f) => {
      const id = seeded(f);
      const record = await f.client({ apiKey: KEYS.write }).stopSearch({ params: { id } });
      assert.equal(record.state, 'cancelled');
      assert.equal(record.endedAt, '2026-01-01T00:00:01.000Z');
    },
    raw: async (f) => {
      const id = seeded(f);
      assert.equal((await rawJson(f, 'PUT', `/api/v1/searches/${id}/stop`, read)).status, 403);
      const { status, json } = await rawJson(f, 'PUT', `/api/v1/searches/${id}/stop`, { 'x-api-key': KEYS.write });
      assert.deepEqual([status, (json as { state: string }).state], [200, 'cancelled']);
    },
  },
  deleteSearch: {
    client: async (f) => {
      const id = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.deleteSearch({ params: { id } }), null);
      await assert.rejects(api.search({ params: { id } }), (e: DaemonApiError) => e.status === 404);
    },
    raw: async (f) => {
      const id = seeded(f);
      assert.deepEqual(await rawJson(f, 'DELETE', `/api/v1/searches/${id}`, { 'x-api-key': KEYS.write }), { status: 204, json: undefined });
      assert.equal((await rawJson(f, 'DELETE', `/api/v1/searches/${id}`, { 'x-api-key': KEYS.write })).status, 404);
    },
  },
};
