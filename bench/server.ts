// Server load benchmark: the server runs in one child process (bench/server-host.ts), the sessions
// in one or more load-generator processes (bench/server-load.ts); this orchestrator drives the
// phases, collects the figures and prints them.
//
//   npm run bench:server [-- --quick] [-- --json] [-- --sessions N] [-- --profile]
//
// Phases: logins (new accounts, then returning users), idle memory, rooms and chat (a rising
// message rate until deliveries fall behind), search fan-out latency. Everything is bounded in time.
// Options: --sessions N (20000; --quick: 2000), --generators K (one per 10,000 sessions),
// --concurrency C (logins in flight, 500), --room-size S (50), --searches K (20; --quick: 10),
// --per-address A (sessions per loopback source address, 2000), --profile (per-phase CPU profile
// of the server: top functions), --profile-dir DIR (also write .cpuprofile files there),
// --profile-load-dir DIR (a whole-run .cpuprofile of each load generator),
// --timeout S (whole run), --log-level silent|warn (server log level, warn).

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  RpcClient,
  fdLimit,
  hardFdLimit,
  nowMs,
  percentile,
  sleep,
  sortedCopy,
  type HostReady,
  type HostStats,
  type LoadStats,
  type ProfileSummary,
} from './server-ipc.ts';
import type { HostOptions } from './server-host.ts';
import type { LoadOptions } from './server-load.ts';

const { values: flags } = parseArgs({
  options: {
    sessions: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    generators: { type: 'string' },
    concurrency: { type: 'string' },
    'room-size': { type: 'string' },
    searches: { type: 'string' },
    'per-address': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
    'profile-load-dir': { type: 'string' },
    timeout: { type: 'string' },
    'log-level': { type: 'string' },
  },
});

const int = (name: string, value: string | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got ${value}`);
    process.exit(2);
  }
  return n;
};

const QUICK = flags.quick === true || /^(1|true|yes)$/i.test(process.env['BENCH_QUICK'] ?? '');
const JSON_OUT = flags.json === true;
const REQUESTED = int('sessions', flags.sessions, QUICK ? 2000 : 20_000, 2);
const CONCURRENCY = int('concurrency', flags.concurrency, 500);
const ROOM_SIZE = int('room-size', flags['room-size'], 50, 2);
const SEARCHES = int('searches', flags.searches, QUICK ? 10 : 20);
// The kernel's bind() to port 0 slows down sharply as one address's ports fill up: at 10,000
// sessions per address the generators spent ~90% of their time in connect() and halved logins/s.
const PER_ADDRESS = int('per-address', flags['per-address'], 2000, 100);
const PROFILE = flags.profile === true || flags['profile-dir'] !== undefined;
const PROFILE_DIR = flags['profile-dir'];
const LOG_LEVEL = flags['log-level'] ?? 'warn';
if (LOG_LEVEL !== 'silent' && LOG_LEVEL !== 'warn') {
  console.error('--log-level must be silent or warn');
  process.exit(2);
}
const TIMEOUT_S = int('timeout', flags.timeout, QUICK ? 90 : 180 + Math.ceil(REQUESTED / 100));
const PASSWORD_COST = 1024;
const RELOGIN_SAMPLE = QUICK ? 500 : 2000;
const RELOGIN_CONCURRENCY = 100;
/** Users (one in this many) that send BranchLevel 0 and so get searches as ServerSearchRequest. */
const PARTICIPANTS_EVERY = 10;
const CHAT_STEP_MS = QUICK ? 1000 : 3000;
const CHAT_RATES = QUICK ? [200, 1000, 4000] : [250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000];
const INTERACTIVE_P99_MS = 50;
const FLOOR_SESSIONS = 20_000;
const FLOOR_RSS = 1.5e9;
const MB = 1e6;

const out = (line = ''): void => {
  if (JSON_OUT) process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};
const started = nowMs();
const stamp = (): string => `[${((nowMs() - started) / 1000).toFixed(1).padStart(6)}s]`;
const say = (line: string): void => out(`${stamp()} ${line}`);
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const ms = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)} ms` : 'n/a');

// ---- children, and making sure they end --------------------------------------------------------------

const children: ChildProcess[] = [];
const problems: string[] = [];
let dataDir: string | undefined;

function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
function cleanup(): void {
  killChildren();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark\n`);
    cleanup();
    process.exit(130);
  });
}
const globalTimer = setTimeout(() => {
  process.stderr.write(`\nbench:server: the run took longer than ${TIMEOUT_S} s (--timeout); stopping.\n`);
  cleanup();
  process.exit(3);
}, TIMEOUT_S * 1000);

const HERE = new URL('.', import.meta.url).pathname;
let serverLogLines = 0;

function spawnChild(script: string, arg: unknown, name: string, extraExecArgv: string[] = []): RpcClient {
  const child = fork(join(HERE, script), [JSON.stringify(arg)], {
    execPath: process.execPath,
    execArgv: ['--conditions=slsk-ts-source', ...extraExecArgv],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      serverLogLines++;
      if (serverLogLines <= 20) process.stderr.write(`  [${name}] ${line.slice(0, 300)}\n`);
      else if (serverLogLines === 21) process.stderr.write(`  [${name}] … (further output counted, not shown)\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (!shuttingDown && (code !== 0 || signal !== null)) {
      const text = `${name} exited unexpectedly (${signal ?? `code ${code}`})`;
      problems.push(text);
      process.stderr.write(`  ${text}\n`);
    }
  });
  return new RpcClient(child, name);
}
let shuttingDown = false;

function waitEvent<T>(rpc: RpcClient, event: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${rpc.name} sent no ${event} within ${timeoutMs} ms`)), timeoutMs);
    rpc.on(event, (data) => {
      clearTimeout(timer);
      resolve(data as T);
    });
    rpc.child.once('exit', () => reject(new Error(`${rpc.name} exited before ${event}`)));
  });
}

// ---- the figures ----------------------------------------------------------------------------------------

interface PhaseCpu {
  seconds: number;
  /** Server process, all threads (the main thread plus libuv's pool, where scrypt runs). */
  serverCpuPercent: number;
  /** Share of the time the server's event loop was busy. */
  serverMainThreadPercent: number;
  /** The same in milliseconds, to divide by the work done (cost per login, per delivery, per search). */
  serverLoopBusyMs: number;
  /** All load generators together. */
  loadCpuPercent: number;
}

interface LoginFigures {
  attempted: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Server event-loop time per successful login. */
  serverLoopMsPerLogin: number;
  cpu: PhaseCpu;
}

interface ChatStep {
  offeredMessagesPerSecond: number;
  sent: number;
  expectedDeliveries: number;
  received: number;
  offeredDeliveriesPerSecond: number;
  achievedDeliveriesPerSecond: number;
  latencyMs: { p50: number; p99: number };
  /** Server event-loop time per delivered room message, µs. */
  serverLoopUsPerDelivery: number;
  /** Delivered in full, keeping up with the offered rate, p99 under a second. */
  kept: boolean;
  /** Kept, and p99 at most INTERACTIVE_P99_MS. */
  interactive: boolean;
  cpu: PhaseCpu;
}

const result: {
  requestedSessions: number;
  sessions: number;
  generators: number;
  sourceAddresses: number;
  passwordCost: number;
  fdLimit: { server: number | undefined; hard: number | undefined };
  notes: string[];
  logins?: { new: LoginFigures; returningScrypt: LoginFigures; returningCached: LoginFigures };
  memory?: {
    baseline: { rssMB: number; heapMB: number };
    atSessions: number;
    totalRssMB: number;
    heapUsedMB: number;
    rssPer1000MB: number;
    heapPer1000MB: number;
    rssAt20000MB: number;
    floor: { sessionsRequired: number; rssLimitMB: number; measuredAt: number; rssMB: number; met: boolean; extrapolated: boolean };
  };
  rooms?: { rooms: number; joined: number; participants: number; joinsPerSecond: number; cpu: PhaseCpu };
  chat?: {
    roomSize: number;
    steps: ChatStep[];
    maxInteractiveDeliveriesPerSecond: number;
    maxSustainedDeliveriesPerSecond: number;
    peakDeliveriesPerSecond: number;
  };
  search?: {
    searches: number;
    recipientsPerSearch: number;
    incomplete: number;
    fanOutMs: { p50: number; p99: number; max: number };
    perRecipientMs: { p50: number; p99: number };
    /** Server event-loop time per search (all of its fan-out), and per recipient. */
    serverLoopMsPerSearch: number;
    serverLoopUsPerRecipient: number;
    cpu: PhaseCpu;
  };
  closeMs?: number;
  profiles: Record<string, ProfileSummary>;
  problems: string[];
} = {
  requestedSessions: REQUESTED,
  sessions: REQUESTED,
  generators: 0,
  sourceAddresses: 0,
  passwordCost: PASSWORD_COST,
  fdLimit: { server: undefined, hard: undefined },
  notes: [],
  profiles: {},
  problems,
};

// ---- run -------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  out(`bench:server — Node ${process.version}, ${availableParallelism()} cores; loopback only (server 127.0.0.1, clients from 127.0.0.2+)`);
  out(`NOTE: the server hashes passwords with scrypt at cost N=${PASSWORD_COST} (the minimum; the default is 16384), so that`);
  out(`      ${fmt(REQUESTED)} registrations take seconds rather than minutes. New-login figures are for N=${PASSWORD_COST}.`);
  out('      "event loop" figures are wall-clock busy time of the server\'s main thread (inflated while scrypt oversubscribes the CPUs).');
  if (PROFILE) out('NOTE: --profile: the sampling profiler slows the server and makes its event loop look busy; take figures from a run without it.');

  dataDir = mkdtempSync(join(tmpdir(), 'slsk-bench-server-'));
  const hostOptions: HostOptions = { dataDir, logLevel: LOG_LEVEL as HostOptions['logLevel'], passwordCost: PASSWORD_COST };
  const host = spawnChild('server-host.ts', hostOptions, 'server', ['--expose-gc']);
  const ready = await waitEvent<HostReady>(host, 'ready', 30_000);
  result.fdLimit = { server: ready.fdLimit, hard: ready.hardFdLimit };
  const baseline = await host.call<HostStats>('stats', { gc: true });

  // File descriptors: the server needs one per session, each generator one per session it holds.
  let sessions = REQUESTED;
  const reserve = 64 + RELOGIN_CONCURRENCY * 2;
  if (ready.fdLimit !== undefined && Number.isFinite(ready.fdLimit)) {
    const capacity = ready.fdLimit - ready.fds - reserve;
    if (sessions > capacity) {
      const note =
        `ulimit -n is ${fmt(ready.fdLimit)} (hard limit ${fmt(ready.hardFdLimit ?? Number.NaN)}; raising it needs CAP_SYS_RESOURCE or a higher hard limit): ` +
        `the server process can hold at most ${fmt(capacity)} sessions (${ready.fds} descriptors in use at start, ${reserve} kept for re-logins), ` +
        `so this run uses ${fmt(capacity)} instead of ${fmt(REQUESTED)}; figures at ${fmt(FLOOR_SESSIONS)} are extrapolated. ` +
        `For a full run: ulimit -n 65536 (as root or with a raised hard limit) before npm run bench:server.`;
      result.notes.push(note);
      out(`NOTE: ${note}`);
      sessions = capacity;
    }
  } else {
    out('NOTE: could not read the file-descriptor limit (/proc/self/limits); if sockets fail with EMFILE, raise ulimit -n.');
  }
  result.sessions = sessions;
  const ownLimit = fdLimit() ?? Number.POSITIVE_INFINITY;
  const perGeneratorMax = Math.max(100, Math.min(10_000, ownLimit - 200));
  const generatorsCount = Math.max(int('generators', flags.generators, 1), Math.ceil(sessions / perGeneratorMax));
  const addresses = Math.ceil(sessions / PER_ADDRESS);
  if (2 + addresses - 1 > 254) throw new Error(`--per-address ${PER_ADDRESS} needs ${addresses} source addresses; raise it`);
  result.generators = generatorsCount;
  result.sourceAddresses = addresses;
  out(
    `sessions ${fmt(sessions)} · ${generatorsCount} load generator process(es) · source addresses 127.0.0.2–127.0.0.${1 + addresses} ` +
      `(${fmt(PER_ADDRESS)} each) · server fd limit ${fmt(ready.fdLimit ?? Number.NaN)} · server baseline RSS ${fmt(baseline.rss / MB, 1)} MB`,
  );

  const loads: RpcClient[] = [];
  const slices: [number, number][] = [];
  for (let g = 0; g < generatorsCount; g++) {
    // Slices are whole rooms, so a room's members share a generator (not required, but tidy).
    const per = Math.ceil(sessions / generatorsCount / ROOM_SIZE) * ROOM_SIZE;
    const from = Math.min(sessions, g * per);
    const to = g === generatorsCount - 1 ? sessions : Math.min(sessions, from + per);
    slices.push([from, to]);
    const options: LoadOptions = {
      port: ready.port,
      from,
      to,
      perAddress: PER_ADDRESS,
      password: 'bench-password',
      usernamePrefix: 'bench',
    };
    const loadProfileDir = flags['profile-load-dir'];
    const loadArgv = loadProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${loadProfileDir}`, `--cpu-prof-name=load${g}.cpuprofile`];
    loads.push(spawnChild('server-load.ts', options, `load${g}`, loadArgv));
  }
  await Promise.all(loads.map((l) => waitEvent(l, 'ready', 30_000)));

  interface CpuMark {
    at: number;
    host: number;
    hostLoop: number;
    load: number;
  }
  const cpuMark = async (): Promise<CpuMark> => {
    const [h, ...ls] = await Promise.all([host.call<HostStats>('stats'), ...loads.map((l) => l.call<LoadStats>('stats'))]);
    return { at: nowMs(), host: h.cpuUs, hostLoop: h.eluActiveMs, load: ls.reduce((a, s) => a + s.cpuUs, 0) };
  };
  const cpuBetween = (mark: CpuMark, now: CpuMark): PhaseCpu => {
    const wallMs = now.at - mark.at;
    return {
      seconds: wallMs / 1000,
      serverCpuPercent: Math.round(((now.host - mark.host) / (wallMs * 1000)) * 100),
      serverMainThreadPercent: Math.round(((now.hostLoop - mark.hostLoop) / wallMs) * 100),
      serverLoopBusyMs: now.hostLoop - mark.hostLoop,
      loadCpuPercent: Math.round(((now.load - mark.load) / (wallMs * 1000)) * 100),
    };
  };
  const cpuSince = async (mark: CpuMark): Promise<PhaseCpu> => cpuBetween(mark, await cpuMark());
  const cpuText = (cpu: PhaseCpu): string =>
    `server CPU ${cpu.serverCpuPercent}% (event loop busy ${cpu.serverMainThreadPercent}%), load generators CPU ${cpu.loadCpuPercent}%`;

  const profiled = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    if (PROFILE) await host.call('profileStart');
    const value = await run();
    if (PROFILE) {
      const file = PROFILE_DIR === undefined ? undefined : join(PROFILE_DIR, `server-${phase}.cpuprofile`);
      const summary = await host.call<ProfileSummary>('profileStop', { top: 12, ...(file ? { file } : {}) });
      result.profiles[phase] = summary;
      out(`         profile (${phase}): ${summary.samples} samples, idle ${summary.idlePercent}%, GC ${summary.gcPercent}% of busy; top self time:`);
      for (const entry of summary.self) out(`           ${String(entry.percent).padStart(5)}%  ${entry.fn}`);
      out(`         server functions by inclusive time:`);
      for (const entry of summary.inclusive.slice(0, 8)) out(`           ${String(entry.percent).padStart(5)}%  ${entry.fn}`);
    }
    return value;
  };

  // ---- 1. logins ----
  interface LoginReply {
    ok: number;
    failed: number;
    errors: Record<string, number>;
    latencies: Float64Array;
    ms: number;
  }
  const progressOf = new Map<RpcClient, { ok: number; failed: number }>();
  for (const l of loads) {
    l.on('progress', (data) => progressOf.set(l, data as { ok: number; failed: number }));
  }
  const runLogins = async (label: string, cmd: 'login' | 'relogin', total: number, args: (g: number) => object): Promise<LoginFigures> => {
    progressOf.clear();
    const mark = await cpuMark();
    const t0 = nowMs();
    let lastOk = 0;
    let last = mark;
    let busy = false;
    const ticker = setInterval(() => {
      if (busy) return;
      busy = true;
      let ok = 0;
      let failed = 0;
      for (const p of progressOf.values()) {
        ok += p.ok;
        failed += p.failed;
      }
      void cpuMark().then((now) => {
        say(
          `${label}: ${fmt(ok)}/${fmt(total)} logged in, ${fmt(failed)} failed ` +
            `(${fmt(((ok - lastOk) * 1000) / (now.at - last.at))}/s now; ${cpuText(cpuBetween(last, now))})`,
        );
        lastOk = ok;
        last = now;
        busy = false;
      }, () => undefined);
    }, 1000);
    let replies: LoginReply[];
    try {
      replies = await Promise.all(loads.map((l, g) => l.call<LoginReply>(cmd, args(g), 300_000)));
    } finally {
      clearInterval(ticker);
    }
    const wall = nowMs() - t0;
    const cpu = await cpuSince(mark);
    const ok = replies.reduce((a, r) => a + r.ok, 0);
    const failed = replies.reduce((a, r) => a + r.failed, 0);
    const errors: Record<string, number> = {};
    for (const r of replies) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const latencies = sortedCopy(Float64Array.from(replies.flatMap((r) => Array.from(r.latencies))));
    const figures: LoginFigures = {
      attempted: ok + failed,
      ok,
      failed,
      errors,
      perSecond: (ok * 1000) / wall,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      serverLoopMsPerLogin: cpu.serverLoopBusyMs / Math.max(1, ok),
      cpu,
    };
    say(
      `${label}: ${fmt(ok)} logged in in ${(wall / 1000).toFixed(2)} s → ${fmt(figures.perSecond)} logins/s; ` +
        `latency p50 ${ms(figures.latencyMs.p50)}, p99 ${ms(figures.latencyMs.p99)}; ${cpuText(cpu)}; ` +
        `server event loop ${ms(figures.serverLoopMsPerLogin)} per login`,
    );
    if (failed > 0) {
      const text = `${label}: ${failed} failed: ${JSON.stringify(errors)}`;
      problems.push(text);
      say(text);
    }
    return figures;
  };

  const perGen = (total: number, g: number): number => Math.floor(total / loads.length) + (g < total % loads.length ? 1 : 0);
  const newLogins = await profiled('logins', () =>
    runLogins('logins (new accounts)', 'login', sessions, (g) => ({ concurrency: perGen(CONCURRENCY, g), timeoutMs: 120_000 })),
  );
  const sample = Math.min(RELOGIN_SAMPLE, newLogins.ok);
  const reloginArgs = (g: number) => ({ count: perGen(sample, g), concurrency: perGen(RELOGIN_CONCURRENCY, g), timeoutMs: 60_000 });
  const returningScrypt = await profiled('relogin-scrypt', () =>
    runLogins('re-logins (returning, password checked with scrypt)', 'relogin', sample, reloginArgs),
  );
  const returningCached = await profiled('relogin-cached', () =>
    runLogins('re-logins (returning, verified-password cache)', 'relogin', sample, reloginArgs),
  );
  result.logins = { new: newLogins, returningScrypt, returningCached };

  // ---- 2. idle memory ----
  await sleep(QUICK ? 500 : 1500);
  const idle = await host.call<HostStats>('stats', { gc: true });
  const online = idle.online;
  const rssPer1000 = ((idle.rss - baseline.rss) / Math.max(1, online)) * 1000;
  const heapPer1000 = ((idle.heapUsed - baseline.heapUsed) / Math.max(1, online)) * 1000;
  const rssAtFloor = baseline.rss + (rssPer1000 / 1000) * FLOOR_SESSIONS;
  const extrapolated = online < FLOOR_SESSIONS;
  const floorRss = extrapolated ? rssAtFloor : idle.rss;
  result.memory = {
    baseline: { rssMB: baseline.rss / MB, heapMB: baseline.heapUsed / MB },
    atSessions: online,
    totalRssMB: idle.rss / MB,
    heapUsedMB: idle.heapUsed / MB,
    rssPer1000MB: rssPer1000 / MB,
    heapPer1000MB: heapPer1000 / MB,
    rssAt20000MB: rssAtFloor / MB,
    floor: {
      sessionsRequired: FLOOR_SESSIONS,
      rssLimitMB: FLOOR_RSS / MB,
      measuredAt: online,
      rssMB: floorRss / MB,
      met: floorRss < FLOOR_RSS,
      extrapolated,
    },
  };
  say(
    `idle memory: ${fmt(online)} sessions online; server RSS ${fmt(idle.rss / MB, 1)} MB, heap ${fmt(idle.heapUsed / MB, 1)} MB ` +
      `(baseline ${fmt(baseline.rss / MB, 1)} / ${fmt(baseline.heapUsed / MB, 1)} MB) → per 1,000 sessions: RSS ${fmt(rssPer1000 / MB, 2)} MB, ` +
      `heap ${fmt(heapPer1000 / MB, 2)} MB; external ${fmt(idle.external / MB, 1)} MB, ${fmt(idle.fds)} fds`,
  );
  if (online < 10_000) {
    result.notes.push(
      `memory: with only ${fmt(online)} sessions the per-1,000 figures still carry fixed costs (the scrypt threads' malloc arenas, ` +
        `code compiled during the run); the default run (20,000) gives the representative figure.`,
    );
  }
  if (online !== newLogins.ok) problems.push(`online count ${online} differs from successful logins ${newLogins.ok}`);

  // ---- 3. rooms and chat ----
  interface JoinReply {
    joined: number;
    participants: number;
    errors: Record<string, number>;
    roomMembers: Record<string, number>;
    ms: number;
  }
  const joinMark = await cpuMark();
  const joinStart = nowMs();
  const joins = await profiled('join', () =>
    Promise.all(
      loads.map((l, g) =>
        l.call<JoinReply>('join', { roomSize: ROOM_SIZE, concurrency: perGen(CONCURRENCY, g), participantsEvery: PARTICIPANTS_EVERY, timeoutMs: 60_000 }, 300_000),
      ),
    ),
  );
  const joinWall = nowMs() - joinStart;
  const joinCpu = await cpuSince(joinMark);
  const members: Record<string, number> = {};
  for (const j of joins) for (const [room, n] of Object.entries(j.roomMembers)) members[room] = (members[room] ?? 0) + n;
  const joined = joins.reduce((a, j) => a + j.joined, 0);
  const participants = joins.reduce((a, j) => a + j.participants, 0);
  result.rooms = { rooms: Object.keys(members).length, joined, participants, joinsPerSecond: (joined * 1000) / joinWall, cpu: joinCpu };
  say(
    `rooms: ${fmt(joined)} joins into ${fmt(Object.keys(members).length)} rooms of ${ROOM_SIZE} in ${(joinWall / 1000).toFixed(2)} s ` +
      `(${fmt(result.rooms.joinsPerSecond)} joins/s; ${cpuText(joinCpu)}); ${fmt(participants)} users sent BranchLevel 0`,
  );
  for (const j of joins) {
    for (const [k, v] of Object.entries(j.errors)) problems.push(`join: ${v} × ${k}`);
  }

  interface ChatReply {
    sent: number;
    senders: number;
    sentPerRoom: Record<string, number>;
    recv: number;
    inWindow: number;
    latencies: Float64Array;
    drained: boolean;
  }
  const steps: ChatStep[] = [];
  await profiled('chat', async () => {
    for (const rate of CHAT_RATES) {
      const mark = await cpuMark();
      const startAt = nowMs() + 100;
      const endAt = startAt + CHAT_STEP_MS;
      const senderCounts = loads.map((_, g) => Math.ceil((slices[g]![1] - slices[g]![0]) / ROOM_SIZE));
      const allSenders = senderCounts.reduce((a, b) => a + b, 0);
      const replies = await Promise.all(
        loads.map((l, g) =>
          l.call<ChatReply>('chat', { startAt, endAt, rate: (rate * senderCounts[g]!) / allSenders, roomSize: ROOM_SIZE, maxDrainMs: 5000 }, 60_000),
        ),
      );
      const cpu = await cpuSince(mark);
      let expected = 0;
      let sent = 0;
      for (const r of replies) {
        sent += r.sent;
        for (const [room, n] of Object.entries(r.sentPerRoom)) expected += n * (members[room] ?? 0);
      }
      const received = replies.reduce((a, r) => a + r.recv, 0);
      const inWindow = replies.reduce((a, r) => a + r.inWindow, 0);
      const latencies = sortedCopy(Float64Array.from(replies.flatMap((r) => Array.from(r.latencies))));
      const windowS = CHAT_STEP_MS / 1000;
      const step: ChatStep = {
        offeredMessagesPerSecond: sent / windowS,
        sent,
        expectedDeliveries: expected,
        received,
        offeredDeliveriesPerSecond: expected / windowS,
        achievedDeliveriesPerSecond: inWindow / windowS,
        latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
        serverLoopUsPerDelivery: (cpu.serverLoopBusyMs * 1000) / Math.max(1, received),
        kept: false,
        interactive: false,
        cpu,
      };
      step.kept =
        step.achievedDeliveriesPerSecond >= 0.9 * step.offeredDeliveriesPerSecond &&
        received >= expected * 0.999 &&
        step.latencyMs.p99 < 1000 &&
        replies.every((r) => r.drained);
      step.interactive = step.kept && step.latencyMs.p99 <= INTERACTIVE_P99_MS;
      steps.push(step);
      say(
        `chat at ${fmt(step.offeredMessagesPerSecond)} msg/s: ${fmt(step.achievedDeliveriesPerSecond)} deliveries/s of ${fmt(step.offeredDeliveriesPerSecond)} offered; ` +
          `received ${fmt(received)}/${fmt(expected)}; latency p50 ${ms(step.latencyMs.p50)}, p99 ${ms(step.latencyMs.p99)}; ${cpuText(cpu)}; ` +
          `event loop ${step.serverLoopUsPerDelivery.toFixed(2)} µs/delivery` +
          (step.kept ? '' : ' — falling behind, stopping the ramp'),
      );
      if (!step.kept) break;
      await sleep(200);
    }
  });
  const kept = steps.filter((s) => s.kept);
  const interactive = steps.filter((s) => s.interactive);
  result.chat = {
    roomSize: ROOM_SIZE,
    steps,
    maxInteractiveDeliveriesPerSecond: Math.max(0, ...interactive.map((s) => s.achievedDeliveriesPerSecond)),
    maxSustainedDeliveriesPerSecond: kept.length === 0 ? 0 : Math.max(...kept.map((s) => s.achievedDeliveriesPerSecond)),
    peakDeliveriesPerSecond: Math.max(0, ...steps.map((s) => s.achievedDeliveriesPerSecond)),
  };
  if (kept.length === steps.length) {
    result.notes.push(`chat: the highest offered rate (${fmt(CHAT_RATES.at(-1)!)} msg/s) was still delivered in full; capacity is higher.`);
  }

  // ---- 4. search fan-out ----
  const doneEvents = new Map<number, { count: number; maxLatency: number }[]>();
  for (const l of loads) {
    l.on('searchDone', (data) => {
      const d = data as { ticket: number; count: number; maxLatency: number };
      const list = doneEvents.get(d.ticket) ?? [];
      list.push({ count: d.count, maxLatency: d.maxLatency });
      doneEvents.set(d.ticket, list);
    });
  }
  const fanOut: number[] = [];
  let incomplete = 0;
  let recipients = 0;
  const searchMark = await cpuMark();
  await profiled('search', async () => {
    let candidate = 1;
    for (let s = 0; s < SEARCHES; s++) {
      const ticket = 1000 + s;
      // Searchers are spread over the sessions; a candidate that is not online is skipped.
      let owner: RpcClient | undefined;
      let searcher = '';
      for (let tries = 0; tries < 50 && owner === undefined; tries++) {
        const idx = (candidate + tries * 7) % sessions;
        const g = slices.findIndex(([from, to]) => idx >= from && idx < to);
        searcher = `bench${idx}`;
        const expected = await Promise.all(loads.map((l) => l.call<number>('expectSearch', { ticket, searcher })));
        recipients = expected.reduce((a, b) => a + b, 0);
        try {
          await loads[g]!.call<number>('sendSearch', { searcher, ticket });
          owner = loads[g];
        } catch {
          // not online: try another
        }
      }
      candidate = (candidate + Math.floor(sessions / SEARCHES)) % sessions;
      if (owner === undefined) throw new Error('no online searcher found');
      const deadline = nowMs() + 15_000;
      while ((doneEvents.get(ticket)?.length ?? 0) < loads.length && nowMs() < deadline) await sleep(2);
      let done = doneEvents.get(ticket) ?? [];
      if (done.length < loads.length) {
        incomplete++;
        const status = await Promise.all(loads.map((l) => l.call<{ count: number; maxLatency: number } | undefined>('searchStatus', { ticket })));
        done = status.map((st) => st ?? { count: 0, maxLatency: Number.NaN });
        problems.push(`search ${ticket}: ${done.reduce((a, d) => a + d.count, 0)}/${recipients} recipients within 15 s`);
      }
      fanOut.push(Math.max(...done.map((d) => d.maxLatency)));
      if ((s + 1) % 5 === 0 || s + 1 === SEARCHES) {
        say(`search: ${s + 1}/${SEARCHES} done, ${fmt(recipients)} recipients each; last fan-out ${ms(fanOut.at(-1)!)}`);
      }
      await sleep(100);
    }
  });
  const searchCpu = await cpuSince(searchMark);
  const perRecipient = sortedCopy(
    Float64Array.from((await Promise.all(loads.map((l) => l.call<Float64Array>('searchLatencies')))).flatMap((a) => Array.from(a))),
  );
  const fanSorted = sortedCopy(fanOut);
  result.search = {
    searches: SEARCHES,
    recipientsPerSearch: recipients,
    incomplete,
    fanOutMs: { p50: percentile(fanSorted, 50), p99: percentile(fanSorted, 99), max: percentile(fanSorted, 100) },
    perRecipientMs: { p50: percentile(perRecipient, 50), p99: percentile(perRecipient, 99) },
    serverLoopMsPerSearch: searchCpu.serverLoopBusyMs / SEARCHES,
    serverLoopUsPerRecipient: (searchCpu.serverLoopBusyMs * 1000) / SEARCHES / Math.max(1, recipients),
    cpu: searchCpu,
  };
  say(
    `search fan-out to ${fmt(recipients)} sessions: complete p50 ${ms(result.search.fanOutMs.p50)}, p99 ${ms(result.search.fanOutMs.p99)}; ` +
      `per recipient p50 ${ms(result.search.perRecipientMs.p50)}, p99 ${ms(result.search.perRecipientMs.p99)}; ` +
      `server event loop ${ms(result.search.serverLoopMsPerSearch)} per search (${result.search.serverLoopUsPerRecipient.toFixed(1)} µs per recipient)`,
  );

  // ---- wrap up ----
  const loadStats = await Promise.all(loads.map((l) => l.call<LoadStats & { kicked: number; dropped: number; frameErrors: number; decodeErrors: number }>('stats')));
  const dropped = loadStats.reduce((a, s) => a + s.dropped, 0);
  const kicked = loadStats.reduce((a, s) => a + s.kicked, 0);
  const badFrames = loadStats.reduce((a, s) => a + s.frameErrors + s.decodeErrors, 0);
  if (dropped > 0) problems.push(`${dropped} sessions were closed by the server during the run`);
  if (badFrames > 0) problems.push(`${badFrames} frames could not be read or decoded`);
  if (kicked !== returningScrypt.ok + returningCached.ok) {
    problems.push(`${kicked} Kicked received, expected ${returningScrypt.ok + returningCached.ok} (one per re-login)`);
  }
  shuttingDown = true;
  const closed = await host.call<{ closeMs: number }>('close', {}, 60_000).catch((error: unknown) => {
    problems.push(`server close: ${(error as Error).message}`);
    return undefined;
  });
  if (closed !== undefined) {
    result.closeMs = closed.closeMs;
    say(`server closed ${fmt(online)} sessions in ${ms(closed.closeMs)}`);
  }
  await Promise.all(loads.map((l) => l.call('shutdown', {}, 10_000).catch(() => undefined)));
  await Promise.race([Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r))))), sleep(5000)]);
}

function summary(): void {
  const r = result;
  const rows: [string, string][] = [];
  rows.push(['sessions', r.sessions === r.requestedSessions ? fmt(r.sessions) : `${fmt(r.sessions)} (asked ${fmt(r.requestedSessions)}; fd limit)`]);
  if (r.logins !== undefined) {
    const l = r.logins;
    const loop = (f: LoginFigures): string => `event loop ${ms(f.serverLoopMsPerLogin)}/login, server CPU ${f.cpu.serverCpuPercent}%`;
    rows.push([
      `logins/s, new (registration, scrypt N=${PASSWORD_COST})`,
      `${fmt(l.new.perSecond)}  (p50 ${ms(l.new.latencyMs.p50)}, p99 ${ms(l.new.latencyMs.p99)}, ${CONCURRENCY} in flight; ${loop(l.new)})`,
    ]);
    rows.push([
      'logins/s, returning, 1st (scrypt verify)',
      `${fmt(l.returningScrypt.perSecond)}  (p50 ${ms(l.returningScrypt.latencyMs.p50)}, ${RELOGIN_CONCURRENCY} in flight; ${loop(l.returningScrypt)})`,
    ]);
    rows.push([
      'logins/s, returning, cached password',
      `${fmt(l.returningCached.perSecond)}  (p50 ${ms(l.returningCached.latencyMs.p50)}, ${RELOGIN_CONCURRENCY} in flight; ${loop(l.returningCached)})`,
    ]);
  }
  if (r.memory !== undefined) {
    const m = r.memory;
    rows.push(['idle memory per 1,000 sessions', `RSS ${fmt(m.rssPer1000MB, 2)} MB, heap ${fmt(m.heapPer1000MB, 2)} MB`]);
    rows.push([`server RSS at ${fmt(m.atSessions)} sessions`, `${fmt(m.totalRssMB, 1)} MB (heap ${fmt(m.heapUsedMB, 1)} MB; baseline ${fmt(m.baseline.rssMB, 1)} MB)`]);
    if (m.floor.extrapolated) rows.push([`server RSS at ${fmt(FLOOR_SESSIONS)} (extrapolated)`, `${fmt(m.rssAt20000MB, 1)} MB`]);
    rows.push([
      `floor: ${fmt(FLOOR_SESSIONS)} sessions, RSS < 1.5 GB`,
      `${m.floor.met ? 'MET' : 'NOT MET'}${m.floor.extrapolated ? ` (extrapolated from ${fmt(m.floor.measuredAt)} sessions)` : ''}`,
    ]);
  }
  if (r.chat !== undefined) {
    const best = r.chat.steps.filter((s) => s.kept).at(-1);
    const fast = r.chat.steps.filter((s) => s.interactive).at(-1);
    rows.push([
      `room-message deliveries/s, p99 ≤ ${INTERACTIVE_P99_MS} ms (rooms of ${r.chat.roomSize})`,
      fast === undefined
        ? 'none'
        : `${fmt(fast.achievedDeliveriesPerSecond)} at ${fmt(fast.offeredMessagesPerSecond)} msg/s (p50 ${ms(fast.latencyMs.p50)}, p99 ${ms(fast.latencyMs.p99)}; ` +
          `event loop ${fast.serverLoopUsPerDelivery.toFixed(2)} µs/delivery)`,
    ]);
    rows.push([
      'room-message deliveries/s, max kept up',
      best === undefined
        ? `none (peak ${fmt(r.chat.peakDeliveriesPerSecond)})`
        : `${fmt(best.achievedDeliveriesPerSecond)} at ${fmt(best.offeredMessagesPerSecond)} msg/s (p50 ${ms(best.latencyMs.p50)}, p99 ${ms(best.latencyMs.p99)}; ` +
          `event loop ${best.serverLoopUsPerDelivery.toFixed(2)} µs/delivery)`,
    ]);
  }
  if (r.search !== undefined) {
    const s = r.search;
    rows.push([`search fan-out, all ${fmt(s.recipientsPerSearch)} recipients`, `p50 ${ms(s.fanOutMs.p50)}, p99 ${ms(s.fanOutMs.p99)} (${s.searches} searches)`]);
    rows.push(['server event loop per search', `${ms(s.serverLoopMsPerSearch)} (${s.serverLoopUsPerRecipient.toFixed(1)} µs per recipient)`]);
    rows.push(['search fan-out, per recipient', `p50 ${ms(s.perRecipientMs.p50)}, p99 ${ms(s.perRecipientMs.p99)}`]);
  }
  if (r.closeMs !== undefined) rows.push(['server close()', ms(r.closeMs)]);
  rows.push(['problems', r.problems.length === 0 ? 'none' : `${r.problems.length} (listed below)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  out('');
  out('summary (MB = 10^6 bytes)');
  out('-'.repeat(width + 50));
  for (const [k, v] of rows) out(`${k.padEnd(width)}  ${v}`);
  out('-'.repeat(width + 50));
  for (const p of r.problems) out(`problem: ${p}`);
  for (const n of r.notes) out(`note: ${n}`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  problems.push(`run aborted: ${(error as Error).stack ?? String(error)}`);
  process.stderr.write(`bench:server failed: ${(error as Error).stack ?? String(error)}\n`);
}
summary();
if (JSON_OUT) process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
out(`total ${((nowMs() - started) / 1000).toFixed(1)} s`);
clearTimeout(globalTimer);
cleanup();
process.exit(exitCode);
