// Every route of slskd's /api/v0 table over real HTTP, against the real daemon (in-process, a real
// server and a sharing peer): requests and expected replies are JSON written by hand here from slskd's
// reference (field names, enum strings, statuses), never built by our code. The cases are a Record
// keyed by route name: a v0 route added without a case does not compile. Then the role matrix over
// the whole v0 table.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { slskdRoutes, type SlskdRouteName } from '../../src/daemon/slskd/index.ts';
import type { RouteDef } from '../../src/daemon/http/route.ts';
import { nextEvent } from '../client/helpers.ts';
import { ALBUM_DIR, API_KEYS, INTRO_SIZE, OUTRO_SIZE, WEB, call, ok, startSlskdBed, until, type SlskdBed } from './slskd-support.ts';

let bed: SlskdBed;
before(async () => {
  bed = await startSlskdBed();
});
after(() => bed.close());

type Json = Record<string, unknown>;
const INTRO = `${ALBUM_DIR}\\01 - Intro.mp3`;
const OUTRO = `${ALBUM_DIR}\\02 - Outro.flac`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * A finished search, made through the route: "intro" matches one file of the peer's, and a fileLimit
 * of 1 ends the search as that file arrives however long it takes (no timeout to race).
 */
async function finishedSearch(id: string): Promise<Json> {
  await ok(call(bed, 'POST', '/api/v0/searches', { body: `{"id": "${id}", "searchText": "intro", "searchTimeout": 60000, "fileLimit": 1}` }));
  return until(`search ${id} to complete`, async () => {
    const search = await ok<Json>(call(bed, 'GET', `/api/v0/searches/${id}`));
    return search['isComplete'] === true ? search : undefined;
  });
}

async function downloadState(id: string): Promise<string> {
  return (await ok<Json>(call(bed, 'GET', `/api/v0/transfers/downloads/peer/${id}`)))['state'] as string;
}

/** Enqueues one of the peer's files while the peer serves no uploads, so it waits in the peer's queue. */
async function queuedRemotely(filename: string): Promise<string> {
  bed.peerTransfers.setUploadSlots(0);
  const reply = await ok<{ enqueued: Json[] }>(call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: `[{"filename": ${JSON.stringify(filename)}}]` }), 201);
  const id = reply.enqueued[0]!['id'] as string;
  await until(`${id} queued remotely`, async () => ((await downloadState(id)) === 'Queued, Remotely' ? true : undefined));
  // sent is not yet queued: the peer looks the file up before it queues it (and answers place requests)
  await until(`${filename} in the peer's upload queue`, async () => (bed.peerTransfers.uploadQueue().some((t) => t.filename === filename) ? true : undefined));
  return id;
}

const cases: Record<SlskdRouteName, () => Promise<void>> = {
  v0Version: async () => {
    const reply = await call(bed, 'GET', '/api/v0/application/version');
    assert.deepEqual([reply.status, reply.text, reply.headers.get('content-type')], [200, '"0.24.5"', 'application/json; charset=utf-8']);
  },
  v0Application: async () => {
    const app = await ok<Json>(call(bed, 'GET', '/api/v0/application/'));
    assert.deepEqual(app['version'], { full: '0.24.5 (0.24.5)', current: '0.24.5', isCanary: false, isDevelopment: false });
    assert.deepEqual(app['server'], {
      address: `127.0.0.1:${bed.server.port}`,
      state: 'Connected, LoggedIn',
      isConnected: true,
      isConnecting: false,
      isLoggedIn: true,
      isLoggingIn: false,
      isTransitioning: false,
    });
    assert.deepEqual(app['user'], { username: 'daemonuser' });
  },
  v0Server: async () => {
    const server = await ok<Json>(call(bed, 'GET', '/api/v0/server'));
    assert.deepEqual([server['state'], server['isLoggedIn']], ['Connected, LoggedIn', true]);
  },
  v0Options: async () => {
    const options = await ok<Json>(call(bed, 'GET', '/api/v0/options/'));
    assert.deepEqual(options, {
      directories: { downloads: bed.downloads, incomplete: bed.daemon.config.downloads.incompleteFolder },
      soulseek: { username: 'daemonuser' },
      remoteFileManagement: false,
      transfers: { download: { destination: { permissions: { mode: '' } } } },
    });
    assert.ok(!JSON.stringify(options).includes('daemon-pw'), 'no secret in the options');
  },
  v0Login: async () => {
    const login = await ok<Json>(call(bed, 'POST', '/api/v0/session', { key: null, body: `{"username": "owner", "password": "${WEB.password}"}` }));
    assert.deepEqual(Object.keys(login).sort(), ['expires', 'issued', 'name', 'notBefore', 'token', 'tokenType']);
    assert.deepEqual([login['name'], login['tokenType'], login['notBefore']], ['owner', 'Bearer', login['issued']]);
    assert.ok((login['expires'] as number) > (login['issued'] as number));
    // slskd-python-api then sends the token as Bearer
    const session = await call(bed, 'GET', '/api/v0/session', { key: null, headers: { authorization: `Bearer ${String(login['token'])}` } });
    assert.deepEqual([session.status, session.text], [200, '']);
    assert.equal((await call(bed, 'POST', '/api/v0/session', { key: null, body: '{"username": "owner", "password": "wrong"}' })).status, 401);
    assert.equal((await call(bed, 'POST', '/api/v0/session', { key: null, body: '{"username": "  ", "password": "x"}' })).status, 400, 'blank username');
    assert.equal((await call(bed, 'POST', '/api/v0/session', { key: null, body: '{"password": "x"}' })).status, 400, 'missing username');
  },
  v0Session: async () => {
    const reply = await call(bed, 'GET', '/api/v0/session', { key: API_KEYS.read });
    assert.deepEqual([reply.status, reply.text], [200, '']);
    assert.equal((await call(bed, 'GET', '/api/v0/session', { key: null })).status, 401);
  },
  v0SessionEnabled: async () => {
    const reply = await call(bed, 'GET', '/api/v0/session/enabled', { key: null });
    assert.deepEqual([reply.status, reply.text], [200, 'true']);
  },
  v0StartSearch: async () => {
    const id = '6f1c2d3e-0a1b-11ef-9a2b-0242ac120002';
    const search = await ok<Json>(call(bed, 'POST', '/api/v0/searches', { body: `{"id": "${id.toUpperCase()}", "searchText": "outro", "searchTimeout": 1000, "filterResponses": false}` }));
    assert.deepEqual(
      { ...search, startedAt: 'x', token: 'x' },
      { fileCount: 0, id, isComplete: false, lockedFileCount: 0, responseCount: 0, responses: [], searchText: 'outro', startedAt: 'x', state: 'InProgress', token: 'x' },
    );
    assert.ok(Number.isInteger(search['token']));
    assert.equal((await call(bed, 'POST', '/api/v0/searches', { body: `{"id": "${id}", "searchText": "outro"}` })).status, 409, 'an id in use');
    assert.equal((await call(bed, 'POST', '/api/v0/searches', { body: '{"searchText": "   "}' })).status, 400, 'blank searchText');
    assert.equal((await call(bed, 'POST', '/api/v0/searches', { body: '{"searchTimeout": 1000}' })).status, 400, 'no searchText');
    // LP sends no id: one is made and returned
    const made = await ok<Json>(call(bed, 'POST', '/api/v0/searches/', { body: '{"searchText": "nothing matches this", "searchTimeout": 1000, "filterResponses": true}' }));
    assert.match(String(made['id']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  },
  v0Searches: async () => {
    const id = 'a1a1a1a1-0000-4000-8000-000000000001';
    await finishedSearch(id);
    const all = await ok<Json[]>(call(bed, 'GET', '/api/v0/searches'));
    const mine = all.find((s) => s['id'] === id);
    assert.deepEqual([mine?.['state'], mine?.['responseCount'], mine?.['responses']], ['Completed, FileLimitReached', 1, []]);
  },
  v0Search: async () => {
    const id = 'a1a1a1a1-0000-4000-8000-000000000002';
    await finishedSearch(id);
    for (const flag of ['true', 'True']) {
      const search = await ok<Json>(call(bed, 'GET', `/api/v0/searches/${id}/?includeResponses=${flag}`));
      assert.deepEqual([search['state'], search['isComplete'], search['fileCount']], ['Completed, FileLimitReached', true, 1]);
      const responses = search['responses'] as Json[];
      assert.equal(responses.length, 1);
      assert.deepEqual({ ...responses[0], token: 0 }, {
        fileCount: 1,
        files: [{ bitRate: 320, code: 1, extension: 'mp3', filename: INTRO, isVariableBitRate: false, length: 2, size: INTRO_SIZE, isLocked: false }],
        hasFreeUploadSlot: true,
        lockedFileCount: 0,
        lockedFiles: [],
        queueLength: 0,
        token: 0,
        uploadSpeed: 250_000,
        username: 'peer',
      });
      assert.equal(responses[0]!['token'], search['token']);
    }
    assert.deepEqual((await ok<Json>(call(bed, 'GET', `/api/v0/searches/${id}?includeResponses=false`)))['responses'], []);
    assert.equal((await call(bed, 'GET', `/api/v0/searches/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await call(bed, 'GET', '/api/v0/searches/not-a-guid')).status, 400);
    assert.equal((await call(bed, 'GET', `/api/v0/searches/${id}?includeResponses=yes`)).status, 400);
  },
  v0SearchResponses: async () => {
    const id = 'a1a1a1a1-0000-4000-8000-000000000003';
    await finishedSearch(id);
    const responses = await ok<Json[]>(call(bed, 'GET', `/api/v0/searches/${id}/responses`));
    assert.deepEqual(responses.map((r) => [r['username'], (r['files'] as Json[]).map((f) => f['filename'])]), [['peer', [INTRO]]]);
    assert.equal((await call(bed, 'GET', `/api/v0/searches/${UNKNOWN_ID}/responses`)).status, 404);
  },
  v0StopSearch: async () => {
    const id = 'a1a1a1a1-0000-4000-8000-000000000004';
    await ok(call(bed, 'POST', '/api/v0/searches', { body: `{"id": "${id}", "searchText": "nothing at all here", "searchTimeout": 600000}` }));
    assert.equal((await call(bed, 'PUT', `/api/v0/searches/${id}`)).status, 200);
    const stopped = await until('the stopped search', async () => {
      const search = await ok<Json>(call(bed, 'GET', `/api/v0/searches/${id}`));
      return search['isComplete'] === true ? search : undefined;
    });
    assert.equal(stopped['state'], 'Completed, Cancelled');
    assert.equal((await call(bed, 'PUT', `/api/v0/searches/${UNKNOWN_ID}`)).status, 404);
  },
  v0DeleteSearch: async () => {
    const id = 'a1a1a1a1-0000-4000-8000-000000000005';
    await finishedSearch(id);
    const reply = await call(bed, 'DELETE', `/api/v0/searches/${id}`);
    assert.deepEqual([reply.status, reply.text], [204, '']);
    assert.equal((await call(bed, 'GET', `/api/v0/searches/${id}`)).status, 404);
    assert.equal((await call(bed, 'DELETE', `/api/v0/searches/${id}`)).status, 404);
  },
  v0UserDirectory: async () => {
    const directories = await ok<Json[]>(call(bed, 'POST', '/api/v0/users/peer/directory', { body: `{"directory": ${JSON.stringify(ALBUM_DIR)}}` }));
    assert.equal(directories.length, 1, 'an array of one directory');
    const directory = directories[0]!;
    assert.deepEqual([directory['name'], directory['fileCount']], [ALBUM_DIR, 2]);
    assert.deepEqual(
      (directory['files'] as Json[]).sort((a, b) => String(a['filename']).localeCompare(String(b['filename']))),
      [
        {
          attributeCount: 3,
          attributes: [{ type: 'BitRate', value: 320 }, { type: 'Length', value: 2 }, { type: 'VariableBitRate', value: 0 }],
          bitRate: 320,
          code: 1,
          extension: 'mp3',
          filename: '01 - Intro.mp3',
          isVariableBitRate: false,
          length: 2,
          size: INTRO_SIZE,
        },
        {
          attributeCount: 3,
          attributes: [{ type: 'Length', value: 3 }, { type: 'SampleRate', value: 44100 }, { type: 'BitDepth', value: 16 }],
          bitDepth: 16,
          code: 1,
          extension: 'flac',
          filename: '02 - Outro.flac',
          length: 3,
          sampleRate: 44100,
          size: OUTRO_SIZE,
        },
      ],
    );
    assert.equal((await call(bed, 'POST', '/api/v0/users/peer/directory', { body: '{"directory": ""}' })).status, 400);
    assert.equal((await call(bed, 'POST', '/api/v0/users/nobody-here/directory', { body: `{"directory": ${JSON.stringify(ALBUM_DIR)}}` })).status, 404, 'an offline user');
  },
  v0UserBrowse: async () => {
    const browse = await ok<Json>(call(bed, 'GET', '/api/v0/users/peer/browse'));
    const directories = browse['directories'] as Json[];
    assert.deepEqual([browse['directoryCount'], browse['lockedDirectoryCount'], browse['lockedDirectories']], [directories.length, 0, []]);
    const album = directories.find((d) => d['name'] === ALBUM_DIR);
    assert.deepEqual(((album?.['files'] as Json[] | undefined) ?? []).map((f) => f['filename']).sort(), ['01 - Intro.mp3', '02 - Outro.flac']);
  },
  v0UserInfo: async () => {
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/users/peer/info')), {
      description: 'a test peer',
      hasFreeUploadSlot: true,
      hasPicture: false,
      queueLength: 0,
      uploadSlots: 2,
    });
  },
  v0UserStatus: async () => {
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/users/peer/status')), { isPrivileged: false, presence: 'Online', username: 'peer' });
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/users/nobody-here/status')), { isPrivileged: false, presence: 'Offline', username: 'nobody-here' });
  },
  v0UserEndpoint: async () => {
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/users/peer/endpoint')), { addressFamily: 'InterNetwork', address: '127.0.0.1', port: bed.peer.listenPort });
    assert.equal((await call(bed, 'GET', '/api/v0/users/nobody-here/endpoint')).status, 404);
  },
  v0Enqueue: async () => {
    const reply = await call(bed, 'POST', '/api/v0/transfers/downloads/peer', {
      body: `[{"filename": ${JSON.stringify(OUTRO)}, "size": ${OUTRO_SIZE}, "code": 1, "extension": "flac", "attributes": [{"type": "Length", "value": 3}], "sampleRate": 44100}]`,
    });
    assert.equal(reply.status, 201, reply.text);
    const body = reply.json as { enqueued: Json[]; failed: Json[] };
    assert.deepEqual(body.failed, []);
    assert.deepEqual([body.enqueued.length, body.enqueued[0]!['username'], body.enqueued[0]!['filename'], body.enqueued[0]!['direction'], body.enqueued[0]!['size']], [1, 'peer', OUTRO, 'Download', OUTRO_SIZE]);
    const id = body.enqueued[0]!['id'] as string;
    await until('the outro to succeed', async () => ((await downloadState(id)) === 'Completed, Succeeded' ? true : undefined));
    // the same file while one is on its way is skipped (in failed), still 201
    const first = await ok<{ enqueued: Json[] }>(call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: `[{"filename": ${JSON.stringify(INTRO)}}]` }), 201);
    const again = await ok<{ enqueued: Json[]; failed: Json[] }>(call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: `[{"filename": ${JSON.stringify(INTRO)}}]` }), 201);
    assert.deepEqual([first.enqueued.length, again.enqueued.length, again.failed.map((f) => f['filename'])], [1, 0, [INTRO]]);
    await until('the intro to succeed', async () => ((await downloadState(first.enqueued[0]!['id'] as string)) === 'Completed, Succeeded' ? true : undefined));
    assert.equal((await call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: '[]' })).status, 400, 'an empty list');
    assert.equal((await call(bed, 'POST', '/api/v0/transfers/downloads/peer', { body: '[{"size": 1}]' })).status, 400, 'no filename');
  },
  v0Downloads: async () => {
    const groups = await ok<Json[]>(call(bed, 'GET', '/api/v0/transfers/downloads/?includeRemoved=False'));
    const peer = groups.find((g) => g['username'] === 'peer');
    const album = (peer?.['directories'] as Json[] | undefined)?.find((d) => d['directory'] === ALBUM_DIR);
    assert.ok(album !== undefined, JSON.stringify(groups));
    const files = album['files'] as Json[];
    assert.equal(album['fileCount'], files.length);
    const done = files.find((f) => f['filename'] === OUTRO && f['state'] === 'Completed, Succeeded');
    assert.ok(done !== undefined);
    assert.deepEqual(
      { ...done, id: 'x', requestedAt: 'x', enqueuedAt: 'x', endedAt: 'x', averageSpeed: 0 },
      {
        id: 'x',
        username: 'peer',
        direction: 'Download',
        filename: OUTRO,
        size: OUTRO_SIZE,
        startOffset: 0,
        state: 'Completed, Succeeded',
        requestedAt: 'x',
        enqueuedAt: 'x',
        endedAt: 'x',
        bytesTransferred: OUTRO_SIZE,
        averageSpeed: 0,
        bytesRemaining: 0,
        percentComplete: 100,
        attempts: 0,
        removed: false,
      },
    );
    for (const field of ['requestedAt', 'enqueuedAt', 'endedAt']) assert.match(String(done[field]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/, field);
  },
  v0UserDownloads: async () => {
    const group = await ok<Json>(call(bed, 'GET', '/api/v0/transfers/downloads/peer/'));
    assert.equal(group['username'], 'peer');
    assert.ok((group['directories'] as Json[]).some((d) => d['directory'] === ALBUM_DIR));
    assert.equal((await call(bed, 'GET', '/api/v0/transfers/downloads/nobody-here')).status, 404);
  },
  v0Download: async () => {
    const group = await ok<{ directories: { files: Json[] }[] }>(call(bed, 'GET', '/api/v0/transfers/downloads/peer'));
    const any = group.directories[0]!.files[0]!;
    // looked up by id alone: the username in the path is not checked
    assert.deepEqual(await ok(call(bed, 'GET', `/api/v0/transfers/downloads/someone-else/${String(any['id']).toUpperCase()}`)), any);
    assert.equal((await call(bed, 'GET', `/api/v0/transfers/downloads/peer/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await call(bed, 'GET', '/api/v0/transfers/downloads/peer/not-a-guid')).status, 400);
  },
  v0DownloadPosition: async () => {
    const id = await queuedRemotely(INTRO);
    try {
      const position = await call(bed, 'GET', `/api/v0/transfers/downloads/peer/${id}/position`);
      assert.equal(position.status, 200, position.text);
      assert.ok(Number.isInteger(position.json) && (position.json as number) >= 0, position.text);
    } finally {
      await call(bed, 'DELETE', `/api/v0/transfers/downloads/peer/${id}?remove=true`);
      bed.peerTransfers.setUploadSlots(2);
    }
    assert.equal((await call(bed, 'GET', `/api/v0/transfers/downloads/peer/${UNKNOWN_ID}/position`)).status, 404);
  },
  v0CancelDownload: async () => {
    const id = await queuedRemotely(OUTRO);
    bed.peerTransfers.setUploadSlots(2);
    const cancel = await call(bed, 'DELETE', `/api/v0/transfers/downloads/peer/${id}?remove=false`);
    assert.deepEqual([cancel.status, cancel.text], [204, '']);
    const cancelled = await ok<Json>(call(bed, 'GET', `/api/v0/transfers/downloads/peer/${id}`));
    assert.deepEqual([cancelled['state'], cancelled['removed'], cancelled['exception']], ['Completed, Cancelled', false, 'Cancelled']);
    assert.equal((await call(bed, 'DELETE', `/api/v0/transfers/downloads/peer/${id}?remove=TRUE`)).status, 204);
    const listed = await ok<Json[]>(call(bed, 'GET', '/api/v0/transfers/downloads'));
    assert.ok(!JSON.stringify(listed).includes(id), 'removed: not listed');
    const withRemoved = await ok<Json[]>(call(bed, 'GET', '/api/v0/transfers/downloads?includeRemoved=true'));
    assert.ok(JSON.stringify(withRemoved).includes(id), 'listed with includeRemoved');
    assert.deepEqual((await ok<Json>(call(bed, 'GET', `/api/v0/transfers/downloads/peer/${id}`)))['removed'], true);
    assert.equal((await call(bed, 'DELETE', `/api/v0/transfers/downloads/peer/${UNKNOWN_ID}`)).status, 404);
    assert.equal((await call(bed, 'DELETE', '/api/v0/transfers/downloads/peer/not-a-guid')).status, 400);
  },
  v0ClearCompletedDownloads: async () => {
    assert.ok((await ok<Json[]>(call(bed, 'GET', '/api/v0/transfers/downloads'))).length > 0, 'finished downloads to clear');
    const reply = await call(bed, 'DELETE', '/api/v0/transfers/downloads/all/completed');
    assert.deepEqual([reply.status, reply.text], [204, '']);
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/transfers/downloads')), []);
  },
  v0Uploads: async () => {
    // the daemon has uploaded nothing; the peer's uploads are the peer's
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/transfers/uploads/?includeRemoved=False')), []);
  },

  v0Conversations: async () => {
    bed.peer.sendPrivateMessage('daemonuser', 'hello daemon');
    const list = await until('the conversation with peer', async () => {
      const conversations = await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations?includeInactive=False&unAcknowledgedOnly=True'));
      return conversations.some((c) => c['username'] === 'peer') ? conversations : undefined;
    });
    assert.deepEqual(list.find((c) => c['username'] === 'peer'), { username: 'peer', isActive: true, unAcknowledgedMessageCount: 1, hasUnAcknowledgedMessages: true });
  },
  v0Conversation: async () => {
    const conversation = await ok<Json>(call(bed, 'GET', '/api/v0/conversations/peer?includeMessages=true'));
    const messages = conversation['messages'] as Json[];
    assert.deepEqual({ ...conversation, messages: undefined }, { username: 'peer', isActive: true, unAcknowledgedMessageCount: 1, hasUnAcknowledgedMessages: true, messages: undefined });
    assert.deepEqual({ ...messages.at(-1), id: 0, timestamp: 'x' }, { timestamp: 'x', id: 0, username: 'peer', direction: 'In', message: 'hello daemon', isAcknowledged: false, wasReplayed: false });
    assert.ok(!('messages' in (await ok<Json>(call(bed, 'GET', '/api/v0/conversations/peer?includeMessages=False')))));
    assert.equal((await call(bed, 'GET', '/api/v0/conversations/nobody-here')).status, 404);
  },
  v0ConversationMessages: async () => {
    const messages = await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations/peer/messages'));
    assert.deepEqual(messages.map((m) => [m['direction'], m['message']]), [['In', 'hello daemon']]);
    assert.match(String(messages[0]!['timestamp']), /\.\d{7}Z$/);
  },
  v0SendMessage: async () => {
    const received = nextEvent(bed.peer, 'privateMessage', (m) => m.from === 'daemonuser');
    const reply = await call(bed, 'POST', '/api/v0/conversations/peer', { body: '"hello peer"' });
    assert.deepEqual([reply.status, reply.text], [201, '']);
    assert.equal((await received).text, 'hello peer');
    const messages = await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations/peer/messages'));
    assert.deepEqual(messages.map((m) => [m['direction'], m['username'], m['message']]), [['In', 'peer', 'hello daemon'], ['Out', 'daemonuser', 'hello peer']]);
    assert.equal((await call(bed, 'POST', '/api/v0/conversations/peer', { body: '{"message": "not a string"}' })).status, 400);
  },
  v0Acknowledge: async () => {
    bed.peer.sendPrivateMessage('daemonuser', 'second');
    const second = await until('the second message', async () => (await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations/peer/messages'))).find((m) => m['message'] === 'second'));
    const first = (await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations/peer/messages')))[0]!;
    assert.equal((await call(bed, 'PUT', `/api/v0/conversations/peer/${String(first['id'])}`)).status, 200);
    const after = await ok<Json[]>(call(bed, 'GET', '/api/v0/conversations/peer/messages'));
    assert.deepEqual(after.map((m) => [m['message'], m['isAcknowledged']]), [['hello daemon', true], ['hello peer', true], ['second', false]]);
    assert.equal(second['isAcknowledged'], false);
    assert.equal((await call(bed, 'PUT', '/api/v0/conversations/peer/999999')).status, 404);
  },
  v0AcknowledgeAll: async () => {
    assert.equal((await call(bed, 'PUT', '/api/v0/conversations/peer')).status, 200);
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/conversations?unAcknowledgedOnly=true')), []);
  },

  v0JoinRoom: async () => {
    const room = await ok<Json>(call(bed, 'POST', '/api/v0/rooms/joined', { body: '"lounge"' }), 201);
    assert.deepEqual([room['name'], room['isPrivate']], ['lounge', false]);
    const me = (room['users'] as Json[]).find((u) => u['username'] === 'daemonuser');
    assert.deepEqual(me === undefined ? undefined : Object.keys(me).sort(), ['averageSpeed', 'directoryCount', 'fileCount', 'slotsFree', 'status', 'uploadCount', 'username']);
  },
  v0JoinedRooms: async () => {
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/rooms/joined')), ['lounge']);
  },
  v0AvailableRooms: async () => {
    const rooms = await ok<Json[]>(call(bed, 'GET', '/api/v0/rooms/available'));
    assert.deepEqual(rooms.find((r) => r['name'] === 'lounge'), { name: 'lounge', userCount: 1, isPrivate: false, isOwned: false, isModerated: false });
  },
  v0SayInRoom: async () => {
    await bed.peer.joinRoom('lounge');
    const heard = nextEvent(bed.peer, 'roomMessage', (m) => m.room === 'lounge' && m.username === 'daemonuser');
    const reply = await call(bed, 'POST', '/api/v0/rooms/joined/lounge/messages', { body: '"hi room"' });
    assert.deepEqual([reply.status, reply.text], [201, '']);
    assert.equal((await heard).text, 'hi room');
    assert.equal((await call(bed, 'POST', '/api/v0/rooms/joined/elsewhere/messages', { body: '"hi"' })).status, 404, 'a room not joined');
  },
  v0RoomMessages: async () => {
    bed.peer.sayInRoom('lounge', 'hi daemon');
    const messages = await until('the peer in the room', async () => {
      const list = await ok<Json[]>(call(bed, 'GET', '/api/v0/rooms/joined/lounge/messages'));
      return list.some((m) => m['username'] === 'peer') ? list : undefined;
    });
    assert.deepEqual(
      messages.map((m) => ({ ...m, timestamp: 'x' })),
      [
        { timestamp: 'x', username: 'daemonuser', message: 'hi room', roomName: 'lounge' },
        { timestamp: 'x', username: 'peer', message: 'hi daemon', roomName: 'lounge' },
      ],
    );
  },
  v0JoinedRoom: async () => {
    const room = await ok<Json>(call(bed, 'GET', '/api/v0/rooms/joined/lounge'));
    assert.deepEqual([room['name'], room['isPrivate'], (room['messages'] as Json[]).length], ['lounge', false, 2]);
    assert.equal((await call(bed, 'GET', '/api/v0/rooms/joined/elsewhere')).status, 404);
  },
  v0LeaveRoom: async () => {
    const reply = await call(bed, 'DELETE', '/api/v0/rooms/joined/lounge');
    assert.deepEqual([reply.status, reply.text], [204, '']);
    assert.deepEqual(await ok(call(bed, 'GET', '/api/v0/rooms/joined')), []);
    assert.equal((await call(bed, 'DELETE', '/api/v0/rooms/joined/lounge')).status, 404);
  },

  v0DownloadedDirectory: async () => {
    // slskd-python-api's b64encode adds a newline, sent as %0A; LP sends the remote path, which is not a local folder
    const album = await ok<Json>(call(bed, 'GET', `/api/v0/files/downloads/directories/${encodeURIComponent('QWxidW0=\n')}`));
    assert.deepEqual([album['name'], album['fullName'], album['attributes'], album['directories']], ['Album', join(bed.downloads, 'Album'), 'Directory', []]);
    assert.deepEqual(
      (album['files'] as Json[]).map((f) => [f['name'], f['length'], f['attributes']]).sort(),
      [['01 - Intro.mp3', INTRO_SIZE, 'Normal'], ['02 - Outro.flac', OUTRO_SIZE, 'Normal']],
    );
    const root = await ok<Json>(call(bed, 'GET', `/api/v0/files/downloads/directories/${encodeURIComponent(Buffer.from('.').toString('base64'))}?recursive=True`));
    assert.ok((root['directories'] as Json[]).some((d) => d['name'] === 'Album' && (d['files'] as Json[]).length === 2));
    const remote = encodeURIComponent(Buffer.from(ALBUM_DIR).toString('base64'));
    assert.equal((await call(bed, 'GET', `/api/v0/files/downloads/directories/${remote}`)).status, 404);
    const outside = encodeURIComponent(Buffer.from('../..').toString('base64'));
    assert.equal((await call(bed, 'GET', `/api/v0/files/downloads/directories/${outside}`)).status, 403);
  },
  v0DeleteDownloadedDirectory: async () => {
    assert.equal((await call(bed, 'DELETE', `/api/v0/files/downloads/directories/${encodeURIComponent('QWxidW0=')}`)).status, 403);
    assert.equal(readFileSync(join(bed.downloads, 'Album', '01 - Intro.mp3')).length, INTRO_SIZE, 'nothing deleted');
  },
};

test('every /api/v0 route answers as slskd does (JSON written by hand from the reference)', { timeout: 180_000 }, async (t) => {
  for (const [name, run] of Object.entries(cases)) await t.test(name, run);
});

const sampleBody: Partial<Record<SlskdRouteName, string>> = { v0Enqueue: '[{"filename": "x\\\\y"}]', v0SendMessage: '"hi"', v0JoinRoom: '"lounge"', v0SayInRoom: '"hi"' };

test('the v0 routes use the daemon\'s auth: 401 without or with a wrong key, 403 for a read key on a change', async () => {
  const table = Object.entries(slskdRoutes) as [SlskdRouteName, RouteDef][];
  const publicRoutes = table.filter(([, def]) => def.access === 'public').map(([name]) => name).sort();
  assert.deepEqual(publicRoutes, ['v0Login', 'v0SessionEnabled']);
  for (const [name, def] of table) {
    const path = def.path.replace(':username', 'peer').replace(':id', def.path.startsWith('/api/v0/conversations') ? '1' : UNKNOWN_ID).replace(':roomName', 'lounge').replace(':base64SubdirectoryName', 'QWxidW0=');
    const body = def.body === undefined ? undefined : (sampleBody[name] ?? '{}');
    const as = (key: string | null) => call(bed, def.method, path, { key, ...(body === undefined ? {} : { body }) });
    if (def.access === 'public') continue;
    assert.equal((await as(null)).status, 401, `${name} without a key`);
    assert.equal((await as('not-a-key-of-this-daemon')).status, 401, `${name} with a wrong key`);
    const expected = def.method === 'GET' ? 'read' : def.path.endsWith('/directory') ? 'read' : 'write';
    assert.equal(def.access, expected, `${name}: GETs (and the folder listing) read, changes write`);
    if (def.access === 'write') assert.equal((await as(API_KEYS.read)).status, 403, `${name} with a read key`);
  }
});
