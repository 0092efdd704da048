// Settings changed while the daemon runs, and its log, end to end on a real daemon (real SQLite, real
// folders, its YAML config file): a PATCH takes effect at once, is written into the user's file with its
// comments kept, and is still in effect after a restart; a restart-only setting is refused, naming it,
// with nothing changed; a new shared folder is scanned; the notes are log lines (GET /api/v1/logs and
// `log` events) above logging.level.

import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonApiError } from '../../src/daemon/client.ts';
import { editedSettingsText } from '../../src/daemon/config/persist.ts';
import { daemonYaml, runDaemon, tempFolder } from './daemon-shares-support.ts';

test('a PATCH of the options applies at once, keeps the YAML comments, survives a restart; restart-only settings are refused', { timeout: 60_000 }, async (t) => {
  const root = await tempFolder(t, 'slsk-daemon-options-');
  const music = join(root, 'Music');
  const more = join(root, 'More');
  await mkdir(music);
  await mkdir(more);
  await writeFile(join(music, 'a.txt'), 'a');
  await writeFile(join(more, 'b one.txt'), 'bb');
  await writeFile(join(more, 'b two.txt'), 'bbb');
  const configFile = join(root, 'daemon.yaml');
  await writeFile(configFile, daemonYaml(join(root, 'data'), ['transfers:', '  uploadSlots: 2 # two at once', 'shares:', '  folders:', `    - path: ${music}`]));

  const first = await runDaemon(t, configFile);
  await first.daemon.shares.idle();
  const reply = await first.api.patchOptions({ body: { transfers: { uploadSlots: 6, uploadBytesPerSecond: 100_000 }, shares: { rescanIntervalMinutes: 15 }, searches: { timeoutSeconds: 30 } } });
  assert.deepEqual(reply.changed, ['transfers.uploadSlots', 'transfers.uploadBytesPerSecond', 'shares.rescanIntervalMinutes', 'searches.timeoutSeconds']);
  assert.equal(reply.persistedTo, configFile);
  assert.deepEqual((reply.options['transfers'] as { uploadSlots: number }).uploadSlots, 6);
  // in effect now: the scan state reports the new interval
  assert.equal((await first.api.shareScan()).rescanIntervalMinutes, 15);
  const text = await readFile(configFile, 'utf8');
  assert.match(text, /^# the test daemon$/m);
  assert.match(text, /folder: .* # where the store lives$/m);
  assert.match(text, /^ {2}uploadSlots: 6 # two at once$/m, 'the value changed, its comment kept');
  assert.match(text, /^ {2}uploadBytesPerSecond: 100000$/m);
  assert.match(text, /^ {2}rescanIntervalMinutes: 15$/m);

  // A restart-only setting: 400 naming it, nothing applied, the file untouched.
  await assert.rejects(
    first.api.patchOptions({ body: { http: { port: 5999 }, transfers: { uploadSlots: 1 } } }),
    (e: DaemonApiError) => e.status === 400 && e.code === 'invalid_options' && e.field === '/body/http/port' && /http\.port: cannot change while the daemon runs/.test(e.message),
  );
  assert.equal(await readFile(configFile, 'utf8'), text);
  assert.equal(((await first.api.options()) as { transfers: { uploadSlots: number } }).transfers.uploadSlots, 6);

  // Another shared folder: the index is reopened and scanned, and the change is saved too.
  await first.api.patchOptions({ body: { shares: { folders: [{ path: music }, { path: more, name: 'Extra', visibility: 'buddies' }] } } });
  await first.daemon.shares.idle();
  const shares = await first.api.shares();
  assert.deepEqual(shares.folders.map((f) => [f.name, f.visibility, f.files, f.bytes]), [
    ['Music', 'everyone', 1, 1],
    ['Extra', 'buddies', 2, 5],
  ]);
  assert.equal(shares.scan.last?.reason, 'reconfigure');
  assert.deepEqual((await first.api.searchShares({ query: { q: 'one', as: 'buddy' } })).files.map((f) => f.filename), ['Extra\\b one.txt']);

  // Folders the schema allows but the index refuses (a share name that cannot be a virtual path): 400,
  // the old folders reopened and still shared, nothing written.
  const saved = await readFile(configFile, 'utf8');
  await assert.rejects(
    first.api.patchOptions({ body: { shares: { folders: [{ path: music, name: 'C:' }] } } }),
    (e: DaemonApiError) => e.status === 400 && e.field === '/body/shares/folders' && /invalid share name/.test(e.message),
  );
  await first.daemon.shares.idle();
  assert.deepEqual((await first.api.shares()).folders.map((f) => [f.name, f.files]), [['Music', 1], ['Extra', 2]]);
  assert.equal(await readFile(configFile, 'utf8'), saved);
  await first.stop();

  // After a restart the file says what the API set.
  const second = await runDaemon(t, configFile);
  const options = (await second.api.options()) as { transfers: { uploadSlots: number; uploadBytesPerSecond: number }; shares: { rescanIntervalMinutes: number; folders: { name?: string }[] }; searches: { timeoutSeconds: number } };
  assert.deepEqual(
    [options.transfers.uploadSlots, options.transfers.uploadBytesPerSecond, options.shares.rescanIntervalMinutes, options.searches.timeoutSeconds, options.shares.folders.map((f) => f.name)],
    [6, 100_000, 15, 30, [undefined, 'Extra']],
  );
  await second.daemon.shares.idle();
  assert.deepEqual((await second.api.shares()).folders.map((f) => f.name), ['Music', 'Extra']);
});

test('validate names every problem without changing anything', { timeout: 60_000 }, async (t) => {
  const root = await tempFolder(t, 'slsk-daemon-validate-');
  const configFile = join(root, 'daemon.yaml');
  await writeFile(configFile, daemonYaml(join(root, 'data'), []));
  const { api } = await runDaemon(t, configFile);
  const check = await api.validateOptions({ body: { shares: { folders: [{ path: 'relative/music' }] }, transfers: { uploadSlots: 'x' } } });
  assert.equal(check.valid, false);
  assert.deepEqual(check.problems.map((p) => p.setting).sort(), ['shares.folders[0].path', 'transfers.uploadSlots']);
  assert.deepEqual(await api.validateOptions({ body: { logging: { level: 'warn' } } }), { valid: true, changed: ['logging.level'], problems: [] });
  assert.equal(((await api.options()) as { logging: { level: string } }).logging.level, 'info', 'validate changed nothing');
});

test('the daemon notes are log lines: paged, filtered by level, published as log events; logging.level drops the lesser ones', { timeout: 60_000 }, async (t) => {
  const root = await tempFolder(t, 'slsk-daemon-logs-');
  const music = join(root, 'Music');
  await mkdir(music);
  await writeFile(join(music, 'a.txt'), 'a');
  const configFile = join(root, 'daemon.yaml');
  await writeFile(configFile, daemonYaml(join(root, 'data'), ['shares:', '  folders:', `    - path: ${music}`]));
  const { daemon, api, events } = await runDaemon(t, configFile);
  await daemon.shares.idle();
  const scanned = await events.waitForAny('the scan log event', (e) => e.event === 'log' && String(e.data['message']).startsWith('shares scanned: 1 files in 1 folders'));
  assert.equal(scanned.data['level'], 'info');
  const lines = await api.logs({ query: {} });
  // no account configured: a warning, then the scan (newest first)
  assert.deepEqual(lines.map((l) => [l.level, l.message.split(':')[0]]), [
    ['info', 'shares scanned'],
    ['warn', 'no Soulseek account configured (soulseek.username, soulseek.password)'],
  ]);
  assert.deepEqual((await api.logs({ query: { level: 'warn' } })).map((l) => l.level), ['warn']);

  await api.patchOptions({ body: { logging: { level: 'warn' } } });
  daemon.shares.rescan();
  await daemon.shares.idle();
  assert.equal((await api.logs({ query: {} })).length, 2, 'the second scan, an info line, was below logging.level');
  assert.match(await readFile(configFile, 'utf8'), /^logging:\n {2}level: warn$/m);
});

test('settings are written into an empty or JSON config file too', () => {
  assert.equal(editedSettingsText('/x/daemon.yaml', '', { transfers: { uploadSlots: 3 } }, ['transfers.uploadSlots']), 'transfers:\n  uploadSlots: 3\n');
  assert.equal(editedSettingsText('/x/daemon.yaml', '# only a comment\n', { logging: { level: 'warn' } }, ['logging.level']), '# only a comment\n\nlogging:\n  level: warn\n');
  const json = editedSettingsText('/x/daemon.json', '{"http": {"port": 0}, "transfers": {"uploadSlots": 1}}', { transfers: { uploadSlots: 4 }, shares: { folders: [{ path: '/m' }] } }, ['transfers.uploadSlots', 'shares.folders']);
  assert.deepEqual(JSON.parse(json), { http: { port: 0 }, transfers: { uploadSlots: 4 }, shares: { folders: [{ path: '/m' }] } });
});
