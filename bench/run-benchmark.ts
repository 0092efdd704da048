// Runs one benchmark as a child process (`node --conditions=slsk-ts-source <script> --json`) and
// collects its JSON output and the tail of its stderr, within a time limit.

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface RunOptions {
  quick: boolean;
  /** The child gets SIGTERM after this long (then SIGKILL if it ignores it), so one hang cannot stall the rest. */
  timeoutMs: number;
  /** Stops the child early (Ctrl-C on `npm run bench`). */
  signal?: AbortSignal;
}

export interface RunOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why it was stopped before it finished on its own, if it was. */
  stopped?: 'timeout' | 'aborted';
  spawnError?: string;
  stdout: string;
  /** The last STDERR_TAIL_LINES lines it wrote to stderr. */
  stderrTail: string[];
  seconds: number;
}

export const STDERR_TAIL_LINES = 20;
/** The JSON results are a few kB; a runaway child must not fill this process's memory. */
const MAX_STDOUT_CHARS = 16 * 2 ** 20;
const MAX_STDERR_CHARS = 64 * 1024;
const KILL_GRACE_MS = 10_000;

export function runBenchmark(script: string, options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const args = ['--conditions=slsk-ts-source', script, '--json', ...(options.quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped: RunOutcome['stopped'];
    let spawnError: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (why: NonNullable<RunOutcome['stopped']>): void => {
      if (stopped !== undefined || child.exitCode !== null || child.signalCode !== null) return;
      stopped = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = (): void => stop('aborted');
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) onAbort();

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_STDOUT_CHARS) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 2 * MAX_STDERR_CHARS) stderr = stderr.slice(-MAX_STDERR_CHARS);
    });
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const outcome: RunOutcome = {
        exitCode,
        signal,
        stdout,
        stderrTail: tail(stderr, STDERR_TAIL_LINES),
        seconds: (performance.now() - started) / 1000,
      };
      if (stopped !== undefined) outcome.stopped = stopped;
      if (spawnError !== undefined) outcome.spawnError = spawnError;
      resolve(outcome);
    });
  });
}

/** The last `lines` non-empty lines, without the carriage-return progress redraws some benchmarks print. */
export function tail(text: string, lines: number): string[] {
  return text
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1).trimEnd())
    .filter((line) => line !== '')
    .slice(-lines);
}
