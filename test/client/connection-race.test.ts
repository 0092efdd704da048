// Replies and requests reach a peer whichever of two racing P connections survives. We open a P
// connection to a peer (to send it something) at the moment it opens one to us to browse us; the
// peer, as Nicotine+ does, keeps the newer connection and closes the older without reading what is
// still on it. The peer here is raw sockets driven step by step, so each order of events is
// reproduced exactly, not by timing luck.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { RawClient, startServer, type TestServer } from '../server/harness.ts';
import { deadPort, loggedIn, nextEvent } from './helpers.ts';
import { RawPeer } from './helpers-raw-peer.ts';

type Order = 'reply written, older closed, newer established' | 'reply written, newer established, older closed' | 'older closed, reply written, newer established';

const ORDERS: Order[] = [
  'reply written, older closed, newer established',
  'reply written, newer established, older closed',
  'older closed, reply written, newer established',
];

describe('a browse request racing our own connection to the same peer', () => {
  let s: TestServer;
  let sharer: Client;
  let gate = Promise.withResolvers<void>();
  let asked = Promise.withResolvers<void>();

  before(async () => {
    s = await startServer();
    sharer = await loggedIn(s.port, 'race-sharer');
    sharer.setSharesProvider({
      shares: async () => {
        asked.resolve();
        await gate.promise;
        return { folders: [{ name: '@@m\\raced', files: [] }], lockedFolders: [] };
      },
      folder: () => undefined,
    });
  });
  after(async () => {
    await sharer.close();
    await s.close();
  });

  for (const [index, order] of ORDERS.entries()) {
    test(order, async () => {
      gate = Promise.withResolvers<void>();
      asked = Promise.withResolvers<void>();
      const name = `race-nplus-${index}`;
      // A peer whose port refuses: our connection to it is the indirect one, made when it pierces.
      const nplus = await RawClient.login(s.port, name, 'pw');
      const peers: RawPeer[] = [];
      try {
        nplus.send({ name: 'SetListenPort', listeningPort: await deadPort() });
        await nplus.sync();
        // 1. We start a connection to the peer (to send it something of ours).
        const ours = sharer.sendToPeer(name, { name: 'PeerUserInfoRequest' });
        ours.catch(() => {});
        const connectToPeer = await nplus.next('ConnectToPeer', (m) => m.username === 'race-sharer');
        // 2. Meanwhile the peer connects to us and asks for our shares (the older connection).
        const older = await RawPeer.open(sharer.listenPort, name);
        peers.push(older);
        older.send({ name: 'PeerSharesRequest' });
        await asked.promise;
        // 3. The peer answers our request: to it, this is the newer connection (no init sent yet).
        const newer = await RawPeer.connectOnly(sharer.listenPort);
        peers.push(newer);
        older.freeze();
        const closeOlder = async (): Promise<void> => {
          const seen = nextEvent(sharer, 'peerDisconnected', (e) => e.username === name);
          await older.close();
          await seen;
        };
        const establishNewer = async (): Promise<void> => {
          newer.pierce(connectToPeer.ticket);
          await newer.next('PeerUserInfoRequest');
        };
        const writeReply = async (): Promise<void> => {
          const from = older.unread.mark();
          gate.resolve();
          // Unless the older one is closed already, the reply lands on it, unread.
          if (!older.closed) await older.unread.wait(() => true, 'the reply on the older connection', from);
        };
        const steps = {
          'reply written, older closed, newer established': [writeReply, closeOlder, establishNewer],
          'reply written, newer established, older closed': [writeReply, establishNewer, closeOlder],
          'older closed, reply written, newer established': [closeOlder, writeReply, establishNewer],
        }[order];
        for (const step of steps) await step();
        await ours;
        const reply = await newer.next('PeerSharesReply');
        assert.deepEqual(reply.directories.map((d) => d.name), ['@@m\\raced']);
      } finally {
        gate.resolve();
        for (const peer of peers) await peer.close();
        await nplus.close();
      }
    });
  }
});
