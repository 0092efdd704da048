// Daemon event-stream benchmark: a search bringing 50,000 results (1,000 users' replies of 50 files,
// each published as it would arrive: one per turn of the event loop) streamed over real HTTP to 10
// Server-Sent Events clients. Measures the lag from publish to receipt at every client (target: the
// last client has every event < 1 s after it was published) and the daemon side's memory growth.
// The clients run in a worker thread, so their parsing does not slow the daemon's event loop.
//
//   npm run bench:daemon-events [-- --quick] [-- --json]
//   (--quick: 10,000 results)

import { once } from 'node:events';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { EventHub, serveEventStream, type DaemonEventMap } from '../src/daemon/events/index.ts';

const CLIENTS = 10;
const FILES_PER_RESPONSE = 50;
const TARGET_LAG_MS = 1000;
const MiB = 1024 * 1024;

/** Wall-clock milliseconds with sub-millisecond precision, comparable between threads. */
const wallNow = (): number => performance.timeOrigin + performance.now();

interface ClientReport {
  /** Event ids received, and when, in order. */
  ids: Float64Array;
  times: Float64Array;
}

interface WorkerInit {
  url: string;
  clients: number;
}

// ---- the clients (worker thread) ----------------------------------------------------------------

function runClients({ url, clients }: WorkerInit): void {
  const reports: ClientReport[] = [];
  let done = 0;
  let connected = 0;
  for (let c = 0; c < clients; c++) {
    const ids: number[] = [];
    const times: number[] = [];
    get(url, (res) => {
      res.setEncoding('utf8');
      if (++connected === clients) parentPort!.postMessage({ kind: 'connected' });
      let rest = '';
      let id = NaN;
      let finished = false;
      res.on('data', (chunk: string) => {
        const now = wallNow();
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('id: ')) id = Number(line.slice(4));
          else if (line.startsWith('data: {"searchId"') && line.includes('"state":"completed"')) finished = true;
          else if (line === '' && !Number.isNaN(id)) {
            ids.push(id);
            times.push(now);
            id = NaN;
            if (finished) {
              reports[c] = { ids: Float64Array.from(ids), times: Float64Array.from(times) };
              res.destroy();
              if (++done === clients) parentPort!.postMessage({ kind: 'done', reports });
              return;
            }
          }
        }
      });
    }).on('error', (error) => {
      throw error;
    });
  }
}

if (!isMainThread) runClients(workerData as WorkerInit);

// ---- the daemon side (main thread) --------------------------------------------------------------

function response(user: number): DaemonEventMap['searchResponses']['responses'][number] {
  return {
    username: `user${user}`,
    hasFreeUploadSlot: user % 3 !== 0,
    uploadSpeed: 1_000_000 + user,
    queueLength: user % 7,
    files: Array.from({ length: FILES_PER_RESPONSE }, (_, f) => ({
      filename: `@@music\\Artist ${user}\\Album ${user % 97} (2001)\\${String(f + 1).padStart(2, '0')} - Track number ${f + 1}.flac`,
      size: 30_000_000 + f * 1000,
      extension: 'flac',
      locked: false,
      duration: 240 + f,
      sampleRate: 44_100,
      bitDepth: 16,
    })),
  };
}

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const json = args.has('--json');
  const quick = args.has('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
  const log = json ? (_: string) => {} : (line: string) => console.log(line);
  const results = quick ? 10_000 : 50_000;
  const responses = results / FILES_PER_RESPONSE;

  const hub = new EventHub();
  const server = createServer((req, res) => void serveEventStream(req, res, hub));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;

  log(`slsk-ts daemon event-stream benchmark — node ${process.version}${quick ? ', quick run' : ''}`);
  log(`  a search bringing ${results.toLocaleString('en-US')} results (${responses} replies of ${FILES_PER_RESPONSE} files) to ${CLIENTS} SSE clients over HTTP`);

  const worker = new Worker(new URL(import.meta.url), { workerData: { url, clients: CLIENTS } satisfies WorkerInit });
  const finished = new Promise<ClientReport[]>((resolve, reject) => {
    worker.on('message', (message: { kind: string; reports?: ClientReport[] }) => {
      if (message.kind === 'done') resolve(message.reports!);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the client worker exited (code ${code}) before every client had every event`)));
  });
  while (hub.stats().subscribers < CLIENTS) await new Promise((resolve) => setTimeout(resolve, 5));

  const payloads = Array.from({ length: responses }, (_, i) => response(i));
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 10);

  const publishedAt = new Map<number, number>();
  const searchId = 'bench-search';
  const started = wallNow();
  hub.publish('searchState', { searchId, state: 'in-progress', responseCount: 0, fileCount: 0 });
  for (const [i, reply] of payloads.entries()) {
    // One reply per turn of the event loop, as they come off peer sockets.
    await new Promise((resolve) => setImmediate(resolve));
    hub.publish('searchResponses', { searchId, responses: [reply] });
    publishedAt.set(hub.lastId, wallNow());
    if (i % 100 === 99) hub.publish('searchState', { searchId, state: 'in-progress', responseCount: i + 1, fileCount: (i + 1) * FILES_PER_RESPONSE });
  }
  hub.publish('searchState', { searchId, state: 'completed', responseCount: responses, fileCount: results });
  const lastPublish = wallNow();
  const lastId = hub.lastId;
  publishedAt.set(lastId, lastPublish);

  const reports = await finished;
  const received = wallNow();
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakHeap = Math.max(peakHeap, after.heapUsed);
  peakRss = Math.max(peakRss, after.rss);
  const hubStats = hub.stats();
  const resyncs = hub.subscriptions().reduce((sum, s) => sum + s.stats().resyncs, 0);
  const replayBytes = hubStats.replayBytes;
  await worker.terminate();
  hub.close();
  server.closeAllConnections();
  server.close();

  // Lag of every (event, client) pair, and per event the lag of the last client to get it.
  const lags: number[] = [];
  const worstPerEvent = new Map<number, number>();
  let complete = true;
  for (const report of reports) {
    const got = new Set<number>();
    for (let i = 0; i < report.ids.length; i++) {
      const id = report.ids[i]!;
      got.add(id);
      const at = publishedAt.get(id);
      if (at === undefined) continue;
      const lag = report.times[i]! - at;
      lags.push(lag);
      worstPerEvent.set(id, Math.max(worstPerEvent.get(id) ?? 0, lag));
    }
    for (const id of publishedAt.keys()) if (!got.has(id)) complete = false;
  }
  const sorted = Float64Array.from(lags).sort();
  const maxLag = Math.max(...worstPerEvent.values());
  const lastEventLag = worstPerEvent.get(lastId)!;
  const met = complete && resyncs === 0 && maxLag < TARGET_LAG_MS;
  const out = {
    node: process.version,
    quick,
    results,
    responses,
    clients: CLIENTS,
    complete,
    resyncs,
    seconds: Number(((received - started) / 1000).toFixed(2)),
    lagMs: {
      p50: Number(quantile(sorted, 0.5).toFixed(1)),
      p99: Number(quantile(sorted, 0.99).toFixed(1)),
      max: Number(maxLag.toFixed(1)),
      lastEvent: Number(lastEventLag.toFixed(1)),
    },
    memory: {
      heapGrowthMiB: Number(((peakHeap - before.heapUsed) / MiB).toFixed(1)),
      rssGrowthMiB: Number(((peakRss - before.rss) / MiB).toFixed(1)),
      replayBufferMiB: Number((replayBytes / MiB).toFixed(1)),
    },
    targets: { lagMs: { target: TARGET_LAG_MS, actual: Number(maxLag.toFixed(1)), met } },
  };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  log(`  every client got every event: ${complete ? 'yes' : 'NO'}; resyncs: ${resyncs}; ${out.seconds} s from the first publish to the last receipt`);
  log(`  lag, publish → receipt (every event at every client): p50 ${out.lagMs.p50} ms, p99 ${out.lagMs.p99} ms`);
  log(`  lag, publish → last client's receipt: max ${out.lagMs.max} ms (last event ${out.lagMs.lastEvent} ms)   target < ${TARGET_LAG_MS} ms — ${met ? 'MET' : 'NOT MET'}`);
  log(`  daemon heap growth at peak ${out.memory.heapGrowthMiB} MiB (replay buffer ${out.memory.replayBufferMiB} MiB of it), process RSS growth ${out.memory.rssGrowthMiB} MiB (clients' worker included)`);
}

if (isMainThread) await main();
