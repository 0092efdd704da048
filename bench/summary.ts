// The summary of an `npm run bench` run: each benchmark's outcome turned into its headline figures
// (or the reason it failed), printed as one table or as JSON.

import { BenchOutputError, type Benchmark, type Figure } from './headlines.ts';
import type { RunOutcome } from './run-benchmark.ts';

export interface BenchmarkResult {
  name: string;
  ok: boolean;
  seconds: number;
  figures: Figure[];
  notes: string[];
  /** Why it failed. */
  error?: string;
  /** The end of its stderr, when it failed. */
  stderrTail?: string[];
}

export interface Summary {
  quick: boolean;
  /** Every benchmark ran and reported its figures (targets not met do not make a run fail). */
  ok: boolean;
  seconds: number;
  benchmarks: BenchmarkResult[];
}

export function toResult(bench: Benchmark, outcome: RunOutcome): BenchmarkResult {
  const seconds = round(outcome.seconds, 1);
  const failed = (error: string): BenchmarkResult => ({ name: bench.name, ok: false, seconds, figures: [], notes: [], error, stderrTail: outcome.stderrTail });
  if (outcome.spawnError !== undefined) return failed(`could not start: ${outcome.spawnError}`);
  if (outcome.stopped === 'timeout') return failed('stopped: it ran past the time limit (--timeout)');
  if (outcome.stopped === 'aborted') return failed('stopped: interrupted');
  if (outcome.exitCode !== 0) return failed(outcome.signal !== null ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`);
  const output = parseOutput(outcome.stdout);
  if (output === undefined) return failed('it printed no JSON result');
  try {
    return { name: bench.name, ok: true, seconds, ...bench.headlines(output) };
  } catch (error) {
    if (error instanceof BenchOutputError) return failed(`unexpected output: ${error.message}`);
    throw error;
  }
}

/** The whole of stdout as JSON, or else its last line (a benchmark may print something before it). */
function parseOutput(stdout: string): unknown {
  for (const text of [stdout, stdout.trimEnd().split('\n').at(-1) ?? '']) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

export function summarize(results: BenchmarkResult[], quick: boolean, seconds: number): Summary {
  return { quick, ok: results.every((r) => r.ok), seconds: round(seconds, 1), benchmarks: results };
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

/** Whole numbers from 100 up, grouped; smaller ones to three significant digits. */
export function formatNumber(n: number): string {
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return String(Number(n.toPrecision(3)));
}

const withUnit = (n: number, unit: string): string => (unit === '' ? formatNumber(n) : `${formatNumber(n)} ${unit}`);
const OPS = { '>=': '≥', '<': '<' } as const;

export function formatSummary(summary: Summary): string {
  const header = ['benchmark', 'figure', 'value', 'target', ''];
  const rows: string[][] = [];
  for (const b of summary.benchmarks) {
    if (!b.ok) {
      rows.push([b.name, `FAILED after ${b.seconds.toFixed(1)} s: ${b.error ?? 'unknown'}`]);
      continue;
    }
    for (const f of b.figures) {
      const target = f.target === undefined ? '' : `${OPS[f.target.op]} ${withUnit(f.target.value, f.unit)}`;
      const met = f.target === undefined ? '' : f.target.met ? 'met' : 'NOT MET';
      rows.push([b.name, f.what, withUnit(f.value, f.unit), target, met]);
    }
  }
  // A failure message spans the columns after the name, so it does not widen the figure column.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length === header.length).map((r) => r[i]!.length)));
  widths[0] = Math.max(widths[0]!, ...rows.map((r) => r[0]!.length));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ').trimEnd();

  const out = [`benchmark summary${summary.quick ? ' (quick run)' : ''}`, '', line(header), rule, ...rows.map(line), rule];
  const times = summary.benchmarks.map((b) => `${b.name} ${b.seconds.toFixed(1)} s`).join(', ');
  out.push(`total ${summary.seconds.toFixed(1)} s (${times})`);
  for (const b of summary.benchmarks) {
    if (b.notes.length > 0) out.push('', `${b.name} notes:`, ...b.notes.map((n) => `  ${n}`));
  }
  for (const b of summary.benchmarks) {
    if (b.ok) continue;
    const stderr = b.stderrTail ?? [];
    out.push('', `${b.name} failed: ${b.error ?? 'unknown'}; ${stderr.length === 0 ? 'it wrote nothing to stderr' : 'the end of its stderr:'}`);
    out.push(...stderr.map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}
