// `npm run bench`: runs every benchmark one after another, each in a child process, shows which one
// is running, then prints one summary table of their headline figures (bench/headlines.ts).
//
//   npm run bench [-- --quick] [-- --json] [-- --only=protocol,shares] [-- --timeout=SECONDS]
//   (BENCH_QUICK=1 also selects the quick run; --timeout is per benchmark, 1800 by default)
//
// Exit code 0 when every benchmark reported its figures (a target not met is a figure, not a
// failure), 1 when one failed, 2 for bad options, 130 when interrupted.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BENCHMARKS, type Benchmark } from './headlines.ts';
import { runBenchmark } from './run-benchmark.ts';
import { formatSummary, summarize, toResult, type BenchmarkResult } from './summary.ts';

const USAGE = `usage: npm run bench [-- --quick] [-- --json] [-- --only=${BENCHMARKS.map((b) => b.name).join(',')}] [-- --timeout=SECONDS]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function options(): { quick: boolean; json: boolean; selected: Benchmark[]; timeoutMs: number } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        timeout: { type: 'string', default: '1800' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const names = values.only?.split(',').map((n) => n.trim()).filter((n) => n !== '') ?? BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) fail(`no benchmark named ${unknown.join(', ')}; there are ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  if (names.length === 0) fail('--only names no benchmark');
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) fail(`--timeout must be a number of seconds above 0, not ${values.timeout}`);
  return {
    quick: values.quick || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? ''),
    json: values.json,
    // Table order, whatever order --only lists them in.
    selected: BENCHMARKS.filter((b) => names.includes(b.name)),
    timeoutMs: timeoutS * 1000,
  };
}

/** On a terminal a live line with the elapsed time; otherwise one line per benchmark, finished when it ends. */
function showProgress(label: string): (result: BenchmarkResult) => void {
  const err = process.stderr;
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const verdict = (r: BenchmarkResult): string => (r.ok ? `done, ${r.seconds.toFixed(1)} s` : `FAILED after ${r.seconds.toFixed(1)} s`);
  if (!err.isTTY) {
    err.write(`${label} ... `);
    return (r) => err.write(`${verdict(r)}\n`);
  }
  const draw = (): boolean => err.write(`\r\x1b[2K${label}  running, ${elapsed()}`);
  draw();
  const timer = setInterval(draw, 100);
  return (r) => {
    clearInterval(timer);
    err.write(`\r\x1b[2K${label}  ${verdict(r)}\n`);
  };
}

const { quick, json, selected, timeoutMs } = options();
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());

const started = performance.now();
const results: BenchmarkResult[] = [];
for (const [i, bench] of selected.entries()) {
  if (interrupted.signal.aborted) break;
  const finish = showProgress(`[${i + 1}/${selected.length}] ${bench.name}`);
  const result = toResult(bench, await runBenchmark(bench.script, { quick, timeoutMs, signal: interrupted.signal }));
  finish(result);
  results.push(result);
}
const summary = summarize(results, quick, (performance.now() - started) / 1000);
process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : `\n${formatSummary(summary)}`);
process.exitCode = interrupted.signal.aborted ? 130 : summary.ok ? 0 : 1;
