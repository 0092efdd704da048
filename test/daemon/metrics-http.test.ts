// GET /metrics over real HTTP: read role required, the Prometheus content type, and a scrape every line of
// which matches the text format's grammar (checked by a small parser written here, independent of the
// exposition code). Also: the daemon metrics' update methods and collect callbacks, the HTTP request
// counters by route name and status class, and the process metrics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonMetrics } from '../../src/daemon/metrics/index.ts';
import { KEYS, startFixture } from './http-fixture.ts';

interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}
interface Family {
  type: string;
  help: string;
  readonly samples: ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
const VALUE = '(?:[+-]?Inf|NaN|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}="${LABEL_VALUE}")(?:,${LABEL}="${LABEL_VALUE}")*)\\})? (${VALUE})$`);
const PAIR = new RegExp(`(${LABEL})="(${LABEL_VALUE})"`, 'g');

const unescape = (text: string): string => text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
const parseValue = (text: string): number => (text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text));

/** Parses a scrape; throws naming the first line that is not in the grammar or breaks the format's rules. */
function parseExposition(text: string): Map<string, Family> {
  assert.ok(text.endsWith('\n'), 'a scrape ends with a newline');
  const families = new Map<string, Family>();
  let current: string | undefined;
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    const sample = SAMPLE_LINE.exec(line);
    if (help !== null) {
      const name = help[1] as string;
      assert.ok(!families.has(name), `${where}: family declared twice`);
      families.set(name, { type: '', help: unescape(help[2] as string), samples: [] });
      current = name;
    } else if (type !== null) {
      assert.equal(type[1], current, `${where}: TYPE follows its HELP`);
      const family = families.get(type[1] as string) as Family;
      assert.equal(family.type, '', `${where}: one TYPE per family`);
      family.type = type[2] as string;
    } else if (sample !== null) {
      assert.ok(current !== undefined, `${where}: a sample before any family`);
      const family = families.get(current) as Family;
      const allowed = family.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => current + s) : [current];
      assert.ok(allowed.includes(sample[1] as string), `${where}: sample of another family than ${current}`);
      const labels: Record<string, string> = {};
      for (const [, name, value] of (sample[2] ?? '').matchAll(PAIR)) {
        assert.ok(!(name as string in labels), `${where}: label repeated`);
        labels[name as string] = unescape(value as string);
      }
      family.samples.push({ name: sample[1] as string, labels, value: parseValue(sample[3] as string) });
    } else {
      assert.fail(`${where}: not a HELP, TYPE or sample line`);
    }
  }
  for (const [name, family] of families) {
    if (family.type !== 'histogram') continue;
    // Buckets are cumulative and the +Inf bucket equals _count, per label set.
    const byLabels = new Map<string, ParsedSample[]>();
    for (const s of family.samples.filter((x) => x.name === `${name}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      byLabels.set(key, [...(byLabels.get(key) ?? []), s]);
    }
    for (const [key, buckets] of byLabels) {
      buckets.forEach((b, i) => i > 0 && assert.ok(b.value >= (buckets[i - 1] as ParsedSample).value, `${name}${key}: buckets not cumulative`));
      assert.equal(buckets.at(-1)?.labels['le'], '+Inf');
      const count = family.samples.find((s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key);
      assert.equal(count?.value, buckets.at(-1)?.value, `${name}${key}: +Inf bucket equals _count`);
    }
  }
  return families;
}

const value = (families: Map<string, Family>, family: string, labels: Record<string, string> = {}, sampleName = family): number | undefined =>
  families.get(family)?.samples.find((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('GET /metrics: read role, the 0.0.4 content type, and a scrape that parses line by line', async (t) => {
  const f = await startFixture(t);
  const m = f.services.daemonMetrics;
  m.serverState('loggedIn');
  m.loggedIn();
  m.searchStarted('network');
  m.searchStarted('network');
  m.searchStarted('room');
  m.searchResponse();
  m.incomingSearchAnswered();
  m.transferBytes('download', 1000);
  m.transferBytes('download', 24);
  m.collectTransfers(() => [
    { direction: 'download', state: 'transferring', count: 2 },
    { direction: 'upload', state: 'queued', count: 5 },
  ]);
  m.collectSpeed(() => ({ download: 1500.5, upload: 0 }));
  m.collectQueue(() => ({ uploadQueueLength: 5, downloadQueueLength: 4, bestPlaceInQueue: 12 }));
  m.collectDistributed(() => ({ level: 2, branchRoot: false, children: 3, parentConnected: true }));
  m.collectShares(() => ({ files: 1234, folders: 56, scanning: false, lastScanSeconds: 4.25 }));
  m.collectPeerConnections(() => ({ P: 7, F: 1, D: 3 }));
  m.collectEventSubscribers(() => 2);
  m.eventResync();
  // Hook totals as HookDispatcher.stats() gives them: summed by kind; each scrape adds only what grew.
  const hookStats = [
    { kind: 'webhook' as const, delivered: 3, failed: 1, retried: 2, dropped: 0, queued: 4 },
    { kind: 'webhook' as const, delivered: 1, failed: 0, retried: 0, dropped: 5, queued: 1 },
    { kind: 'script' as const, delivered: 7, failed: 2, retried: 0, dropped: 0, queued: 0 },
  ];
  m.collectHooks(() => hookStats);
  m.scrape();
  hookStats[2] = { ...hookStats[2]!, delivered: 8 };

  assert.equal((await fetch(`${f.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${f.url}/metrics`, { headers: { 'x-api-key': 'wrong-key-0123456789abcdef' } })).status, 401);
  assert.equal((await fetch(`${f.url}/no/such/path`, { headers: { 'x-api-key': KEYS.read } })).status, 404);
  assert.equal((await fetch(`${f.url}/health`)).status, 200);

  const response = await fetch(`${f.url}/metrics`, { headers: { 'x-api-key': KEYS.read } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const families = parseExposition(await response.text());

  for (const [name, family] of families) {
    assert.match(name, /^slsk_/, `${name} is prefixed slsk_`);
    assert.ok(family.help.length > 10, `${name} has a HELP sentence`);
    for (const s of family.samples) assert.ok(!Number.isNaN(s.value), `${s.name} is a number`);
  }
  assert.equal(value(families, 'slsk_server_connected'), 1);
  assert.equal(value(families, 'slsk_server_state', { state: 'loggedIn' }), 1);
  assert.equal(value(families, 'slsk_server_state', { state: 'disconnected' }), 0);
  assert.equal(value(families, 'slsk_server_logins_total'), 1);
  assert.equal(value(families, 'slsk_searches_started_total', { scope: 'network' }), 2);
  assert.equal(value(families, 'slsk_searches_started_total', { scope: 'room' }), 1);
  assert.equal(value(families, 'slsk_search_responses_received_total'), 1);
  assert.equal(value(families, 'slsk_incoming_searches_answered_total'), 1);
  assert.equal(value(families, 'slsk_transfer_bytes_total', { direction: 'download' }), 1024);
  assert.equal(value(families, 'slsk_transfers', { direction: 'download', state: 'transferring' }), 2);
  assert.equal(value(families, 'slsk_transfers', { direction: 'upload', state: 'queued' }), 5);
  assert.equal(value(families, 'slsk_transfers', { direction: 'upload', state: 'completed' }), 0);
  assert.equal(families.get('slsk_transfers')?.samples.length, 14, 'every direction × state, states not given at 0');
  assert.equal(value(families, 'slsk_transfer_speed_bytes_per_second', { direction: 'download' }), 1500.5);
  assert.equal(value(families, 'slsk_upload_queue_length'), 5);
  assert.equal(value(families, 'slsk_download_queue_length'), 4);
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'webhook', outcome: 'delivered' }), 4);
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'webhook', outcome: 'failed' }), 1);
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'webhook', outcome: 'retried' }), 2);
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'webhook', outcome: 'dropped' }), 5);
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'script', outcome: 'delivered' }), 8, 'scraped twice, counted once');
  assert.equal(value(families, 'slsk_hook_deliveries_total', { kind: 'script', outcome: 'failed' }), 2);
  assert.equal(value(families, 'slsk_hook_queue_length', { kind: 'webhook' }), 5);
  assert.equal(value(families, 'slsk_hook_queue_length', { kind: 'script' }), 0);
  assert.equal(value(families, 'slsk_download_best_place_in_queue'), 12);
  assert.equal(value(families, 'slsk_distributed_level'), 2);
  assert.equal(value(families, 'slsk_distributed_branch_root'), 0);
  assert.equal(value(families, 'slsk_distributed_children'), 3);
  assert.equal(value(families, 'slsk_distributed_parent_connected'), 1);
  assert.equal(value(families, 'slsk_shared_files'), 1234);
  assert.equal(value(families, 'slsk_shared_folders'), 56);
  assert.equal(value(families, 'slsk_shares_scan_in_progress'), 0);
  assert.equal(value(families, 'slsk_shares_last_scan_duration_seconds'), 4.25);
  assert.equal(value(families, 'slsk_peer_connections', { type: 'D' }), 3);
  assert.equal(value(families, 'slsk_event_subscribers'), 2);
  assert.equal(value(families, 'slsk_event_resyncs_total'), 1);
  assert.equal(value(families, 'slsk_metrics_label_sets_dropped_total'), undefined, 'nothing dropped');

  // The requests made above, by route name and status class; unknown paths are `unmatched`, never the path.
  assert.equal(value(families, 'slsk_http_requests_total', { route: 'metrics', status: '4xx' }), 2);
  assert.equal(value(families, 'slsk_http_requests_total', { route: 'unmatched', status: '4xx' }), 1);
  assert.equal(value(families, 'slsk_http_requests_total', { route: 'health', status: '2xx' }), 1);
  assert.equal(value(families, 'slsk_http_request_duration_seconds', { route: 'health' }, 'slsk_http_request_duration_seconds_count'), 1);
  const routesSeen = new Set(families.get('slsk_http_requests_total')?.samples.map((s) => s.labels['route']));
  assert.deepEqual([...routesSeen].sort(), ['health', 'metrics', 'unmatched']);

  // Process metrics: present and numeric.
  for (const kind of ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers']) assert.ok((value(families, 'slsk_process_memory_bytes', { kind }) ?? -1) >= 0, kind);
  assert.ok((value(families, 'slsk_process_memory_bytes', { kind: 'rss' }) ?? 0) > 0);
  assert.ok((value(families, 'slsk_process_uptime_seconds') ?? 0) > 0);
  const utilization = value(families, 'slsk_nodejs_eventloop_utilization_ratio') ?? -1;
  assert.ok(utilization >= 0 && utilization <= 1, `utilization ${utilization}`);
  const p50 = value(families, 'slsk_nodejs_eventloop_delay_seconds', { quantile: '0.5' }) ?? -1;
  const p99 = value(families, 'slsk_nodejs_eventloop_delay_seconds', { quantile: '0.99' }) ?? -1;
  const max = value(families, 'slsk_nodejs_eventloop_delay_seconds', { quantile: '1' }) ?? -1;
  assert.ok(p50 >= 0 && p99 >= p50 && max >= p99, `delay p50 ${p50} p99 ${p99} max ${max}`);
  assert.equal(value(families, 'slsk_nodejs_version_info', { version: process.version }), 1);
});

test('label values outside their fixed sets are refused, not exposed', (t) => {
  const m = new DaemonMetrics(['health']);
  t.after(() => m.stop());
  assert.throws(() => m.transferBytes('sideways' as 'upload', 1), /Direction 'sideways' is not one of download, upload/);
  assert.throws(() => m.searchStarted('everyone' as 'network'), /Search scope/);
  const hooked = new DaemonMetrics(['health']);
  t.after(() => hooked.stop());
  hooked.collectHooks(() => [{ kind: 'email' as 'script', delivered: 1, failed: 0, retried: 0, dropped: 0, queued: 0 }]);
  assert.throws(() => hooked.scrape(), /Hook kind 'email'/);
  assert.throws(() => m.serverState('dancing' as 'loggedIn'), /Server state/);
  m.collectTransfers(() => [{ direction: 'upload', state: 'lost' as 'queued', count: 1 }]);
  assert.throws(() => m.scrape(), /Transfer state 'lost'/);
  // A route name the table does not have (a path, say) is counted as unmatched.
  m.httpRequest('/api/v1/users/alice', 404, 0.001);
  m.httpRequest(undefined, 599, 0.001);
  m.collectTransfers(() => []);
  const text = m.scrape();
  assert.match(text, /^slsk_http_requests_total\{route="unmatched",status="4xx"\} 1$/m);
  assert.match(text, /^slsk_http_requests_total\{route="unmatched",status="5xx"\} 1$/m);
  assert.doesNotMatch(text, /alice/);
});

test('the grammar parser used above rejects lines outside the format', () => {
  const bad = [
    'slsk_x 1\n', // a sample before any HELP/TYPE
    '# HELP slsk_x A gauge\n# TYPE slsk_x gauge\nslsk_x{a="unterminated} 1\n',
    '# HELP slsk_x A gauge\n# TYPE slsk_x gauge\nslsk_x{a="raw"quote"} 1\n',
    '# HELP slsk_x A gauge\n# TYPE slsk_x gauge\nslsk_x one\n',
    '# HELP slsk_x A gauge\n# TYPE slsk_x gauge\nslsk_y 1\n',
    '# HELP slsk_x A gauge\n# TYPE slsk_x gauge\nslsk_x 1', // no final newline
    '# HELP slsk_h H\n# TYPE slsk_h histogram\nslsk_h_bucket{le="1"} 2\nslsk_h_bucket{le="+Inf"} 1\nslsk_h_sum 1\nslsk_h_count 1\n',
  ];
  for (const text of bad) assert.throws(() => parseExposition(text), `${JSON.stringify(text)} is rejected`);
  const good = '# HELP slsk_x A \\\\ gauge\\n\n# TYPE slsk_x gauge\nslsk_x{a="q\\"\\\\\\n"} -1.5e-3\n';
  assert.deepEqual(parseExposition(good).get('slsk_x'), { type: 'gauge', help: 'A \\ gauge\n', samples: [{ name: 'slsk_x', labels: { a: 'q"\\\n' }, value: -0.0015 }] });
});
