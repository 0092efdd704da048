// The server under test, for bench/server.ts: starts SoulseekServer on 127.0.0.1 (any port) with a
// temporary data folder, scrypt at its minimum cost and generous limits, then answers the
// orchestrator's requests over IPC: memory (after a full GC), online count, CPU time, and per-phase
// CPU profiles. Run with --expose-gc so memory figures are taken after a collection.
//
//   started by bench/server.ts as: node --expose-gc bench/server-host.ts '<json options>'

import { Session as InspectorSession } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SoulseekServer } from '../src/server/server.ts';
import { fdLimit, hardFdLimit, openFds, serveRpc, type HostReady, type HostStats, type ProfileSummary } from './server-ipc.ts';

export interface HostOptions {
  dataDir: string;
  logLevel: 'silent' | 'warn';
  passwordCost: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as HostOptions;
const REPO = new URL('..', import.meta.url).pathname;

const server = await SoulseekServer.start({
  host: '127.0.0.1',
  port: 0,
  dataDir: options.dataDir,
  logLevel: options.logLevel,
  passwordCost: options.passwordCost,
  maxUsers: 10_000_000,
  limits: {
    failedConnectionsPerMinutePerIp: 10_000_000,
    pendingLoginsPerIp: 10_000_000,
    registrationsPerHourPerIp: 10_000_000,
    privateMessageBurst: 10_000_000,
    privateMessagesPerMinute: 10_000_000,
    searchBurst: 1_000_000,
    searchesPerMinute: 1_000_000,
    loginTimeoutSeconds: 300,
  },
});

function cpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function stats(gc: boolean): HostStats {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect !== undefined) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    online: server.onlineCount,
    rooms: server.core.network.rooms.size,
    fds: gc ? openFds() : -1,
    cpuUs: cpuUs(),
    eluActiveMs: performance.eventLoopUtilization().active,
    at: Date.now(),
  };
}

// ---- CPU profiles, per phase ------------------------------------------------------------------------

let inspector: InspectorSession | undefined;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function frameName(frame: ProfileNode['callFrame']): string {
  const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return fn;
  const url = frame.url.startsWith('file://') ? relative(REPO, new URL(frame.url).pathname) : frame.url;
  return `${fn} ${url}:${frame.lineNumber + 1}`;
}

function summarize(profile: { nodes: ProfileNode[] }, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  const walk = (node: ProfileNode, path: Map<string, number>): void => {
    const name = frameName(node.callFrame);
    const hits = node.hitCount ?? 0;
    total += hits;
    if (name === '(idle)') idle += hits;
    if (name === '(garbage collector)') gc += hits;
    self.set(name, (self.get(name) ?? 0) + hits);
    path.set(name, (path.get(name) ?? 0) + 1);
    // Each function counts once per stack, however deep its recursion.
    if (path.get(name) === 1) inclusive.set(name, (inclusive.get(name) ?? 0) + subtreeHits(node));
    for (const child of node.children ?? []) {
      const c = byId.get(child);
      if (c !== undefined) walk(c, path);
    }
    const left = path.get(name)! - 1;
    if (left === 0) path.delete(name);
    else path.set(name, left);
  };
  const subtreeCache = new Map<number, number>();
  const subtreeHits = (node: ProfileNode): number => {
    const cached = subtreeCache.get(node.id);
    if (cached !== undefined) return cached;
    let sum = node.hitCount ?? 0;
    for (const child of node.children ?? []) {
      const c = byId.get(child);
      if (c !== undefined) sum += subtreeHits(c);
    }
    subtreeCache.set(node.id, sum);
    return sum;
  };
  const root = profile.nodes[0];
  if (root !== undefined) walk(root, new Map());
  const busy = Math.max(1, total - idle);
  const pct = (hits: number): number => Math.round((hits / busy) * 1000) / 10;
  const rank = (m: Map<string, number>, keep: (name: string) => boolean) =>
    [...m]
      .filter(([name]) => keep(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, hits]) => ({ fn, percent: pct(hits) }));
  return {
    samples: total,
    idlePercent: Math.round((idle / Math.max(1, total)) * 1000) / 10,
    gcPercent: pct(gc),
    self: rank(self, (name) => name !== '(idle)' && name !== '(root)'),
    inclusive: rank(inclusive, (name) => name.includes(' src/')),
  };
}

const rpc = serveRpc({
  stats: (args: { gc?: boolean }) => stats(args.gc === true),
  profileStart: async () => {
    if (inspector === undefined) {
      inspector = new InspectorSession();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 250 });
    }
    await inspector.post('Profiler.start');
    return true;
  },
  profileStop: async (args: { top: number; file?: string }) => {
    if (inspector === undefined) throw new Error('no profile running');
    const { profile } = await inspector.post('Profiler.stop');
    if (args.file !== undefined) writeFileSync(args.file, JSON.stringify(profile));
    return summarize(profile as unknown as { nodes: ProfileNode[] }, args.top);
  },
  close: async () => {
    const started = performance.now();
    await server.close();
    const ms = performance.now() - started;
    setImmediate(() => process.exit(0));
    return { closeMs: ms };
  },
});

const ready: HostReady = { port: server.port, pid: process.pid, fdLimit: fdLimit(), hardFdLimit: hardFdLimit(), fds: openFds() };
rpc.emit('ready', ready);
