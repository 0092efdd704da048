// Our Client against slsk-client (npm), a Soulseek client no one here wrote, through our server:
// slsk-client searches; our Client receives the search (as a branch root by ServerSearchRequest, or
// outside the distributed network by FileSearch), reports it as a 'searchRequest' with slsk-client's
// name and query, asks its search responder, and sends the PeerSearchReply over a P connection to
// slsk-client's listen port; the file must come out of slsk-client's search callback intact.
//
// slsk-client runs in its own process (test/server/peer-slsk-client.cjs, via helpers-slsk-client.ts).
// Its quirks that matter here (see test/server/interop.test.ts): it drops whatever shares a TCP chunk
// with the PeerInit of an incoming connection, and it keeps one connection per user, ignoring (never
// reading) a second one from a user it already has.

import assert from 'node:assert/strict';
import { suite, test, type TestContext } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { WAIT_MS, startServer } from '../server/harness.ts';
import { probe, syncWithServer } from './helpers-events.ts';
import { SlskClientProcess, type FoundFile } from './helpers-slsk-client.ts';

/** slsk-client hands results to the search callback only when this runs out. */
const SEARCH_TIMEOUT_MS = 4000;
const SLSK_USER = 'slskclient';
const SLSK_PASS = 'interop-pass';
const OUR_USER = 'ourclient';
const QUERY = 'boards canada roygbiv';
const SHARED = { filename: '@@music\\Boards of Canada\\Music Has the Right to Children\\ROYGBIV.mp3', size: 5_123_456n, bitrate: 320, duration: 151 };

/**
 * slsk-client keeps only the first connection a user makes to it and drops bytes that share a TCP
 * read with a PeerInit. Our client therefore gives its direct attempt a head start before asking for
 * an indirect one, and pauses briefly after its init message (src/client/peers.ts, handshake.ts).
 * If a reply is lost anyway, the failure message says which quirk swallowed it.
 */
/** Which slsk-client quirk swallowed our reply, from its debug log. */
function diagnose(log: string): string {
  if (log.includes(`Already connected to ${OUR_USER}`)) {
    return 'slsk-client had already connected back to us (our ConnectToPeer) and ignored our direct connection, which carried the reply';
  }
  if (log.includes(`new Peer connected ${OUR_USER}`)) return 'slsk-client took our direct connection but dropped the reply that shared a TCP read with our PeerInit';
  return 'no connection from us reached slsk-client';
}

async function searchRoundTrip(t: TestContext, mode: 'branch root' | 'plain'): Promise<void> {
  const s = await startServer();
  // As a branch root our client takes part in the distributed network (the default); plain, it does not.
  const ours = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: mode === 'branch root' });
  const us = probe(ours);
  let slsk: SlskClientProcess | undefined;
  try {
    us.answer((search) =>
      search.query === QUERY ? { files: [{ ...SHARED, vbr: false }], slotsFree: true, avgSpeed: 4321, queueLength: 0 } : undefined,
    );
    await ours.login({ server: `127.0.0.1:${s.port}`, username: OUR_USER, password: 'pw' });
    // The server has heard whether we take part in the distributed network before anyone searches.
    await syncWithServer(ours);
    assert.equal(s.server.core.network.online.get(OUR_USER)!.distributed.participates, mode === 'branch root');
    const started = await SlskClientProcess.start({ user: SLSK_USER, pass: SLSK_PASS, port: s.port });
    slsk = started;
    started.search(QUERY, SEARCH_TIMEOUT_MS);

    await t.test('(b) our client receives the search slsk-client sends, with its name and query', async () => {
      const seen = await us.searches.wait((m) => m.username === SLSK_USER, 'the search from slsk-client at our client');
      assert.deepEqual({ ...seen, ticket: 0 }, { username: SLSK_USER, ticket: 0, query: QUERY, via: mode === 'branch root' ? 'distributed' : 'server' });
      assert.ok(Number.isInteger(seen.ticket));
      assert.deepEqual(await us.responderCalls.wait((m) => m.username === SLSK_USER, 'our responder to be asked'), seen);
      // The reply goes out over a P connection our client opens to slsk-client's listen port.
      await started.events.wait((e) => e.type === 'peer-ready' && e.user === OUR_USER && e.connectionType === 'P', 'our P connection at slsk-client');
    });

    await t.test("(a) slsk-client's search callback lists the file our client's responder offers", async () => {
      const expected: FoundFile = { user: OUR_USER, file: SHARED.filename, size: Number(SHARED.size), slots: true, bitrate: SHARED.bitrate, speed: 4321 };
      // slsk-client calls back when its search time is up, with everything it took.
      const results = await started.events.wait((e) => e.type === 'results', 'the search callback', 0, SEARCH_TIMEOUT_MS + WAIT_MS);
      assert.deepEqual(results, { type: 'results', error: null, results: [expected] }, diagnose(started.stderr));
      assert.deepEqual(started.events.items.filter((e) => e.type === 'found'), [{ type: 'found', result: expected }]);
      assert.deepEqual(started.events.items.filter((e) => e.type === 'client-error'), [], 'slsk-client saw no error');
      assert.deepEqual(us.warnings.items.map((w) => w.message), [], 'our client had no warnings');
    });
  } catch (error) {
    if (slsk !== undefined) t.diagnostic(`slsk-client log:\n${slsk.stderr}`);
    throw error;
  } finally {
    await Promise.allSettled([slsk?.stop(), ours.close()]);
    await s.close();
  }
}

suite('our Client against slsk-client', { concurrency: true }, () => {
  test("as a branch root (ServerSearchRequest), answering slsk-client's search", (t) => searchRoundTrip(t, 'branch root'));
  test("outside the distributed network (FileSearch), answering slsk-client's search", (t) => searchRoundTrip(t, 'plain'));
});
