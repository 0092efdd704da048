// `slsk daemon` as a child process of `npm run bench:daemon`, so its memory and CPU time are its own:
// the config file, the start, its JSON lines, and its resident memory and CPU time read from /proc
// (Linux; elsewhere those figures are missing, not wrong).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SLSK = fileURLToPath(new URL('../bin/slsk.js', import.meta.url));
const DIST_MAIN = new URL('../dist/cli/main.js', import.meta.url);
const STOP_GRACE_MS = 15_000;

export interface DaemonProcessOptions {
  serverPort: number;
  username: string;
  password: string;
  /** The data folder (kept: it holds the shares index a warm start opens). */
  data: string;
  /** Shared folders. */
  shares: readonly string[];
  /** More settings, by path: { 'transfers.uploadSlots': 100 }. */
  settings?: Record<string, string | number | boolean>;
  /** Run the compiled build (dist/, as an installed package does) instead of the TypeScript source. */
  dist?: boolean;
}

/** The arguments that run `slsk …args`: bin/slsk.js (the source in a checkout), or dist/ directly. */
function slskArgs(args: string[], dist: boolean): string[] {
  if (!dist) return [SLSK, ...args];
  if (!existsSync(DIST_MAIN)) throw new Error(`${fileURLToPath(DIST_MAIN)} is missing: run 'npm run build' first`);
  const script = `const { main } = await import(${JSON.stringify(DIST_MAIN.href)}); process.exit(await main(process.argv.slice(1)));`;
  return ['--input-type=module', '-e', script, ...args];
}

/** The YAML config: the account, the data folder, the shares, the API on a free port, no rescans but the one at start. */
function configYaml(options: DaemonProcessOptions): string {
  const groups = new Map<string, string[]>();
  const set = (path: string, value: string | number | boolean): void => {
    const [group, name] = path.split('.') as [string, string];
    groups.set(group, [...(groups.get(group) ?? []), `  ${name}: ${JSON.stringify(value)}`]);
  };
  set('soulseek.server', `127.0.0.1:${options.serverPort}`);
  set('soulseek.username', options.username);
  set('soulseek.password', options.password);
  set('soulseek.listenPort', 0);
  set('data.folder', options.data);
  set('http.port', 0);
  set('shares.rescanIntervalMinutes', 0);
  for (const [path, value] of Object.entries(options.settings ?? {})) set(path, value);
  const lines: string[] = [];
  // (The shares group always exists: rescanIntervalMinutes is set above.)
  for (const [group, entries] of groups) {
    lines.push(`${group}:`, ...entries);
    if (group === 'shares') lines.push('  folders:', ...options.shares.map((path) => `    - path: ${JSON.stringify(path)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A running `slsk daemon --json`: its lines as they come, waited for with a deadline. */
export class DaemonProcess {
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  readonly #home: string;
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(options: DaemonProcessOptions) {
    mkdirSync(options.data, { recursive: true });
    const configFile = join(options.data, 'bench-daemon.yaml');
    writeFileSync(configFile, configYaml(options));
    this.#home = mkdtempSync(join(tmpdir(), 'slsk-bench-home-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: this.#home, NO_COLOR: '1' };
    // To look inside: BENCH_DAEMON_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:daemon
    const nodeOptions = process.env['BENCH_DAEMON_NODE_OPTIONS'];
    if (nodeOptions !== undefined && nodeOptions !== '') env['NODE_OPTIONS'] = nodeOptions;
    this.spawnedAt = performance.now();
    this.child = spawn(process.execPath, slskArgs(['daemon', '--config', configFile, '--json'], options.dist ?? false), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const part of parts) if (part !== '') this.lines.push(JSON.parse(part) as Record<string, unknown>);
      this.#changed();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        rmSync(this.#home, { recursive: true, force: true });
        resolve(code);
        this.#changed();
      });
    });
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** The first line for which `match` holds; rejects after `timeoutMs` or if the daemon exits first. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = this.lines.find(match);
        if (line !== undefined) return finish(() => resolve(line));
        if (this.child.exitCode !== null || this.child.signalCode !== null) finish(() => reject(new Error(`the daemon exited before ${what}\n${this.stderr}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs / 1000} s\n${this.stderr}`))), timeoutMs);
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        then();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** The API's URL, from the `started` line. */
  async url(timeoutMs: number): Promise<string> {
    return String((await this.waitForLine((l) => l['event'] === 'started', 'started line', timeoutMs))['url']);
  }

  /** Resident memory now and at its peak, in MB (undefined off Linux). */
  memory(): { rssMB: number; peakRssMB: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? NaN);
      return { rssMB: kb('VmRSS:') / 1024, peakRssMB: kb('VmHWM:') / 1024 };
    } catch {
      return undefined;
    }
  }

  /** CPU time used so far, in seconds, in user and kernel mode (undefined off Linux). */
  cpuTimes(): { user: number; system: number } | undefined {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
    } catch {
      return undefined;
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** USER_HZ: 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;
