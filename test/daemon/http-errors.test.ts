// Bad input and failures over real HTTP: 400 naming the field, 404 and 413 as JSON, handler errors as
// typed HTTP errors with no internals in the reply, and secrets redacted from the options.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { KEYS, startFixture } from './http-fixture.ts';
import { HttpError } from '../../src/daemon/http/errors.ts';
import { redactSecrets, REDACTED } from '../../src/daemon/http/redact.ts';

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: Record<string, unknown>; type: string | null }> {
  const response = await fetch(`${url}/api/v1/session`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, type: response.headers.get('content-type') };
}

test('an invalid body is a 400 whose JSON names the field', async (t) => {
  const f = await startFixture(t);
  const cases: [string, string][] = [
    ['{"username": "owner"}', '/body/password'],
    ['{"username": "", "password": "x"}', '/body/username'],
    [`{"username": "owner", "password": "${'x'.repeat(1025)}"}`, '/body/password'],
    ['[1, 2]', '/body'],
  ];
  for (const [body, field] of cases) {
    const reply = await post(f.url, body);
    assert.equal(reply.status, 400, body);
    assert.equal(reply.json['error'], 'validation');
    assert.equal(reply.json['field'], field, body);
    assert.match(String(reply.json['message']), new RegExp(`^${field} `));
  }
  const broken = await post(f.url, '{"username": ');
  assert.deepEqual([broken.status, broken.json['error'], broken.json['field']], [400, 'invalid_body', '/body']);
  const form = await post(f.url, 'username=owner', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.deepEqual([form.status, form.json['error']], [415, 'unsupported_media_type']);
});

test('an unknown route is a 404 JSON body, whatever the credentials', async (t) => {
  const f = await startFixture(t);
  const cases = [['GET', '/api/v1/nope'], ['POST', '/api/v1/application'], ['GET', '/']] as const;
  for (const [[method, path], headers] of cases.flatMap((c) => [[c, { 'x-api-key': KEYS.admin }], [c, {}]] as const)) {
    const response = await fetch(f.url + path, { method, headers });
    assert.equal(response.status, 404, `${method} ${path}`);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body['error'], 'not_found');
    assert.match(String(body['message']), /openapi\.json/);
  }
  const badUrl = await fetch(`${f.url}/api/v1/%E0%A4%A`);
  assert.equal(badUrl.status, 400);
  assert.deepEqual(Object.keys((await badUrl.json()) as object).sort(), ['error', 'message'], 'a malformed URL gets our error body too');
  // Trailing slashes are accepted (tools built for slskd send them).
  assert.equal((await fetch(`${f.url}/api/v1/application/`, { headers: { 'x-api-key': KEYS.read } })).status, 200);
});

test('a body over the limit is a 413 JSON body, announced or streamed', async (t) => {
  const f = await startFixture(t, { bodyLimit: 2048 });
  const big = JSON.stringify({ username: 'owner', password: 'x'.repeat(4096) });
  const reply = await post(f.url, big);
  assert.deepEqual([reply.status, reply.json['error']], [413, 'body_too_large']);
  assert.match(String(reply.json['message']), /http\.bodyLimit/);
  // Without a Content-Length (chunked), the limit is enforced while reading.
  const chunks = (async function* () {
    for (let i = 0; i < 8; i++) yield new TextEncoder().encode('x'.repeat(1024));
  })();
  const streamed = await fetch(`${f.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
  assert.equal(streamed.status, 413);
});

test('a handler failure is a 500 without internals (they go to the log); an HttpError keeps its status and code', async (t) => {
  const lines: string[] = [];
  const f = await startFixture(t, { logger: pino({ level: 'error' }, { write: (line: string) => void lines.push(line) }) });
  f.services.failConnect = new Error('ECONNREFUSED at /home/owner/secret/path.ts:12');
  const response = await fetch(`${f.url}/api/v1/application/connection`, { method: 'PUT', headers: { 'x-api-key': KEYS.write } });
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), { error: 'internal', message: "The daemon failed to answer this request; its log has the details" });
  assert.doesNotMatch(text, /ECONNREFUSED|secret|\.ts:/);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /"msg":"request failed"/);
  assert.match(lines[0]!, /ECONNREFUSED at \/home\/owner\/secret\/path\.ts:12/, 'the operator can see what failed');

  f.services.failConnect = new HttpError(409, 'not_connected', 'The server refused the login: wrong password (setting soulseek.password)');
  const conflict = await fetch(`${f.url}/api/v1/application/connection`, { method: 'PUT', headers: { 'x-api-key': KEYS.write } });
  assert.equal(conflict.status, 409);
  assert.deepEqual(await conflict.json(), { error: 'not_connected', message: 'The server refused the login: wrong password (setting soulseek.password)' });
});

test('the reply is serialized by its schema: a field the schema does not declare never leaves', async (t) => {
  const f = await startFixture(t);
  f.services.connection = { state: 'loggedIn', username: 'tester', password: 'leaked?' } as never;
  const response = await fetch(`${f.url}/api/v1/application/connection`, { method: 'DELETE', headers: { 'x-api-key': KEYS.write } });
  assert.equal(response.status, 200);
  f.services.connection = { state: 'loggedIn', username: 'tester', password: 'leaked?' } as never;
  const state = await fetch(`${f.url}/api/v1/application`, { headers: { 'x-api-key': KEYS.read } });
  assert.doesNotMatch(await state.text(), /leaked/);
});

test('secrets are redacted by name at any depth, in any case, inside lists and maps', () => {
  const options = {
    soulseek: { username: 'me', password: 'p' },
    web: { authentication: { api_keys: { tools: { key: 'k1', role: 'read' } }, jwt: { key: 'j', ttl: 3600 } } },
    integrations: [{ name: 'hook', Token: 't', url: 'https://x' }, { secret: ['a', 'b'] }],
    empty: { password: '' },
  };
  assert.deepEqual(redactSecrets(options), {
    soulseek: { username: 'me', password: REDACTED },
    web: { authentication: { api_keys: { tools: { key: REDACTED, role: 'read' } }, jwt: { key: REDACTED, ttl: REDACTED } } },
    integrations: [{ name: 'hook', Token: REDACTED, url: 'https://x' }, { secret: [REDACTED, REDACTED] }],
    empty: { password: '' },
  });
  assert.deepEqual(redactSecrets({ a: { b: 'c' } }, ['b']), { a: { b: REDACTED } });
});
