// A client that stops reading never grows the daemon's memory: its socket fills, the hub queues at
// most pendingMaxEvents / pendingMaxBytes for it (coalescing progress by key), then drops the queue
// and owes it one `resync`; a fast client on the same hub misses nothing. The slow client is a raw
// socket that sends an HTTP/1.0 request and then stops reading, so the kernel's buffers fill for real.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { ManualClock, SseClient, SseParser, eventually, startEventServer, type EventServer } from './events-support.ts';

const servers: EventServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

/** Sends the request and reads nothing until resume(). */
class StalledReader {
  readonly parser = new SseParser();
  readonly socket: Socket;
  #head = '';
  #inBody = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#data(chunk));
    socket.pause();
  }

  static async open(port: number): Promise<StalledReader> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const reader = new StalledReader(socket);
    socket.write('GET /events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
    return reader;
  }

  resume(): void {
    this.socket.resume();
  }

  #data(chunk: string): void {
    if (this.#inBody) return this.parser.push(chunk);
    this.#head += chunk;
    const end = this.#head.indexOf('\r\n\r\n');
    if (end === -1) return;
    assert.match(this.#head, /^HTTP\/1\.1 200 OK\r\n/);
    this.#inBody = true;
    this.parser.push(this.#head.slice(end + 4));
  }
}

/** Every event's id follows the one before it (a resync included): nothing lost or reordered except where a resync says so. */
function assertConsecutive(messages: { id: string; event: string }[], firstId: number): void {
  let previous = firstId - 1;
  for (const [i, m] of messages.entries()) {
    const id = Number(m.id);
    if (m.event === 'resync') assert.ok(id >= previous, `resync at ${i} goes back from ${previous} to ${id}`);
    else assert.equal(id, previous + 1, `event ${i} (${m.event}) after id ${previous}`);
    previous = id;
  }
}

describe('a client that reads too slowly', () => {
  it('50,000 events: the slow client’s queue stays within its bounds, the fast one gets all, the slow one gets resync then live events', async () => {
    const pendingMaxBytes = 256 * 1024;
    const server = await startEventServer({ clock: new ManualClock(), pendingMaxBytes, pendingMaxEvents: 2_000 });
    servers.push(server);
    const slow = await StalledReader.open(server.port);
    const fast = await SseClient.connect(server.url);
    await eventually('both subscribed', () => server.streams.length === 2);
    const [slowStream, fastStream] = server.streams[0]!.res.socket?.remotePort === slow.socket.localPort ? server.streams : [...server.streams].reverse();

    let fastNext = 1;
    fast.parser.onMessage = (m) => {
      assert.equal(m.id, String(fastNext), 'the fast client gets every event, in order');
      fastNext++;
      return false;
    };
    // ~400 bytes each: 20 MB in all, far more than the kernel buffers of a loopback connection hold.
    const filler = 'x'.repeat(300);
    const total = 50_000;
    const batch = 100;
    let maxPendingBytes = 0;
    let maxPendingEvents = 0;
    let maxResponseBuffer = 0;
    for (let published = 0; published < total; ) {
      for (let i = 0; i < batch; i++, published++) {
        server.hub.publish('log', { level: 'info', time: '2026-12-07T21:00:00.000Z', message: `${published} ${filler}` });
        const stats = slowStream!.subscription.stats();
        maxPendingBytes = Math.max(maxPendingBytes, stats.pendingBytes);
        maxPendingEvents = Math.max(maxPendingEvents, stats.pendingEvents);
        maxResponseBuffer = Math.max(maxResponseBuffer, slowStream!.res.writableLength);
      }
      // The publisher keeps pace with the fast client, as network input would: it is never the one that overflows.
      await eventually('the fast client to drain', () => fastStream!.subscription.stats().pendingEvents === 0);
    }
    await fast.until('every event', () => fast.parser.count === total, 30_000);
    assert.equal(fastStream!.subscription.stats().overflows, 0);

    const slowStats = slowStream!.subscription.stats();
    assert.ok(slowStats.overflows >= 1, `the slow client overflowed (${JSON.stringify(slowStats)})`);
    assert.ok(maxPendingBytes <= pendingMaxBytes, `pending bytes peaked at ${maxPendingBytes}`);
    assert.ok(maxPendingEvents <= 2_000, `pending events peaked at ${maxPendingEvents}`);
    // Past the queue, what the response itself buffers is one socket buffer and the write that filled it.
    assert.ok(maxResponseBuffer <= slowStream!.res.writableHighWaterMark + 1024, `the response buffered ${maxResponseBuffer} bytes`);

    slow.resume();
    await eventually('the resync after the slow client drains', () => slow.parser.messages.some((m) => m.event === 'resync'), 30_000);
    const resync = slow.parser.messages.findLast((m) => m.event === 'resync')!;
    assert.deepEqual(JSON.parse(resync.data), { reason: 'overflow' });
    assert.ok(slow.parser.messages.length < total, 'the slow client skipped what it could not take');
    for (let i = 0; i < 3; i++) server.hub.publish('log', { level: 'info', time: '2026-12-07T21:00:00.000Z', message: `live ${i}` });
    await eventually('the live events', () => slow.parser.messages.at(-1)?.id === String(total + 3));
    assertConsecutive(slow.parser.messages, 1);
    assert.deepEqual(
      slow.parser.messages.slice(-3).map((m) => (JSON.parse(m.data) as { message: string }).message),
      ['live 0', 'live 1', 'live 2'],
    );
    assert.equal(slowStream!.subscription.stats().state, 'streaming');
    slow.socket.destroy();
    fast.close();
    await eventually('both gone', () => server.hub.stats().subscribers === 0);
  });

  it('while its socket is full, newer progress of a transfer replaces the queued one: one queued event per transfer', async () => {
    const clock = new ManualClock();
    const server = await startEventServer({ clock, coalescePerSecond: 4 });
    servers.push(server);
    const slow = await StalledReader.open(server.port);
    await eventually('subscribed', () => server.streams.length === 1);
    const stream = server.streams[0]!;

    let fillers = 0;
    const big = 'y'.repeat(4000);
    await eventually('the socket to fill', () => {
      server.hub.publish('log', { level: 'info', time: '2026-12-07T21:00:00.000Z', message: big });
      fillers++;
      return stream.subscription.stats().state === 'blocked';
    }, 30_000);
    const queuedFillers = stream.subscription.stats().pendingEvents;

    const transfers = ['a', 'b', 'c'];
    for (let step = 1; step <= 1000; step++) {
      clock.advance(250); // past the hub's own pace, so every update reaches the subscriber
      for (const id of transfers) {
        server.hub.publish('transferProgress', { id, bytesTransferred: step, size: 1000, speed: 1, state: 'transferring' }, { coalesceKey: `transferProgress:${id}` });
      }
      const stats = stream.subscription.stats();
      assert.equal(stats.pendingEvents, queuedFillers + transfers.length, `step ${step}`);
      assert.equal(stats.state, 'blocked');
    }

    slow.resume();
    await eventually('every filler and the progress', () => slow.parser.count === fillers + transfers.length, 30_000);
    const progress = slow.parser.messages.filter((m) => m.event === 'transferProgress').map((m) => JSON.parse(m.data) as { id: string; bytesTransferred: number });
    assert.deepEqual(progress.map((p) => [p.id, p.bytesTransferred]), [['a', 1000], ['b', 1000], ['c', 1000]]);
    const ids = slow.parser.messages.map((m) => Number(m.id));
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'ids still increase');
    assert.equal(stream.subscription.stats().overflows, 0);
    slow.socket.destroy();
    await eventually('gone', () => server.hub.stats().subscribers === 0);
  });
});
