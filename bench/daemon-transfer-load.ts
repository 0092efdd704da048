// `npm run bench:daemon`, parts 2 and 3: what transfers cost the daemon.
//
// Progressing transfers: `slsk daemon` (a child process, so its CPU time is its own) shares 100
// sparse 1 GiB files; 10 peers here (real Clients with TransferManagers, logged in to our server)
// download 10 each. With 100 upload slots and a global upload limit of 32 KiB/s per transfer, all
// 100 stay in progress and the disk is no factor. The daemon's CPU time (user + system, /proc) per
// wall second is measured over a window once every one is transferring, and over a window before
// any was asked for (idle, for comparison).
//
// A long list: the daemon's transfer service (DaemonTransfers over a TransferManager) with a
// transfers.sqlite holding 10,000 transfers (the history of a busy daemon, plus queued uploads); the
// latency of what GET /api/v1/transfers/{id} and GET /api/v1/transfers (totals only, one user's, the
// default page of 1,000) do — the service's read and the reply's JSON — without the HTTP round trip.

import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import { TransferManager, TransferStore, type Transfer, type TransferState } from '../src/transfers/index.ts';
import { startServer } from '../test/server/harness.ts';
import { mulberry32 } from '../test/support/seeded-random.ts';
import { DaemonProcess } from './daemon-process.ts';
import { DaemonStore } from '../src/daemon/store/index.ts';
import { DaemonTransfers } from '../src/daemon/transfers/index.ts';

const DAEMON_USER = 'benchdaemon';
const PEERS = 10;
const FILES_PER_PEER = 10;
const BYTES_PER_SECOND_EACH = 32 * 1024;
const FILE_SIZE = 2 ** 30;
const SETTLE_TIMEOUT_MS = 60_000;
/**
 * For all 100 to be transferring: one offer whose reply is lost (30 s) and its backoff (15 s) fit
 * in it. (Once, in CI on a busy machine, 90 of 100 were still waiting after 60 s.)
 */
const TRANSFERRING_TIMEOUT_MS = 120_000;

export interface TransferCpuFigures {
  transfers: number;
  /** Upload limit, bytes/s over all of them. */
  limitBytesPerSecond: number;
  windowSeconds: number;
  /** CPU seconds per wall second, as a percentage of one core: user + kernel mode, and the kernel's part. */
  idleCpuPercent: number;
  busyCpuPercent: number;
  busySystemCpuPercent: number;
  /** Bytes the peers received in the busy window, per second (the limit at work). */
  receivedBytesPerSecond: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU % of one core the daemon used over `seconds` of wall time, in user and kernel mode. */
async function cpuOver(daemon: DaemonProcess, seconds: number): Promise<{ user: number; system: number }> {
  const before = daemon.cpuTimes();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = daemon.cpuTimes();
  const wall = (performance.now() - t0) / 1000;
  if (before === undefined || after === undefined) return { user: NaN, system: NaN };
  return { user: ((after.user - before.user) / wall) * 100, system: ((after.system - before.system) / wall) * 100 };
}

export async function benchTransferCpu(options: { windowSeconds: number; progress: (line: string) => void }): Promise<TransferCpuFigures> {
  const root = mkdtempSync(join(tmpdir(), 'slsk-bench-daemon-transfers-'));
  const share = join(root, 'Bench');
  mkdirSync(share);
  const transfers = PEERS * FILES_PER_PEER;
  for (let i = 0; i < transfers; i++) {
    // Sparse: a gigabyte of zeros that takes no disk and reads from no disk.
    const fd = openSync(join(share, `file ${String(i).padStart(3, '0')}.bin`), 'w');
    ftruncateSync(fd, FILE_SIZE);
    closeSync(fd);
  }
  const server = await startServer();
  const limit = transfers * BYTES_PER_SECOND_EACH;
  const daemon = new DaemonProcess({
    serverPort: server.port,
    username: DAEMON_USER,
    password: 'bench-password',
    data: join(root, 'daemon-data'),
    shares: [share],
    settings: { 'transfers.uploadSlots': transfers, 'transfers.uploadBytesPerSecond': limit },
  });
  const peers: { client: Client; manager: TransferManager }[] = [];
  try {
    await daemon.waitForLine((l) => l['event'] === 'scanned' && l['files'] === transfers, 'the shares scan', SETTLE_TIMEOUT_MS);
    await daemon.waitForLine((l) => l['event'] === 'serverConnection' && l['state'] === 'loggedIn', 'the login', SETTLE_TIMEOUT_MS);
    options.progress(`daemon online sharing ${transfers} files; idle for ${options.windowSeconds} s`);
    const idle = await cpuOver(daemon, options.windowSeconds);

    let transferring = 0;
    const allTransferring = Promise.withResolvers<void>();
    const failed = Promise.withResolvers<never>();
    // Raced below; a failure while the peers are still being started is not unhandled meanwhile.
    failed.promise.catch(() => {});
    for (let p = 0; p < PEERS; p++) {
      const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
      const manager = new TransferManager({
        client,
        database: ':memory:',
        downloadDir: join(root, `peer${p}`, 'downloads'),
        incompleteDir: join(root, `peer${p}`, 'incomplete'),
        resolveUpload: () => undefined,
        progressIntervalMs: 1000,
      });
      manager.on('transferState', (t: Transfer, previous: TransferState) => {
        if (t.state === 'transferring' && ++transferring === transfers) allTransferring.resolve();
        if (previous === 'transferring' && t.state !== 'transferring') transferring--;
        if (t.state === 'failed' || t.state === 'cancelled') failed.reject(new Error(`a download ${t.state}: ${t.reason ?? ''}`));
      });
      peers.push({ client, manager });
      await manager.start();
      await client.login({ server: `127.0.0.1:${server.port}`, username: `benchpeer${p}`, password: 'pw' });
      for (let f = 0; f < FILES_PER_PEER; f++) manager.download(DAEMON_USER, `Bench\\file ${String(p * FILES_PER_PEER + f).padStart(3, '0')}.bin`);
    }
    // Cleared once they are: a timer left running kept the benchmark's process alive for a minute.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waiting = peers.flatMap((p) => p.manager.list({ finished: false })).filter((t) => t.state !== 'transferring');
        const states = waiting.map((t) => `${t.username} ${t.filename}: ${t.state}${t.reason === undefined ? '' : ` (${t.reason})`}`);
        reject(new Error(`only ${transferring} of ${transfers} transfers were in progress after ${TRANSFERRING_TIMEOUT_MS / 1000} s; still waiting: ${states.join('; ')}`));
      }, TRANSFERRING_TIMEOUT_MS);
    });
    try {
      await Promise.race([allTransferring.promise, failed.promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
    options.progress(`${transfers} uploads in progress; measuring for ${options.windowSeconds} s`);
    const bytesBefore = totalBytes(peers.map((p) => p.manager));
    const t0 = performance.now();
    const busy = await Promise.race([cpuOver(daemon, options.windowSeconds), failed.promise]);
    const bytesAfter = totalBytes(peers.map((p) => p.manager));
    if (transferring !== transfers) throw new Error(`only ${transferring} of ${transfers} transfers were still in progress at the end of the window`);
    return {
      transfers,
      limitBytesPerSecond: limit,
      windowSeconds: options.windowSeconds,
      idleCpuPercent: idle.user + idle.system,
      busyCpuPercent: busy.user + busy.system,
      busySystemCpuPercent: busy.system,
      receivedBytesPerSecond: Number(bytesAfter - bytesBefore) / ((performance.now() - t0) / 1000),
    };
  } finally {
    await daemon.stop();
    for (const { manager, client } of peers) {
      await manager.close();
      await client.close();
    }
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function totalBytes(managers: readonly TransferManager[]): bigint {
  let sum = 0n;
  for (const manager of managers) for (const t of manager.list({ finished: false })) sum += t.bytes;
  return sum;
}

// ---- the long list --------------------------------------------------------------------------------

export interface TransferListFigures {
  rows: number;
  queuedUploads: number;
  reads: number;
  /** get(id) of a random transfer, history or live. */
  /** GET /api/v1/transfers/{id}. */
  stateMs: { p50: number; p99: number };
  /** GET /api/v1/transfers?summary=true: every group's totals. */
  summaryMs: { p50: number; p99: number };
  /** GET /api/v1/transfers?username=…: one user's transfers. */
  userMs: { p50: number; p99: number };
  /** GET /api/v1/transfers: the default page (1,000 transfers, whole groups). */
  pageMs: { p50: number; p99: number };
}

const FINISHED: TransferState[] = ['completed', 'completed', 'completed', 'failed', 'cancelled'];

export async function benchTransferList(options: { rows: number; reads: number }): Promise<TransferListFigures> {
  const root = mkdtempSync(join(tmpdir(), 'slsk-bench-daemon-list-'));
  const database = join(root, 'transfers.sqlite');
  const random = mulberry32(0x7a15);
  const queuedUploads = Math.floor(options.rows / 10);
  const ids: string[] = [];
  const store = new TransferStore(database);
  const now = Date.now();
  for (let i = 0; i < options.rows; i++) {
    const upload = i < queuedUploads || random() < 0.4;
    const state: TransferState = i < queuedUploads ? 'queued' : FINISHED[Math.floor(random() * FINISHED.length)]!;
    const id = `bench-${i}`;
    ids.push(id);
    const size = BigInt(1_000_000 + Math.floor(random() * 50_000_000));
    store.save({
      id,
      direction: upload ? 'upload' : 'download',
      username: `user${Math.floor(random() * 500)}`,
      filename: `@@music\\Artist ${i % 997}\\Album ${i % 89}\\${String(i % 20).padStart(2, '0')} - Track ${i}.flac`,
      size,
      bytes: state === 'completed' ? size : 0n,
      state,
      reason: state === 'failed' ? 'Remote file error' : undefined,
      attempts: 0,
      retryAt: undefined,
      localPath: upload ? join(root, `track ${i}.flac`) : undefined,
      destination: undefined,
      incompletePath: undefined,
      legacy: false,
      createdAt: now - (options.rows - i) * 1000,
      updatedAt: now - (options.rows - i) * 1000,
      finishedAt: state === 'queued' ? undefined : now - (options.rows - i) * 1000,
    });
  }
  store.close();
  // A client that is not logged in: queued uploads stay queued (no slots), nothing goes out.
  const client = new Client({ reconnect: false, distributed: false });
  const manager = new TransferManager({ client, database, downloadDir: join(root, 'downloads'), incompleteDir: join(root, 'incomplete'), resolveUpload: () => undefined, uploadSlots: 0 });
  await manager.start();
  try {
    if (manager.list().length !== options.rows) throw new Error(`the manager lists ${manager.list().length} transfers, not ${options.rows}`);
    const time = (run: () => unknown, count: number): { p50: number; p99: number } => {
      for (let i = 0; i < Math.min(20, count); i++) run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const at = (q: number): number => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3));
      return { p50: at(0.5), p99: at(0.99) };
    };
    const folders = DaemonStore.open(join(root, 'data'));
    const transfers = new DaemonTransfers({ manager, client, folders: folders.folders, hub: { publish: () => {} }, downloadsDir: join(root, 'downloads'), layout: () => 'remote-parent' });
    transfers.load();
    const users = [...new Set(manager.list().map((t) => t.username))];
    try {
      const stateMs = time(() => JSON.stringify(transfers.get(ids[Math.floor(random() * ids.length)]!)), options.reads);
      const summaryMs = time(() => JSON.stringify(transfers.list({ summary: true })), options.reads);
      const userMs = time(() => JSON.stringify(transfers.list({ username: users[Math.floor(random() * users.length)]! })), options.reads);
      const pageMs = time(() => JSON.stringify(transfers.list({})), Math.max(50, Math.floor(options.reads / 5)));
      return { rows: options.rows, queuedUploads, reads: options.reads, stateMs, summaryMs, userMs, pageMs };
    } finally {
      transfers.close();
      folders.close();
    }
  } finally {
    await manager.close();
    await client.close();
    rmSync(root, { recursive: true, force: true });
  }
}
