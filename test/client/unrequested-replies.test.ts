// A client reads a compressed reply only while it waits for one from that peer: a shares reply
// while browsing them, a folder listing while it asked them for one, a search reply while one of
// its searches is open. Anything else is dropped before a byte of it is inflated.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PeerMessage } from '../../src/protocol/index.ts';
import { inflateMeter } from '../../src/protocol/index.ts';
import { startServer } from '../server/harness.ts';
import { loggedIn, nextEvent } from './helpers.ts';

const file = { unknown: 1, filename: 'a.mp3', filesize: 1000n, extension: 'mp3', attributes: [] };
const unrequested: PeerMessage[] = [
  { name: 'PeerSharesReply', directories: [{ name: 'Music', files: [file] }], unknown: 0 },
  { name: 'PeerDirectoryContentsReply', ticket: 77, directory: 'Music', directories: [{ name: 'Music', files: [file] }] },
  { name: 'PeerSearchReply', username: 'pusher', ticket: 5, results: [file], hasSlotsFree: true, avgSpeed: 0, queueSize: 0, unknown: 0 },
];

test('compressed replies nobody asked for are dropped unread; asked-for ones still arrive', async (t) => {
  const s = await startServer();
  const victim = await loggedIn(s.port, 'victim');
  const pusher = await loggedIn(s.port, 'pusher');
  t.after(async () => {
    await victim.close();
    await pusher.close();
    await s.close();
  });
  const seen: string[] = [];
  victim.on('peerMessage', ({ message }) => seen.push(message.name));

  const before = { bytes: inflateMeter.bytes, steps: inflateMeter.steps, syncCalls: inflateMeter.syncCalls };
  for (const message of unrequested) await pusher.sendToPeer('victim', message);
  // A plain message sent after them on the same connection marks that they have all arrived.
  await pusher.sendToPeer('victim', { name: 'PeerUploadFailed', filename: 'marker' });
  await nextEvent(victim, 'peerMessage', (e) => e.message.name === 'PeerUploadFailed');
  assert.deepEqual(seen, ['PeerUploadFailed']);
  assert.deepEqual({ bytes: inflateMeter.bytes, steps: inflateMeter.steps, syncCalls: inflateMeter.syncCalls }, before);

  // Browsing the same peer: its shares reply is wanted now, inflated and delivered.
  pusher.setSharesProvider({
    shares: () => ({ folders: [{ name: 'Music', files: [{ filename: 'a.mp3', size: 1000n, extension: 'mp3', locked: false, attributes: [] }] }], lockedFolders: [] }),
    folder: () => undefined,
  });
  const listing = await victim.browse('pusher');
  assert.deepEqual(listing.folders.map((f) => f.name), ['Music']);
  assert.ok(inflateMeter.bytes > before.bytes, 'the requested reply was inflated');
});
