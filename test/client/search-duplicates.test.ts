// A search reports each (user, file) once: when the distributed tree changes, the same search can
// reach a peer from the server and from its new parent, and the peer answers twice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileData } from '../../src/protocol/index.ts';
import { startServer } from '../server/harness.ts';
import { loggedIn } from './helpers.ts';
import { RawPeer } from './helpers-raw-peer.ts';

const file = (filename: string): FileData => ({ unknown: 1, filename, filesize: 1000n, extension: 'mp3', attributes: [] });

test('the same file from the same user is reported once; the same file from another user is not a duplicate', async () => {
  const s = await startServer();
  const searcher = await loggedIn(s.port, 'dup-searcher');
  const peers: RawPeer[] = [];
  try {
    const search = searcher.search('twice', { timeoutMs: 60_000 });
    const reply = (files: FileData[]) => ({
      name: 'PeerSearchReply' as const,
      username: 'dup-answerer',
      ticket: search.ticket,
      results: files,
      hasSlotsFree: true,
      avgSpeed: 1,
      queueSize: 0,
      unknown: 0,
    });
    const answerer = await RawPeer.open(searcher.listenPort, 'dup-answerer');
    const other = await RawPeer.open(searcher.listenPort, 'dup-other');
    peers.push(answerer, other);
    answerer.send(reply([file('@@m\\a.mp3')]));
    // The same answer again (the search came twice), then one with an old and a new file.
    answerer.send(reply([file('@@m\\a.mp3')]));
    answerer.send(reply([file('@@m\\a.mp3'), file('@@m\\b.mp3')]));
    // A marker: once it is reported, everything sent before it on this connection was handled.
    answerer.send(reply([file('@@m\\marker.mp3')]));
    await new Promise<void>((resolve) => search.on('response', (r) => r.files.some((f) => f.filename.endsWith('marker.mp3')) && resolve()));
    other.send({ ...reply([file('@@m\\a.mp3')]), username: 'dup-other' });
    await new Promise<void>((resolve) => search.on('response', (r) => r.username === 'dup-other' && resolve()));
    search.stop();
    const reported = search.responses.flatMap((r) => r.files.map((f) => `${r.username} ${f.filename}`));
    assert.deepEqual(reported, ['dup-answerer @@m\\a.mp3', 'dup-answerer @@m\\b.mp3', 'dup-answerer @@m\\marker.mp3', 'dup-other @@m\\a.mp3']);
    assert.equal(search.fileCount, 4);
  } finally {
    for (const peer of peers) await peer.close();
    await searcher.close();
    await s.close();
  }
});
