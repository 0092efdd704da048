// `slsk` as a live child process for the client-command tests: its output is read while it runs
// (wait for a line that matches, with a time limit, never a fixed sleep), stdin stays open to write
// to, and the environment is a clean one — no SLSK_* variables and a HOME of its own — so the
// user's real settings never leak into a test.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessResult } from './run-process.ts';
import { slskBin } from './run-process.ts';

export const WAIT_MS = 10_000;

const homes: string[] = [];

/** An empty home folder: no ~/.config/slsk/client.json unless a test writes one. */
export function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'slsk-cli-home-'));
  homes.push(home);
  return home;
}

export function removeHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

/** process.env without anything that would point slsk at real settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('SLSK_') || key === 'XDG_CONFIG_HOME' || key === 'HOME') continue;
    env[key] = value;
  }
  return { ...env, HOME: emptyHome(), NO_COLOR: '1', ...extra };
}

export class SlskChild {
  readonly process: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  /** Resolves when the process has exited and its output is complete. */
  readonly exited: Promise<ProcessResult>;
  private readonly listeners = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000) {
    this.process = spawn(process.execPath, [slskBin, ...args], { env, timeout: timeoutMs, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.changed();
    });
    this.process.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.changed();
    });
    this.process.stdin.on('error', () => {});
    this.exited = new Promise((resolve, reject) => {
      this.process.on('error', reject);
      this.process.on('close', (code, signal) => {
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
        this.changed();
      });
    });
  }

  /** Resolves with the match once `pattern` appears in stdout (or stderr); rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this[stream].match(pattern);
        if (match !== null) {
          finish();
          resolve(match);
          return true;
        }
        if (this.process.exitCode !== null || this.process.signalCode !== null) {
          finish();
          reject(new Error(`slsk exited before ${stream} matched ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${stream} to match ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  write(text: string): void {
    this.process.stdin.write(text);
  }

  endInput(): void {
    this.process.stdin.end();
  }

  /** Kills the process if it still runs (cleanup after a failed test). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
