// Daemon transfer list benchmark (issue 12): with 10,000 transfers in the daemon's index, the p99 of
// a summary read (GET /api/v1/transfers?summary=true), one transfer (GET /api/v1/transfers/{id}), one
// user's transfers, and of a progress event's update (target: reads < 5 ms p99). The full list of
// 10,000 transfers as JSON (limit=10000) and a default page of 1,000 are reported too (no target).
//
//   node --conditions=slsk-ts-source bench/daemon-transfers.ts [--quick]

import { performance } from 'node:perf_hooks';
import { TransferIndex } from '../src/daemon/transfers/index.ts';
import type { Transfer, TransferState } from '../src/transfers/index.ts';

const quick = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
const TRANSFERS = 10_000;
const RUNS = quick ? 200 : 1000;
const TARGET_READ_MS = 5;
const STATES: TransferState[] = ['queued', 'transferring', 'completed', 'failed', 'cancelled'];

function transfer(n: number): Transfer {
  const state = STATES[n % STATES.length]!;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    direction: n % 4 === 0 ? 'upload' : 'download',
    username: `user${n % 200}`,
    filename: `@@music\\Artist ${n % 200}\\Album ${Math.floor(n / 200) % 5}\\${String(n).padStart(5, '0')} - A fairly long track title.flac`,
    size: 31_457_280n,
    bytes: BigInt(n * 1000),
    offset: 0n,
    speed: state === 'transferring' ? 1_000_000 : 0,
    eta: undefined,
    state,
    reason: undefined,
    place: undefined,
    attempts: 0,
    retryAt: undefined,
    localPath: undefined,
    createdAt: n,
    updatedAt: n,
    finishedAt: undefined,
  };
}

/** Medians, to tell the work from a loaded machine's pauses. */
const medians: number[] = [];

function p99(work: () => void, runs = RUNS): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  medians.push(times[Math.floor(times.length / 2)]!);
  return times[Math.floor(times.length * 0.99)]!;
}

const report = (what: string, ms: number, target?: number): void =>
  console.log(`${what}: p99 ${ms.toFixed(3)} ms, median ${medians.at(-1)!.toFixed(3)} ms${target === undefined ? '' : ` (target < ${target} ms) ${ms < target ? 'ok' : 'OVER'}`}`);

console.log(`slsk-ts daemon transfer list benchmark — node ${process.version}, ${TRANSFERS} transfers${quick ? ', quick run' : ''}`);
const index = new TransferIndex();
const all = Array.from({ length: TRANSFERS }, (_, n) => transfer(n));
for (const t of all) index.put(t);
let n = 0;
report('progress event (index update)', p99(() => {
  const i = (n++ * 7919) % TRANSFERS;
  all[i] = { ...all[i]!, bytes: all[i]!.bytes + 1n };
  index.put(all[i]!);
}, RUNS * 10));
report('summary read (JSON)', p99(() => JSON.stringify(index.list({ summary: true }))), TARGET_READ_MS);
report('one transfer (JSON)', p99(() => JSON.stringify(index.json(all[n++ % TRANSFERS]!.id))), TARGET_READ_MS);
report("one user's transfers (JSON)", p99(() => JSON.stringify(index.list({ username: `user${n++ % 200}` }))), TARGET_READ_MS);
report('queued downloads, summary (JSON)', p99(() => JSON.stringify(index.list({ direction: 'download', state: 'queued', summary: true }))), TARGET_READ_MS);
report('a default page (1,000 transfers, JSON)', p99(() => JSON.stringify(index.list({}))));
report(`all ${TRANSFERS} transfers (limit=10000, JSON)`, p99(() => JSON.stringify(index.list({ limit: 10_000 })), quick ? 20 : 100));
