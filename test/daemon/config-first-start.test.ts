// Auth on from the first start: a password made once (only its hash kept, owner-only file), a stable local
// admin token for the one-shot commands, and no listening beyond loopback without auth.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTH_FILE_NAME, DEFAULT_WEB_USERNAME, TOKEN_FILE_NAME, ensureLocalToken, ensureWebPassword, httpOptionsFromConfig, loadDaemonConfig, withLocalToken } from '../../src/daemon/config/index.ts';
import { parsePasswordHash, verifyPassword } from '../../src/daemon/http/sessions.ts';
import { startDaemonHttp } from '../../src/daemon/http/server.ts';
import { MemoryServices } from './http-fixture.ts';
import { problemsOf, tempDir, writeText } from './config-support.ts';

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

test('first start makes a strong password, keeps only its scrypt hash (mode 0600), and never returns it again', async (t) => {
  const dir = await tempDir(t);
  const { config } = await loadDaemonConfig({ env: { SLSK_DATA: dir }, cwd: dir });
  const first = await ensureWebPassword(config, dir);
  assert.ok(first.password !== undefined);
  assert.match(first.password, /^[A-Za-z0-9_-]{24}$/);
  const file = join(dir, AUTH_FILE_NAME);
  assert.equal(await modeOf(file), 0o600);
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(first.password), 'the password itself is not stored');
  const stored = JSON.parse(text) as { username: string; passwordHash: string };
  assert.equal(stored.username, DEFAULT_WEB_USERNAME);
  assert.match(stored.passwordHash, /^scrypt\$16384\$8\$1\$/);
  assert.ok(await verifyPassword(first.password, parsePasswordHash(stored.passwordHash, 'test')));
  assert.deepEqual(first.config.auth.web, stored);

  const second = await ensureWebPassword(config, dir);
  assert.equal(second.password, undefined);
  assert.deepEqual(second.config.auth.web, stored, 'later starts log in with the stored hash');
  assert.equal(await readFile(file, 'utf8'), text, 'and leave the file as it was');
  // Written through a temporary file renamed into place: nothing else is left in the folder.
  assert.deepEqual(await readdir(dir), [AUTH_FILE_NAME]);
});

test('no password is made when a web login or API keys are configured, or auth is off', async (t) => {
  const dir = await tempDir(t);
  const withKey = await writeText(dir, 'keys.yaml', 'auth:\n  keys:\n    - name: a\n      key: 0123456789abcdef0\n      role: admin\n');
  const off = await writeText(dir, 'off.yaml', 'auth:\n  enabled: false\n');
  for (const file of [withKey, off]) {
    const { config } = await loadDaemonConfig({ configPath: file, env: {}, cwd: dir });
    const result = await ensureWebPassword(config, dir);
    assert.equal(result.password, undefined);
    assert.equal(result.config, config);
  }
  await assert.rejects(stat(join(dir, AUTH_FILE_NAME)), { code: 'ENOENT' });
});

test('a damaged daemon-auth.json is refused with what to do', async (t) => {
  const dir = await tempDir(t);
  const { config } = await loadDaemonConfig({ env: { SLSK_DATA: dir }, cwd: dir });
  await writeFile(join(dir, AUTH_FILE_NAME), '{"username": "admin"}');
  await assert.rejects(ensureWebPassword(config, dir), {
    message: `${join(dir, AUTH_FILE_NAME)} must hold {"username": …, "passwordHash": …}; delete ${join(dir, AUTH_FILE_NAME)} to have a new password made on the next start`,
  });
});

test('the local token is owner-only, stable across starts, and works as an admin key from loopback', async (t) => {
  const dir = await tempDir(t);
  const token = await ensureLocalToken(join(dir, 'fresh'));
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const path = join(dir, 'fresh', TOKEN_FILE_NAME);
  assert.equal(await modeOf(path), 0o600);
  assert.equal(await ensureLocalToken(join(dir, 'fresh')), token, 'the same token on the next start');
  // A copy made readable by others is tightened back.
  await chmod(path, 0o644);
  assert.equal(await ensureLocalToken(join(dir, 'fresh')), token);
  assert.equal(await modeOf(path), 0o600);

  const { config } = await loadDaemonConfig({ env: { SLSK_DATA: dir }, argv: ['--port', '0'], cwd: dir });
  const { config: withWeb } = await ensureWebPassword(config, dir);
  const http = await startDaemonHttp({ ...httpOptionsFromConfig(withLocalToken(withWeb, token)), services: new MemoryServices() });
  t.after(() => http.close());
  const response = await fetch(`${http.url}/api/v1/options`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

test('listening beyond loopback with auth off is refused at load, naming both settings and their sources', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', 'auth:\n  enabled: false\n');
  assert.deepEqual(await problemsOf({ configPath: file, env: { SLSK_HTTP_HOST: '0.0.0.0' }, cwd: dir }), [
    `http.host: 0.0.0.0 is beyond loopback while auth.enabled is false, so anyone who can reach it could control the daemon; enable auth or listen on 127.0.0.1 (http.host from SLSK_HTTP_HOST, auth.enabled from ${file})`,
  ]);
  assert.deepEqual(await problemsOf({ configPath: file, env: {}, argv: ['--host', '::'], cwd: dir }), [
    `http.host: :: is beyond loopback while auth.enabled is false, so anyone who can reach it could control the daemon; enable auth or listen on 127.0.0.1 (http.host from --host, auth.enabled from ${file})`,
  ]);
  // Loopback without auth is allowed.
  const { config } = await loadDaemonConfig({ configPath: file, env: { SLSK_HTTP_HOST: '127.0.0.1' }, cwd: dir });
  assert.equal(config.auth.enabled, false);
});
