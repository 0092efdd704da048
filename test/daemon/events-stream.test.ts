// The event stream over real HTTP: SSE framing and headers, ids in order, resume with
// Last-Event-ID, resync when the id is gone or unknown, filters, heartbeats and coalescing with a
// clock moved by hand, and nothing left behind when a client goes away.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EventHub, sseEvent } from '../../src/daemon/events/index.ts';
import { ManualClock, SseClient, SseParser, eventually, log, startEventServer, type EventServer } from './events-support.ts';

const servers: EventServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});
async function serve(...args: Parameters<typeof startEventServer>): Promise<EventServer> {
  const server = await startEventServer(...args);
  servers.push(server);
  return server;
}
const connected = (server: EventServer, count: number) => eventually(`${count} subscribers`, () => server.hub.stats().subscribers === count);

describe('the event stream over HTTP', () => {
  it('answers with the SSE headers and retry, then each event with its id, name and JSON data, ids increasing', async () => {
    const server = await serve({ clock: new ManualClock(), retryMs: 2500 });
    const client = await SseClient.connect(server.url);
    assert.equal(client.response.statusCode, 200);
    assert.equal(client.response.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(client.response.headers['cache-control'], 'no-cache');
    assert.equal(client.response.headers['x-accel-buffering'], 'no');
    await connected(server, 1);

    server.hub.publish('serverConnection', { state: 'loggedIn', username: 'alice' });
    server.hub.publish('roomMessage', { room: 'jazz', username: 'bob', text: 'hi', time: '2026-12-07T21:00:00.000Z' });
    server.hub.publish('userStatus', { username: 'bob', status: 'away' });
    const messages = await client.untilCount(3);
    assert.equal(client.parser.retry, 2500);
    assert.deepEqual(messages, [
      { id: '1', event: 'serverConnection', data: '{"state":"loggedIn","username":"alice"}' },
      { id: '2', event: 'roomMessage', data: '{"room":"jazz","username":"bob","text":"hi","time":"2026-12-07T21:00:00.000Z"}' },
      { id: '3', event: 'userStatus', data: '{"username":"bob","status":"away"}' },
    ]);
    client.close();
  });

  it('text with line breaks and separators arrives exactly as published', async () => {
    const server = await serve({ clock: new ManualClock() });
    const client = await SseClient.connect(server.url);
    await connected(server, 1);
    const text = 'line one\nline two\r\nline three\rdata: not a field\n\nid: 99\u2028end';
    server.hub.publish('privateMessage', { id: 7, username: 'bob', direction: 'in', text, time: '2026-12-07T21:00:00.000Z' });
    server.hub.publish('log', log('after'));
    const [message, next] = await client.untilCount(2);
    assert.equal(message!.id, '1');
    assert.equal((JSON.parse(message!.data) as { text: string }).text, text);
    assert.equal(next!.id, '2');
    client.close();
  });

  it('sseEvent splits raw multi-line data into data: lines that a reader joins back', () => {
    const frame = sseEvent(5, 'log', 'a\nb\r\nc\rd\n');
    assert.equal(frame, 'id: 5\nevent: log\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n');
    const parser = new SseParser();
    parser.push(frame);
    // CR and CRLF come back as LF: the reason event data is JSON, which never holds a raw line break.
    assert.deepEqual(parser.messages, [{ id: '5', event: 'log', data: 'a\nb\nc\nd\n' }]);
    assert.throws(() => sseEvent(1, 'bad\nname', ''), RangeError);
  });

  it('resumes with Last-Event-ID: exactly the missed events, then live ones', async () => {
    const server = await serve({ clock: new ManualClock() });
    const first = await SseClient.connect(server.url);
    await connected(server, 1);
    for (let i = 1; i <= 5; i++) server.hub.publish('log', log(`m${i}`));
    const seen = await first.untilCount(5);
    const lastId = seen[4]!.id;
    first.close();
    await connected(server, 0);

    for (let i = 6; i <= 8; i++) server.hub.publish('log', log(`m${i}`));
    const again = await SseClient.connect(server.url, { 'last-event-id': lastId });
    await again.untilCount(3);
    server.hub.publish('log', log('m9'));
    const messages = await again.untilCount(4);
    assert.deepEqual(
      messages.map((m) => [m.id, (JSON.parse(m.data) as { message: string }).message]),
      [['6', 'm6'], ['7', 'm7'], ['8', 'm8'], ['9', 'm9']],
    );
    again.close();
  });

  it('resumes from ?lastEventId= too, and the header wins over it', async () => {
    const server = await serve({ clock: new ManualClock() });
    for (let i = 1; i <= 6; i++) server.hub.publish('log', log(`m${i}`));
    const byQuery = await SseClient.connect(`${server.url}?lastEventId=4`);
    assert.deepEqual((await byQuery.untilCount(2)).map((m) => m.id), ['5', '6']);
    const both = await SseClient.connect(`${server.url}?lastEventId=1`, { 'last-event-id': '5' });
    assert.deepEqual((await both.untilCount(1)).map((m) => m.id), ['6']);
    const upToDate = await SseClient.connect(server.url, { 'last-event-id': '6' });
    await connected(server, 3);
    server.hub.publish('log', log('m7'));
    for (const client of [byQuery, both, upToDate]) await client.until('m7', () => client.messages.some((m) => m.id === '7'));
    assert.deepEqual(upToDate.messages.map((m) => m.id), ['7']);
    for (const client of [byQuery, both, upToDate]) client.close();
  });

  it('an id older than the replay buffer gets resync (tooOld) first, then live events', async () => {
    const server = await serve({ clock: new ManualClock(), replayMaxEvents: 5 });
    for (let i = 1; i <= 20; i++) server.hub.publish('log', log(`m${i}`));
    assert.equal(server.hub.stats().replayEvents, 5);
    // 15 is the newest id not kept; 14 is the oldest that still resumes.
    const tooOld = await SseClient.connect(server.url, { 'last-event-id': '14' });
    const stillThere = await SseClient.connect(server.url, { 'last-event-id': '15' });
    await connected(server, 2);
    server.hub.publish('log', log('m21'));
    await tooOld.untilCount(2);
    assert.deepEqual(tooOld.messages, [
      { id: '20', event: 'resync', data: '{"reason":"tooOld"}' },
      { id: '21', event: 'log', data: JSON.stringify(log('m21')) },
    ]);
    assert.deepEqual((await stillThere.untilCount(6)).map((m) => m.id), ['16', '17', '18', '19', '20', '21']);
    tooOld.close();
    stillThere.close();
  });

  it('the byte bound of the replay buffer counts too', async () => {
    const hub = new EventHub({ clock: new ManualClock(), firstId: 1, replayMaxBytes: 1000 });
    for (let i = 0; i < 100; i++) hub.publish('log', log(`message ${i}`));
    const { replayBytes, replayEvents } = hub.stats();
    assert.ok(replayBytes <= 1000, `${replayBytes} bytes kept`);
    assert.ok(replayEvents >= 1000 / 200 && replayEvents < 100, `${replayEvents} events kept`);
    hub.close();
  });

  it('an id the hub never gave (ahead of it, or not a number) gets resync (unknownId)', async () => {
    const server = await serve({ clock: new ManualClock() });
    server.hub.publish('log', log('m1'));
    const clients = await Promise.all(['2', '9999', 'abc', '-1', '1e3'].map((id) => SseClient.connect(server.url, { 'last-event-id': id })));
    await connected(server, clients.length);
    server.hub.publish('log', log('m2'));
    for (const client of clients) {
      assert.deepEqual(await client.untilCount(2), [
        { id: '1', event: 'resync', data: '{"reason":"unknownId"}' },
        { id: '2', event: 'log', data: JSON.stringify(log('m2')) },
      ]);
      client.close();
    }
  });

  it('a restarted hub numbers above the previous run, so an old id gets resync instead of resuming into another stream', () => {
    const before = new EventHub({ clock: new ManualClock() });
    before.publish('log', log('old'));
    const oldId = before.lastId;
    before.close();
    const restarted = new EventHub({ clock: new ManualClock(), firstId: (Date.now() + 1) * 1000 });
    restarted.publish('log', log('new'));
    const written: string[] = [];
    const sub = restarted.subscribe({ lastEventId: String(oldId), write: (chunk) => written.push(chunk) > 0, onDrain: () => {} });
    assert.match(written.join(''), /event: resync\ndata: \{"reason":"unknownId"\}/);
    sub.close();
    restarted.close();
  });

  it('?types= keeps only those event types (replayed and live); an unknown type is a 400 naming the field', async () => {
    const server = await serve({ clock: new ManualClock() });
    server.hub.publish('log', log('before'));
    server.hub.publish('userStatus', { username: 'a', status: 'online' });
    const filtered = await SseClient.connect(`${server.url}?types=userStatus,roomMessage`, { 'last-event-id': '0' });
    await connected(server, 1);
    server.hub.publish('log', log('skip'));
    server.hub.publish('roomMessage', { room: 'r', username: 'b', text: 't', time: '2026-12-07T21:00:00.000Z' });
    assert.deepEqual((await filtered.untilCount(2)).map((m) => [m.id, m.event]), [['2', 'userStatus'], ['4', 'roomMessage']]);
    filtered.close();

    const refused = await SseClient.connect(`${server.url}?types=log,nope`);
    assert.equal(refused.response.statusCode, 400);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      refused.response.removeAllListeners('data');
      refused.response.on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    });
    const error = JSON.parse(body) as { error: string; field: string };
    assert.equal(error.field, 'types');
    assert.match(error.error, /^types: no event type nope; there are serverConnection, /);
  });

  it('sends a heartbeat comment every heartbeatMs while the stream is open', async () => {
    const clock = new ManualClock();
    const server = await serve({ clock, heartbeatMs: 15_000 });
    const client = await SseClient.connect(server.url);
    await connected(server, 1);
    clock.advance(14_999);
    server.hub.publish('log', log('marker'));
    await client.untilCount(1);
    assert.deepEqual(client.parser.comments, []);
    clock.advance(1);
    await client.until('a heartbeat', () => client.parser.comments.length === 1);
    clock.advance(30_000);
    await client.until('two more heartbeats', () => client.parser.comments.length === 3);
    assert.deepEqual(client.parser.comments, ['heartbeat', 'heartbeat', 'heartbeat']);
    assert.equal(client.messages.length, 1, 'a heartbeat is no event');
    client.close();
  });

  it('coalesces: 100 progress updates in one second go out as at most 4, and the last value always arrives', async () => {
    const clock = new ManualClock();
    const server = await serve({ clock, coalescePerSecond: 4 });
    const client = await SseClient.connect(server.url);
    await connected(server, 1);
    const progress = (bytes: number) => ({ id: 't1', bytesTransferred: bytes, size: 100, speed: 10, state: 'transferring' as const });
    for (let i = 0; i < 100; i++) {
      if (i > 0) clock.advance(10);
      server.hub.publish('transferProgress', progress(i), { coalesceKey: 'transferProgress:t1' });
      // Another transfer's progress has its own pace.
      if (i % 50 === 0) server.hub.publish('transferProgress', { ...progress(i), id: 't2' }, { coalesceKey: 'transferProgress:t2' });
    }
    server.hub.publish('log', log('one second'));
    clock.advance(250);
    server.hub.publish('log', log('later'));
    const messages = await client.until('the later marker', () => client.messages.some((m) => m.data.includes('later'))).then(() => client.messages);
    const summary = messages.map((m) => (m.event === 'log' ? (JSON.parse(m.data) as { message: string }).message : `${(JSON.parse(m.data) as { id: string }).id}:${(JSON.parse(m.data) as { bytesTransferred: number }).bytesTransferred}`));
    // t1 at 0 ms, then the latest of each 250 ms interval: 24 (at 250 ms), 49, 74; 99 once the second is over.
    assert.deepEqual(summary, ['t1:0', 't2:0', 't1:24', 't1:49', 't2:50', 't1:74', 'one second', 't1:99', 'later']);
    assert.deepEqual(messages.map((m) => Number(m.id)), messages.map((_, i) => i + 1), 'ids stay consecutive');
    clock.advance(1000);
    assert.equal(server.hub.stats().coalescingKeys, 0, 'an idle key keeps no timer');
    client.close();
  });

  it('flush(key) sends the held progress at once, e.g. before the transfer’s final state', async () => {
    const clock = new ManualClock();
    const server = await serve({ clock });
    const client = await SseClient.connect(server.url);
    await connected(server, 1);
    const progress = (bytes: number) => ({ id: 't1', bytesTransferred: bytes, size: 10, speed: 1, state: 'transferring' as const });
    server.hub.publish('transferProgress', progress(1), { coalesceKey: 'transferProgress:t1' });
    server.hub.publish('transferProgress', progress(10), { coalesceKey: 'transferProgress:t1' });
    server.hub.flush('transferProgress:t1');
    server.hub.publish('transferState', { id: 't1', direction: 'download', username: 'u', filename: 'f', state: 'completed' });
    const messages = await client.untilCount(3);
    assert.deepEqual(messages.map((m) => m.event), ['transferProgress', 'transferProgress', 'transferState']);
    assert.equal((JSON.parse(messages[1]!.data) as { bytesTransferred: number }).bytesTransferred, 10);
    client.close();
  });

  it('a client that goes away is unsubscribed with nothing left: no subscriber, no timer', async () => {
    const clock = new ManualClock();
    const server = await serve({ clock });
    const clients = await Promise.all([SseClient.connect(server.url), SseClient.connect(server.url)]);
    await connected(server, 2);
    assert.equal(clock.pendingTimers, 2, 'one heartbeat timer each');
    clients[0]!.close();
    await connected(server, 1);
    assert.equal(clock.pendingTimers, 1);
    clients[1]!.close();
    await connected(server, 0);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(server.streams.every((s) => s.subscription.stats().state === 'closed'), true);
  });

  it('closing the hub ends every stream and stops every timer', async () => {
    const clock = new ManualClock();
    const server = await serve({ clock });
    const client = await SseClient.connect(server.url);
    await connected(server, 1);
    server.hub.publish('scanProgress', { state: 'scanning', folders: 1, files: 2 }, { coalesceKey: 'scanProgress' });
    server.hub.publish('scanProgress', { state: 'scanning', folders: 1, files: 3 }, { coalesceKey: 'scanProgress' });
    assert.equal(clock.pendingTimers, 2);
    server.hub.close();
    await client.until('the end of the stream', () => client.ended);
    assert.equal(clock.pendingTimers, 0);
    server.hub.publish('log', log('ignored after close'));
    assert.equal(server.hub.stats().subscribers, 0);
    assert.throws(() => server.hub.subscribe({ write: () => true, onDrain: () => {} }), /the event hub is closed/);
  });

  it('refuses settings that cannot work, naming the setting', () => {
    assert.throws(() => new EventHub({ coalescePerSecond: 0 }), /event stream setting coalescePerSecond must be at least 1, not 0/);
    assert.throws(() => new EventHub({ heartbeatMs: 1.5 }), /event stream setting heartbeatMs must be a whole number, not 1.5/);
  });
});
