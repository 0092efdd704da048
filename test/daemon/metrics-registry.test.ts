// The metrics registry and the text exposition format 0.0.4, checked against text written by hand here
// byte for byte: escaping, histogram buckets, the bound on label combinations, name validation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, MetricDefinitionError, exposition } from '../../src/daemon/metrics/index.ts';

test('counters, gauges and a collect callback render byte-exact, with HELP and label values escaped', () => {
  const registry = new Registry({ overflowMetric: 'test_dropped_total' });
  const requests = registry.counter({ name: 'test_requests_total', help: 'Requests, by path\\kind\nsecond line', labels: ['path', 'code'] });
  const temperature = registry.gauge({ name: 'test_temperature_celsius', help: 'Temperature' });
  const queue = registry.gauge({ name: 'test_queue_length', help: 'Queue length read at scrape time', labels: ['queue'] });
  let waiting = 3;
  queue.collectWith((set) => {
    set({ queue: 'a' }, waiting);
    set({ queue: 'b' }, 0.5);
  });
  requests.inc({ path: 'C:\\dir\\"x"', code: 'line1\nline2' });
  requests.inc({ path: 'C:\\dir\\"x"', code: 'line1\nline2' }, 2);
  requests.inc({ path: '/ok', code: '200' }, 1.5);
  temperature.set({}, -Infinity);

  const expected =
    '# HELP test_dropped_total Samples dropped because their metric already had its maximum number of label combinations (a bug if it grows)\n' +
    '# TYPE test_dropped_total counter\n' +
    '# HELP test_requests_total Requests, by path\\\\kind\\nsecond line\n' +
    '# TYPE test_requests_total counter\n' +
    'test_requests_total{path="C:\\\\dir\\\\\\"x\\"",code="line1\\nline2"} 3\n' +
    'test_requests_total{path="/ok",code="200"} 1.5\n' +
    '# HELP test_temperature_celsius Temperature\n' +
    '# TYPE test_temperature_celsius gauge\n' +
    'test_temperature_celsius -Inf\n' +
    '# HELP test_queue_length Queue length read at scrape time\n' +
    '# TYPE test_queue_length gauge\n' +
    'test_queue_length{queue="a"} 3\n' +
    'test_queue_length{queue="b"} 0.5\n';
  assert.equal(exposition(registry.collect()), expected);

  // The callback runs at every scrape: a series it no longer sets disappears.
  waiting = 7;
  queue.collectWith((set) => set({ queue: 'a' }, waiting));
  assert.match(exposition(registry.collect()), /# TYPE test_queue_length gauge\ntest_queue_length\{queue="a"\} 7\n$/);
});

test('a histogram renders cumulative buckets with le, +Inf, _sum and _count', () => {
  const registry = new Registry({ overflowMetric: 'h_dropped_total' });
  const latency = registry.histogram({ name: 'h_seconds', help: 'Latency', labels: ['route'], buckets: [0.1, 1, 2.5] });
  for (const value of [0.05, 0.1, 0.7, 3, 100]) latency.observe({ route: 'a' }, value);
  latency.observe({ route: 'b' }, 2.5);
  const text = exposition(registry.collect().filter((m) => m.name === 'h_seconds'));
  assert.equal(
    text,
    '# HELP h_seconds Latency\n' +
      '# TYPE h_seconds histogram\n' +
      'h_seconds_bucket{route="a",le="0.1"} 2\n' +
      'h_seconds_bucket{route="a",le="1"} 3\n' +
      'h_seconds_bucket{route="a",le="2.5"} 3\n' +
      'h_seconds_bucket{route="a",le="+Inf"} 5\n' +
      'h_seconds_sum{route="a"} 103.85\n' +
      'h_seconds_count{route="a"} 5\n' +
      'h_seconds_bucket{route="b",le="0.1"} 0\n' +
      'h_seconds_bucket{route="b",le="1"} 0\n' +
      'h_seconds_bucket{route="b",le="2.5"} 1\n' +
      'h_seconds_bucket{route="b",le="+Inf"} 1\n' +
      'h_seconds_sum{route="b"} 2.5\n' +
      'h_seconds_count{route="b"} 1\n',
  );
  // An unlabelled histogram exists (all zero) before its first observation.
  const empty = registry.histogram({ name: 'h_empty_bytes', help: 'Sizes', buckets: [10] });
  assert.equal(
    exposition([empty.snapshot()]),
    '# HELP h_empty_bytes Sizes\n# TYPE h_empty_bytes histogram\nh_empty_bytes_bucket{le="10"} 0\nh_empty_bytes_bucket{le="+Inf"} 0\nh_empty_bytes_sum 0\nh_empty_bytes_count 0\n',
  );
});

test('label combinations past the bound are dropped and counted, and memory stays bounded', () => {
  const registry = new Registry({ overflowMetric: 'b_dropped_total' });
  const byUser = registry.counter({ name: 'b_messages_total', help: 'Messages', labels: ['user'], maxSeries: 3 });
  for (let i = 0; i < 10_000; i++) byUser.inc({ user: `user${i}` });
  byUser.inc({ user: 'user0' }); // an existing combination still counts
  assert.equal(
    exposition(registry.collect()),
    '# HELP b_dropped_total Samples dropped because their metric already had its maximum number of label combinations (a bug if it grows)\n' +
      '# TYPE b_dropped_total counter\n' +
      'b_dropped_total{metric="b_messages_total"} 9997\n' +
      '# HELP b_messages_total Messages\n' +
      '# TYPE b_messages_total counter\n' +
      'b_messages_total{user="user0"} 2\n' +
      'b_messages_total{user="user1"} 1\n' +
      'b_messages_total{user="user2"} 1\n',
  );
});

test('invalid metric and label names, and misuse, are refused with a reason', () => {
  const registry = new Registry();
  const refuses = (fn: () => unknown, pattern: RegExp): void => assert.throws(fn, (e: Error) => e instanceof MetricDefinitionError && pattern.test(e.message));
  refuses(() => registry.gauge({ name: '1abc', help: 'x' }), /Metric name '1abc' is invalid/);
  refuses(() => registry.gauge({ name: 'has-dash', help: 'x' }), /is invalid/);
  refuses(() => registry.gauge({ name: 'ok_gauge', help: 'x', labels: ['bad-label'] }), /Label name 'bad-label'/);
  refuses(() => registry.gauge({ name: 'ok_gauge2', help: 'x', labels: ['__reserved'] }), /not starting with a digit or '__'/);
  refuses(() => registry.histogram({ name: 'ok_hist', help: 'x', labels: ['le'], buckets: [1] }), /reserved/);
  refuses(() => registry.histogram({ name: 'ok_hist2', help: 'x', buckets: [1, 1] }), /strictly increasing/);
  refuses(() => registry.counter({ name: 'no_suffix', help: 'x' }), /must end in _total/);
  registry.gauge({ name: 'dup', help: 'x' });
  refuses(() => registry.gauge({ name: 'dup', help: 'x' }), /declared twice/);
  const labelled = registry.gauge({ name: 'labelled', help: 'x', labels: ['a'] });
  refuses(() => labelled.set({}, 1), /needs label 'a'/);
  refuses(() => labelled.set({ a: '1', b: '2' } as { a: string }, 1), /takes only the labels/);
  const counter = registry.counter({ name: 'c_total', help: 'x' });
  assert.throws(() => counter.inc({}, -1), RangeError);
  assert.throws(() => counter.inc({}, Number.NaN), RangeError);
});
