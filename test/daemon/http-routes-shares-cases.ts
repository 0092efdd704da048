// The shares, options and log routes' cases for http-routes.test.ts: each through the typed client and
// with fetch and JSON written by hand. The fixture's shares are MemoryShares (a real Catalog), its
// settings the real DaemonOptions (test/daemon/memory-shares.ts), its logs a real LogRing of 5 lines.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { shareRoutes } from '../../src/daemon/http/share-routes.ts';
import type { optionsRoutes } from '../../src/daemon/http/options-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';

const read = { 'x-api-key': KEYS.read };
const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const admin = { 'x-api-key': KEYS.admin, 'content-type': 'application/json' };

export const sharesCases: Record<keyof typeof shareRoutes | keyof typeof optionsRoutes, RouteTestCase> = {
  shares: {
    client: async (f) => {
      const shares = await f.client({ apiKey: KEYS.read }).shares();
      assert.deepEqual(
        shares.folders.map((s) => [s.name, s.path, s.visibility, s.folders, s.files, s.bytes]),
        [
          ['Music', '/srv/music', 'everyone', 1, 2, 50_000_000],
          ['Private', '/srv/private', 'buddies', 1, 1, 4_000_000],
        ],
      );
      assert.deepEqual(shares.totals, { folders: 2, files: 3, bytes: 54_000_000 });
      assert.equal(shares.scan.state, 'idle');
    },
    raw: async (f) => {
      f.services.shares.catalog.removeFile(f.services.shares.catalog.findFile('Private\\Beatles Demos\\demo.mp3')!);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/shares', read);
      assert.equal(status, 200);
      const body = json as { folders: { name: string; files: number; bytes: number }[]; totals: unknown; scan: unknown };
      assert.deepEqual(Object.keys(body).sort(), ['folders', 'scan', 'totals']);
      assert.deepEqual(body.folders[1], { name: 'Private', path: '/srv/private', visibility: 'buddies', folders: 1, files: 0, bytes: 0 });
      assert.equal((await rawJson(f, 'GET', '/api/v1/shares', {})).status, 401);
    },
  },
  shareScan: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual(await api.shareScan(), { state: 'idle', queued: false, watchedFolders: 0, rescanIntervalMinutes: 60 });
      f.services.shares.scanning = true;
      const scanning = await api.shareScan();
      assert.deepEqual(scanning.current, { reason: 'request', startedAt: '2026-01-01T00:00:00.000Z', scannedFiles: 12, currentFolder: 'Music\\Beatles' });
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/shares/scan', read);
      assert.deepEqual([status, json], [200, { state: 'idle', queued: false, watchedFolders: 0, rescanIntervalMinutes: 60 }]);
    },
  },
  rescanShares: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      const first = await api.rescanShares();
      assert.deepEqual([first.joined, first.scan.state], [false, 'scanning']);
      // a second request while it runs joins it: still one scan
      assert.equal((await api.rescanShares()).joined, true);
      assert.equal(f.services.shares.rescans, 1);
      await assert.rejects(f.client({ apiKey: KEYS.read }).rescanShares(), (e: DaemonApiError) => e.status === 403);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'POST', '/api/v1/shares/scan', { 'x-api-key': KEYS.write });
      assert.equal(status, 202);
      assert.deepEqual((json as { joined: boolean }).joined, false);
      assert.equal((await rawJson(f, 'POST', '/api/v1/shares/scan', read)).status, 403);
    },
  },
  browseShares: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      const everyone = await api.browseShares({ query: {} });
      assert.deepEqual(everyone.map((folder) => [folder.name, folder.locked, folder.files.map((file) => file.filename)]), [
        ['Music\\Beatles\\Abbey Road', false, ['01 Come Together.flac', '02 Something.flac']],
        ['Private\\Beatles Demos', true, ['demo.mp3']],
      ]);
      assert.equal(everyone[1]!.files[0]!.locked, true);
      const buddy = await api.browseShares({ query: { as: 'buddy', after: 'Music\\Beatles\\Abbey Road', limit: 10 } });
      assert.deepEqual(buddy.map((folder) => [folder.name, folder.locked, folder.files[0]?.locked]), [['Private\\Beatles Demos', false, false]]);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/shares/browse?limit=1', read);
      assert.equal(status, 200);
      assert.deepEqual(json, [
        {
          name: 'Music\\Beatles\\Abbey Road',
          locked: false,
          files: [
            { filename: '01 Come Together.flac', size: 31_000_000, extension: 'flac', locked: false, duration: 259 },
            { filename: '02 Something.flac', size: 19_000_000, extension: 'flac', locked: false, duration: 182 },
          ],
        },
      ]);
      assert.equal((await rawJson(f, 'GET', '/api/v1/shares/browse?as=admin', read)).status, 400);
    },
  },
  searchShares: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.read });
      const everyone = await api.searchShares({ query: { q: 'beatles' } });
      assert.deepEqual(everyone.files.map((file) => file.filename).sort(), ['Music\\Beatles\\Abbey Road\\01 Come Together.flac', 'Music\\Beatles\\Abbey Road\\02 Something.flac']);
      assert.deepEqual(everyone.lockedFiles.map((file) => [file.filename, file.locked]), [['Private\\Beatles Demos\\demo.mp3', true]]);
      const buddy = await api.searchShares({ query: { q: 'beatles demo', as: 'buddy' } });
      assert.deepEqual([buddy.files.map((file) => file.filename), buddy.lockedFiles], [['Private\\Beatles Demos\\demo.mp3'], []]);
      // the peers' matcher: an excluded word leaves the file out
      assert.deepEqual((await api.searchShares({ query: { q: 'beatles -something -demo' } })).files.map((file) => file.filename), ['Music\\Beatles\\Abbey Road\\01 Come Together.flac']);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', '/api/v1/shares/search?q=come%20together&limit=5', read);
      assert.deepEqual([status, json], [200, { files: [{ filename: 'Music\\Beatles\\Abbey Road\\01 Come Together.flac', size: 31_000_000, extension: 'flac', locked: false, duration: 259 }], lockedFiles: [] }]);
      const missing = await rawJson(f, 'GET', '/api/v1/shares/search', read);
      assert.deepEqual([missing.status, (missing.json as { field: string }).field], [400, '/query/q']);
    },
  },
  validateOptions: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      assert.deepEqual(await api.validateOptions({ body: { transfers: { uploadSlots: 4 } } }), { valid: true, changed: ['transfers.uploadSlots'], problems: [] });
      // a restart-only setting, a setting not applied live, an invalid value: each named; nothing applied
      const restart = await api.validateOptions({ body: { transfers: { uploadSlots: 4 }, http: { port: 1 } } });
      assert.deepEqual([restart.valid, restart.problems], [false, [{ setting: 'http.port', message: 'cannot change while the daemon runs; set it in the config file and restart the daemon' }]]);
      const notLive = await api.validateOptions({ body: { searches: { maxKept: 10 } } });
      assert.deepEqual(notLive.problems.map((p) => p.setting), ['searches.maxKept']);
      const invalid = await api.validateOptions({ body: { transfers: { uploadSlots: -1 } } });
      assert.match(invalid.problems[0]?.message ?? '', /^must be/);
      assert.deepEqual(invalid.problems.map((p) => p.setting), ['transfers.uploadSlots']);
      assert.deepEqual(f.services.appliedSettings, []);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'POST', '/api/v1/options/validate', write, '{"transfers": {"uploadSlots": "many"}, "trasnfers": {}}');
      assert.equal(status, 200);
      const body = json as { valid: boolean; problems: { setting: string; message: string }[] };
      assert.equal(body.valid, false);
      assert.deepEqual(body.problems[0], { setting: 'trasnfers', message: 'unknown setting; did you mean transfers?' });
      const typed = await rawJson(f, 'POST', '/api/v1/options/validate', write, '{"transfers": {"uploadSlots": "many"}}');
      assert.deepEqual((typed.json as { problems: { setting: string }[] }).problems.map((p) => p.setting), ['transfers.uploadSlots']);
      assert.equal((await rawJson(f, 'POST', '/api/v1/options/validate', { ...read, 'content-type': 'application/json' }, '{}')).status, 403);
    },
  },
  patchOptions: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.admin });
      const reply = await api.patchOptions({ body: { transfers: { uploadSlots: 7 }, logging: { level: 'debug' } } });
      assert.deepEqual(reply.changed, ['transfers.uploadSlots', 'logging.level']);
      assert.equal(reply.persistedTo, f.services.settingsFile);
      assert.deepEqual(f.services.appliedSettings, ['transfers.uploadSlots=7', 'logging.level=debug']);
      assert.match(await readFile(f.services.settingsFile, 'utf8'), /transfers:\n {2}uploadSlots: 7\n/);
      assert.equal(f.services.settings.current().transfers.uploadSlots, 7);
      await assert.rejects(f.client({ apiKey: KEYS.write }).patchOptions({ body: {} }), (e: DaemonApiError) => e.status === 403);
    },
    raw: async (f) => {
      const refused = await rawJson(f, 'PATCH', '/api/v1/options', admin, '{"http": {"port": 5999}, "transfers": {"uploadSlots": 3}}');
      assert.equal(refused.status, 400);
      const body = refused.json as { error: string; message: string; field: string };
      assert.deepEqual([body.error, body.field], ['invalid_options', '/body/http/port']);
      assert.match(body.message, /^Nothing was changed: http\.port: cannot change while the daemon runs; set it in the config file and restart/);
      assert.deepEqual(f.services.appliedSettings, []);
      const ok = await rawJson(f, 'PATCH', '/api/v1/options', admin, '{"transfers": {"uploadSlots": 3}}');
      assert.equal(ok.status, 200);
      // the reply carries the options in effect, secrets redacted
      assert.equal(((ok.json as { options: { soulseek: { password: string } } }).options.soulseek.password), '[redacted]');
    },
  },
  logs: {
    client: async (f) => {
      for (const [level, message] of [['info', 'one'], ['warn', 'two'], ['debug', 'three'], ['error', 'four']] as const) f.services.logs.add(level, message);
      const api = f.client({ apiKey: KEYS.read });
      assert.deepEqual((await api.logs({ query: {} })).map((l) => l.message), ['four', 'three', 'two', 'one']);
      assert.deepEqual((await api.logs({ query: { level: 'warn' } })).map((l) => [l.level, l.message]), [['error', 'four'], ['warn', 'two']]);
      const [newest] = await api.logs({ query: { limit: 1 } });
      assert.deepEqual((await api.logs({ query: { before: newest!.seq, limit: 2 } })).map((l) => l.message), ['three', 'two']);
    },
    raw: async (f) => {
      // the ring keeps the last 5: the first two are gone
      for (let i = 1; i <= 7; i++) f.services.logs.add('info', `line ${i}`);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/logs?limit=10', read);
      assert.equal(status, 200);
      const lines = json as { seq: number; level: string; time: string; message: string }[];
      assert.deepEqual(lines.map((l) => l.message), ['line 7', 'line 6', 'line 5', 'line 4', 'line 3']);
      assert.deepEqual(Object.keys(lines[0]!).sort(), ['level', 'message', 'seq', 'time']);
      assert.equal((await rawJson(f, 'GET', '/api/v1/logs?level=loud', read)).status, 400);
    },
  },
};
