// `npm run bench` (bench/all.ts): headline figures taken from recorded --json output of each
// benchmark, the summary table and its failures, the child-process runner, and one real quick run.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS, type Benchmark, type Figure } from '../../bench/headlines.ts';
import { runBenchmark, type RunOutcome } from '../../bench/run-benchmark.ts';
import { formatSummary, summarize, toResult, type Summary } from '../../bench/summary.ts';
import { assertExit, runProcess } from '../cli/run-process.ts';

const fixture = (file: string): string => fileURLToPath(new URL(`../fixtures/bench/${file}`, import.meta.url));
const recorded = (name: string): string => readFileSync(fixture(`${name}.json`), 'utf8');
const bench = (name: string): Benchmark => BENCHMARKS.find((b) => b.name === name) ?? assert.fail(`no benchmark ${name}`);
const allScript = fileURLToPath(new URL('../../bench/all.ts', import.meta.url));

/** A run that exited 0 after printing `stdout`. */
const finished = (stdout: string, seconds = 1): RunOutcome => ({ exitCode: 0, signal: null, stdout, stderrTail: [], seconds });
const figuresOf = (name: string): Figure[] => {
  const result = toResult(bench(name), finished(recorded(name)));
  assert.equal(result.error, undefined);
  return result.figures;
};

describe('headline figures from each benchmark’s recorded --json output', () => {
  it('lists every benchmark, in the order they run', () => {
    assert.deepEqual(
      BENCHMARKS.map((b) => b.name),
      ['protocol', 'inflate', 'shares', 'transfer', 'server', 'cli', 'daemon-events', 'daemon', 'web'],
    );
  });

  it('protocol: small messages decoded and encoded, search replies decoded, ratio to the hand-written reader', () => {
    const ratio = (workload: string, value: number, met: boolean): Figure => ({
      what: `decode ratio to a hand-written reader, ${workload}`,
      value,
      unit: '',
      target: { op: '>=', value: 0.5, met },
    });
    assert.deepEqual(figuresOf('protocol'), [
      { what: 'small server messages decoded', value: 1047199, unit: 'msg/s', target: { op: '>=', value: 2000000, met: false } },
      { what: 'small server messages encoded', value: 2150834, unit: 'msg/s' },
      { what: 'search replies (100 results) decoded', value: 13823, unit: 'msg/s' },
      ratio('small server', 0.323, false),
      ratio('search reply', 0.642, true),
      ratio('shares list', 2.167, true),
      ratio('mixed', 0.766, true),
    ]);
  });

  it('inflate: the longest event-loop stall on a search-reply bomb and a large shares reply, against 50 ms', () => {
    assert.deepEqual(figuresOf('inflate'), [
      { what: 'longest event-loop stall, search-reply bomb', value: 8, unit: 'ms', target: { op: '<', value: 50, met: true } },
      { what: 'longest event-loop stall, large shares reply', value: 30.8, unit: 'ms', target: { op: '<', value: 50, met: true } },
    ]);
  });

  it('shares: scan and rescan files/s, query p50 and p99 with the p99 target', () => {
    assert.deepEqual(figuresOf('shares'), [
      { what: 'scan (2,000 files)', value: 5839.371917857238, unit: 'files/s' },
      { what: 'rescan, unchanged', value: 37782.30346802818, unit: 'files/s' },
      { what: 'query p50, 200,000-path index', value: 0.06500400000004447, unit: 'ms' },
      { what: 'query p99, 200,000-path index', value: 1.2131129999997938, unit: 'ms', target: { op: '<', value: 5, met: true } },
    ]);
  });

  it('transfer: ours and the plain socket pair in MB/s, and their ratio against the 0.9 aim', () => {
    assert.deepEqual(figuresOf('transfer'), [
      { what: 'download of 128 MiB, slsk-ts', value: 415, unit: 'MB/s' },
      { what: 'same bytes, plain socket pair', value: 477, unit: 'MB/s' },
      { what: 'ratio slsk-ts ÷ plain', value: 0.87, unit: '', target: { op: '>=', value: 0.9, met: false } },
    ]);
  });

  it('cli: the baseline, and the slowest start from source and from dist in ms and × node -e 0, against the targets', () => {
    assert.deepEqual(figuresOf('cli'), [
      { what: 'node -e 0 (the baseline)', value: 29.9, unit: 'ms' },
      { what: 'slowest start from source (slsk search --help)', value: 43.4, unit: 'ms', target: { op: '<', value: 300, met: true } },
      { what: 'the same, × node -e 0', value: 1.45, unit: '', target: { op: '<', value: 3, met: true } },
      { what: 'slowest start from dist (slsk --help)', value: 46.6, unit: 'ms', target: { op: '<', value: 300, met: true } },
      { what: 'the same, × node -e 0', value: 1.56, unit: '', target: { op: '<', value: 3, met: true } },
    ]);
  });

  it('daemon-events: the lag to the last client against 1 s, the p99 lag, the daemon heap growth; no notes when nothing went wrong', () => {
    const result = toResult(bench('daemon-events'), finished(recorded('daemon-events')));
    assert.deepEqual(result.figures, [
      { what: 'lag to the last of 10 clients, 10,000 results', value: 76.2, unit: 'ms', target: { op: '<', value: 1000, met: true } },
      { what: 'lag p99, every event at every client', value: 67.6, unit: 'ms' },
      { what: 'daemon heap growth at peak', value: 6.2, unit: 'MiB' },
    ]);
    assert.deepEqual(result.notes, []);
  });

  it('daemon: online time and RSS from a warm index, CPU with 100 uploads, transfer reads p99, SSE lag, each against its target', () => {
    const target = (value: number, met: boolean): Figure['target'] => ({ op: '<', value, met });
    assert.deepEqual(figuresOf('daemon'), [
      { what: 'daemon online, 20,000 shared files, warm index', value: 703, unit: 'ms', target: target(3000, true) },
      { what: 'daemon RSS then', value: 109, unit: 'MB', target: target(200, true) },
      { what: 'daemon RSS once settled after its start-up rescan', value: 111.9, unit: 'MB' },
      { what: 'daemon CPU, 100 uploads in progress', value: 3.33, unit: '% of a core', target: target(5, true) },
      { what: 'transfer state read p99, 10,000 transfers', value: 0.099, unit: 'ms', target: target(5, true) },
      { what: 'transfer totals of every group p99', value: 7.478, unit: 'ms', target: target(5, false) },
      { what: "one user's transfers p99", value: 1.577, unit: 'ms', target: target(5, true) },
      { what: 'a page of 1,000 transfers p99', value: 17.242, unit: 'ms', target: target(5, false) },
      { what: 'SSE lag to the last of 10 clients, 10,000 results', value: 1000.9, unit: 'ms', target: target(1000, false) },
    ]);
    const missed = JSON.parse(recorded('daemon'));
    missed.events.complete = false;
    assert.deepEqual(toResult(bench('daemon'), finished(JSON.stringify(missed))).notes, ['problem: an SSE client did not get every event']);
  });

  it('web: search box readiness, frame time p95 and longest task for streamed results and updating transfers, each against its target', () => {
    const target = (value: number, met: boolean): Figure['target'] => ({ op: '<', value, met });
    assert.deepEqual(figuresOf('web'), [
      { what: 'web UI: the search box takes input after navigation', value: 108, unit: 'ms', target: target(1000, true) },
      { what: 'frame time p95, 10,000 results streaming in', value: 16.7, unit: 'ms', target: target(50, true) },
      { what: 'longest task meanwhile', value: 0, unit: 'ms', target: target(200, true) },
      { what: 'frame time p95, 2,000 transfers updating 4×/s', value: 16.7, unit: 'ms', target: target(50, true) },
      { what: 'longest task meanwhile', value: 0, unit: 'ms', target: target(200, true) },
    ]);
  });

  it('daemon-events: a client that missed events or was told to resync is a problem note', () => {
    const output = { ...JSON.parse(recorded('daemon-events')), complete: false, resyncs: 3 };
    assert.deepEqual(toResult(bench('daemon-events'), finished(JSON.stringify(output))).notes, [
      'problem: a client did not get every event',
      'problem: 3 resync events (a client fell behind by more than its queue)',
    ]);
  });

  it('server: sessions, logins/s, idle memory, room deliveries/s, search fan-out, and its own notes', () => {
    const result = toResult(bench('server'), finished(recorded('server')));
    assert.deepEqual(result.figures, [
      { what: 'sessions', value: 2000, unit: '' },
      { what: 'logins, new accounts', value: 875.8810378970027, unit: 'logins/s' },
      { what: 'logins, returning (cached password)', value: 2546.1784989969296, unit: 'logins/s' },
      { what: 'idle memory per 1,000 sessions (RSS)', value: 25.23136, unit: 'MB' },
      { what: 'server RSS at 20,000 sessions, extrapolated', value: 611.221504, unit: 'MB', target: { op: '<', value: 1500, met: true } },
      { what: 'room-message deliveries, interactive (rooms of 50)', value: 194365, unit: 'deliveries/s' },
      { what: 'search fan-out p50 (1,999 recipients)', value: 27.40309700020589, unit: 'ms' },
      { what: 'search fan-out p99', value: 35.934533999999985, unit: 'ms' },
    ]);
    assert.equal(result.notes.length, 2);
    assert.match(result.notes[0]!, /^memory: with only 2,000 sessions/);
  });

  it('server: problems it reports come first among the notes', () => {
    const output = { ...JSON.parse(recorded('server')), problems: ['12 sessions were closed by the server during the run'], notes: [] };
    assert.deepEqual(toResult(bench('server'), finished(JSON.stringify(output))).notes, ['problem: 12 sessions were closed by the server during the run']);
  });
});

describe('a benchmark that did not report its figures is a failure', () => {
  const failed = (outcome: RunOutcome, name = 'shares') => {
    const result = toResult(bench(name), outcome);
    return { ok: result.ok, error: result.error, figures: result.figures, stderrTail: result.stderrTail };
  };
  const base = { exitCode: 0, signal: null, stdout: '', stderrTail: ['Error: boom', '    at main'], seconds: 2 } satisfies RunOutcome;
  const failure = (error: string) => ({ ok: false, error, figures: [], stderrTail: ['Error: boom', '    at main'] });

  it('a non-zero exit code, even with JSON printed', () => {
    assert.deepEqual(failed({ ...base, exitCode: 1, stdout: recorded('shares') }), failure('exit code 1'));
  });
  it('killed by a signal', () => {
    assert.deepEqual(failed({ ...base, exitCode: null, signal: 'SIGKILL' }), failure('killed by SIGKILL'));
  });
  it('stopped at the time limit, or interrupted', () => {
    assert.deepEqual(failed({ ...base, exitCode: null, signal: 'SIGTERM', stopped: 'timeout' }), failure('stopped: it ran past the time limit (--timeout)'));
    assert.deepEqual(failed({ ...base, exitCode: null, signal: 'SIGTERM', stopped: 'aborted' }), failure('stopped: interrupted'));
  });
  it('could not be started', () => {
    assert.deepEqual(failed({ ...base, exitCode: null, spawnError: 'spawn ENOENT' }), failure('could not start: spawn ENOENT'));
  });
  it('exit code 0 but no JSON', () => {
    assert.deepEqual(failed({ ...base, stdout: 'scanned 2,000 files\n' }), failure('it printed no JSON result'));
  });
  it('JSON without a figure the summary needs, or with one of the wrong type', () => {
    const shares = JSON.parse(recorded('shares'));
    delete shares.search.p99Ms;
    assert.deepEqual(failed({ ...base, stdout: JSON.stringify(shares) }), failure('unexpected output: no search.p99Ms in the output'));
    const server = { ...JSON.parse(recorded('server')), sessions: 'many' };
    assert.deepEqual(failed({ ...base, stdout: JSON.stringify(server) }, 'server'), failure('unexpected output: sessions is not a number: "many"'));
    const protocol = JSON.parse(recorded('protocol'));
    protocol.targets.smallDecodePerSec.met = null;
    assert.deepEqual(failed({ ...base, stdout: JSON.stringify(protocol) }, 'protocol'), failure('unexpected output: targets.smallDecodePerSec.met is not true or false: null'));
  });
  it('reads the JSON on the last line when something was printed before it', () => {
    const result = toResult(bench('transfer'), finished(`warming up\n${recorded('transfer')}`));
    assert.equal(result.ok, true);
    assert.equal(result.figures.length, 3);
  });
});

describe('the summary table', () => {
  const all = (): Summary =>
    summarize(
      BENCHMARKS.map((b, i) => toResult(b, finished(recorded(b.name), 1.25 * (i + 1)))),
      true,
      12.345,
    );

  it('one row per headline figure with value, target and verdict, then the total time and the benchmarks’ notes', () => {
    const summary = all();
    assert.equal(summary.ok, true);
    assert.equal(summary.seconds, 12.3);
    assert.equal(
      formatSummary(summary),
      [
        'benchmark summary (quick run)',
        '',
        'benchmark      figure                                               value                 target',
        '-------------  ---------------------------------------------------  --------------------  -----------------  -------',
        'protocol       small server messages decoded                        1,047,199 msg/s       ≥ 2,000,000 msg/s  NOT MET',
        'protocol       small server messages encoded                        2,150,834 msg/s',
        'protocol       search replies (100 results) decoded                 13,823 msg/s',
        'protocol       decode ratio to a hand-written reader, small server  0.323                 ≥ 0.5              NOT MET',
        'protocol       decode ratio to a hand-written reader, search reply  0.642                 ≥ 0.5              met',
        'protocol       decode ratio to a hand-written reader, shares list   2.17                  ≥ 0.5              met',
        'protocol       decode ratio to a hand-written reader, mixed         0.766                 ≥ 0.5              met',
        'inflate        longest event-loop stall, search-reply bomb          8 ms                  < 50 ms            met',
        'inflate        longest event-loop stall, large shares reply         30.8 ms               < 50 ms            met',
        'shares         scan (2,000 files)                                   5,839 files/s',
        'shares         rescan, unchanged                                    37,782 files/s',
        'shares         query p50, 200,000-path index                        0.065 ms',
        'shares         query p99, 200,000-path index                        1.21 ms               < 5 ms             met',
        'transfer       download of 128 MiB, slsk-ts                         415 MB/s',
        'transfer       same bytes, plain socket pair                        477 MB/s',
        'transfer       ratio slsk-ts ÷ plain                                0.87                  ≥ 0.9              NOT MET',
        'server         sessions                                             2,000',
        'server         logins, new accounts                                 876 logins/s',
        'server         logins, returning (cached password)                  2,546 logins/s',
        'server         idle memory per 1,000 sessions (RSS)                 25.2 MB',
        'server         server RSS at 20,000 sessions, extrapolated          611 MB                < 1,500 MB         met',
        'server         room-message deliveries, interactive (rooms of 50)   194,365 deliveries/s',
        'server         search fan-out p50 (1,999 recipients)                27.4 ms',
        'server         search fan-out p99                                   35.9 ms',
        'cli            node -e 0 (the baseline)                             29.9 ms',
        'cli            slowest start from source (slsk search --help)       43.4 ms               < 300 ms           met',
        'cli            the same, × node -e 0                                1.45                  < 3                met',
        'cli            slowest start from dist (slsk --help)                46.6 ms               < 300 ms           met',
        'cli            the same, × node -e 0                                1.56                  < 3                met',
        'daemon-events  lag to the last of 10 clients, 10,000 results        76.2 ms               < 1,000 ms         met',
        'daemon-events  lag p99, every event at every client                 67.6 ms',
        'daemon-events  daemon heap growth at peak                           6.2 MiB',
        'daemon         daemon online, 20,000 shared files, warm index       703 ms                < 3,000 ms         met',
        'daemon         daemon RSS then                                      109 MB                < 200 MB           met',
        'daemon         daemon RSS once settled after its start-up rescan    112 MB',
        'daemon         daemon CPU, 100 uploads in progress                  3.33 % of a core      < 5 % of a core    met',
        'daemon         transfer state read p99, 10,000 transfers            0.099 ms              < 5 ms             met',
        'daemon         transfer totals of every group p99                   7.48 ms               < 5 ms             NOT MET',
        "daemon         one user's transfers p99                             1.58 ms               < 5 ms             met",
        'daemon         a page of 1,000 transfers p99                        17.2 ms               < 5 ms             NOT MET',
        'daemon         SSE lag to the last of 10 clients, 10,000 results    1,001 ms              < 1,000 ms         NOT MET',
        'web            web UI: the search box takes input after navigation  108 ms                < 1,000 ms         met',
        'web            frame time p95, 10,000 results streaming in          16.7 ms               < 50 ms            met',
        'web            longest task meanwhile                               0 ms                  < 200 ms           met',
        'web            frame time p95, 2,000 transfers updating 4×/s        16.7 ms               < 50 ms            met',
        'web            longest task meanwhile                               0 ms                  < 200 ms           met',
        '-------------  ---------------------------------------------------  --------------------  -----------------  -------',
        'total 12.3 s (protocol 1.3 s, inflate 2.5 s, shares 3.8 s, transfer 5.0 s, server 6.3 s, cli 7.5 s, daemon-events 8.8 s, daemon 10.0 s, web 11.3 s)',
        '',
        'server notes:',
        "  memory: with only 2,000 sessions the per-1,000 figures still carry fixed costs (the scrypt threads' malloc arenas, code compiled during the run); the default run (20,000) gives the representative figure.",
        '  chat: the highest offered rate (4,000 msg/s) was still delivered in full; capacity is higher.',
        '',
        'cli notes:',
        '  median of 7 runs each, load average 3.19',
        '',
      ].join('\n'),
    );
  });

  it('a failed benchmark is one FAILED row, and the end of its stderr follows the table', () => {
    const protocol = toResult(bench('protocol'), finished(recorded('protocol'), 4.96));
    const transfer = toResult(bench('transfer'), { exitCode: 1, signal: null, stdout: '', stderrTail: ['Error: listen EADDRINUSE', '    at main (bench/transfer.ts:130:5)'], seconds: 0.84 });
    const shares = toResult(bench('shares'), { exitCode: 1, signal: null, stdout: '', stderrTail: [], seconds: 0.5 });
    const summary = summarize([protocol, transfer, shares], false, 6.3);
    assert.equal(summary.ok, false);
    const text = formatSummary(summary).split('\n');
    assert.equal(text[0], 'benchmark summary');
    assert.deepEqual(text.slice(11), [
      'transfer   FAILED after 0.8 s: exit code 1',
      'shares     FAILED after 0.5 s: exit code 1',
      '---------  ---------------------------------------------------  ---------------  -----------------  -------',
      'total 6.3 s (protocol 5.0 s, transfer 0.8 s, shares 0.5 s)',
      '',
      'transfer failed: exit code 1; the end of its stderr:',
      '  Error: listen EADDRINUSE',
      '      at main (bench/transfer.ts:130:5)',
      '',
      'shares failed: exit code 1; it wrote nothing to stderr',
      '',
    ]);
  });
});

describe('running a benchmark as a child process', () => {
  it('a failing one: its exit code and the last 20 lines of its stderr, without progress redraws', async () => {
    const outcome = await runBenchmark(fixture('fails.ts'), { quick: true, timeoutMs: 30_000 });
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.signal, null);
    assert.equal(outcome.stopped, undefined);
    assert.equal(outcome.stdout, '{"partial":');
    assert.deepEqual(
      outcome.stderrTail,
      Array.from({ length: 20 }, (_, i) => `line ${i + 11}`),
    );
    const result = toResult({ name: 'fails', script: fixture('fails.ts'), headlines: () => assert.fail('no figures from a failed run') }, outcome);
    assert.equal(result.error, 'exit code 3');
  });

  it('one that runs past the time limit is stopped with SIGTERM', async () => {
    const outcome = await runBenchmark(fixture('hangs.ts'), { quick: false, timeoutMs: 500 });
    assert.equal(outcome.stopped, 'timeout');
    assert.equal(outcome.signal, 'SIGTERM');
    assert.deepEqual(outcome.stderrTail.slice(-1), ['started']);
  });

  it('one that is interrupted is stopped with SIGTERM', async () => {
    const interrupt = new AbortController();
    const running = runBenchmark(fixture('hangs.ts'), { quick: false, timeoutMs: 30_000, signal: interrupt.signal });
    interrupt.abort();
    const outcome = await running;
    assert.equal(outcome.stopped, 'aborted');
    assert.equal(outcome.signal, 'SIGTERM');
  });
});

describe('bench/all.ts', () => {
  const runAll = (args: string[]) => runProcess(process.execPath, ['--conditions=slsk-ts-source', allScript, ...args], { timeoutMs: 120_000 });

  it('refuses an unknown benchmark name and an unknown option', async () => {
    const unknownName = await runAll(['--only=protocol,nope']);
    assertExit(unknownName, 2);
    assert.equal(unknownName.stdout, '');
    assert.match(unknownName.stderr, /^no benchmark named nope; there are protocol, inflate, shares, transfer, server, cli, daemon-events, daemon, web\nusage: npm run bench/);
    const unknownOption = await runAll(['--fast']);
    assertExit(unknownOption, 2);
    assert.match(unknownOption.stderr, /Unknown option '--fast'/);
  });

  it('--quick --only=protocol --json: runs the protocol benchmark and prints its headline figures as JSON', async () => {
    const run = await runAll(['--quick', '--only=protocol', '--json']);
    assertExit(run, 0);
    assert.match(run.stderr, /^\[1\/1\] protocol \.\.\. done, \d+\.\d s\n$/);
    const summary = JSON.parse(run.stdout) as Summary;
    assert.equal(summary.quick, true);
    assert.equal(summary.ok, true);
    assert.equal(summary.benchmarks.length, 1);
    const [protocol] = summary.benchmarks;
    assert.equal(protocol!.name, 'protocol');
    assert.equal(protocol!.ok, true);
    assert.deepEqual(
      protocol!.figures.map((f) => [f.what, f.unit, f.target?.op, f.target?.value]),
      figuresOf('protocol').map((f) => [f.what, f.unit, f.target?.op, f.target?.value]),
    );
    for (const f of protocol!.figures) assert.ok(f.value > 0, `${f.what}: ${f.value}`);
    assert.ok(summary.seconds >= protocol!.seconds);
  });
});
