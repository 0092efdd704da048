// Shared in-flight work in the client: a connection attempt or a request to a peer is shared by
// every caller, always settles (and fails at once, with a typed error, when the server link drops
// under it), and one caller giving up never cancels it for the others.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { ServerDisconnectedError, type Client } from '../../src/client/index.ts';
import type { PeerMessage } from '../../src/protocol/index.ts';
import { RawClient, startServer, tempDir, WAIT_MS } from '../server/harness.ts';
import { Recorder } from '../support/recorder.ts';
import { deadPort, loggedIn, nextEvent } from './helpers.ts';

/** `promise`, or a failure naming `what` if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const isServerDropped = (error: unknown): boolean => error instanceof ServerDisconnectedError && error.code === 'NOT_CONNECTED';

test('the server link drops while connecting: every caller fails at once with ServerDisconnectedError; once back, a new attempt succeeds', async () => {
  const dataDir = tempDir();
  let s = await startServer({ dataDir });
  const port = s.port;
  // Long peer deadlines: only the server drop can end the attempt within the test's wait.
  const asker = await loggedIn(port, 'drop-asker', {
    reconnect: { enabled: true, initialDelayMs: 10, maxDelayMs: 50 },
    timeouts: { peerIndirectMs: 120_000, peerReplyMs: 120_000 },
  });
  let target: Client | undefined;
  try {
    // A user whose port refuses and who never connects back: the attempt waits on the indirect way.
    const unreachable = await RawClient.login(port, 'drop-target', 'pw');
    unreachable.send({ name: 'SetListenPort', listeningPort: await deadPort() });
    await unreachable.sync();
    const browse = asker.browse('drop-target');
    const info = asker.userInfo('drop-target');
    const send = asker.sendToPeer('drop-target', { name: 'PeerUserInfoRequest' });
    for (const call of [browse, info, send]) call.catch(() => {});
    await unreachable.next('ConnectToPeer', (m) => m.username === 'drop-asker');
    const reconnected = nextEvent(asker, 'loggedIn', () => true, WAIT_MS * 2);
    reconnected.catch(() => {});
    await s.close();
    for (const [what, call] of [['browse', browse], ['userInfo', info], ['sendToPeer', send]] as const) {
      await assert.rejects(within(call as Promise<unknown>, what), isServerDropped, what);
    }
    s = await startServer({ dataDir, port });
    await reconnected;
    target = await loggedIn(port, 'drop-target');
    target.setSharesProvider({ shares: () => ({ folders: [{ name: '@@m\\back', files: [] }], lockedFolders: [] }), folder: () => undefined });
    const listing = await within(asker.browse('drop-target'), 'browse after the server came back');
    assert.deepEqual(listing.folders.map((f) => f.name), ['@@m\\back']);
  } finally {
    await target?.close();
    await asker.close();
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the server link drops while the direct attempt is still being checked and the indirect one has not begun: it fails at once', async () => {
  const dataDir = tempDir();
  const s = await startServer({ dataDir });
  // The indirect way would start only after a minute: the direct attempt alone is under way.
  const asker = await loggedIn(s.port, 'drop-f-asker', { timeouts: { peerIndirectDelayMs: 60_000, peerIndirectMs: 120_000 } });
  // Takes connections and reads them, but never answers the file handshake.
  const accepted: Promise<void>[] = [];
  const accepting = createServer((socket) => {
    accepted.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.on('error', () => {}).resume();
  });
  await new Promise<void>((resolve) => accepting.listen(0, '127.0.0.1', resolve));
  try {
    const target = await RawClient.login(s.port, 'drop-f-target', 'pw');
    target.send({ name: 'SetListenPort', listeningPort: (accepting.address() as { port: number }).port });
    await target.sync();
    // The file handshake never completes: the peer took the socket but does not answer.
    const handshaking = Promise.withResolvers<void>();
    const attempt = asker.openFileConnection('drop-f-target', {
      handshake: () => {
        handshaking.resolve();
        return new Promise<never>(() => {});
      },
    });
    attempt.catch(() => {});
    await handshaking.promise;
    await s.close();
    await assert.rejects(within(attempt, 'the file connection attempt'), isServerDropped);
    // The socket still being checked was closed with the attempt.
    assert.equal(accepted.length, 1);
    await within(accepted[0]!, 'the checked socket to close');
  } finally {
    await asker.close();
    await new Promise<void>((resolve) => accepting.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('two browses of one user share one request; one caller aborting leaves the other its listing', async () => {
  const s = await startServer();
  const browser = await loggedIn(s.port, 'share-browser');
  const sharer = await loggedIn(s.port, 'share-sharer');
  try {
    const requests = new Recorder<PeerMessage>();
    sharer.on('peerMessage', ({ message }) => {
      if (message.name === 'PeerSharesRequest' || message.name === 'PeerUserInfoRequest') requests.push(message);
    });
    const gate = Promise.withResolvers<void>();
    sharer.setSharesProvider({
      shares: async () => {
        await gate.promise;
        return { folders: [{ name: '@@m\\shared', files: [] }], lockedFolders: [] };
      },
      folder: () => undefined,
    });
    const leaving = new AbortController();
    const first = browser.browse('share-sharer', { signal: leaving.signal });
    const second = browser.browse('share-sharer');
    await requests.wait((m) => m.name === 'PeerSharesRequest', 'the shares request');
    leaving.abort(new Error('the first caller gave up'));
    await assert.rejects(first, /gave up|aborted/);
    gate.resolve();
    const listing = await within(second, 'the second browse');
    assert.deepEqual(listing.folders.map((f) => f.name), ['@@m\\shared']);
    // A user info request afterwards proves every earlier frame reached the sharer.
    await browser.userInfo('share-sharer');
    assert.deepEqual(requests.items.map((m) => m.name), ['PeerSharesRequest', 'PeerUserInfoRequest']);
  } finally {
    await browser.close();
    await sharer.close();
    await s.close();
  }
});
