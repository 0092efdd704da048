// A shares provider, folder provider or search responder that fails (rejects, or throws at once)
// must not take the process down: the failure is reported as a `warning`, the peer that asked gets
// no answer, its connection stays usable, and its next request is answered.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Folder, SharesListing } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../server/harness.ts';
import { Recorder } from '../support/recorder.ts';
import { loggedIn } from './helpers.ts';
import { RawPeer } from './helpers-raw-peer.ts';

const FOLDER: Folder = { name: '@@m\\ok', files: [{ filename: 'ok.mp3', size: 1n, extension: 'mp3', locked: false, attributes: [] }] };
const SHARES: Omit<SharesListing, 'username'> = { folders: [FOLDER], lockedFolders: [] };

/** Fails the first call by rejecting, the second by throwing at once, then answers. */
function failTwice<T>(answer: T): () => Promise<T> {
  let calls = 0;
  return () => {
    calls += 1;
    if (calls === 1) return Promise.reject(new Error('the shares database is locked'));
    if (calls === 2) throw new Error('the shares index is not loaded');
    return Promise.resolve(answer);
  };
}

let s: TestServer;
let sharer: Client;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
const warnings = new Recorder<Error>();

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  s = await startServer();
  sharer = await loggedIn(s.port, 'failing-sharer');
  sharer.on('warning', (error) => warnings.push(error));
});

after(async () => {
  await sharer.close();
  await s.close();
  process.off('unhandledRejection', onUnhandled);
});

test('a shares provider that rejects or throws: warnings, no unhandled rejection, the next browse on the same connection is answered', async () => {
  const shares = failTwice(SHARES);
  sharer.setSharesProvider({ shares, folder: () => undefined });
  const asker = await RawPeer.open(sharer.listenPort, 'browser');
  try {
    const from = warnings.mark();
    asker.send({ name: 'PeerSharesRequest' });
    asker.send({ name: 'PeerSharesRequest' });
    await warnings.wait(() => true, 'the first failure', from);
    await warnings.wait(() => true, 'the second failure', from + 1);
    const reported = warnings.since(from).map((w) => w.message).join('\n');
    assert.match(reported, /shares database is locked/);
    assert.match(reported, /shares index is not loaded/);
    assert.equal(asker.closed, false);
    assert.equal(asker.count('PeerSharesReply'), 0);
    asker.send({ name: 'PeerSharesRequest' });
    const reply = await asker.next('PeerSharesReply');
    assert.deepEqual(reply.directories.map((d) => d.name), ['@@m\\ok']);
    assert.deepEqual(unhandled, []);
  } finally {
    await asker.close();
  }
});

test('a folder provider that rejects or throws: the same', async () => {
  const folder = failTwice(FOLDER);
  sharer.setSharesProvider({ shares: () => SHARES, folder });
  const asker = await RawPeer.open(sharer.listenPort, 'folder-asker');
  try {
    const from = warnings.mark();
    asker.send({ name: 'PeerDirectoryContentsRequest', ticket: 1, directory: '@@m\\ok' });
    asker.send({ name: 'PeerDirectoryContentsRequest', ticket: 2, directory: '@@m\\ok' });
    await warnings.wait(() => true, 'the second failure', from + 1);
    asker.send({ name: 'PeerDirectoryContentsRequest', ticket: 3, directory: '@@m\\ok' });
    const reply = await asker.next('PeerDirectoryContentsReply');
    assert.equal(reply.ticket, 3);
    assert.deepEqual(reply.directories.map((d) => d.files.map((f) => f.filename)), [['ok.mp3']]);
    assert.deepEqual(unhandled, []);
  } finally {
    await asker.close();
  }
});

test('a search responder that rejects or throws: the next search is answered', async () => {
  const searcher = await loggedIn(s.port, 'failing-searcher');
  try {
    let calls = 0;
    sharer.setSearchResponder(() => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error('index busy'));
      if (calls === 2) throw new Error('index gone');
      return { files: [{ filename: '@@m\\ok\\ok.mp3', size: 1n }], slotsFree: true, avgSpeed: 1, queueLength: 0 };
    });
    const from = warnings.mark();
    searcher.search('ok one', { timeoutMs: 60_000 }).stop();
    searcher.search('ok two', { timeoutMs: 60_000 }).stop();
    await warnings.wait(() => true, 'the second failure', from + 1);
    const [response] = await searcher.search('ok three', { maxResults: 1 }).done;
    assert.equal(response?.username, 'failing-sharer');
    assert.deepEqual(unhandled, []);
  } finally {
    await searcher.close();
  }
});
