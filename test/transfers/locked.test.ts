// A file shared with buddies only (a locked file), asked for by someone who is not a buddy: the
// refusal goes out once per request, as PeerTransferQueueFailed for a queue request and as one
// PeerTransferReply for a legacy request. Real shares library with a buddies-only folder, real
// Clients through our server; the frames are counted as the requester receives them. A second,
// later request is the marker: peer messages arrive in order, so once its answer is in, a
// duplicate of the first would have arrived before it.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TransferRefusal, type PeerMessage } from '../../src/protocol/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { Recorder } from '../support/recorder.ts';
import { newManager, record } from './helpers.ts';

test('a non-buddy asking for a locked file is refused exactly once per request, queue and legacy', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const root = tempDir('slsk-locked-');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'public'));
  mkdirSync(join(root, 'rare'));
  writeFileSync(join(root, 'public', 'open.txt'), 'for everyone\n');
  writeFileSync(join(root, 'rare', 'demo.flac'), 'for buddies\n');
  const library = await SharesLibrary.open({
    database: join(root, 'shares.db'),
    folders: [
      { path: join(root, 'public'), name: 'Public' },
      { path: join(root, 'rare'), name: 'Rare', visibility: 'buddies' },
    ],
  });
  t.after(() => library.close());
  await library.scan();
  const buddies = new Set(['lk-pal']);

  const sharerClient = await loggedIn(server.port, 'lk-sharer');
  t.after(() => sharerClient.close());
  const sharer = newManager(sharerClient, join(root, 'sharer'), {
    uploadSlots: 0,
    resolveUpload: (path, user) => library.resolve(path, { buddy: buddies.has(user) }),
  });
  t.after(() => sharer.close());
  const uploads = record(sharer);
  await sharer.start();

  const stranger = await loggedIn(server.port, 'lk-stranger');
  t.after(() => stranger.close());
  const received = new Recorder<PeerMessage>(20_000);
  stranger.on('peerMessage', ({ message }) => received.push(message));

  const locked = 'Rare\\demo.flac';
  await stranger.sendToPeer('lk-sharer', { name: 'PeerTransferQueue', filename: locked });
  await stranger.sendToPeer('lk-sharer', { name: 'PeerTransferRequest', direction: 0, ticket: 4242, filename: locked });
  await stranger.sendToPeer('lk-sharer', { name: 'PeerTransferQueue', filename: 'Public\\missing.txt' });
  await received.wait((m) => m.name === 'PeerTransferQueueFailed' && m.filename === 'Public\\missing.txt', 'the marker refused');

  const queueRefusals = received.items.filter((m) => m.name === 'PeerTransferQueueFailed' && m.filename === locked);
  assert.deepEqual(queueRefusals, [{ name: 'PeerTransferQueueFailed', filename: locked, reason: TransferRefusal.fileNotShared }]);
  const legacyReplies = received.items.filter((m) => m.name === 'PeerTransferReply' && m.ticket === 4242);
  assert.deepEqual(legacyReplies, [{ name: 'PeerTransferReply', ticket: 4242, allowed: false, reason: TransferRefusal.fileNotShared }]);
  assert.equal(uploads.items.length, 0, 'nothing was queued');

  // A buddy asking for the same file gets it queued, silently.
  const pal = await loggedIn(server.port, 'lk-pal');
  t.after(() => pal.close());
  await pal.sendToPeer('lk-sharer', { name: 'PeerTransferQueue', filename: locked });
  await uploads.wait((e) => e.event === 'transferAdded' && e.transfer.username === 'lk-pal', 'the buddy queued');
});
