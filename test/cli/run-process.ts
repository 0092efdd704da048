// Runs a real child process to completion and collects what it printed: the CLI tests exercise the
// `slsk` binary exactly as a user's shell would, with no fixed sleeps, only exit and a time limit.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ProcessResult {
  /** Exit code, or null when the process was killed (then `signal` says by what). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is closed right away without it. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** The child is killed after this long, so a hung CLI fails the test instead of stalling it. */
  timeoutMs?: number;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 30_000,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The repo's launcher, which runs the TypeScript source directly. */
export const slskBin = fileURLToPath(new URL('../../bin/slsk.js', import.meta.url));

/**
 * Runs `slsk` with the Node running the tests (the pinned Node 24 under `npm test`). NO_COLOR
 * keeps the output plain even if a test ever runs with a TTY.
 */
export function runSlsk(args: readonly string[], options: Omit<RunOptions, 'env'> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [slskBin, ...args], { ...options, env: { ...process.env, NO_COLOR: '1' } });
}

/** Fails with everything the process printed, which is what one needs to see when it breaks. */
export function assertExit(result: ProcessResult, expected: number): void {
  assert.equal(result.code, expected, `exit ${result.code} (signal ${result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

/** The objects of JSON Lines output, one per non-empty line. */
export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
