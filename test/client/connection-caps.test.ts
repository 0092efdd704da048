// The per-address and total caps on peer sockets, over real loopback sockets: a socket counts as
// owing its init, then as established, and frees its place when it closes.

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { ConnectionCaps } from '../../src/client/connection-caps.ts';
import { dial } from './helpers-raw-peer.ts';

/** A listener handing out the server side of each accepted socket. */
async function listener(): Promise<{ server: Server; port: number; accepted: () => Promise<Socket> }> {
  const queue: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const server = createServer((socket) => {
    const next = waiting.shift();
    if (next) next(socket);
    else queue.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as { port: number }).port,
    accepted: () => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve))),
  };
}

test('pending and established sockets are capped per address; a closed socket frees its place', async () => {
  const { server, port, accepted } = await listener();
  const caps = new ConnectionCaps({ maxPeerConnections: 10, maxPendingInitPerIp: 2, maxPeerConnectionsPerIp: 1 });
  const clients: Socket[] = [];
  const open = async (localAddress: string): Promise<Socket> => {
    clients.push(await dial(port, localAddress));
    return accepted();
  };
  try {
    const [a, b, c] = [await open('127.0.0.3'), await open('127.0.0.3'), await open('127.0.0.3')];
    assert.equal(caps.admitIncoming(a), true);
    assert.equal(caps.admitIncoming(b), true);
    assert.equal(caps.admitIncoming(c), false, 'a third socket owing its init from the same address');
    const other = await open('127.0.0.4');
    assert.equal(caps.admitIncoming(other), true, 'another address has places of its own');
    assert.deepEqual(caps.snapshot(), { total: 3, byAddress: { '127.0.0.3': 2, '127.0.0.4': 1 } });

    assert.equal(caps.established(a), true);
    assert.equal(caps.established(b), false, 'one established socket per address here');
    assert.equal(caps.admitIncoming(c), true, 'a sent its init: its pending place is free again');
    const closed = new Promise((resolve) => a.once('close', resolve));
    a.destroy();
    await closed;
    assert.equal(caps.established(b), true, 'a closed: its established place is free again');
    assert.deepEqual(caps.snapshot(), { total: 3, byAddress: { '127.0.0.3': 2, '127.0.0.4': 1 } });
  } finally {
    caps.destroyAll();
    for (const socket of clients) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('the total cap holds for incoming and outgoing sockets alike', async () => {
  const { server, port, accepted } = await listener();
  const caps = new ConnectionCaps({ maxPeerConnections: 2, maxPendingInitPerIp: 5, maxPeerConnectionsPerIp: 5 });
  const clients: Socket[] = [];
  try {
    const outgoing = await dial(port);
    clients.push(outgoing);
    await accepted();
    assert.equal(caps.admitOutgoing(outgoing), true);
    assert.equal(caps.admitOutgoing(outgoing), true, 'admitting the same socket twice counts it once');
    clients.push(await dial(port, '127.0.0.5'), await dial(port, '127.0.0.5'));
    const [x, y] = [await accepted(), await accepted()];
    assert.equal(caps.admitIncoming(x), true);
    assert.equal(caps.admitIncoming(y), false, 'the total is reached');
    assert.equal(caps.size, 2);
  } finally {
    caps.destroyAll();
    for (const socket of clients) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
