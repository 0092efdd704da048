// The settings while the daemon runs: read with the schema's secrets redacted, and changed only where the
// schema allows, with every refusal naming the setting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDaemonConfig, redactConfig, secretSettingNames, validateConfigPatch, RUNTIME_SETTINGS, httpOptionsFromConfig } from '../../src/daemon/config/index.ts';
import { hashPassword } from '../../src/daemon/http/sessions.ts';
import { Authenticator } from '../../src/daemon/http/auth.ts';
import { redactSecrets, SECRET_OPTION_KEYS } from '../../src/daemon/http/redact.ts';
import { startDaemonHttp } from '../../src/daemon/http/server.ts';
import { MemoryServices } from './http-fixture.ts';
import { tempDir, writeText } from './config-support.ts';

async function loaded(t: Parameters<typeof tempDir>[0], yaml: string) {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', yaml);
  return (await loadDaemonConfig({ configPath: file, env: {}, cwd: dir })).config;
}

const SECRETS_YAML = (hash: string) => `
soulseek:
  username: alice
  password: hunter2-soulseek
auth:
  keys:
    - name: lidarr
      key: 0123456789abcdef-secret
      role: write
  web:
    username: admin
    passwordHash: ${hash}
webhooks:
  - url: https://example.org/hook
    headers:
      Authorization: Bearer webhook-secret
`;

test('redactConfig hides every value the schema marks secret and nothing else', async (t) => {
  const config = await loaded(t, SECRETS_YAML(await hashPassword('pw')));
  const shown = redactConfig(config);
  assert.equal(shown.soulseek.password, '[redacted]');
  assert.equal(shown.soulseek.username, 'alice');
  assert.deepEqual(shown.auth.keys, [{ name: 'lidarr', key: '[redacted]', role: 'write', cidr: [] }]);
  assert.deepEqual(shown.auth.web, { username: 'admin', passwordHash: '[redacted]' });
  // Which headers a webhook sends is shown; their values are not.
  assert.deepEqual(shown.webhooks[0]!.headers, { Authorization: '[redacted]' });
  assert.equal(shown.webhooks[0]!.url, 'https://example.org/hook');
  assert.equal(shown.http.port, config.http.port);
  const text = JSON.stringify(shown);
  for (const secret of ['hunter2-soulseek', '0123456789abcdef-secret', 'webhook-secret', 'scrypt$']) assert.ok(!text.includes(secret), secret);
  // The original is untouched.
  assert.equal(config.soulseek.password, 'hunter2-soulseek');
});

test("the HTTP layer's name-based redaction, given the schema's secret names, hides the same values", async (t) => {
  const config = await loaded(t, SECRETS_YAML(await hashPassword('pw')));
  assert.deepEqual(secretSettingNames().sort(), ['headers', 'key', 'password', 'passwordHash']);
  const text = JSON.stringify(redactSecrets(config, [...SECRET_OPTION_KEYS, ...secretSettingNames()]));
  for (const secret of ['hunter2-soulseek', '0123456789abcdef-secret', 'webhook-secret', 'scrypt$']) assert.ok(!text.includes(secret), secret);
});

test('a runtime patch is applied and checked; the result says what changed', async (t) => {
  const config = await loaded(t, 'transfers:\n  uploadSlots: 2\n');
  const result = validateConfigPatch(config, { transfers: { uploadSlots: 6, uploadBytesPerSecond: 1_000_000 }, logging: { level: 'debug' }, shares: { folders: [{ path: '/srv/music' }] } });
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.changed, ['transfers.uploadSlots', 'transfers.uploadBytesPerSecond', 'logging.level', 'shares.folders']);
  assert.equal(result.config.transfers.uploadSlots, 6);
  assert.equal(result.config.transfers.maxQueuedFilesPerUser, 100, 'the rest of the group is kept');
  assert.equal(result.config.logging.level, 'debug');
  assert.deepEqual(result.config.shares.folders, [{ path: '/srv/music', visibility: 'everyone' }]);
  assert.equal(config.transfers.uploadSlots, 2, 'the old configuration is untouched');
  assert.ok(RUNTIME_SETTINGS.includes('transfers.uploadSlots') && !RUNTIME_SETTINGS.includes('http.port'));
});

test('a patch is refused, with every reason, for restart-only, unknown and invalid settings', async (t) => {
  const config = await loaded(t, '');
  assert.deepEqual(validateConfigPatch(config, { http: { port: 5031 }, auth: { enabled: false }, transfers: { uploadSlot: 3 }, soulseek: { password: 'x' } }), {
    ok: false,
    problems: [
      'http.port: cannot change while the daemon runs; set it in the config file and restart the daemon',
      'auth.enabled: cannot change while the daemon runs; set it in the config file and restart the daemon',
      'transfers.uploadSlot: unknown setting; did you mean transfers.uploadSlots?',
      'soulseek.password: cannot change while the daemon runs; set it in the config file and restart the daemon',
    ],
  });
  assert.deepEqual(validateConfigPatch(config, { transfers: { uploadSlots: 5000 }, downloads: { layout: 'sideways' } }), {
    ok: false,
    problems: [
      'downloads.layout: must be one of remote-parent, flat, by-user, album, mirror (from the change)',
      'transfers.uploadSlots: must be an integer 0–1000 (from the change)',
    ],
  });
  assert.deepEqual(validateConfigPatch(config, { shares: { folders: [{ path: 'music' }] } }), {
    ok: false,
    problems: ['shares.folders[0].path: must be an absolute path'],
  });
  assert.deepEqual(validateConfigPatch(config, { transfers: 4 }), { ok: false, problems: ['transfers: must be a mapping of settings, e.g. {"transfers": {"uploadSlots": 4}}'] });
});

test('httpOptionsFromConfig starts the HTTP server with the configured auth (a configured key works, none gets 401)', async (t) => {
  const config = await loaded(t, 'http:\n  port: 0\nauth:\n  keys:\n    - name: admin\n      key: 0123456789abcdef-admin\n      role: admin\n');
  const http = await startDaemonHttp({ ...httpOptionsFromConfig(config), services: new MemoryServices() });
  t.after(() => http.close());
  const anonymous = await fetch(`${http.url}/api/v1/options`);
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const withKey = await fetch(`${http.url}/api/v1/options`, { headers: { 'x-api-key': '0123456789abcdef-admin' } });
  assert.equal(withKey.status, 200);
  await withKey.body?.cancel();
});

test("the schema's auth defaults are what the HTTP layer does when a setting is left out", async (t) => {
  const config = await loaded(t, '');
  const bare = new Authenticator({ enabled: true }, () => 0);
  assert.equal(bare.logins.max, config.auth.maxConcurrentLogins);
  assert.match(bare.sessionCookie('x'), new RegExp(`Max-Age=${config.auth.sessionTtlSeconds}(;|$)`));
  assert.equal(bare.sessionCookie('x').includes('Secure'), config.auth.secureCookie);
  const first = bare.sessions.create('a', 'admin');
  for (let i = 1; i < config.auth.maxSessions; i++) bare.sessions.create('a', 'admin');
  assert.equal(bare.sessions.size, config.auth.maxSessions);
  assert.notEqual(bare.sessions.find(first.token), undefined, 'maxSessions sessions fit');
  bare.sessions.create('a', 'admin');
  assert.equal(bare.sessions.find(first.token), undefined, 'one more drops the oldest');
});
