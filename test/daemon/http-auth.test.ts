// Auth of the daemon's API over real HTTP: the role matrix over the whole route table, auth before the
// body is read or validated, address ranges (IPv4, IPv6, IPv4-mapped), forwarded-for only from trusted
// proxies, and web sessions (cookie, CSRF header, Origin, expiry, bound).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routes, type RouteName } from '../../src/daemon/http/routes.ts';
import { ROLES, type Access, type RouteDef } from '../../src/daemon/http/route.ts';
import { fillPath } from '../../src/daemon/client.ts';
import { startDaemonHttp } from '../../src/daemon/http/server.ts';
import { ConcurrencyCap, parsePasswordHash, verifyPassword } from '../../src/daemon/http/sessions.ts';
import { HttpError } from '../../src/daemon/http/errors.ts';
import { KEYS, MemoryServices, WEB_USER, baseKeys, startFixture, webPasswordHash, type Fixture } from './http-fixture.ts';

const table = Object.entries(routes) as [RouteName, RouteDef][];

async function call(f: Fixture | string, def: Pick<RouteDef, 'method' | 'path' | 'body'>, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: Record<string, unknown> | undefined; headers: Headers }> {
  const base = typeof f === 'string' ? f : f.url;
  const payload = body ?? (def.body === undefined ? undefined : '{}');
  // Any value fits each path parameter: the role is checked before the parameters are.
  const params = Object.fromEntries([...def.path.matchAll(/:(\w+)/g)].map((m) => [m[1], 'sample']));
  const response = await fetch(base + fillPath(def.path, params), {
    method: def.method,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(payload === undefined ? {} : { body: payload }),
  });
  // An event stream never ends by itself: the status and headers are what is checked here.
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, json: undefined, headers: response.headers };
  }
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, json: isJson ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: response.headers };
}

const rank = (access: Access): number => (access === 'public' ? -1 : ROLES.indexOf(access));

test('every route enforces its role: no credentials, a wrong key, and each role against every route', async (t) => {
  const f = await startFixture(t);
  const publicRoutes = table.filter(([, def]) => def.access === 'public').map(([name]) => name).sort();
  assert.deepEqual(publicRoutes, ['docs', 'health', 'login', 'openapi'], 'only these routes answer without credentials');
  for (const [name, def] of table) {
    const anonymous = await call(f, def);
    if (def.access === 'public') assert.ok(anonymous.status !== 401 && anonymous.status !== 403, `${name} is public`);
    else assert.deepEqual([anonymous.status, anonymous.json?.['error']], [401, 'unauthorized'], `${name} without credentials`);

    const wrong = await call(f, def, { 'x-api-key': 'not-a-key-of-this-daemon' });
    if (def.access !== 'public') assert.equal(wrong.status, 401, `${name} with a wrong key`);

    for (const role of ROLES) {
      const reply = await call(f, def, { 'x-api-key': KEYS[role] });
      if (rank(def.access) > rank(role)) {
        assert.deepEqual([reply.status, reply.json?.['error']], [403, 'forbidden'], `${name} (${def.access}) with a ${role} key`);
        assert.match(String(reply.json?.['message']), new RegExp(`needs the ${def.access} role`));
      } else {
        assert.ok(reply.status !== 401 && reply.status !== 403, `${name} (${def.access}) with a ${role} key: ${reply.status}`);
      }
    }
  }
  assert.equal(f.services.connectCalls, 2, 'only the write and admin keys reached connect');
});

test('a read-only key cannot call any write or admin route, even with a valid request', async (t) => {
  const f = await startFixture(t);
  const changing = table.filter(([, def]) => def.access === 'write' || def.access === 'admin');
  assert.ok(changing.length >= 3);
  for (const [name, def] of changing) {
    for (const headers of [{ 'x-api-key': KEYS.read }, { authorization: `Bearer ${KEYS.read}` }]) {
      const reply = await call(f, def, headers);
      assert.equal(reply.status, 403, name);
    }
  }
  assert.equal(f.services.connectCalls, 0);
});

test('auth is checked before the body is read or validated', async (t) => {
  const f = await startFixture(t, { bodyLimit: 1024 });
  const connect = routes.connect;
  const big = JSON.stringify({ filler: 'x'.repeat(64 * 1024) });
  assert.equal((await call(f, connect, {}, big)).status, 401, 'no credentials: 401, not 413');
  assert.equal((await call(f, connect, { 'x-api-key': KEYS.read }, '{not json')).status, 403, 'read key: 403, not 400');
  assert.equal((await call(f, connect, { 'x-api-key': KEYS.write }, big)).status, 413, 'with the role, the body limit applies');
});

test('keys limited to address ranges: IPv4, IPv6 and IPv4-mapped clients', async (t) => {
  const key = (name: string, cidr: string[]): { name: string; key: string; role: 'read'; cidr: string[] } => ({ name, key: `${name}-key-0123456789abcdef`, role: 'read', cidr });
  const keys = [key('lan', ['10.0.0.0/8']), key('local4', ['192.168.0.0/16', '127.0.0.0/8']), key('local6', ['::1/128']), key('ula', ['fd00::/8']), key('exact', ['127.0.0.1'])];
  const status = async (url: string, name: string): Promise<number> => (await call(url, routes.application, { 'x-api-key': `${name}-key-0123456789abcdef` })).status;

  const v4 = await startDaemonHttp({ host: '127.0.0.1', port: 0, services: new MemoryServices(), auth: { enabled: true, keys } });
  t.after(() => v4.close());
  assert.deepEqual(await Promise.all(['lan', 'local4', 'local6', 'ula', 'exact'].map((n) => status(v4.url, n))), [403, 200, 403, 403, 200]);
  const refused = await call(v4.url, routes.application, { 'x-api-key': 'lan-key-0123456789abcdef' });
  assert.match(String(refused.json?.['message']), /'lan' is not allowed from 127\.0\.0\.1/);

  const v6 = await startDaemonHttp({ host: '::1', port: 0, services: new MemoryServices(), auth: { enabled: true, keys } });
  t.after(() => v6.close());
  assert.deepEqual(await Promise.all(['lan', 'local4', 'local6', 'ula', 'exact'].map((n) => status(v6.url, n))), [403, 403, 200, 403, 403]);

  // A dual-stack socket sees an IPv4 client as ::ffff:127.0.0.1; IPv4 ranges must still match it.
  const dual = await startDaemonHttp({ host: '::', port: 0, services: new MemoryServices(), auth: { enabled: true, keys } });
  t.after(() => dual.close());
  const viaV4 = `http://127.0.0.1:${dual.port}`;
  assert.deepEqual(await Promise.all(['lan', 'local4', 'local6', 'exact'].map((n) => status(viaV4, n))), [403, 200, 403, 200]);

  await assert.rejects(
    startDaemonHttp({ services: new MemoryServices(), auth: { enabled: true, keys: [key('bad', ['10.0.0.0/33'])] } }),
    /auth\.keys\[0\]\.cidr: '10\.0\.0\.0\/33' is not an address range/,
  );
});

test('X-Forwarded-For names the client only when the request comes from a configured proxy', async (t) => {
  const keys = [{ name: 'lan', key: 'lan-key-0123456789abcdef', role: 'read' as const, cidr: ['10.0.0.0/8'] }];
  const asLan = { 'x-api-key': 'lan-key-0123456789abcdef' };
  const start = async (trustedProxies: string[]): Promise<string> => {
    const http = await startDaemonHttp({ host: '127.0.0.1', port: 0, services: new MemoryServices(), auth: { enabled: true, keys }, trustedProxies });
    t.after(() => http.close());
    return http.url;
  };
  const trusting = await start(['127.0.0.1']);
  assert.equal((await call(trusting, routes.application, { ...asLan, 'x-forwarded-for': '10.1.2.3' })).status, 200);
  // The proxy appends the address it saw; whatever the client wrote before it is not believed.
  assert.equal((await call(trusting, routes.application, { ...asLan, 'x-forwarded-for': '10.1.2.3, 203.0.113.9' })).status, 403);

  for (const url of [await start([]), await start(['192.168.0.0/16'])]) {
    assert.equal((await call(url, routes.application, { ...asLan, 'x-forwarded-for': '10.1.2.3' })).status, 403, 'not from a trusted proxy');
  }
  await assert.rejects(startDaemonHttp({ services: new MemoryServices(), auth: { enabled: true }, trustedProxies: ['proxy.example'] }), /http\.trustedProxies\[0\]/);
});

async function login(f: Fixture): Promise<{ token: string; cookie: string }> {
  const reply = await call(f, routes.login, {}, JSON.stringify(WEB_USER));
  assert.equal(reply.status, 200);
  const cookie = (reply.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { token: String(reply.json?.['token']), cookie };
}

test('web session: cookie reads, state changes need the CSRF header, logout ends it', async (t) => {
  const f = await startFixture(t);
  const { cookie } = await login(f);
  assert.deepEqual((await call(f, routes.session, { cookie })).json, { kind: 'session', name: 'owner', role: 'admin' });

  const forged = await call(f, routes.connect, { cookie });
  assert.equal(forged.status, 403, 'a cookie alone cannot change state (what a cross-site form would send)');
  assert.match(String(forged.json?.['message']), /x-requested-with/);
  assert.equal(f.services.connectCalls, 0);
  assert.equal((await call(f, routes.connect, { cookie, 'x-requested-with': 'slsk-ts' })).status, 200);

  const crossSite = await call(f, routes.connect, { cookie, 'x-requested-with': 'slsk-ts', origin: 'https://evil.example' });
  assert.equal(crossSite.status, 403, 'a foreign Origin is refused');
  const host = new URL(f.url).host;
  assert.equal((await call(f, routes.connect, { cookie, 'x-requested-with': 'slsk-ts', origin: `http://${host}` })).status, 200);

  assert.equal((await call(f, routes.logout, { cookie })).status, 403, 'logout is a state change too');
  assert.equal((await call(f, routes.logout, { cookie, 'x-requested-with': 'slsk-ts' })).status, 204);
  assert.equal((await call(f, routes.session, { cookie })).status, 401, 'the session is gone');

  for (const wrong of [{ ...WEB_USER, password: 'wrong password' }, { ...WEB_USER, username: 'someone' }]) {
    const reply = await call(f, routes.login, {}, JSON.stringify(wrong));
    assert.deepEqual([reply.status, reply.json?.['message']], [401, 'Wrong username or password']);
  }
});

test('sessions expire and the store is bounded', async (t) => {
  let clock = Date.UTC(2026, 0, 1);
  const f = await startFixture(t, {
    now: () => clock,
    auth: { enabled: true, keys: baseKeys, web: { username: WEB_USER.username, passwordHash: await webPasswordHash() }, sessionTtlSeconds: 60, maxSessions: 2 },
  });
  const first = await login(f);
  clock += 59_000;
  assert.equal((await call(f, routes.session, { authorization: `Bearer ${first.token}` })).status, 200);
  clock += 1_000;
  assert.equal((await call(f, routes.session, { authorization: `Bearer ${first.token}` })).status, 401, 'expired after sessionTtlSeconds');

  const [a, b, c] = [await login(f), await login(f), await login(f)];
  const statuses = await Promise.all([a, b, c].map(async (s) => (await call(f, routes.session, { cookie: s.cookie })).status));
  assert.deepEqual(statuses, [401, 200, 200], 'past maxSessions the oldest session is dropped');
});

test('with no web login configured, login says which setting to set', async (t) => {
  const f = await startFixture(t, { auth: { enabled: true, keys: baseKeys } });
  const reply = await call(f, routes.login, {}, JSON.stringify(WEB_USER));
  assert.equal(reply.status, 401);
  assert.match(String(reply.json?.['message']), /auth\.web/);
});

test('auth disabled: allowed on loopback only, where every caller is admin', async (t) => {
  const f = await startFixture(t, { auth: { enabled: false } });
  assert.equal((await call(f, routes.keys)).status, 200);
  assert.deepEqual((await call(f, routes.session)).json, { kind: 'disabled', name: null, role: 'admin' });
  for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
    await assert.rejects(startDaemonHttp({ host, port: 0, services: new MemoryServices(), auth: { enabled: false } }), /Refusing to listen on .* with auth disabled \(auth\.enabled: false\)/);
  }
  await assert.rejects(
    startDaemonHttp({ services: new MemoryServices(), auth: { enabled: true, keys: [{ name: 'short', key: 'abc', role: 'read' }] } }),
    /auth\.keys\[0\]\.key is shorter than 16 characters/,
  );
});

test('password checks are capped: past the cap a login is refused at once, not queued', async () => {
  const cap = new ConcurrencyCap(2);
  const hash = parsePasswordHash(await webPasswordHash(), 'test');
  const refuse = (): HttpError => new HttpError(429, 'too_many_logins', 'Too many logins at once');
  const checks = [WEB_USER.password, 'wrong', WEB_USER.password].map((password) => cap.run(() => verifyPassword(password, hash), refuse));
  assert.equal(cap.active, 2, 'the third check never started');
  const results = await Promise.allSettled(checks);
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as HttpError).status)), [true, false, 429]);
  assert.equal(cap.active, 0, 'every slot is given back, whether the check passed or failed');
  assert.equal(await cap.run(() => verifyPassword(WEB_USER.password, hash), refuse), true);
});

test('a web password hash that is not ours, or would make each login cost a fortune, is refused at start', async () => {
  const good = await webPasswordHash();
  const [, , r, p, salt, hash] = good.split('$');
  for (const bad of ['hunter2', `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, `scrypt$1000$${r}$${p}$${salt}$${hash}`, `bcrypt$16384$${r}$${p}$${salt}$${hash}`]) {
    await assert.rejects(
      startDaemonHttp({ services: new MemoryServices(), auth: { enabled: true, web: { username: 'owner', passwordHash: bad } } }),
      /auth\.web\.passwordHash is not a scrypt hash .* make one with hashPassword\(\)/,
    );
  }
});
