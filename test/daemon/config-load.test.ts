// Loading the daemon's settings from a real file, an environment and flags: precedence, defaults, YAML and
// JSON, folder resolution, and the exact problems reported (setting, what it must be, where it came from).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { DaemonConfigError, loadDaemonConfig } from '../../src/daemon/config/index.ts';
import { problemsOf, tempDir, writeText } from './config-support.ts';

test('precedence: the file < SLSK_* environment < flags, setting by setting', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', 'http:\n  port: 6001\n  bodyLimit: 4096\n  host: 127.0.0.2\nsoulseek:\n  username: from-file\n');
  // [setting, file, env, flag, expected]
  const table: [string, string | undefined, string | undefined, string[], unknown][] = [
    ['only the file', '6001', undefined, [], 6001],
    ['env over file', '6001', '6002', [], 6002],
    ['flag over env and file', '6001', '6002', ['--http.port', '6003'], 6003],
    ['alias flag over env', '6001', '6002', ['--port=6004'], 6004],
  ];
  for (const [name, , env, argv, expected] of table) {
    const { config } = await loadDaemonConfig({ configPath: file, env: env === undefined ? {} : { SLSK_HTTP_PORT: env }, argv, cwd: dir });
    assert.equal(config.http.port, expected, name);
    // Settings no layer above touches keep the file's value…
    assert.equal(config.http.bodyLimit, 4096, name);
    assert.equal(config.http.host, '127.0.0.2', name);
    assert.equal(config.soulseek.username, 'from-file', name);
    // …and the rest their defaults.
    assert.equal(config.soulseek.server, 'server.slsknet.org:2242', name);
    assert.equal(config.downloads.layout, 'remote-parent', name);
    assert.equal(config.transfers.maxQueuedFilesPerUser, 100, name);
  }
  const mixed = await loadDaemonConfig({
    configPath: file,
    env: { SLSK_SOULSEEK_USERNAME: 'from-env', SLSK_HTTP_BODY_LIMIT: '8192', SLSK_AUTH_SECURE_COOKIE: 'yes' },
    argv: ['--username', 'from-flag', '--shares.watch'],
    cwd: dir,
  });
  assert.equal(mixed.config.soulseek.username, 'from-flag');
  assert.equal(mixed.config.http.bodyLimit, 8192);
  assert.equal(mixed.config.auth.secureCookie, true);
  assert.equal(mixed.config.shares.watch, true);
  assert.equal(mixed.sources.of(['soulseek', 'username'])?.label, '--username');
  assert.equal(mixed.sources.of(['http', 'bodyLimit'])?.label, 'SLSK_HTTP_BODY_LIMIT');
  assert.equal(mixed.sources.of(['http', 'host'])?.label, file);
  assert.equal(mixed.sources.of(['http', 'trustedProxies']), undefined, 'a default has no source');
});

test('environment values are parsed by type: numbers, booleans, comma-separated lists, JSON records; older aliases lose to the schema names', async (t) => {
  const dir = await tempDir(t);
  const { config } = await loadDaemonConfig({
    env: {
      SLSK_DATA: dir,
      SLSK_HTTP_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,',
      SLSK_SHARES_IGNORE: '*.tmp,.git',
      SLSK_AUTH_ENABLED: 'false',
      SLSK_AUTH_KEYS: '[{"name":"lidarr","key":"0123456789abcdef0123","role":"write"}]',
      SLSK_USERNAME: 'alias-user',
      SLSK_SOULSEEK_USERNAME: 'schema-user',
      SLSK_PASSWORD: 'alias-password',
    },
    cwd: dir,
  });
  assert.deepEqual(config.http.trustedProxies, ['127.0.0.1', '10.0.0.0/8']);
  assert.deepEqual(config.shares.ignore, ['*.tmp', '.git']);
  assert.equal(config.auth.enabled, false);
  assert.deepEqual(config.auth.keys, [{ name: 'lidarr', key: '0123456789abcdef0123', role: 'write', cidr: [] }]);
  assert.equal(config.soulseek.username, 'schema-user');
  assert.equal(config.soulseek.password, 'alias-password');
  assert.equal(config.data.folder, dir);
});

test('YAML and JSON files give the same settings; the default file is <data>/daemon.yaml', async (t) => {
  const dir = await tempDir(t);
  const yaml = await writeText(dir, 'a.yaml', 'transfers:\n  uploadSlots: 5\nshares:\n  folders:\n    - path: music\n      visibility: buddies\n');
  const json = await writeText(dir, 'a.json', JSON.stringify({ transfers: { uploadSlots: 5 }, shares: { folders: [{ path: 'music', visibility: 'buddies' }] } }));
  const fromYaml = await loadDaemonConfig({ configPath: yaml, env: { SLSK_DATA: dir }, cwd: '/' });
  const fromJson = await loadDaemonConfig({ argv: ['--config', json], env: { SLSK_DATA: dir }, cwd: '/' });
  assert.deepEqual(fromYaml.config, fromJson.config);
  assert.equal(fromYaml.config.transfers.uploadSlots, 5);
  // A relative folder in the file is relative to the file's folder, not the working folder.
  assert.deepEqual(fromYaml.config.shares.folders, [{ path: join(dir, 'music'), visibility: 'buddies' }]);

  const data = join(dir, 'data');
  await mkdir(data);
  const none = await loadDaemonConfig({ env: { SLSK_DATA: data }, cwd: dir });
  assert.equal(none.configFile, undefined);
  assert.equal(none.config.downloads.folder, join(data, 'downloads'));
  assert.equal(none.config.downloads.incompleteFolder, join(data, 'incomplete'));
  const own = await writeText(data, 'daemon.yaml', 'http:\n  port: 7000\n');
  const found = await loadDaemonConfig({ env: { SLSK_DATA: data }, cwd: dir });
  assert.equal(found.configFile, own);
  assert.equal(found.config.http.port, 7000);
  const viaEnv = await loadDaemonConfig({ env: { SLSK_DATA: data, SLSK_DAEMON_CONFIG: json }, cwd: dir });
  assert.equal(viaEnv.configFile, json);
});

test('--share adds folders (relative to the working folder) after those of the file; ~ is the home folder', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', 'shares:\n  folders:\n    - path: /srv/music\n');
  const { config } = await loadDaemonConfig({ configPath: file, argv: ['--share', 'here', '--share', '~/Music'], env: { HOME: '/home/u', SLSK_DATA: dir }, cwd: '/work' });
  assert.deepEqual(config.shares.folders.map((share) => share.path), ['/srv/music', '/work/here', '/home/u/Music']);
});

test('a wrong type or a value out of range names the setting, what it must be and its source', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', 'http:\n  port: eighty\ntransfers:\n  uploadSlots: -1\n');
  // In the schema's order (transfers before http), not the file's.
  assert.deepEqual(await problemsOf({ configPath: file, env: {}, cwd: dir }), [
    `transfers.uploadSlots: must be an integer 0–1000 (from ${file})`,
    `http.port: must be an integer 0–65535 (from ${file})`,
  ]);
  assert.deepEqual(await problemsOf({ env: { SLSK_DATA: dir, SLSK_HTTP_PORT: '70000' }, cwd: dir, configPath: file, argv: ['--http.port', '65536'] }), [
    `transfers.uploadSlots: must be an integer 0–1000 (from ${file})`,
    'http.port: must be an integer 0–65535 (from --http.port)',
  ]);
  // (A data folder without a daemon.yaml: the one in `dir` would be read by default.)
  assert.deepEqual(await problemsOf({ env: { SLSK_DATA: join(dir, 'empty'), SLSK_HTTP_PORT: '70000', SLSK_AUTH_SECURE_COOKIE: 'maybe' }, cwd: dir, argv: ['--server', 'host:99999 '] }), [
    'soulseek.server: must be HOST:PORT, such as server.slsknet.org:2242 (from --server)',
    'http.port: must be an integer 0–65535 (from SLSK_HTTP_PORT)',
    'auth.secureCookie: must be true or false (from SLSK_AUTH_SECURE_COOKIE)',
  ]);
  assert.deepEqual(await problemsOf({ env: { SLSK_DATA: join(dir, 'empty'), SLSK_SOULSEEK_SERVER: 'host:99999' }, cwd: dir }), [
    'soulseek.server: the port 99999 is not 1–65535; write HOST:PORT, such as server.slsknet.org:2242 (from SLSK_SOULSEEK_SERVER)',
  ]);
});

test('unknown names are refused with the nearest known setting, in the file, in records and as flags', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(dir, 'daemon.yaml', 'htp:\n  port: 1\nhttp:\n  prot: 5030\nport: 1\nauth:\n  keys:\n    - name: a\n      key: 0123456789abcdef\n      rol: read\n');
  // A variable near a setting's name is a typo; other SLSK_ names may belong to something else.
  const env = { SLSK_HTTP_PROT: '5031', SLSK_SOMETHING_ELSE: 'x', SLSK_CONFIG: '/elsewhere/client.json' };
  assert.deepEqual(await problemsOf({ configPath: file, env, cwd: dir, argv: ['--http.hots', '0.0.0.0', '--verbose'] }), [
    "SLSK_HTTP_PROT: not a setting; did you mean SLSK_HTTP_PORT? (SLSK_ + the setting's path in upper snake case, e.g. SLSK_HTTP_PORT)",
    '--http.hots: unknown flag; did you mean --http.host? (every setting has a flag: --group.name VALUE)',
    '--verbose: unknown flag (every setting has a flag: --group.name VALUE)',
    `htp: unknown setting; did you mean http? (from ${file})`,
    `http.prot: unknown setting; did you mean http.port? (from ${file})`,
    `port: unknown setting; did you mean http.port? (from ${file})`,
    `auth.keys[0].rol: unknown setting; did you mean auth.keys[0].role? (from ${file})`,
  ]);
});

test('every problem is reported at once, across the file, the environment, flags and the rules between settings', async (t) => {
  const dir = await tempDir(t);
  const file = await writeText(
    dir,
    'daemon.json',
    JSON.stringify({ http: { host: '0.0.0.0' }, auth: { enabled: false, keys: [{ name: 'k', key: 'short', role: 'boss', cidr: ['10.0.0.0/33'] }] }, downloads: { layout: 'sideways' } }),
  );
  const problems = await problemsOf({ configPath: file, env: { SLSK_HTTP_TRUSTED_PROXIES: 'nope', SLSK_WEBHOOKS: '[{' }, argv: ['--searches.maxResults', '0'], cwd: dir });
  // The parser's own words (V8's) sit in the middle of the first one.
  assert.match(problems[0]!, /^webhooks: is not valid JSON \(.+\); write it as JSON, e\.g\. \[\{"…": …\}\] \(from SLSK_WEBHOOKS\)$/);
  assert.deepEqual(problems.slice(1), [
    `downloads.layout: must be one of remote-parent, flat, by-user, album, mirror (from ${file})`,
    'searches.maxResults: must be an integer 1–1000000 (from --searches.maxResults)',
    `auth.keys[0].key: must be a string of at least 16 characters (from ${file})`,
    `auth.keys[0].role: must be one of read, write, admin (from ${file})`,
    `http.host: 0.0.0.0 is beyond loopback while auth.enabled is false, so anyone who can reach it could control the daemon; enable auth or listen on 127.0.0.1 (http.host from ${file}, auth.enabled from ${file})`,
    "http.trustedProxies[0]: 'nope' is not an address range; write e.g. 192.168.1.0/24 or fd00::/8 (from SLSK_HTTP_TRUSTED_PROXIES)",
    `auth.keys[0].cidr[0]: '10.0.0.0/33' is not an address range; write e.g. 192.168.1.0/24 or fd00::/8 (from ${file})`,
  ]);
  const error = await loadDaemonConfig({ configPath: file, env: {}, cwd: dir }).catch((caught: unknown) => caught);
  assert.ok(error instanceof DaemonConfigError);
  assert.match(error.message, /^The daemon's settings have 5 problems:\n {2}- downloads\.layout: /);
  assert.match(error.message, /daemon\.example\.yaml lists every setting\.$/);
});

test('a file that cannot be used says why: missing, not YAML, not a mapping', async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, 'nope.yaml');
  assert.deepEqual(await problemsOf({ configPath: missing, env: {}, cwd: dir }), [
    `config file ${missing} (named by the caller) does not exist; create it from daemon.example.yaml or point --config elsewhere`,
  ]);
  const list = await writeText(dir, 'list.yaml', '- a\n- b\n');
  assert.deepEqual(await problemsOf({ argv: ['--config', list], env: {}, cwd: dir }), [
    `config file ${list} (named by --config) must hold a mapping of settings (http:, soulseek:, …), not a list`,
  ]);
  const bad = await writeText(dir, 'bad.yaml', 'http:\n  port: [1\n');
  const [problem, ...rest] = await problemsOf({ env: { SLSK_DAEMON_CONFIG: bad }, cwd: dir });
  assert.deepEqual(rest, []);
  assert.match(problem!, new RegExp(`^config file ${bad} \\(named by SLSK_DAEMON_CONFIG\\) is not valid YAML: `));
});
