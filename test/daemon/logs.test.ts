// The daemon's log ring: bounded, newest first, paged by seq, filtered by level, lines below the level
// set dropped (not kept, not published), long messages cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogRing, MAX_LOG_MESSAGE, type LogLine } from '../../src/daemon/logs.ts';

test('the ring keeps the last lines, pages newest first and filters by level', () => {
  const published: LogLine[] = [];
  let now = 1000;
  const ring = new LogRing({ capacity: 3, level: 'info', now: () => now++, publish: (line) => published.push(line) });
  assert.equal(ring.add('debug', 'below the level'), undefined);
  for (const [level, message] of [['info', 'a'], ['error', 'b'], ['warn', 'c'], ['info', 'd']] as const) ring.add(level, message);
  assert.deepEqual(ring.list().map((l) => [l.seq, l.level, l.message, l.time]), [
    [4, 'info', 'd', 1003],
    [3, 'warn', 'c', 1002],
    [2, 'error', 'b', 1001],
  ]);
  assert.deepEqual(published.map((l) => l.message), ['a', 'b', 'c', 'd'], 'every kept line is published; the dropped one is not');
  assert.deepEqual(ring.list({ level: 'warn' }).map((l) => l.message), ['c', 'b']);
  assert.deepEqual(ring.list({ before: 4, limit: 1 }).map((l) => l.message), ['c']);
  assert.deepEqual(ring.list({ before: 2 }), [], 'seq 1 has left the ring');

  ring.setLevel('silent');
  assert.equal(ring.add('fatal', 'nothing is kept'), undefined);
  ring.setLevel('trace');
  assert.equal(ring.add('trace', 'x'.repeat(MAX_LOG_MESSAGE + 10))?.message.length, MAX_LOG_MESSAGE + 1);
});
