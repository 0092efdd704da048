// Script hooks: the configured argv is spawned as it is (shell: false, always), the event's JSON is
// written to its standard input, and its environment gains only SLSK_EVENT=<type>. No event data
// ever reaches argv or env, so nothing a peer sends (a private message, a file name) can become a
// command. A script past its timeout gets SIGTERM, then SIGKILL after a grace period.

import { spawn } from 'node:child_process';
import type { DaemonConfig } from '../config/schema.ts';
import type { Deliver, HookCounters, HookDelivery, HookLogger } from './lane.ts';

export type ScriptConfig = DaemonConfig['scripts'][number];

/** How a script shows in logs and stats: its program, not its arguments (they may hold secrets). */
export const scriptName = (config: ScriptConfig, index: number): string => `script[${index}] ${config.command[0] ?? ''}`;

/** Keeps only the last `limit` bytes of a stream: a chatty script cannot fill the daemon's memory. */
class Tail {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size > this.#limit * 2) this.#compact();
  }

  text(): string {
    this.#compact();
    return this.#chunks[0]?.toString('utf8') ?? '';
  }

  #compact(): void {
    const all = Buffer.concat(this.#chunks);
    const kept = all.subarray(Math.max(0, all.length - this.#limit));
    this.#chunks = [kept];
    this.#size = kept.length;
  }
}

export interface ScriptDeliveryOptions {
  readonly config: ScriptConfig;
  readonly name: string;
  /** SIGTERM → SIGKILL wait. */
  readonly killGraceMs: number;
  /** Bytes of stdout and of stderr kept for the log. */
  readonly tailBytes: number;
  /** The environment scripts inherit (SLSK_EVENT is added). */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: HookLogger;
}

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly spawnError?: Error | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export function scriptDelivery(options: ScriptDeliveryOptions): Deliver {
  const { name, logger, config } = options;
  return async (delivery: HookDelivery, counters: HookCounters, signal: AbortSignal): Promise<void> => {
    const result = await run(options, delivery, signal);
    const fields = { hook: name, event: delivery.type, code: result.code, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
    if (result.spawnError) {
      counters.failed++;
      logger.error({ ...fields, err: result.spawnError }, `hook ${name} could not start (${result.spawnError.message}); check that command[0] is an executable path`);
    } else if (result.timedOut) {
      counters.failed++;
      logger.warn(fields, `hook ${name} ran past ${config.timeoutMs} ms on ${delivery.type} and was killed; make it faster or raise timeoutMs`);
    } else if (result.code !== 0) {
      counters.failed++;
      const how = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with ${result.code}`;
      logger.warn(fields, `hook ${name} ${how} on ${delivery.type}; see its stderr: ${result.stderr.trim() || '(empty)'}`);
    } else {
      counters.delivered++;
      logger.debug(fields, `hook ${name} ran on ${delivery.type}`);
    }
  };
}

function run(options: ScriptDeliveryOptions, delivery: HookDelivery, stop: AbortSignal): Promise<RunResult> {
  const { config, killGraceMs, tailBytes, env } = options;
  const [program, ...args] = config.command;
  return new Promise((resolve) => {
    const stdout = new Tail(tailBytes);
    const stderr = new Tail(tailBytes);
    const timers: NodeJS.Timeout[] = [];
    let timedOut = false;
    let spawnError: Error | undefined;
    let settled = false;

    const child = spawn(program ?? '', args, { shell: false, stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, SLSK_EVENT: delivery.type } });

    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), killGraceMs).unref());
    };
    const onStop = (): void => kill();
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      resolve({ code, signal, timedOut, spawnError, stdout: stdout.text(), stderr: stderr.text() });
    };

    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    // A script that never reads its input, or exits early, closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      spawnError = error;
      finish(null, null);
    });
    child.on('exit', () => {
      // A grandchild may hold the output pipes open: stop waiting for them after the grace period.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(child.exitCode, child.signalCode);
        }, killGraceMs).unref(),
      );
    });
    child.on('close', (code, signal) => finish(code, signal));

    timers.push(
      setTimeout(() => {
        timedOut = true;
        kill();
      }, config.timeoutMs).unref(),
    );
    if (stop.aborted) kill();
    else stop.addEventListener('abort', onStop, { once: true });

    child.stdin.end(delivery.body);
  });
}
