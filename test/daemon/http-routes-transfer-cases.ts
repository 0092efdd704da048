// The transfer routes' cases for http-routes.test.ts: each through the typed client and with fetch
// and JSON written by hand. The fixture's transfers are MemoryTransfers (test/daemon/memory-transfers.ts).

import assert from 'node:assert/strict';
import type { DaemonApiError } from '../../src/daemon/client.ts';
import type { transferRoutes } from '../../src/daemon/http/transfer-routes.ts';
import { KEYS, type Fixture } from './http-fixture.ts';
import { rawJson, type RouteTestCase } from './http-case-support.ts';
import { MEMORY_DOWNLOADS } from './memory-transfers.ts';

const write = { 'x-api-key': KEYS.write, 'content-type': 'application/json' };
const writeNoBody = { 'x-api-key': KEYS.write };
const read = { 'x-api-key': KEYS.read };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** alice: two files of one album (one moving), one finished single; bob: one upload. */
function seeded(f: Fixture) {
  const t = f.services.transfers;
  const a1 = t.add({ username: 'alice', filename: 'Music\\Album\\01.flac', size: 1000n, bytes: 400n, state: 'transferring', speed: 100 });
  const a2 = t.add({ username: 'alice', filename: 'Music\\Album\\02.flac', size: 2000n });
  const single = t.add({ username: 'alice', filename: 'Singles\\x.mp3', size: 50n, bytes: 50n, state: 'completed', speed: 25, finishedAt: Date.parse('2026-01-01T00:01:00Z') });
  const up = t.add({ username: 'bob', direction: 'upload', filename: 'Shared\\y.mp3', size: 10n, state: 'failed', reason: 'Cancelled' });
  return { a1, a2, single, up };
}

export const transferCases: Record<keyof typeof transferRoutes, RouteTestCase> = {
  transfers: {
    client: async (f) => {
      const { a1, a2 } = seeded(f);
      const api = f.client({ apiKey: KEYS.read });
      const all = await api.transfers({ query: {} });
      assert.deepEqual(all.totals, { files: 4, bytes: 3060, bytesTransferred: 450, speed: 100, states: { transferring: 1, queued: 1, completed: 1, failed: 1 } });
      assert.deepEqual(all.users.map((u) => [u.direction, u.username, u.folders.map((g) => [g.folder, g.totals.files])]), [
        ['download', 'alice', [['Music\\Album', 2], ['Singles', 1]]],
        ['upload', 'bob', [['Shared', 1]]],
      ]);
      assert.deepEqual(all.users[0]!.folders[0]!.transfers!.map((t) => t.id), [a1.id, a2.id]);
      // Filters: one state, one direction, one user; summary leaves the transfers out.
      const queued = await api.transfers({ query: { state: 'queued,requesting', direction: 'download', username: 'alice' } });
      assert.deepEqual(queued.users.flatMap((u) => u.folders.flatMap((g) => g.transfers!.map((t) => t.id))), [a2.id]);
      assert.deepEqual(queued.totals, { files: 1, bytes: 2000, bytesTransferred: 0, speed: 0, states: { queued: 1 } });
      const summary = await api.transfers({ query: { summary: true, direction: 'upload' } });
      assert.deepEqual(summary.users.map((u) => [u.username, u.folders.map((g) => 'transfers' in g)]), [['bob', [false]]]);
    },
    raw: async (f) => {
      seeded(f);
      const { status, json } = await rawJson(f, 'GET', '/api/v1/transfers?direction=upload', read);
      assert.equal(status, 200);
      const list = json as { users: { folders: { transfers: Record<string, unknown>[] }[] }[] };
      const upload = list.users[0]!.folders[0]!.transfers[0]!;
      assert.deepEqual(Object.keys(upload).sort(), ['attempts', 'bytesTransferred', 'createdAt', 'direction', 'filename', 'folder', 'id', 'reason', 'size', 'speed', 'state', 'updatedAt', 'username']);
      assert.deepEqual([upload['direction'], upload['state'], upload['reason'], upload['size'], upload['folder']], ['upload', 'failed', 'Cancelled', 10, 'Shared']);
      // limit=1: a page's first group comes whole (the album, two transfers), the next page starts at nextOffset.
      type Page = { truncated: boolean; nextOffset?: number; users: { folders: { folder: string; transfers?: unknown[] }[] }[] };
      const first = (await rawJson(f, 'GET', '/api/v1/transfers?direction=download&limit=1', read)).json as Page;
      assert.deepEqual([first.truncated, first.nextOffset, first.users[0]!.folders.map((g) => [g.folder, g.transfers?.length])], [true, 1, [['Music\\Album', 2]]]);
      const second = (await rawJson(f, 'GET', '/api/v1/transfers?direction=download&limit=1&offset=1', read)).json as Page;
      assert.deepEqual([second.truncated, second.nextOffset, second.users[0]!.folders.map((g) => [g.folder, g.transfers?.length])], [false, undefined, [['Singles', 1]]]);
      const bad = await rawJson(f, 'GET', '/api/v1/transfers?state=queued,lost', read);
      assert.deepEqual([bad.status, (bad.json as { field: string }).field], [400, '/query/state']);
    },
  },
  transfer: {
    client: async (f) => {
      const { a1 } = seeded(f);
      const t = await f.client({ apiKey: KEYS.read }).transfer({ params: { id: a1.id } });
      assert.deepEqual([t.id, t.state, t.bytesTransferred, t.size, t.speed, t.eta], [a1.id, 'transferring', 400, 1000, 100, undefined]);
      await assert.rejects(f.client({ apiKey: KEYS.read }).transfer({ params: { id: UNKNOWN } }), (e: DaemonApiError) => e.status === 404 && e.code === 'not_found');
    },
    raw: async (f) => {
      const { single } = seeded(f);
      const { status, json } = await rawJson(f, 'GET', `/api/v1/transfers/${single.id}`, read);
      assert.equal(status, 200);
      assert.deepEqual(json, {
        id: single.id,
        direction: 'download',
        username: 'alice',
        filename: 'Singles\\x.mp3',
        folder: 'Singles',
        size: 50,
        bytesTransferred: 50,
        state: 'completed',
        attempts: 0,
        speed: 25,
        createdAt: '2026-01-01T00:00:00.002Z',
        updatedAt: '2026-01-01T00:00:00.002Z',
        finishedAt: '2026-01-01T00:01:00.000Z',
      });
      assert.equal((await rawJson(f, 'GET', '/api/v1/transfers/bad%20id', read)).status, 400);
    },
  },
  enqueueDownloads: {
    client: async (f) => {
      const api = f.client({ apiKey: KEYS.write });
      const { transfers } = await api.enqueueDownloads({ body: { username: 'carol', files: [{ filename: '@@music\\Artist\\Album\\01.flac', size: 123 }, { filename: '@@music\\Artist\\Album\\02.flac' }], subfolder: 'soularr/7' } });
      assert.deepEqual(transfers.map((t) => [t.username, t.filename, t.state, t.size]), [
        ['carol', '@@music\\Artist\\Album\\01.flac', 'queued', 123],
        ['carol', '@@music\\Artist\\Album\\02.flac', 'queued', undefined],
      ]);
      // The layout's folder (remote parent) under the subfolder, inside the downloads folder.
      assert.equal(f.services.transfers.destinations.get(transfers[0]!.id), `${MEMORY_DOWNLOADS}/soularr/7/Album`);
      await assert.rejects(api.enqueueDownloads({ body: { username: 'carol', files: [{ filename: 'a\\b.mp3' }], subfolder: '../../etc' } }), (e: DaemonApiError) => e.status === 400 && e.field === '/body/subfolder');
    },
    raw: async (f) => {
      const ok = await rawJson(f, 'POST', '/api/v1/transfers/downloads', write, '{"username": "carol", "files": [{"filename": "Music\\\\x.mp3", "size": 5}], "layout": "by-user"}');
      assert.equal(ok.status, 201);
      const id = (ok.json as { transfers: { id: string }[] }).transfers[0]!.id;
      assert.equal(f.services.transfers.destinations.get(id), `${MEMORY_DOWNLOADS}/carol/Music`);
      // Hostile remote paths: a `..` component, a NUL; the field is named and nothing is enqueued.
      for (const [filename, at] of [['Music\\\\..\\\\..\\\\x.mp3', 1], ['Music\\\\x\\u0000.mp3', 1]] as const) {
        const bad = await rawJson(f, 'POST', '/api/v1/transfers/downloads', write, `{"username": "carol", "files": [{"filename": "ok.mp3"}, {"filename": "${filename}"}]}`);
        assert.deepEqual([bad.status, (bad.json as { error: string; field: string }).error, (bad.json as { field: string }).field], [400, 'bad_destination', `/body/files/${at}/filename`]);
      }
      assert.equal(f.services.transfers.index.size, 1, 'a refused request enqueues nothing');
      const empty = await rawJson(f, 'POST', '/api/v1/transfers/downloads', write, '{"username": "carol", "files": []}');
      assert.deepEqual([empty.status, (empty.json as { field: string }).field], [400, '/body/files']);
      const badLayout = await rawJson(f, 'POST', '/api/v1/transfers/downloads', write, '{"username": "carol", "files": [{"filename": "a"}], "layout": "sideways"}');
      assert.deepEqual([badLayout.status, (badLayout.json as { field: string }).field], [400, '/body/layout']);
    },
  },
  enqueueFolder: {
    client: async (f) => {
      f.services.transfers.remoteFolders.set('dave', new Map([['Music\\Album', [{ remotePath: 'Music\\Album\\CD1\\01.flac', size: 10n }, { remotePath: 'Music\\Album\\cover.jpg', size: 2n }]]]));
      const api = f.client({ apiKey: KEYS.write });
      const group = await api.enqueueFolder({ body: { username: 'dave', folder: 'Music/Album/' } });
      assert.deepEqual([group.username, group.folder, group.layout, group.finished, group.counts], ['dave', 'Music\\Album', 'remote-parent', false, { queued: 2 }]);
      assert.deepEqual(group.files.map((x) => [x.remotePath, x.destination, x.state]), [
        ['Music\\Album\\CD1\\01.flac', 'Album/CD1/01.flac', 'queued'],
        ['Music\\Album\\cover.jpg', 'Album/cover.jpg', 'queued'],
      ]);
      // The list shows the folder as one group, subfolders included.
      const list = await api.transfers({ query: { username: 'dave' } });
      assert.deepEqual(list.users[0]!.folders.map((g) => [g.folder, g.folderId, g.totals.files]), [['Music\\Album', group.id, 2]]);
      await assert.rejects(api.enqueueFolder({ body: { username: 'dave', folder: 'Nope' } }), (e: DaemonApiError) => e.status === 404 && e.code === 'not_shared');
    },
    raw: async (f) => {
      f.services.transfers.remoteFolders.set('dave', new Map([['A', [{ remotePath: 'A\\1.mp3', size: 1n }]]]));
      const escape = await rawJson(f, 'POST', '/api/v1/transfers/folders', write, '{"username": "dave", "folder": "A", "subfolder": "C:\\\\Windows"}');
      assert.deepEqual([escape.status, (escape.json as { field: string }).field], [400, '/body/subfolder']);
      const ok = await rawJson(f, 'POST', '/api/v1/transfers/folders', write, '{"username": "dave", "folder": "A", "layout": "by-user", "subfolder": "x"}');
      assert.equal(ok.status, 201);
      const body = ok.json as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['complete', 'counts', 'createdAt', 'files', 'finished', 'folder', 'id', 'layout', 'refused', 'source', 'subfolder', 'username']);
      assert.deepEqual((body['files'] as { destination: string }[]).map((x) => x.destination), ['x/dave/A/1.mp3']);
    },
  },
  folderDownload: {
    client: async (f) => {
      f.services.transfers.remoteFolders.set('erin', new Map([['F', [{ remotePath: 'F\\1.mp3', size: 1n }]]]));
      const api = f.client({ apiKey: KEYS.write });
      const group = await api.enqueueFolder({ body: { username: 'erin', folder: 'F' } });
      await api.cancelTransfer({ params: { id: group.files[0]!.transferId! } });
      const now = await f.client({ apiKey: KEYS.read }).folderDownload({ params: { id: group.id } });
      assert.deepEqual([now.finished, now.complete, now.counts], [true, false, { cancelled: 1 }]);
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'GET', `/api/v1/transfers/folders/${UNKNOWN}`, read);
      assert.deepEqual([status, (json as { error: string }).error], [404, 'not_found']);
    },
  },
  cancelFolder: {
    client: async (f) => {
      f.services.transfers.remoteFolders.set('erin', new Map([['F', [{ remotePath: 'F\\1.mp3', size: 1n }, { remotePath: 'F\\2.mp3', size: 2n }]]]));
      const group = await f.client({ apiKey: KEYS.write }).enqueueFolder({ body: { username: 'erin', folder: 'F' } });
      f.services.transfers.index.put({ ...f.services.transfers.index.get(group.files[0]!.transferId!)!, state: 'completed' });
      const cancelled = await f.client({ apiKey: KEYS.write }).cancelFolder({ params: { id: group.id } });
      assert.deepEqual([cancelled.finished, cancelled.complete, cancelled.counts], [true, false, { completed: 1, cancelled: 1 }], 'the completed file stays completed');
    },
    raw: async (f) => {
      const { status, json } = await rawJson(f, 'PUT', `/api/v1/transfers/folders/${UNKNOWN}/cancel`, writeNoBody);
      assert.deepEqual([status, (json as { error: string }).error], [404, 'not_found']);
    },
  },
  removeFolder: {
    client: async (f) => {
      f.services.transfers.remoteFolders.set('erin', new Map([['F', [{ remotePath: 'F\\1.mp3', size: 1n }]]]));
      const { a1 } = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      const group = await api.enqueueFolder({ body: { username: 'erin', folder: 'F' } });
      assert.equal(await api.removeFolder({ params: { id: group.id } }), null);
      await assert.rejects(api.folderDownload({ params: { id: group.id } }), (e: DaemonApiError) => e.status === 404);
      await assert.rejects(api.transfer({ params: { id: group.files[0]!.transferId! } }), (e: DaemonApiError) => e.status === 404);
      assert.equal((await api.transfer({ params: { id: a1.id } })).id, a1.id, 'other transfers stay');
    },
    raw: async (f) => {
      const { status } = await rawJson(f, 'DELETE', `/api/v1/transfers/folders/${UNKNOWN}`, writeNoBody);
      assert.equal(status, 404);
    },
  },
  cancelTransfer: {
    client: async (f) => {
      const { a2, single } = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      assert.deepEqual([(await api.cancelTransfer({ params: { id: a2.id } })).state], ['cancelled']);
      assert.equal((await api.cancelTransfer({ params: { id: single.id } })).state, 'completed', 'a finished one is returned as is');
    },
    raw: async (f) => {
      const { a1 } = seeded(f);
      const { status, json } = await rawJson(f, 'PUT', `/api/v1/transfers/${a1.id}/cancel`, writeNoBody);
      assert.deepEqual([status, (json as { state: string; reason: string }).state, (json as { reason: string }).reason], [200, 'cancelled', 'Cancelled']);
      assert.equal((await rawJson(f, 'PUT', `/api/v1/transfers/${UNKNOWN}/cancel`, writeNoBody)).status, 404);
    },
  },
  retryTransfer: {
    client: async (f) => {
      const { up } = seeded(f);
      const again = await f.client({ apiKey: KEYS.write }).retryTransfer({ params: { id: up.id } });
      assert.deepEqual([again.state, again.reason, again.attempts], ['queued', undefined, 0]);
    },
    raw: async (f) => {
      const { single } = seeded(f);
      const { status, json } = await rawJson(f, 'PUT', `/api/v1/transfers/${single.id}/retry`, writeNoBody);
      assert.deepEqual([status, (json as { state: string }).state], [200, 'completed']);
    },
  },
  transferPlace: {
    client: async (f) => {
      const { a2 } = seeded(f);
      const later = f.services.transfers.add({ username: 'alice', filename: 'Music\\Album\\03.flac' });
      const api = f.client({ apiKey: KEYS.write });
      assert.equal((await api.transferPlace({ params: { id: a2.id } })).place, 1);
      assert.equal((await api.transferPlace({ params: { id: later.id } })).place, 2);
    },
    raw: async (f) => {
      const { a1 } = seeded(f);
      const moving = await rawJson(f, 'PUT', `/api/v1/transfers/${a1.id}/place`, writeNoBody);
      assert.deepEqual([moving.status, (moving.json as { error: string }).error], [409, 'not_queued']);
    },
  },
  removeTransfer: {
    client: async (f) => {
      const { a1 } = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      assert.equal(await api.removeTransfer({ params: { id: a1.id } }), null);
      await assert.rejects(api.transfer({ params: { id: a1.id } }), (e: DaemonApiError) => e.status === 404);
      await assert.rejects(api.removeTransfer({ params: { id: a1.id } }), (e: DaemonApiError) => e.status === 404);
    },
    raw: async (f) => {
      const { up } = seeded(f);
      assert.deepEqual([(await rawJson(f, 'DELETE', `/api/v1/transfers/${up.id}`, writeNoBody)).status], [204]);
      const after = (await rawJson(f, 'GET', '/api/v1/transfers?direction=upload', read)).json;
      assert.deepEqual(after, { totals: { files: 0, bytes: 0, bytesTransferred: 0, speed: 0, states: {} }, truncated: false, users: [] });
    },
  },
  clearTransfers: {
    client: async (f) => {
      const { a1, a2, up } = seeded(f);
      const api = f.client({ apiKey: KEYS.write });
      // Only final transfers in the state go: the completed single; the moving and queued ones stay.
      assert.deepEqual(await api.clearTransfers({ query: { state: 'completed', direction: 'download' } }), { removed: 1 });
      const left = await api.transfers({ query: {} });
      assert.deepEqual(left.users.flatMap((u) => u.folders.flatMap((g) => g.transfers!.map((t) => t.id))), [a1.id, a2.id, up.id]);
      assert.deepEqual(await api.clearTransfers({ query: { state: 'finished' } }), { removed: 1 });
    },
    raw: async (f) => {
      seeded(f);
      const missing = await rawJson(f, 'DELETE', '/api/v1/transfers', writeNoBody);
      assert.deepEqual([missing.status, (missing.json as { field: string }).field], [400, '/query/state']);
      const notFinal = await rawJson(f, 'DELETE', '/api/v1/transfers?state=queued', writeNoBody);
      assert.equal(notFinal.status, 400, 'only final states can be cleared');
      const { status, json } = await rawJson(f, 'DELETE', '/api/v1/transfers?state=failed&direction=upload&username=bob', writeNoBody);
      assert.deepEqual([status, json], [200, { removed: 1 }]);
    },
  },
};
