// Inflate benchmark: the longest event-loop stall while a P connection receives (1) a 625 KiB
// search-reply bomb (a zlib body of ~250 MiB of minimal results) and (2) a legitimate 1,000,000-file
// shares reply, the way slsk-ts did it before (one synchronous inflate + decode, 256 MiB global
// cap) and the way PeerConnection does it now (decodeInSteps: the message's own caps, inflating
// on zlib's thread pool in 64 KiB steps, reading large bodies in steps). Target: ≤ 50 ms.
//
//   npm run bench:inflate [-- --quick] [-- --json] [-- --skip-before]
//   (--quick: a 100,000-file shares reply and a smaller bomb; --skip-before: only the current path)

import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDeflate, inflateSync } from 'node:zlib';
import { PeerConnection } from '../src/client/peer-connection.ts';
import { encode, inflateMeter, type PeerMessage } from '../src/protocol/index.ts';
import { peerMessages } from '../src/protocol/messages/index.ts';
import { Reader } from '../src/protocol/reader.ts';
import { peerFrame } from '../test/protocol/bombs.ts';

const args = new Set(process.argv.slice(2));
const JSON_OUTPUT = args.has('--json');
const QUICK = args.has('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
const SKIP_BEFORE = args.has('--skip-before');
const TARGET_STALL_MS = 50;
const MiB = 1024 * 1024;
const log = JSON_OUTPUT ? (_: string) => {} : (line: string) => console.log(line);

// ---- frames --------------------------------------------------------------------------------------

/** A search reply whose results are all the same minimal file: zlib shrinks it ~400×. */
async function searchBomb(inflatedBytes: number): Promise<Buffer> {
  const file = Buffer.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // 21 bytes
  const perChunk = 50_000;
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => file));
  const count = Math.floor(inflatedBytes / file.length / perChunk) * perChunk;
  const head = Buffer.alloc(4 + 1 + 4 + 4);
  head.writeUInt32LE(1, 0);
  head.write('x', 4);
  head.writeUInt32LE(1234, 5);
  head.writeUInt32LE(count, 9);
  const tail = Buffer.alloc(1 + 4 + 4 + 4); // slots free, speed, queue, unknown
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  deflate.write(head);
  for (let i = 0; i < count / perChunk; i++) if (!deflate.write(chunk)) await once(deflate, 'drain');
  deflate.end(tail);
  await once(deflate, 'end');
  return peerFrame(9, Buffer.concat(parts));
}

function sharesReply(folders: number, filesPerFolder: number): Uint8Array {
  const message: PeerMessage = {
    name: 'PeerSharesReply',
    directories: Array.from({ length: folders }, (_, d) => ({
      name: `Music\\Artist ${d % 97}\\Album ${d}`,
      files: Array.from({ length: filesPerFolder }, (_, f) => ({
        unknown: 1,
        filename: `${String(f + 1).padStart(2, '0')} - Track number ${f} of album ${d}.mp3`,
        filesize: BigInt(4_000_000 + ((d * 7919 + f * 104729) % 9_000_000)),
        extension: 'mp3',
        attributes: [
          { key: 0, value: 320 },
          { key: 1, value: 180 + (f % 200) },
          { key: 2, value: 0 },
        ],
      })),
    })),
    unknown: 0,
  };
  return encode('peer', 'both', message);
}

// ---- the two ways of receiving a frame -----------------------------------------------------------

/** The old path: inflate everything at once up to a global 256 MiB, then read it in one go. */
function decodeBefore(frame: Uint8Array): unknown {
  const code = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt32LE(4);
  const def = Object.values(peerMessages).find((d) => d.code === code)!;
  const body = inflateSync(frame.subarray(8), { maxOutputLength: 256 * MiB });
  const message: Record<string, unknown> = {};
  def.layout.readInto(new Reader(body), message);
  return message;
}

interface Run {
  stallMs: number;
  seconds: number;
  outcome: string;
  inflatedMiB: number;
  /** Heap in use right after the frame was handled, above what it was before (garbage included). */
  heapGrowthMiB: number;
}

// A full collection before each run, so one run's garbage does not count against the next.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function measure(receive: () => Promise<string>): Promise<Run> {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const inflatedBefore = inflateMeter.bytes;
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const outcome = await receive();
  const seconds = (performance.now() - started) / 1000;
  // One more turn so a stall at the very end is sampled.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  return {
    stallMs: histogram.max / 1e6,
    seconds,
    outcome,
    inflatedMiB: (inflateMeter.bytes - inflatedBefore) / MiB,
    heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / MiB,
  };
}

async function before(frame: Uint8Array): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  try {
    decodeBefore(frame);
    return 'decoded';
  } catch (error) {
    return `refused (${(error as Error).message.slice(0, 60)})`;
  }
}

/** The current path: the frame crosses a real TCP P connection and PeerConnection decodes it. */
async function after(frame: Uint8Array): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const theirs = connect((server.address() as { port: number }).port, '127.0.0.1');
  const ours = PeerConnection.over('peer', (await accepted)[0], {});
  const result = new Promise<string>((resolve) => {
    ours.once('message', (m) => resolve(`decoded ${m.name}`));
    ours.once('skipped', (s) => resolve(s.reason === 'unreadable' ? `refused (${s.error.code})` : 'dropped unread'));
  });
  theirs.write(frame);
  const outcome = await result;
  ours.close();
  theirs.destroy();
  server.close();
  return outcome;
}

// ---- run -----------------------------------------------------------------------------------------

const bombInflated = QUICK ? 64 * MiB : 250 * MiB;
const filesPerFolder = 100;
const folders = QUICK ? 1_000 : 10_000;
const bomb = await searchBomb(bombInflated);
const shares = sharesReply(folders, filesPerFolder);
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
log(`slsk-ts inflate benchmark — node ${process.version}${QUICK ? ', quick run' : ''}`);
log(`  search-reply bomb: ${kib(bomb.length)} on the wire, inflates to ${(bombInflated / MiB).toFixed(0)} MiB of minimal results`);
log(`  shares reply:      ${(folders * filesPerFolder).toLocaleString('en-US')} files, ${(shares.length / MiB).toFixed(1)} MiB on the wire`);
log('');

const cases = [
  { key: 'searchBomb', label: 'search-reply bomb', frame: bomb },
  { key: 'sharesReply', label: `shares reply, ${(folders * filesPerFolder).toLocaleString('en-US')} files`, frame: shares },
];
const results: Record<string, { before?: Run; after: Run }> = {};
for (const c of cases) {
  const b = SKIP_BEFORE ? undefined : await measure(() => before(c.frame));
  const a = await measure(() => after(c.frame));
  results[c.key] = { ...(b === undefined ? {} : { before: b }), after: a };
}

const worstAfter = Math.max(...Object.values(results).map((r) => r.after.stallMs));
const met = worstAfter <= TARGET_STALL_MS;

if (JSON_OUTPUT) {
  const round = (run: Run) => ({
    stallMs: Number(run.stallMs.toFixed(1)),
    seconds: Number(run.seconds.toFixed(2)),
    outcome: run.outcome,
    inflatedMiB: Number(run.inflatedMiB.toFixed(1)),
    heapGrowthMiB: Number(run.heapGrowthMiB.toFixed(1)),
  });
  console.log(
    JSON.stringify({
      node: process.version,
      quick: QUICK,
      cases: Object.fromEntries(
        Object.entries(results).map(([key, r]) => [key, { ...(r.before ? { before: round(r.before) } : {}), after: round(r.after) }]),
      ),
      targets: { stallMs: { target: TARGET_STALL_MS, actual: Number(worstAfter.toFixed(1)), met } },
    }),
  );
} else {
  for (const c of cases) {
    const r = results[c.key]!;
    log(`${c.label}`);
    for (const [when, run] of [['before', r.before], ['after', r.after]] as const) {
      if (run === undefined) continue;
      log(
        `  ${when.padEnd(6)} longest stall ${run.stallMs.toFixed(1).padStart(8)} ms   total ${run.seconds.toFixed(2).padStart(6)} s   ` +
          `inflated ${run.inflatedMiB.toFixed(1).padStart(6)} MiB   heap +${run.heapGrowthMiB.toFixed(0)} MiB   ${run.outcome}`,
      );
    }
  }
  log('');
  log(`target: longest event-loop stall ≤ ${TARGET_STALL_MS} ms per frame (after) — ${met ? 'MET' : 'NOT MET'} (${worstAfter.toFixed(1)} ms)`);
  log('"before" inflates with inflateSync (not counted by the meter) and reads the body in one call, as slsk-ts did.');
}
