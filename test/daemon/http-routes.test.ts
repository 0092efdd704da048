// Every route of the table, end to end over real HTTP: once through the typed client and once with
// fetch and JSON written by hand here (so a bug shared by the client and the server cannot hide). The
// cases are a Record keyed by route name: a route added to the table without a case does not compile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routes, type RouteName, type Routes } from '../../src/daemon/http/routes.ts';
import type { Handler } from '../../src/daemon/http/route.ts';
import { createDaemonClient, DaemonApiError } from '../../src/daemon/client.ts';
import { KEYS, WEB_USER, startFixture, type Fixture } from './http-fixture.ts';
import { rawJson, rawReply, type RouteTestCase } from './http-case-support.ts';
import { searchCases } from './http-routes-search-cases.ts';
import { sharesCases } from './http-routes-shares-cases.ts';
import { roomCases } from './http-routes-room-cases.ts';
import { conversationCases } from './http-routes-conversation-cases.ts';
import { transferCases } from './http-routes-transfer-cases.ts';
import { userCases } from './http-routes-user-cases.ts';
import { wishlistCases } from './http-routes-wishlist-cases.ts';

const loginBody = `{"username": "owner", "password": "correct horse battery staple"}`;

const cases: Record<RouteName, RouteTestCase> = {
  health: {
    client: async (f) => {
      assert.deepEqual(await f.client().health(), { status: 'ok' });
      // A fetch handed in (a browser's, a test's) is the one used, with the credentials and CSRF header set.
      const seen: [string, Headers][] = [];
      const recording: typeof fetch = async (input, init) => {
        seen.push([String(input), new Headers(init?.headers)]);
        return fetch(input, init);
      };
      const client = createDaemonClient({ baseUrl: `${f.url}/`, token: 'a-token', fetch: recording });
      assert.deepEqual(await client.health(), { status: 'ok' });
      assert.deepEqual(seen.map(([url, headers]) => [url, headers.get('authorization'), headers.get('x-requested-with')]), [[`${f.url}/health`, 'Bearer a-token', 'slsk-ts']]);
    },
    raw: async (f) => assert.deepEqual(await rawJson(f, 'GET', '/health', {}).then((r) => [r.status, r.json]), [200, { status: 'ok' }]),
  },
  metrics: {
    client: async (f) => {
      assert.match(await f.client({ apiKey: KEYS.read }).metrics(), /^slsk_server_connected 0$/m);
      await assert.rejects(f.client().metrics(), (e: DaemonApiError) => e.status === 401);
    },
    raw: async (f) => {
      const response = await fetch(`${f.url}/metrics`, { headers: { authorization: `Bearer ${KEYS.read}` } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.match(await response.text(), /^# TYPE slsk_http_requests_total counter$/m);
      assert.equal((await fetch(`${f.url}/metrics`)).status, 401);
    },
  },
  openapi: {
    client: async (f) => {
      const document = await f.client().openapi();
      assert.equal(document.openapi, '3.1.0');
      assert.ok('/api/v1/application' in document.paths);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/openapi.json', {});
      assert.equal(status, 200);
      const doc = json as { openapi: string; paths: Record<string, Record<string, { operationId: string }>>; components: { securitySchemes: Record<string, unknown> } };
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.paths['/api/v1/keys']?.['get']?.operationId, 'keys');
      assert.deepEqual(doc.components.securitySchemes['apiKey'], { type: 'apiKey', in: 'header', name: 'X-API-Key' });
    },
  },
  docs: {
    client: async (f) => assert.match(await f.client().docs(), /<h1>slsk-ts daemon API/),
    raw: async (f) => {
      const response = await fetch(`${f.url}/api/v1/docs`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(await response.text(), /<code>GET \/api\/v1\/application<\/code>/);
    },
  },
  login: {
    client: async (f) => {
      const reply = await f.client().login({ body: { username: WEB_USER.username, password: WEB_USER.password } });
      assert.equal(reply.tokenType, 'Bearer');
      assert.equal(reply.name, 'owner');
      assert.ok(reply.expires > reply.issued);
      assert.deepEqual(await f.client({ token: reply.token }).session(), { kind: 'session', name: 'owner', role: 'admin' });
      await assert.rejects(f.client().login({ body: { username: 'owner', password: 'wrong password' } }), (e: DaemonApiError) => e.status === 401 && e.code === 'unauthorized');
    },
    raw: async (f) => {
      const { status, json, headers } = await rawReply(f, 'POST', '/api/v1/session', { 'content-type': 'application/json' }, loginBody);
      assert.equal(status, 200);
      const reply = json as Record<string, unknown>;
      assert.deepEqual(Object.keys(reply).sort(), ['expires', 'issued', 'name', 'token', 'tokenType']);
      assert.equal(reply['tokenType'], 'Bearer');
      assert.match(headers.get('set-cookie') ?? '', new RegExp(`^slsk_session=${String(reply['token'])}; Path=/; HttpOnly; SameSite=Strict; Max-Age=\\d+$`));
    },
  },
  session: {
    client: async (f) => assert.deepEqual(await f.client({ apiKey: KEYS.write }).session(), { kind: 'key', name: 'writer', role: 'write' }),
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/session', { 'X-API-Key': KEYS.read });
      assert.deepEqual([status, json], [200, { kind: 'key', name: 'reader', role: 'read' }]);
    },
  },
  logout: {
    client: async (f) => {
      const { token } = await f.client().login({ body: { username: WEB_USER.username, password: WEB_USER.password } });
      assert.equal(await f.client({ token }).logout(), null);
      await assert.rejects(f.client({ token }).session(), (e: DaemonApiError) => e.status === 401);
      await assert.rejects(f.client({ apiKey: KEYS.read }).logout(), (e: DaemonApiError) => e.status === 400 && e.code === 'no_session');
    },
    raw: async (f) => {
      const login = await rawJson(f, 'POST', '/api/v1/session', { 'content-type': 'application/json' }, loginBody);
      const token = (login.json as { token: string }).token;
      const { status, json, headers } = await rawReply(f, 'DELETE', '/api/v1/session', { authorization: `Bearer ${token}` });
      assert.deepEqual([status, json], [204, undefined]);
      assert.match(headers.get('set-cookie') ?? '', /^slsk_session=; .*Max-Age=0/);
    },
  },
  application: {
    client: async (f) => {
      const state = await f.client({ apiKey: KEYS.read }).application();
      assert.equal(state.version, '0.1.0-test');
      assert.deepEqual(state.server, { state: 'disconnected' });
      assert.ok(Number.isInteger(state.uptimeSeconds) && state.uptimeSeconds >= 0);
      assert.ok(!Number.isNaN(Date.parse(state.startedAt)));
    },
    raw: async (f) => {
      f.services.connection = { state: 'loggedIn', address: 'server.test:2242', username: 'tester' };
      const { status, json } = await rawJson(f, 'GET', '/api/v1/application', { 'x-api-key': KEYS.read });
      assert.equal(status, 200);
      const body = json as Record<string, unknown>;
      assert.deepEqual(body['server'], { state: 'loggedIn', address: 'server.test:2242', username: 'tester' });
      assert.deepEqual(Object.keys(body).sort(), ['server', 'startedAt', 'uptimeSeconds', 'version']);
    },
  },
  connect: {
    client: async (f) => {
      assert.deepEqual(await f.client({ apiKey: KEYS.write }).connect(), { state: 'loggedIn', address: 'server.test:2242', username: 'tester' });
      assert.equal(f.services.connectCalls, 1);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'PUT', '/api/v1/application/connection', { 'x-api-key': KEYS.write });
      assert.deepEqual([status, json], [200, { state: 'loggedIn', address: 'server.test:2242', username: 'tester' }]);
    },
  },
  disconnect: {
    client: async (f) => {
      f.services.connection = { state: 'loggedIn', address: 'server.test:2242', username: 'tester' };
      assert.deepEqual(await f.client({ apiKey: KEYS.admin }).disconnect(), { state: 'disconnected' });
      assert.equal(f.services.connection.state, 'disconnected');
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'DELETE', '/api/v1/application/connection', { authorization: `Bearer ${KEYS.write}` });
      assert.deepEqual([status, json], [200, { state: 'disconnected' }]);
    },
  },
  options: {
    client: async (f) => {
      const options = await f.client({ apiKey: KEYS.read }).options();
      assert.deepEqual(options['directories'], { downloads: '/srv/downloads' });
      assert.doesNotMatch(JSON.stringify(options), /soulseek-secret|read-secret|scrypt\$hash/);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/options', { 'x-api-key': KEYS.read });
      assert.equal(status, 200);
      assert.deepEqual(json, {
        soulseek: { username: 'tester', password: '[redacted]', listenPort: 2234 },
        auth: { web: { username: 'owner', passwordHash: '[redacted]' }, keys: [{ name: 'reader', key: '[redacted]', role: 'read' }] },
        directories: { downloads: '/srv/downloads' },
      });
    },
  },
  events: {
    // The typed client has no streaming call: a stream is read with fetch (or EventSource).
    client: async (f) => {
      const controller = new AbortController();
      const response = await fetch(`${f.url}/api/v1/events?types=userStatus`, { headers: { 'x-api-key': KEYS.read }, signal: controller.signal });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      f.services.events.publish('log', { level: 'info', time: new Date(0).toISOString(), message: 'filtered out' });
      f.services.events.publish('userStatus', { username: 'bob', status: 'online' });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('event: userStatus')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      controller.abort();
      assert.match(text, /event: userStatus\ndata: \{"username":"bob","status":"online"\}/);
      assert.doesNotMatch(text, /filtered out/);
    },
    raw: async (f) => {
      assert.equal((await rawJson(f, 'GET', '/api/v1/events', {})).status, 401);
      const bad = await rawJson(f, 'GET', '/api/v1/events?lastEventId=abc', { 'x-api-key': KEYS.read });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.json), /lastEventId/);
    },
  },
  keys: {
    client: async (f) => {
      const keys = await f.client({ apiKey: KEYS.admin }).keys();
      assert.deepEqual(keys.map((k) => [k.name, k.role]), [['reader', 'read'], ['writer', 'write'], ['boss', 'admin']]);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/keys', { 'x-api-key': KEYS.admin });
      assert.equal(status, 200);
      assert.deepEqual(json, [
        { name: 'reader', role: 'read', cidr: [] },
        { name: 'writer', role: 'write', cidr: [] },
        { name: 'boss', role: 'admin', cidr: [] },
      ]);
      assert.doesNotMatch(JSON.stringify(json), /-key-0123456789abcdef/);
    },
  },
  key: {
    client: async (f) => {
      const admin = f.client({ apiKey: KEYS.admin });
      assert.deepEqual(await admin.key({ params: { name: 'writer' } }), { name: 'writer', role: 'write', cidr: [] });
      // The client encodes the parameter: a slash stays inside the name instead of making a new path segment.
      await assert.rejects(admin.key({ params: { name: 'home / lidarr?x=1' } }), (e: DaemonApiError) => {
        assert.deepEqual([e.status, e.code, e.message], [404, 'not_found', "key: 404 No API key named 'home / lidarr?x=1'; GET /api/v1/keys lists them"]);
        return true;
      });
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/keys/boss', { 'x-api-key': KEYS.admin });
      assert.deepEqual([status, json], [200, { name: 'boss', role: 'admin', cidr: [] }]);
      const tooLong = await rawJson(f, 'GET', `/api/v1/keys/${'n'.repeat(129)}`, { 'x-api-key': KEYS.admin });
      assert.deepEqual([tooLong.status, (tooLong.json as { field: string }).field], [400, '/params/name']);
      const absurd = await rawJson(f, 'GET', `/api/v1/keys/${'n'.repeat(4096)}`, { 'x-api-key': KEYS.admin });
      assert.deepEqual([absurd.status, (absurd.json as { error: string }).error], [414, 'uri_too_long']);
    },
  },
  ...searchCases,
  ...sharesCases,
  ...roomCases,
  ...conversationCases,
  ...transferCases,
  ...userCases,
  ...wishlistCases,
};

test('every route in the table has a case, and each passes through the typed client and raw fetch', async (t) => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(routes).sort());
  for (const name of Object.keys(routes) as RouteName[]) {
    await t.test(`${name}: typed client`, async (t) => cases[name].client(await startFixture(t)));
    await t.test(`${name}: raw fetch`, async (t) => cases[name].raw(await startFixture(t)));
  }
});

test('the handler and client types follow the schemas (checked by tsc)', () => {
  // @ts-expect-error a reply whose body breaks the response schema does not compile
  const wrongBody: Handler<Routes['health']> = async () => ({ status: 200, body: { status: 'fine' } });
  // @ts-expect-error nor does a status the route does not declare
  const wrongStatus: Handler<Routes['health']> = async () => ({ status: 201, body: { status: 'ok' } });
  const client = null as unknown as import('../../src/daemon/client.ts').DaemonClient;
  // @ts-expect-error login needs its body
  const missingBody = (): unknown => client.login();
  // @ts-expect-error and the body's fields have their schema's types
  const wrongField = (): unknown => client.login({ body: { username: 'a', password: 5 } });
  assert.equal(typeof wrongBody, 'function');
  assert.equal(typeof wrongStatus, 'function');
  assert.equal(typeof missingBody, 'function');
  assert.equal(typeof wrongField, 'function');
});
