// Transfer benchmark: one download of a large file between two of our processes over 127.0.0.1,
// against the same bytes over a plain node:net socket pair, in the same run.
//
//   npm run bench:transfer [-- --quick] [-- --json] [-- --size MiB] [-- --rounds N] [-- --dir DIR]
//   npm run bench:transfer -- --queue-history N    (the upload queue's cost instead, see queueCost)
//
// The uploader (a Client with a TransferManager) runs in a child process (this file with --child),
// which also sends the plain copy; the server and the downloader run here. Both paths read the same
// source file (in the page cache after a warm-up read) and write a file here. Timed: from the first
// byte's connection (plain: accepted; ours: offset sent, state `transferring`) to the received file
// closed (ours: also moved into the download folder). After one uncounted run of each, each path
// runs --rounds times (3, alternating which goes first); the best rounds are compared (the median
// ratio is shown too). --dir puts the files elsewhere (default: the temp folder; /dev/shm takes
// the disk out of the comparison). The end-to-end time of our download (queue request, offer,
// F connection included) is shown too.

import { fork, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client/index.ts';
import { silentLogger } from '../src/server/log.ts';
import { SoulseekServer } from '../src/server/server.ts';
import { DatabaseSync } from 'node:sqlite';
import { TransferManager, TransferStore, type Transfer } from '../src/transfers/index.ts';

const MiB = 1024 * 1024;
const VIRTUAL = '@@bench\\data.bin';
const self = fileURLToPath(import.meta.url);

type ToChild = { type: 'init'; port: number; source: string; root: string } | { type: 'plain'; port: number } | { type: 'exit' };
type FromChild = { type: 'ready' } | { type: 'plain-sent' } | { type: 'error'; message: string };

// ---- the uploader process ----------------------------------------------------------------------

async function child(): Promise<void> {
  let source = '';
  let client: Client | undefined;
  let manager: TransferManager | undefined;
  const reply = (message: FromChild): void => void process.send!(message);
  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if (message.type === 'init') {
          source = message.source;
          client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
          manager = new TransferManager({
            client,
            database: join(message.root, 'uploader.db'),
            downloadDir: join(message.root, 'uploader-downloads'),
            incompleteDir: join(message.root, 'uploader-incomplete'),
            resolveUpload: (path) => (path === VIRTUAL ? { path: source, size: statSync(source).size } : undefined),
            uploadSlots: 1,
          });
          await manager.start();
          await client.login({ server: `127.0.0.1:${message.port}`, username: 'bench-uploader', password: 'pw' });
          reply({ type: 'ready' });
        } else if (message.type === 'plain') {
          const socket = connect({ host: '127.0.0.1', port: message.port, noDelay: true });
          await pipeline(createReadStream(source, { highWaterMark: MiB }), socket);
          reply({ type: 'plain-sent' });
        } else {
          await manager?.close();
          await client?.close();
          process.exit(0);
        }
      } catch (error) {
        reply({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    })();
  });
}

// ---- the orchestrator and downloader -------------------------------------------------------------

function waitFor<T extends FromChild['type']>(proc: ChildProcess, type: T): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromChild): void => {
      if (message.type === 'error') {
        cleanup();
        reject(new Error(`uploader: ${message.message}`));
      } else if (message.type === type) {
        cleanup();
        resolve(message as Extract<FromChild, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`the uploader exited (${code})`));
    };
    const cleanup = (): void => {
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      size: { type: 'string' },
      rounds: { type: 'string' },
      dir: { type: 'string' },
      child: { type: 'boolean', default: false },
      'queue-history': { type: 'string' },
    },
  });
  if (values['queue-history'] !== undefined) return queueCost(Number(values['queue-history']), values.json);
  const sizeMiB = values.size !== undefined ? Number(values.size) : values.quick ? 128 : 1024;
  const rounds = values.rounds !== undefined ? Number(values.rounds) : 3;
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1 || !Number.isInteger(rounds) || rounds < 1) {
    console.error('--size (MiB) and --rounds must be whole numbers ≥ 1');
    process.exit(2);
  }
  const size = sizeMiB * MiB;
  const log = (text: string): void => {
    if (!values.json) console.error(text);
  };

  const root = mkdtempSync(join(values.dir ?? tmpdir(), 'slsk-bench-transfer-'));
  const source = join(root, 'source.bin');
  const received = join(root, 'received');
  mkdirSync(received);
  let server: SoulseekServer | undefined;
  let uploader: ChildProcess | undefined;
  let client: Client | undefined;
  let manager: TransferManager | undefined;
  try {
    log(`writing ${sizeMiB} MiB of random bytes…`);
    const fd = openSync(source, 'w');
    const block = Buffer.allocUnsafe(16 * MiB);
    for (let written = 0; written < size; ) {
      const n = Math.min(block.length, size - written);
      randomFillSync(block, 0, n);
      writeSync(fd, block, 0, n);
      written += n;
    }
    closeSync(fd);
    // Warm the page cache so both paths read from memory.
    for await (const _ of createReadStream(source, { highWaterMark: 4 * MiB })) void _;

    server = await SoulseekServer.start({
      host: '127.0.0.1',
      port: 0,
      passwordCost: 1024,
      logger: silentLogger(),
      dataDir: join(root, 'server'),
      limits: { failedConnectionsPerMinutePerIp: 10_000 },
    });
    uploader = fork(self, ['--child'], { execArgv: ['--conditions=slsk-ts-source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = waitFor(uploader, 'ready');
    uploader.send({ type: 'init', port: server.port, source, root } satisfies ToChild);
    await ready;

    client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
    await client.login({ server: `127.0.0.1:${server.port}`, username: 'bench-downloader', password: 'pw' });
    manager = new TransferManager({
      client,
      database: join(root, 'downloader.db'),
      downloadDir: received,
      incompleteDir: join(root, 'incomplete'),
      resolveUpload: () => undefined,
    });
    await manager.start();

    const plainRound = async (): Promise<number> => {
      const out = join(received, 'plain.bin');
      const listener = createServer({ noDelay: true });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const accepted = new Promise<number>((resolve, reject) => {
        listener.once('connection', (socket) => {
          const start = performance.now();
          pipeline(socket, createWriteStream(out, { highWaterMark: 4 * MiB })).then(() => resolve(performance.now() - start), reject);
        });
      });
      const sent = waitFor(uploader!, 'plain-sent');
      uploader!.send({ type: 'plain', port: (listener.address() as AddressInfo).port } satisfies ToChild);
      const ms = await accepted;
      await sent;
      listener.close();
      rmSync(out);
      return ms;
    };

    const ourRound = async (): Promise<{ ms: number; endToEndMs: number }> => {
      const begin = performance.now();
      let start = 0;
      const onState = (t: Transfer): void => {
        if (t.state === 'transferring') start = performance.now();
      };
      manager!.on('transferState', onState);
      const transfer = manager!.download('bench-uploader', VIRTUAL);
      const result = await new Promise<Transfer>((resolve) => {
        const onDone = (t: Transfer): void => {
          if (t.id !== transfer.id) return;
          manager!.off('transferDone', onDone);
          resolve(t);
        };
        manager!.on('transferDone', onDone);
      });
      const end = performance.now();
      manager!.off('transferState', onState);
      if (result.state !== 'completed') throw new Error(`the download ${result.state}: ${result.reason}`);
      if (result.bytes !== BigInt(size) || result.offset !== 0n) throw new Error(`the download moved ${result.bytes - result.offset} of ${size} bytes`);
      rmSync(result.localPath!);
      return { ms: end - start, endToEndMs: end - begin };
    };

    const plain: number[] = [];
    const ours: number[] = [];
    const endToEnd: number[] = [];
    // One uncounted run of each first (connections, JIT, page cache), then the counted rounds.
    await plainRound();
    await ourRound();
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['plain', 'ours'] as const) : (['ours', 'plain'] as const);
      for (const which of order) {
        if (which === 'plain') plain.push(await plainRound());
        else {
          const r = await ourRound();
          ours.push(r.ms);
          endToEnd.push(r.endToEndMs);
        }
      }
      log(`round ${round + 1}/${rounds}: plain ${(size / 1e3 / plain.at(-1)!).toFixed(0)} MB/s, slsk-ts ${(size / 1e3 / ours.at(-1)!).toFixed(0)} MB/s`);
    }
    const mbps = (ms: number): number => size / 1e3 / ms;
    const best = (list: number[]): number => Math.min(...list);
    const median = (list: number[]): number => {
      const sorted = [...list].sort((x, y) => x - y);
      const mid = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const result = {
      bytes: size,
      rounds,
      plainMBps: Math.round(mbps(best(plain))),
      transferMBps: Math.round(mbps(best(ours))),
      transferEndToEndMBps: Math.round(mbps(best(endToEnd))),
      ratio: Number((best(plain) / best(ours)).toFixed(3)),
      endToEndRatio: Number((best(plain) / best(endToEnd)).toFixed(3)),
      medianRatio: Number((median(plain) / median(ours)).toFixed(3)),
      roundsMs: { plain: plain.map(Math.round), transfer: ours.map(Math.round), transferEndToEnd: endToEnd.map(Math.round) },
    };
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`transfer of ${sizeMiB} MiB over 127.0.0.1, best of ${rounds}`);
      console.log(`  plain node:net socket pair : ${result.plainMBps} MB/s`);
      console.log(`  slsk-ts TransferManager    : ${result.transferMBps} MB/s (end to end, with queue/offer/connection: ${result.transferEndToEndMBps} MB/s)`);
      console.log(`  ratio                      : ${result.ratio} (median of rounds ${result.medianRatio}, end to end ${result.endToEndRatio}; aim ≥ 0.9)`);
    }
  } finally {
    await manager?.close();
    await client?.close();
    if (uploader !== undefined && uploader.exitCode === null) {
      const exited = new Promise((resolve) => uploader!.once('exit', resolve));
      uploader.send({ type: 'exit' } satisfies ToChild);
      await exited;
    }
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- the upload queue's cost -------------------------------------------------------------------

/**
 * A sharer with `history` finished uploads in its transfer list (most of them the requester's)
 * answers 500 queue requests from one user: the time to start (what it loads) and per request,
 * with the heap at the end. Finished transfers stay on disk, so neither grows with the history.
 */
async function queueCost(history: number, json: boolean): Promise<void> {
  if (!Number.isInteger(history) || history < 0) {
    console.error('--queue-history must be a whole number ≥ 0');
    process.exit(2);
  }
  const requests = 500;
  const root = mkdtempSync(join(tmpdir(), 'slsk-bench-queue-'));
  const database = join(root, 'transfers.db');
  new TransferStore(database).close();
  const db = new DatabaseSync(database);
  const insert = db.prepare(`INSERT INTO transfers (id, direction, username, filename, size, bytes, state, created_at, updated_at, finished_at)
                             VALUES (?, 'upload', 'fan', ?, 1000, 1000, 'completed', ?, ?, ?)`);
  db.exec('BEGIN');
  for (let i = 0; i < history; i++) insert.run(`old-${i}`, `@@bench\\old${i}.bin`, i, i, i);
  db.exec('COMMIT');
  db.close();
  const server = await SoulseekServer.start({ host: '127.0.0.1', port: 0, passwordCost: 1024, logger: silentLogger(), dataDir: join(root, 'server') });
  const sharer = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  const fan = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  const manager = new TransferManager({
    client: sharer,
    database,
    downloadDir: join(root, 'downloads'),
    incompleteDir: join(root, 'incomplete'),
    resolveUpload: () => ({ path: join(root, 'nothing'), size: 1000 }),
    uploadSlots: 0,
    limits: { maxQueuedFilesPerUser: Infinity, maxQueuedMegabytesPerUser: Infinity },
  });
  try {
    await sharer.login({ server: `127.0.0.1:${server.port}`, username: 'sharer', password: 'pw' });
    await fan.login({ server: `127.0.0.1:${server.port}`, username: 'fan', password: 'pw' });
    let started = performance.now();
    await manager.start();
    const startMs = performance.now() - started;
    const last = new Promise<void>((resolve) =>
      manager.on('transferAdded', (transfer) => {
        if (transfer.filename === `@@bench\\new${requests - 1}.bin`) resolve();
      }),
    );
    started = performance.now();
    for (let i = 0; i < requests; i++) await fan.sendToPeer('sharer', { name: 'PeerTransferQueue', filename: `@@bench\\new${i}.bin` });
    await last;
    const perRequestMs = (performance.now() - started) / requests;
    const heapMiB = process.memoryUsage().heapUsed / MiB;
    const result = { history, requests, startMs: Math.round(startMs), perRequestMs: Number(perRequestMs.toFixed(3)), heapMiB: Math.round(heapMiB), ...manager.costs() };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(`upload queue with ${history} finished transfers in the list, ${requests} queue requests from one user`);
      console.log(`  start (load the live transfers) : ${result.startMs} ms`);
      console.log(`  per queue request (end to end)  : ${result.perRequestMs} ms (aim < 1 ms, whatever the history)`);
      console.log(`  heap at the end                 : ${result.heapMiB} MiB; rows read ${result.rowsRead}, live entries scanned ${result.liveEntriesScanned}`);
    }
  } finally {
    await manager.close();
    await fan.close();
    await sharer.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await child();
else await main();
