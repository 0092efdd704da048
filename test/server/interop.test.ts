// Interop with a client no one here wrote: slsk-client (npm) logs into our server, searches, and gets
// a PeerSearchReply from a test peer (a branch root, or a plain FileSearch receiver) over a direct P
// connection to its listen port; the file must come out of slsk-client's search callback intact.

import assert from 'node:assert/strict';
import { suite, test, type TestContext } from 'node:test';
import { UserStatus } from '../../src/protocol/index.ts';
import { SlskClientProcess, type FoundFile } from '../client/helpers-slsk-client.ts';
import { RawClient, WAIT_MS, startServer } from './harness.ts';
import { PeerNode, type SeenSearch } from './peer-node.ts';

const SEARCH_TIMEOUT_MS = 8000;

/** The first of several waits to settle; the later timeouts of the others are of no interest. */
function firstOf<T>(...waits: Promise<T>[]): Promise<T> {
  for (const wait of waits) wait.catch(() => {});
  return Promise.race(waits);
}

const USER = 'slskclient';
const PASS = 'interop-pass';
const QUERY = 'aphex windowlicker';
const SHARED = { filename: '@@music\\Aphex Twin\\Windowlicker.mp3', size: 12_345_678n, bitrate: 256 };

async function searchRoundTrip(t: TestContext, mode: 'branch root' | 'plain'): Promise<void> {
  const s = await startServer();
  let slskClient: SlskClientProcess | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    // The account exists beforehand so a watcher can follow slsk-client's status from the start.
    await (await RawClient.login(s.port, USER, PASS)).close();
    const watcher = await RawClient.login(s.port, 'watcher');
    closers.push(() => watcher.close());
    watcher.send({ name: 'AddUser', username: USER });
    assert.equal((await watcher.next('AddUser')).exist, true);

    const responder = await PeerNode.start({
      serverPort: s.port,
      username: 'responder',
      files: [SHARED, { filename: '@@music\\Other\\Unrelated.mp3', size: 1n }],
      // Wait until slsk-client has taken our PeerInit, so the reply is not lost with it (see the report).
      afterPeerInit: async (user) => {
        assert.equal(user, USER);
        await slskClient?.events.wait((e) => e.type === 'peer-ready' && e.user === 'responder', 'slsk-client to take our PeerInit');
      },
    });
    closers.push(() => responder.close());
    if (mode === 'branch root') await responder.becomeRoot();

    slskClient = await SlskClientProcess.start({ user: USER, pass: PASS, port: s.port });
    await watcher.next('GetUserStatus', (m) => m.username === USER && m.status === UserStatus.online);

    slskClient.search(QUERY, SEARCH_TIMEOUT_MS);
    const isTheSearch = (search: SeenSearch): boolean => search.username === USER && search.query === QUERY;
    // Either the search reaches the responder, or the server drops slsk-client before its search is read.
    const outcome = await firstOf<SeenSearch | 'dropped'>(
      responder.searches.wait(isTheSearch, 'the search from slsk-client at the responder'),
      watcher.next('GetUserStatus', (m) => m.username === USER && m.status === UserStatus.offline).then(() => 'dropped' as const),
    );
    if (outcome === 'dropped') {
      // slsk-client sends ToggleParentSearch's boolean as a uint32 right after login; a server that
      // refused the padded message would drop it here.
      assert.fail('the server logged slsk-client out before its search');
    }
    assert.equal(outcome.via, mode === 'branch root' ? 'ServerSearchRequest' : 'FileSearch');
    assert.equal(outcome.from, 'server');

    const expected: FoundFile = { user: 'responder', file: SHARED.filename, size: Number(SHARED.size), slots: true, bitrate: SHARED.bitrate, speed: 0 };
    // The reply went out over a direct P connection to slsk-client's listen port...
    const sent = await responder.repliesSent.wait((r) => r.to === USER, 'the responder to reply');
    assert.deepEqual(sent, { to: USER, ticket: outcome.ticket, files: [SHARED.filename] });
    const ready = await slskClient.events.wait((e) => e.type === 'peer-ready', 'slsk-client to take the connection');
    assert.deepEqual(ready, { type: 'peer-ready', user: 'responder', connectionType: 'P' });
    // ...slsk-client matched it to its search by ticket and parsed the file...
    const found = await slskClient.events.wait((e) => e.type === 'found', 'slsk-client to report the result');
    assert.deepEqual(found, { type: 'found', result: expected });
    // ...and its search callback, when the search time is up, lists exactly that file.
    const results = await slskClient.events.wait((e) => e.type === 'results', 'the search callback', 0, SEARCH_TIMEOUT_MS + WAIT_MS);
    assert.deepEqual(results, { type: 'results', error: null, results: [expected] });
    assert.deepEqual(responder.problems, []);
    assert.equal(slskClient.events.items.filter((e) => e.type === 'client-error').length, 0, 'slsk-client saw no error');
  } catch (error) {
    if (slskClient !== undefined) t.diagnostic(`slsk-client log:\n${slskClient.stderr}`);
    throw error;
  } finally {
    await Promise.allSettled([slskClient?.stop(), ...closers.map((close) => close())]);
    await s.close();
  }
}

suite('slsk-client against the server', { concurrency: true }, () => {
  test('its search reaches a branch root (ServerSearchRequest) and the reply reaches its callback', (t) =>
    searchRoundTrip(t, 'branch root'));

  test('its search reaches a plain receiver (FileSearch) and the reply reaches its callback', (t) => searchRoundTrip(t, 'plain'));
});
