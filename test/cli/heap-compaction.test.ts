// The daemon's heap compaction: a collection that gives the emptied room back, at most once per
// interval (a request meanwhile is kept for when it is up), without exposing `gc` to our globals.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { HeapCompactor } from '../../src/cli/heap-compaction.ts';

test('a compaction shrinks a heap grown by garbage, and leaves the global gc undefined', () => {
  const compactor = new HeapCompactor();
  let garbage: { index: number; text: string }[] | undefined = [];
  for (let i = 0; i < 400_000; i++) garbage.push({ index: i, text: `item ${i}` });
  const grown = getHeapStatistics().total_heap_size;
  assert.ok(garbage.length === 400_000);
  garbage = undefined;
  compactor.request();
  assert.equal(compactor.runs, 1);
  const after = getHeapStatistics().total_heap_size;
  assert.ok(after < grown - 10 * 1024 * 1024, `heap: ${(grown / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB`);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined);
  compactor.close();
});

test('requests within the interval wait for it, once, and close() drops the one waiting', () => {
  let now = 1_000_000;
  const compactor = new HeapCompactor({ now: () => now });
  compactor.request();
  assert.equal(compactor.runs, 1);
  now += 5_000;
  compactor.request();
  compactor.request();
  assert.equal(compactor.runs, 1, 'too soon: kept for later');
  compactor.close();
  now += 10_000;
  compactor.request();
  assert.equal(compactor.runs, 2, 'the interval is up: runs at once');
  compactor.close();
});
