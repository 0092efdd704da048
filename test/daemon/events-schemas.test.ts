// The typed event map: one sample per event type (a record keyed by type, so adding an event
// without a sample fails to compile), each valid against its schema, each arriving over the
// stream as published; the compiler refuses a wrong payload and a published `resync`.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from 'typebox/value';
import { DAEMON_EVENTS, DAEMON_EVENT_TYPES, EventHub, isDaemonEventType, type DaemonEventMap, type DaemonEventType } from '../../src/daemon/events/index.ts';
import { ManualClock, SseClient, eventually, startEventServer } from './events-support.ts';

const time = '2026-12-07T21:00:00.000Z';
const SAMPLES: { [K in DaemonEventType]: DaemonEventMap[K] } = {
  serverConnection: { state: 'reconnecting', reason: 'the server closed the connection' },
  searchResponses: {
    searchId: 's1',
    responses: [
      {
        username: 'alice',
        hasFreeUploadSlot: true,
        uploadSpeed: 120_000,
        queueLength: 0,
        files: [{ filename: '@@music\\A\\01 - x.flac', size: 31_000_000, extension: 'flac', locked: false, duration: 241, sampleRate: 44_100, bitDepth: 16 }],
      },
    ],
  },
  searchState: { searchId: 's1', state: 'completed', responseCount: 1, fileCount: 1 },
  transferProgress: { id: 't1', bytesTransferred: 5, size: 10, speed: 2, state: 'transferring' },
  transferState: { id: 't1', direction: 'download', username: 'alice', filename: '@@music\\A\\01 - x.flac', state: 'failed', error: 'the peer refused' },
  folderDone: { id: 'f1', username: 'alice', folder: '@@music\\A', complete: false, counts: { completed: 9, failed: 1 } },
  roomMessage: { room: 'jazz', username: 'bob', text: 'hello', time },
  privateMessage: { id: 3, username: 'bob', direction: 'out', text: 'hi', time },
  roomJoined: { room: 'jazz', private: false, memberCount: 12 },
  roomLeft: { room: 'jazz', reason: 'removed' },
  roomMembership: { room: 'jazz', username: 'carol', change: 'joined', memberCount: 13 },
  roomTicker: { room: 'jazz', username: 'carol', ticker: 'listening to Monk' },
  conversationRead: { username: 'bob', unread: 0 },
  userStatus: { username: 'bob', status: 'online', privileged: false },
  browseProgress: { username: 'alice', state: 'received', folders: 12, files: 340 },
  scanProgress: { state: 'scanning', folders: 3, files: 120 },
  wishlistRun: { itemId: 'w1', query: 'abbey road', searchId: 's2', trigger: 'timer' },
  wishlistDownload: { itemId: 'w1', searchId: 's2', transferId: 't2', username: 'alice', filename: '@@music\\A\\01 - x.flac', size: 31_000_000 },
  log: { level: 'warn', time, message: 'slow disk' },
  resync: { reason: 'overflow' },
};

describe('the typed event map', () => {
  it('every event type has a schema that its sample satisfies, and a broken payload does not', () => {
    assert.deepEqual(DAEMON_EVENT_TYPES, Object.keys(SAMPLES));
    for (const type of DAEMON_EVENT_TYPES) {
      assert.equal(Value.Check(DAEMON_EVENTS[type], SAMPLES[type]), true, `${type}: ${JSON.stringify(Value.Errors(DAEMON_EVENTS[type], SAMPLES[type]))}`);
      const firstField = Object.keys(SAMPLES[type])[0]!;
      assert.equal(Value.Check(DAEMON_EVENTS[type], { ...SAMPLES[type], [firstField]: null }), false, `${type} with ${firstField}: null`);
    }
    assert.equal(Value.Check(DAEMON_EVENTS.transferProgress, { ...SAMPLES.transferProgress, state: 'teleporting' }), false);
    assert.equal(Value.Check(DAEMON_EVENTS.roomMessage, { ...SAMPLES.roomMessage, time: 'yesterday' }), false);
    assert.equal(isDaemonEventType('log'), true);
    assert.equal(isDaemonEventType('toString'), false);
  });

  it('every publishable event arrives over the stream as published, with its type as the event name', async () => {
    const server = await startEventServer({ clock: new ManualClock() });
    try {
      const client = await SseClient.connect(server.url);
      await eventually('subscribed', () => server.hub.stats().subscribers === 1);
      const publishable = DAEMON_EVENT_TYPES.filter((t) => t !== 'resync');
      for (const type of publishable) server.hub.publish(type as 'log', SAMPLES[type] as DaemonEventMap['log']);
      const messages = await client.untilCount(publishable.length);
      assert.deepEqual(
        messages.map((m) => [m.event, JSON.parse(m.data) as unknown]),
        publishable.map((t) => [t, SAMPLES[t]]),
      );
      client.close();
    } finally {
      await server.close();
    }
  });

  it('the compiler refuses a payload of the wrong shape and a published resync', () => {
    const hub = new EventHub({ clock: new ManualClock() });
    // @ts-expect-error speed is a number
    hub.publish('transferProgress', { ...SAMPLES.transferProgress, speed: 'fast' });
    // @ts-expect-error resync is the stream's own, per client
    hub.publish('resync', { reason: 'overflow' });
    hub.close();
  });
});
