// The benchmarks `npm run bench` runs, and which figures of each one's --json output make the
// summary: the ones the README quotes. Adding a benchmark is one entry in BENCHMARKS.

import { fileURLToPath } from 'node:url';

/** `met` is the benchmark's own verdict where its JSON carries one. */
export interface Target {
  op: '>=' | '<';
  value: number;
  met: boolean;
}

export interface Figure {
  what: string;
  value: number;
  unit: string;
  target?: Target;
}

export interface Headlines {
  figures: Figure[];
  /** Said by the benchmark itself about this run (caveats, problems), printed after the table. */
  notes: string[];
}

export interface Benchmark {
  name: string;
  /** Absolute path of the script, run as `node --conditions=slsk-ts-source <script> --json [--quick]`. */
  script: string;
  headlines(output: unknown): Headlines;
}

/** The output lacks a figure the summary needs: the benchmark's JSON shape changed or it failed half-way. */
export class BenchOutputError extends Error {
  override readonly name = 'BenchOutputError';
}

function at(output: unknown, path: string): unknown {
  let value: unknown = output;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value)) throw new BenchOutputError(`no ${path} in the output`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function num(output: unknown, path: string): number {
  const value = at(output, path);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BenchOutputError(`${path} is not a number: ${JSON.stringify(value)}`);
  return value;
}

function bool(output: unknown, path: string): boolean {
  const value = at(output, path);
  if (typeof value !== 'boolean') throw new BenchOutputError(`${path} is not true or false: ${JSON.stringify(value)}`);
  return value;
}

function strings(output: unknown, path: string): string[] {
  const value = at(output, path);
  return Array.isArray(value) ? value.map(String) : [];
}

const script = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const count = (n: number): string => n.toLocaleString('en-US');

/** bench/protocol.ts's workload keys in words; an unknown key (a workload added later) shows as is. */
const WORKLOADS: Record<string, string> = { smallServer: 'small server', searchReply: 'search reply', sharesReply: 'shares list', mixed: 'mixed' };
const workloadName = (key: string): string => WORKLOADS[key] ?? key;

/** Aim printed by bench/transfer.ts ("aim ≥ 0.9"); its JSON carries no target, so it is judged here. */
const TRANSFER_RATIO_AIM = 0.9;

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'protocol',
    script: script('./protocol.ts'),
    headlines(o) {
      const ratios = at(o, 'targets.ratio.byWorkload');
      if (!Array.isArray(ratios)) throw new BenchOutputError('targets.ratio.byWorkload is not a list');
      return {
        figures: [
          {
            what: 'small server messages decoded',
            value: num(o, 'workloads.smallServer.decode.ours.msgPerSec'),
            unit: 'msg/s',
            target: { op: '>=', value: num(o, 'targets.smallDecodePerSec.target'), met: bool(o, 'targets.smallDecodePerSec.met') },
          },
          { what: 'small server messages encoded', value: num(o, 'workloads.smallServer.encode.ours.msgPerSec'), unit: 'msg/s' },
          { what: 'search replies (100 results) decoded', value: num(o, 'workloads.searchReply.decode.ours.msgPerSec'), unit: 'msg/s' },
          ...ratios.map((_, i): Figure => {
            const path = `targets.ratio.byWorkload.${i}`;
            return {
              what: `decode ratio to a hand-written reader, ${workloadName(String(at(o, `${path}.workload`)))}`,
              value: num(o, `${path}.ratio`),
              unit: '',
              target: { op: '>=', value: num(o, 'targets.ratio.target'), met: bool(o, `${path}.met`) },
            };
          }),
        ],
        notes: [],
      };
    },
  },
  {
    name: 'inflate',
    script: script('./inflate.ts'),
    headlines(o) {
      const target = { op: '<', value: num(o, 'targets.stallMs.target'), met: bool(o, 'targets.stallMs.met') } as const;
      return {
        figures: [
          { what: 'longest event-loop stall, search-reply bomb', value: num(o, 'cases.searchBomb.after.stallMs'), unit: 'ms', target },
          { what: 'longest event-loop stall, large shares reply', value: num(o, 'cases.sharesReply.after.stallMs'), unit: 'ms', target },
        ],
        notes: [],
      };
    },
  },
  {
    name: 'shares',
    script: script('./shares.ts'),
    headlines(o) {
      const paths = count(num(o, 'search.files'));
      const target = { op: '<', value: num(o, 'target.p99Ms'), met: bool(o, 'target.met') } as const;
      return {
        figures: [
          { what: `scan (${count(num(o, 'scan.files'))} files)`, value: num(o, 'scan.scanFilesPerSec'), unit: 'files/s' },
          { what: 'rescan, unchanged', value: num(o, 'scan.rescanFilesPerSec'), unit: 'files/s' },
          { what: `query p50, ${paths}-path index`, value: num(o, 'search.p50Ms'), unit: 'ms' },
          { what: `query p99, ${paths}-path index`, value: num(o, 'search.p99Ms'), unit: 'ms', target },
        ],
        notes: [],
      };
    },
  },
  {
    name: 'transfer',
    script: script('./transfer.ts'),
    headlines(o) {
      const ratio = num(o, 'ratio');
      return {
        figures: [
          { what: `download of ${count(num(o, 'bytes') / 2 ** 20)} MiB, slsk-ts`, value: num(o, 'transferMBps'), unit: 'MB/s' },
          { what: 'same bytes, plain socket pair', value: num(o, 'plainMBps'), unit: 'MB/s' },
          { what: 'ratio slsk-ts ÷ plain', value: ratio, unit: '', target: { op: '>=', value: TRANSFER_RATIO_AIM, met: ratio >= TRANSFER_RATIO_AIM } },
        ],
        notes: [],
      };
    },
  },
  {
    name: 'server',
    script: script('./server.ts'),
    headlines(o) {
      const floorSessions = count(num(o, 'memory.floor.sessionsRequired'));
      const extrapolated = bool(o, 'memory.floor.extrapolated') ? ', extrapolated' : '';
      return {
        figures: [
          { what: 'sessions', value: num(o, 'sessions'), unit: '' },
          { what: 'logins, new accounts', value: num(o, 'logins.new.perSecond'), unit: 'logins/s' },
          { what: 'logins, returning (cached password)', value: num(o, 'logins.returningCached.perSecond'), unit: 'logins/s' },
          { what: 'idle memory per 1,000 sessions (RSS)', value: num(o, 'memory.rssPer1000MB'), unit: 'MB' },
          {
            what: `server RSS at ${floorSessions} sessions${extrapolated}`,
            value: num(o, 'memory.floor.rssMB'),
            unit: 'MB',
            target: { op: '<', value: num(o, 'memory.floor.rssLimitMB'), met: bool(o, 'memory.floor.met') },
          },
          { what: `room-message deliveries, interactive (rooms of ${num(o, 'chat.roomSize')})`, value: num(o, 'chat.maxInteractiveDeliveriesPerSecond'), unit: 'deliveries/s' },
          { what: `search fan-out p50 (${count(num(o, 'search.recipientsPerSearch'))} recipients)`, value: num(o, 'search.fanOutMs.p50'), unit: 'ms' },
          { what: 'search fan-out p99', value: num(o, 'search.fanOutMs.p99'), unit: 'ms' },
        ],
        notes: [...strings(o, 'problems').map((p) => `problem: ${p}`), ...strings(o, 'notes')],
      };
    },
  },
  {
    name: 'cli',
    script: script('./cli-start.ts'),
    headlines(o) {
      const rows = at(o, 'rows');
      if (!Array.isArray(rows)) throw new BenchOutputError('rows is not a list');
      const maxRatio = num(o, 'targets.ratio');
      const maxMs = num(o, 'targets.ms');
      const figures: Figure[] = [{ what: 'node -e 0 (the baseline)', value: num(o, 'baselineMs'), unit: 'ms' }];
      // The summary keeps the slowest command of each kind of install; the benchmark prints them all.
      for (const from of ['source', 'dist']) {
        let slowest: { command: string; ms: number; ratio: number } | undefined;
        for (const [i, row] of rows.entries()) {
          if (at(row, 'from') !== from) continue;
          const ms = num(o, `rows.${i}.medianMs`);
          if (slowest === undefined || ms > slowest.ms) slowest = { command: String(at(row, 'command')), ms, ratio: num(o, `rows.${i}.ratio`) };
        }
        if (slowest === undefined) throw new BenchOutputError(`no row from ${from}`);
        figures.push(
          { what: `slowest start from ${from} (${slowest.command})`, value: slowest.ms, unit: 'ms', target: { op: '<', value: maxMs, met: slowest.ms < maxMs } },
          { what: `the same, × node -e 0`, value: slowest.ratio, unit: '', target: { op: '<', value: maxRatio, met: slowest.ratio <= maxRatio } },
        );
      }
      return { figures, notes: [`median of ${num(o, 'runs')} runs each, load average ${num(o, 'loadAverage')}`] };
    },
  },
  {
    name: 'daemon-events',
    script: script('./daemon-events.ts'),
    headlines(o) {
      const clients = num(o, 'clients');
      const notes: string[] = [];
      if (!bool(o, 'complete')) notes.push('problem: a client did not get every event');
      const resyncs = num(o, 'resyncs');
      if (resyncs > 0) notes.push(`problem: ${count(resyncs)} resync events (a client fell behind by more than its queue)`);
      return {
        figures: [
          {
            what: `lag to the last of ${clients} clients, ${count(num(o, 'results'))} results`,
            value: num(o, 'lagMs.max'),
            unit: 'ms',
            target: { op: '<', value: num(o, 'targets.lagMs.target'), met: bool(o, 'targets.lagMs.met') },
          },
          { what: 'lag p99, every event at every client', value: num(o, 'lagMs.p99'), unit: 'ms' },
          { what: 'daemon heap growth at peak', value: num(o, 'memory.heapGrowthMiB'), unit: 'MiB' },
        ],
        notes,
      };
    },
  },
  {
    name: 'daemon',
    script: script('./daemon.ts'),
    headlines(o) {
      const target = (key: string): Target => ({ op: '<', value: num(o, `targets.${key}.target`), met: bool(o, `targets.${key}.met`) });
      const notes: string[] = [];
      if (!bool(o, 'events.complete')) notes.push('problem: an SSE client did not get every event');
      return {
        figures: [
          { what: `daemon online, ${count(num(o, 'start.files'))} shared files, warm index`, value: num(o, 'start.onlineMs'), unit: 'ms', target: target('onlineMs') },
          { what: 'daemon RSS then', value: num(o, 'start.rssMB'), unit: 'MB', target: target('rssMB') },
          { what: 'daemon RSS once settled after its start-up rescan', value: num(o, 'start.settledRssMB'), unit: 'MB' },
          { what: `daemon CPU, ${count(num(o, 'cpu.transfers'))} uploads in progress`, value: num(o, 'cpu.busyCpuPercent'), unit: '% of a core', target: target('cpuPercent') },
          { what: `transfer state read p99, ${count(num(o, 'list.rows'))} transfers`, value: num(o, 'list.stateMs.p99'), unit: 'ms', target: target('stateReadP99Ms') },
          { what: 'transfer totals of every group p99', value: num(o, 'list.summaryMs.p99'), unit: 'ms', target: target('summaryListP99Ms') },
          { what: "one user's transfers p99", value: num(o, 'list.userMs.p99'), unit: 'ms', target: target('userListP99Ms') },
          { what: 'a page of 1,000 transfers p99', value: num(o, 'list.pageMs.p99'), unit: 'ms', target: target('pageListP99Ms') },
          { what: `SSE lag to the last of ${num(o, 'events.clients')} clients, ${count(num(o, 'events.results'))} results`, value: num(o, 'events.lagMs.max'), unit: 'ms', target: target('lagMs') },
        ],
        notes,
      };
    },
  },
  {
    name: 'web',
    script: script('./web.ts'),
    headlines(o) {
      const target = (key: string): Target => ({ op: '<', value: num(o, `targets.${key}.target`), met: bool(o, `targets.${key}.met`) });
      return {
        figures: [
          { what: 'web UI: the search box takes input after navigation', value: num(o, 'search.searchBoxMs'), unit: 'ms', target: target('searchBoxMs') },
          { what: `frame time p95, ${count(num(o, 'search.results'))} results streaming in`, value: num(o, 'search.frameP95Ms'), unit: 'ms', target: target('searchFrameP95Ms') },
          { what: 'longest task meanwhile', value: num(o, 'search.longTaskMaxMs'), unit: 'ms', target: target('searchLongTaskMs') },
          { what: `frame time p95, ${count(num(o, 'transfers.transfers'))} transfers updating 4×/s`, value: num(o, 'transfers.frameP95Ms'), unit: 'ms', target: target('transfersFrameP95Ms') },
          { what: 'longest task meanwhile', value: num(o, 'transfers.longTaskMaxMs'), unit: 'ms', target: target('transfersLongTaskMs') },
        ],
        notes: [],
      };
    },
  },
];
