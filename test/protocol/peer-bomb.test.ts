// Compressed messages over real TCP P connections: a bomb is refused at the message's own inflate
// cap without the process's buffers growing past a bound, an unwanted reply is dropped without
// inflating a byte, other connections keep talking, and frames keep their order.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { PeerConnection, type SkippedFrame } from '../../src/client/peer-connection.ts';
import {
  INFLATE_STEP_BYTES,
  encode,
  inflateMeter,
  messageLimits,
  type PeerMessage,
} from '../../src/protocol/index.ts';
import { bombFrame } from './bombs.ts';

const MiB = 1024 * 1024;
const SEARCH_REPLY = 9;
const SEARCH_REPLY_CAP = messageLimits('peer', 'both', SEARCH_REPLY)!.maxInflatedBytes;
const quiet = {};

interface Pair {
  /** Our side: a PeerConnection over the accepted socket. */
  ours: PeerConnection;
  /** The remote peer: a raw socket that writes whatever bytes the test gives it. */
  theirs: Socket;
}

async function listen(t: TestContext): Promise<Server> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return server;
}

async function pair(t: TestContext, server: Server, username: string): Promise<Pair> {
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const theirs = connect((server.address() as { port: number }).port, '127.0.0.1');
  const ours = PeerConnection.over(username, (await accepted)[0], quiet);
  t.after(() => {
    ours.close();
    theirs.destroy();
  });
  return { ours, theirs };
}

const nextSkipped = (connection: PeerConnection): Promise<SkippedFrame> =>
  (once(connection, 'skipped') as Promise<[SkippedFrame]>).then(([skipped]) => skipped);
const nextMessage = (connection: PeerConnection): Promise<PeerMessage> =>
  (once(connection, 'message') as Promise<[PeerMessage]>).then(([message]) => message);

describe('compressed peer messages over TCP', () => {
  test('a search-reply bomb is refused at the message cap; another peer keeps talking', async (t) => {
    const server = await listen(t);
    const bomber = await pair(t, server, 'bomber');
    const friend = await pair(t, server, 'friend');
    const bomb = await bombFrame(SEARCH_REPLY, 300 * MiB);
    assert.ok(bomb.length < 400 * 1024, `the bomb is ${bomb.length} bytes on the wire`);

    const messages: PeerMessage[] = [];
    bomber.ours.on('message', (m) => messages.push(m));
    const before = { buffers: process.memoryUsage().arrayBuffers, inflated: inflateMeter.bytes };
    const skipped = nextSkipped(bomber.ours);
    const fromFriend = nextMessage(friend.ours);
    bomber.theirs.write(bomb);
    friend.theirs.write(encode('peer', 'both', { name: 'PeerTransferQueue', filename: 'Music\\a.mp3' }));

    assert.deepEqual(await fromFriend, { name: 'PeerTransferQueue', filename: 'Music\\a.mp3' });
    const refusal = await skipped;
    const grown = process.memoryUsage().arrayBuffers - before.buffers;
    const inflated = inflateMeter.bytes - before.inflated;
    assert.equal(refusal.reason, 'unreadable');
    assert.equal(refusal.reason === 'unreadable' && refusal.error.code, 'INFLATE_LIMIT');
    assert.deepEqual(messages, [], 'the bomb never becomes a message');
    assert.ok(inflated <= SEARCH_REPLY_CAP + INFLATE_STEP_BYTES, `inflated ${inflated} bytes for a ${SEARCH_REPLY_CAP}-byte cap`);
    assert.ok(inflateMeter.largestStepBytes <= INFLATE_STEP_BYTES, `a step inflated ${inflateMeter.largestStepBytes} bytes`);
    assert.ok(grown < 64 * MiB, `buffers grew by ${(grown / MiB).toFixed(1)} MiB while refusing the bomb`);

    // The bomber's connection still works for a plain message.
    const after = nextMessage(bomber.ours);
    bomber.theirs.write(encode('peer', 'both', { name: 'PeerUploadFailed', filename: 'x' }));
    assert.deepEqual(await after, { name: 'PeerUploadFailed', filename: 'x' });
  });

  test('a reply nobody waits for is dropped without inflating a byte', async (t) => {
    const server = await listen(t);
    const peer = await pair(t, server, 'stranger');
    // Nobody searches, browses or lists a folder: no compressed reply is wanted.
    peer.ours.wants = (code) => code !== 5 && code !== 9 && code !== 37;
    const before = { bytes: inflateMeter.bytes, syncCalls: inflateMeter.syncCalls, steps: inflateMeter.steps };
    const dropped: SkippedFrame[] = [];
    peer.ours.on('skipped', (s) => dropped.push(s));
    const plain = nextMessage(peer.ours);
    for (const code of [5, 9, 37]) peer.theirs.write(await bombFrame(code, 64 * MiB));
    peer.theirs.write(encode('peer', 'both', { name: 'PeerPlaceInQueueRequest', filename: 'f' }));

    assert.deepEqual(await plain, { name: 'PeerPlaceInQueueRequest', filename: 'f' });
    assert.deepEqual(dropped, [
      { code: 5, reason: 'unwanted' },
      { code: 9, reason: 'unwanted' },
      { code: 37, reason: 'unwanted' },
    ]);
    assert.equal(inflateMeter.bytes - before.bytes, 0, 'bytes inflated');
    assert.equal(inflateMeter.steps - before.steps, 0, 'inflate steps');
    assert.equal(inflateMeter.syncCalls - before.syncCalls, 0, 'synchronous inflates');
  });

  test('frames after a compressed one keep their order', async (t) => {
    const server = await listen(t);
    const peer = await pair(t, server, 'sharer');
    const received: string[] = [];
    const shares: PeerMessage = {
      name: 'PeerSharesReply',
      directories: [{ name: 'Music', files: [{ unknown: 1, filename: 'a.mp3', filesize: 10n, extension: 'mp3', attributes: [] }] }],
      unknown: 0,
    };
    const done = new Promise<void>((resolve) =>
      peer.ours.on('message', (m) => {
        received.push(m.name);
        if (received.length === 3) resolve();
      }),
    );
    peer.theirs.write(
      Buffer.concat([
        encode('peer', 'both', { name: 'PeerUploadFailed', filename: 'before' }),
        encode('peer', 'both', shares),
        encode('peer', 'both', { name: 'PeerUploadFailed', filename: 'after' }),
      ]),
    );
    await done;
    assert.deepEqual(received, ['PeerUploadFailed', 'PeerSharesReply', 'PeerUploadFailed']);
  });
});
