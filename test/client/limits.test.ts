// The client's housekeeping: the wishlist re-run at the server's interval, CannotConnect when a
// connect-back fails, idle peer connections closed, the connection cap, and F connections handed
// to their handler.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { encode } from '../../src/protocol/index.ts';
import type { EstablishedSocket } from '../../src/client/index.ts';
import { RawClient, startServer } from '../server/harness.ts';
import { loggedIn, nextEvent } from './helpers.ts';

describe('client housekeeping', () => {
  test('wishes re-run at the interval the server announces, replies arrive as wishlistResponse', async () => {
    const s = await startServer({ wishlistIntervalSeconds: 1 });
    const wisher = await loggedIn(s.port, 'wisher');
    const sharer = await loggedIn(s.port, 'wish-sharer');
    try {
      sharer.setSearchResponder((search) =>
        search.query === 'rare vinyl' ? { files: [{ filename: '@@m\\rare vinyl.flac', size: 1n }], slotsFree: true, avgSpeed: 1, queueLength: 0 } : undefined,
      );
      wisher.addWish('rare vinyl');
      assert.deepEqual(wisher.wishlist, ['rare vinyl']);
      const event = await nextEvent(wisher, 'wishlistResponse', () => true, 8000);
      assert.equal(event.query, 'rare vinyl');
      assert.equal(event.response.username, 'wish-sharer');
      wisher.removeWish('rare vinyl');
    } finally {
      await wisher.close();
      await sharer.close();
      await s.close();
    }
  });

  test('when it cannot connect back, the client tells the server, which tells the requester', async () => {
    const s = await startServer();
    const client = await loggedIn(s.port, 'cb-client');
    const requester = await RawClient.login(s.port, 'cb-requester');
    try {
      // Nothing listens on port 1: the client's connect-back fails.
      requester.send({ name: 'SetListenPort', listeningPort: 1 });
      requester.send({ name: 'ConnectToPeer', ticket: 4711, username: 'cb-client', connectionType: 'P' });
      assert.deepEqual(await requester.next('CannotConnect', () => true, 10_000), { name: 'CannotConnect', ticket: 4711 });
    } finally {
      await requester.close();
      await client.close();
      await s.close();
    }
  });

  test('idle peer connections are closed; past the cap, new ones are refused', async () => {
    const s = await startServer();
    const a = await loggedIn(s.port, 'idle-a', { timeouts: { peerIdleMs: 300 }, limits: { maxPeerConnections: 1 } });
    const b = await loggedIn(s.port, 'idle-b');
    try {
      const closedIdle = nextEvent(a, 'peerDisconnected', (e) => e.reason === 'idle');
      await b.userInfo('idle-a');
      assert.equal(a.peerConnections().length, 1);
      // Past the cap of one: a second incoming connection is closed at once.
      const extra = connect({ host: '127.0.0.1', port: a.listenPort });
      await new Promise<void>((resolve) => extra.once('close', () => resolve()));
      // Idle: closed within a few idle periods.
      assert.equal((await closedIdle).username, 'idle-b');
      assert.equal(a.peerConnections().length, 0);
    } finally {
      await a.close();
      await b.close();
      await s.close();
    }
  });

  test('an F connection is handed to the file-connection handler with the bytes after its init', async () => {
    const s = await startServer();
    const client = await loggedIn(s.port, 'f-client');
    try {
      const handed = new Promise<EstablishedSocket>((resolve) => client.setFileConnectionHandler(resolve));
      const socket = connect({ host: '127.0.0.1', port: client.listenPort });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(Buffer.concat([encode('peer-init', 'both', { name: 'PeerInit', username: 'uploader', connectionType: 'F', ticket: 0 }), Buffer.from([7, 0, 0, 0])]));
      const established = await handed;
      assert.equal(established.username, 'uploader');
      assert.equal(established.type, 'F');
      // The ticket sent in the same chunk is not lost.
      const rest = established.rest.length > 0 ? established.rest : await new Promise<Buffer>((resolve) => { established.socket.once('data', resolve); established.socket.resume(); });
      assert.deepEqual([...rest], [7, 0, 0, 0]);
      established.socket.destroy();
      socket.destroy();
    } finally {
      await client.close();
      await s.close();
    }
  });
});
