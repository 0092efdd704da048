// Shared by the server benchmark's processes (bench/server.ts, bench/server-host.ts,
// bench/server-load.ts): the request/reply protocol over Node's IPC channel, the shared clock,
// percentiles, and reading the file-descriptor limit.

import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Milliseconds on CLOCK_MONOTONIC. On Linux every process reads the same clock, so a timestamp
 * taken in one process (the searcher's) can be subtracted from one taken in another (a recipient's).
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at start-up), or undefined off Linux. */
export function fdLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined) return undefined;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return undefined;
  }
}

export function hardFdLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const hard = line?.split(/\s{2,}/)[2];
    if (hard === undefined) return undefined;
    return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
  } catch {
    return undefined;
  }
}

export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

/** Percentile (0–100) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  out.sort();
  return out;
}

/** Uniform sample of at most `capacity` values (Algorithm R), so huge streams stay cheap to keep and ship. */
export class Reservoir {
  readonly values: Float64Array;
  length = 0;
  seen = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }
  add(value: number): void {
    this.seen++;
    if (this.length < this.values.length) {
      this.values[this.length++] = value;
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.values.length) this.values[slot] = value;
  }
  take(): Float64Array {
    const out = this.values.slice(0, this.length);
    this.length = 0;
    this.seen = 0;
    return out;
  }
}

// ---- request/reply over the IPC channel ------------------------------------------------------------

export interface RpcRequest {
  rpc: number;
  cmd: string;
  args: unknown;
}
export interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
export interface RpcEvent {
  event: string;
  data: unknown;
}

type Handler = (args: never) => unknown;

/** Child side: answers requests with the named handler; `emit` sends unsolicited events. */
export function serveRpc(handlers: Record<string, Handler>): { emit(event: string, data: unknown): void } {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this script is started by bench/server.ts (it needs an IPC channel)');
  process.on('message', (raw: unknown) => {
    const request = raw as RpcRequest;
    if (typeof request?.rpc !== 'number') return;
    const handler = handlers[request.cmd];
    if (handler === undefined) {
      send({ rpc: request.rpc, ok: false, error: `unknown command ${request.cmd}` } satisfies RpcReply);
      return;
    }
    Promise.resolve()
      .then(() => handler(request.args as never))
      .then(
        (result) => send({ rpc: request.rpc, ok: true, result } satisfies RpcReply),
        (error: unknown) =>
          send({ rpc: request.rpc, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RpcReply),
      );
  });
  // The orchestrator vanished: nothing left to do.
  process.on('disconnect', () => process.exit(0));
  return { emit: (event, data) => send({ event, data } satisfies RpcEvent) };
}

/** Parent side of serveRpc. */
export class RpcClient {
  readonly child: ChildProcess;
  readonly name: string;
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Map<string, ((data: unknown) => void)[]>();

  constructor(child: ChildProcess, name: string) {
    this.child = child;
    this.name = name;
    child.on('message', (raw: unknown) => {
      const m = raw as Partial<RpcReply & RpcEvent>;
      if (typeof m.rpc === 'number') {
        const p = this.pending.get(m.rpc);
        if (p === undefined) return;
        this.pending.delete(m.rpc);
        clearTimeout(p.timer);
        if (m.ok === true) p.resolve(m.result);
        else p.reject(new Error(`${name}: ${m.error ?? 'failed'}`));
      } else if (typeof m.event === 'string') {
        for (const listener of this.listeners.get(m.event) ?? []) listener(m.data);
      }
    });
    child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before answering`));
      }
      this.pending.clear();
    });
  }

  call<T>(cmd: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const rpc = this.next++;
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: ${cmd} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ rpc, cmd, args } satisfies RpcRequest);
    });
  }

  on(event: string, listener: (data: unknown) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }
}

// ---- what the host and the load generators answer --------------------------------------------------

export interface HostReady {
  port: number;
  pid: number;
  fdLimit: number | undefined;
  hardFdLimit: number | undefined;
  fds: number;
}

export interface HostStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  online: number;
  rooms: number;
  /** Open file descriptors; -1 unless asked for (reading /proc/self/fd with 20,000 entries is not free). */
  fds: number;
  /** Cumulative CPU time of the host process (all threads), µs. */
  cpuUs: number;
  /** Cumulative time the main thread's event loop was busy, ms. */
  eluActiveMs: number;
  at: number;
}

export interface ProfileSummary {
  samples: number;
  idlePercent: number;
  gcPercent: number;
  /** Busiest functions by self time, in % of non-idle samples. */
  self: { fn: string; percent: number }[];
  /** Server functions (src/) by inclusive time, in % of non-idle samples. */
  inclusive: { fn: string; percent: number }[];
}

export interface LoadStats {
  cpuUs: number;
  eluActiveMs: number;
  online: number;
  at: number;
}
