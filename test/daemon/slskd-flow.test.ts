// The flow soularr runs against slskd (through slskd-python-api), against the daemon instead: a real
// server, a real sharing peer and an in-process daemon, over HTTP with X-API-Key only. The calls, their
// order, the bodies and the fields read are soularr's (search_for_album, then the download loop):
// search → poll while "InProgress" → responses → delete the search → version + the folder listing →
// enqueue the whole file objects → find the ids by directory and filename → poll until
// "Completed, Succeeded" → remove. The file's bytes must be at downloads/<remote parent>/<file>, the
// path soularr moves it from.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ALBUM_DIR, API_KEYS, INTRO_SIZE, OUTRO_SIZE, call, ok, startSlskdBed, until, type SlskdBed } from './slskd-support.ts';

let bed: SlskdBed;
before(async () => {
  bed = await startSlskdBed();
});
after(() => bed.close());

interface SearchJson {
  id: string;
  state: string;
  isComplete: boolean;
  responseCount: number;
  fileCount: number;
  responses: unknown[];
  startedAt: string;
  endedAt?: string;
}
interface ResponseJson {
  username: string;
  files: { filename: string; size: number; bitRate?: number; sampleRate?: number; bitDepth?: number }[];
}
interface DirectoryJson {
  name: string;
  fileCount: number;
  files: { filename: string; size: number; code: number; extension: string; attributes: unknown[] }[];
}
interface TransferJson {
  id: string;
  filename: string;
  state: string;
  size: number;
  bytesTransferred: number;
  bytesRemaining: number;
  removed: boolean;
}
interface UserGroupJson {
  username: string;
  directories: { directory: string; fileCount: number; files: TransferJson[] }[];
}

/** soularr: tuple(map(int, version.split('.')[:3])) > (0, 22, 2); a suffix would crash it. */
function soularrVersionCheck(version: unknown): boolean {
  assert.equal(typeof version, 'string');
  const parts = (version as string).split('.').slice(0, 3).map((part) => {
    assert.match(part, /^\d+$/, `soularr's int() of ${JSON.stringify(part)}`);
    return Number(part);
  });
  const [a = 0, b = 0, c = 0] = parts;
  return a > 0 || b > 22 || (b === 22 && c > 2);
}

test("soularr's flow: search, poll, read responses, list the folder, enqueue, poll until succeeded, remove", { timeout: 90_000 }, async () => {
  // search_for_album: POST /searches with the body slskd-python-api builds (a uuid1 id, searchTimeout in ms)
  const searchId = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
  const created = await ok<SearchJson>(
    call(bed, 'POST', '/api/v0/searches', {
      body: `{"id": "${searchId}", "fileLimit": 10000, "filterResponses": true, "maximumPeerQueueLength": 50, "minimumPeerUploadSpeed": 0, "minimumResponseFileCount": 1, "responseLimit": 100, "searchText": "artist album", "searchTimeout": 5000}`,
    }),
  );
  assert.deepEqual([created.id, created.state, created.isComplete, created.responses], [searchId, 'InProgress', false, []]);
  assert.match(created.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);

  // while state == "InProgress": GET /searches/{id}?includeResponses=False (Python's bool)
  const finished = await until('the search to leave InProgress', async () => {
    const search = await ok<SearchJson>(call(bed, 'GET', `/api/v0/searches/${searchId}?includeResponses=False`));
    return search.state === 'InProgress' ? undefined : search;
  });
  assert.deepEqual([finished.state, finished.isComplete, finished.responseCount, finished.responses], ['Completed, TimedOut', true, 1, []]);
  assert.match(finished.endedAt ?? '', /\.\d{7}Z$/);

  const responses = await ok<ResponseJson[]>(call(bed, 'GET', `/api/v0/searches/${searchId}/responses`));
  assert.equal(responses.length, 1);
  const response = responses[0]!;
  assert.equal(response.username, 'peer');
  assert.deepEqual(response.files.map((f) => [f.filename, f.size]).sort(), [
    [`${ALBUM_DIR}\\01 - Intro.mp3`, INTRO_SIZE],
    [`${ALBUM_DIR}\\02 - Outro.flac`, OUTRO_SIZE],
  ]);
  // soularr reads bitRate / sampleRate / bitDepth and tests `"bitRate" in file`: what a file does not report is absent
  const quality = (f: ResponseJson['files'][number]): unknown[] => ['bitRate', 'sampleRate', 'bitDepth'].map((key) => (key in f ? f[key as 'bitRate'] : 'absent'));
  assert.deepEqual(response.files.map(quality).sort(), [
    [320, 'absent', 'absent'],
    ['absent', 44100, 16],
  ]);
  assert.equal((await call(bed, 'DELETE', `/api/v0/searches/${searchId}`)).status, 204);

  // the candidate folder: file_dir = filename.rsplit("\\", 1)[0]
  const fileDir = response.files[0]!.filename.slice(0, response.files[0]!.filename.lastIndexOf('\\'));
  assert.equal(fileDir, ALBUM_DIR);
  const version = await ok<unknown>(call(bed, 'GET', '/api/v0/application/version'));
  assert.ok(soularrVersionCheck(version), `version ${String(version)} must be above 0.22.2`);
  const directories = await ok<DirectoryJson[]>(call(bed, 'POST', '/api/v0/users/peer/directory', { body: JSON.stringify({ directory: fileDir }) }));
  const directory = directories[0]!;
  assert.equal(directory.fileCount, 2);
  assert.deepEqual(directory.files.map((f) => f.filename).sort(), ['01 - Intro.mp3', '02 - Outro.flac'], 'bare names');

  // soularr rebuilds the full path and POSTs the whole file objects (code, extension, attributes…)
  const wanted = directory.files.map((file) => ({ ...file, filename: `${fileDir}\\${file.filename}` }));
  const enqueue = await call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: JSON.stringify(wanted) });
  assert.equal(enqueue.status, 201, enqueue.text);

  // it waits, then GET /transfers/downloads/{username} and collects ids by directory and filename
  const group = await ok<UserGroupJson>(call(bed, 'GET', '/api/v0/transfers/downloads/peer'));
  assert.equal(group.username, 'peer');
  const folder = group.directories.find((d) => d.directory === fileDir);
  assert.ok(folder !== undefined, `a directory ${fileDir} in ${JSON.stringify(group.directories.map((d) => d.directory))}`);
  const ids = wanted.map((file) => {
    const found = folder.files.find((t) => t.filename === file.filename);
    assert.ok(found !== undefined, file.filename);
    return found.id;
  });

  // status poll of each file until "Completed, Succeeded"; anything final and not that fails the test
  const stable = new Set(['Completed, Succeeded', 'Queued, Remotely', 'Queued, Locally', 'Requested', 'Initializing', 'InProgress']);
  for (const id of ids) {
    const done = await until(`download ${id} to succeed`, async () => {
      const transfer = await ok<TransferJson>(call(bed, 'GET', `/api/v0/transfers/downloads/peer/${id}`));
      assert.ok(stable.has(transfer.state), `unexpected state ${transfer.state}`);
      return transfer.state === 'Completed, Succeeded' ? transfer : undefined;
    });
    assert.deepEqual([done.bytesTransferred, done.bytesRemaining], [done.size, 0]);
  }

  // the bytes are where soularr looks: download_dir / file_dir.split("\\")[-1] / filename.split("\\")[-1]
  for (const file of wanted) {
    const name = file.filename.slice(file.filename.lastIndexOf('\\') + 1);
    const landed = readFileSync(join(bed.downloads, fileDir.split('\\').at(-1)!, name));
    assert.ok(landed.equals(readFileSync(join(bed.music, 'Artist', 'Album', name))), `${name} byte for byte`);
  }

  // done: remove each transfer (remove=True from Python), then clear the completed at exit
  for (const id of ids) assert.equal((await call(bed, 'DELETE', `/api/v0/transfers/downloads/peer/${id}?remove=True`)).status, 204);
  assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/transfers/downloads/')), []);
  assert.equal((await call(bed, 'GET', '/api/v0/transfers/downloads/peer')).status, 404, 'no non-removed downloads from peer');
  const removed = await ok<TransferJson>(call(bed, 'GET', `/api/v0/transfers/downloads/peer/${ids[0]}`));
  assert.deepEqual([removed.state, removed.removed], ['Completed, Succeeded', true], 'a removed transfer is still found by id');
  assert.equal((await call(bed, 'DELETE', '/api/v0/transfers/downloads/all/completed')).status, 204);
  // the files stay on disk
  assert.equal(readFileSync(join(bed.downloads, 'Album', '01 - Intro.mp3')).length, INTRO_SIZE);
});

test('the version satisfies soularr and the Lidarr plugin refuses cleanly (below 0.26.0); auth errors are 401 and 403', async () => {
  const version = await call(bed, 'GET', '/api/v0/application/version');
  assert.equal(version.headers.get('content-type'), 'application/json; charset=utf-8', 'slskd-python-api calls .json() on it');
  assert.equal(version.text, '"0.24.5"');
  assert.ok(soularrVersionCheck(version.json));
  const app = await ok<{ version: { current: string; isDevelopment: boolean }; server: { isConnected: boolean; isLoggedIn: boolean } }>(call(bed, 'GET', '/api/v0/application/'));
  const [major, minor] = app.version.current.split('.').map(Number);
  assert.ok(major === 0 && minor! < 26 && !app.version.isDevelopment, 'below 0.26.0: the batch routes are not built');
  assert.ok(app.server.isConnected && app.server.isLoggedIn, 'the Lidarr plugin tests isConnected && isLoggedIn');

  assert.equal((await call(bed, 'GET', '/api/v0/application/version', { key: null })).status, 401, 'no key');
  assert.equal((await call(bed, 'GET', '/api/v0/application', { key: 'not-a-key-of-this-daemon' })).status, 401, 'a wrong key');
  // header names are case-insensitive: an MCP server sends X-Api-Key
  assert.equal((await call(bed, 'GET', '/api/v0/application', { key: null, headers: { 'X-Api-Key': API_KEYS.read } })).status, 200);
  assert.equal((await call(bed, 'POST', '/api/v0/searches', { key: API_KEYS.read, body: '{"searchText": "x"}' })).status, 403, 'a read key cannot search');
});
