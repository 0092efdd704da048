// Daemon store benchmark: the longest event-loop stall while a 50,000-file search's responses are
// written in batches (target < 50 ms), the time per batch, one chat message insert at the per-room
// bound, and a page of history from a 100,000-message room (targets below).
//
//   npm run bench:daemon-store [-- --quick]
//   (--quick: 10,000 files and a 20,000-message room)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DaemonStore } from '../src/daemon/store/index.ts';
import type { SharedFile } from '../src/model/files.ts';

const quick = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
const FILES = quick ? 10_000 : 50_000;
const ROOM_MESSAGES = quick ? 20_000 : 100_000;
const TARGET_STALL_MS = 50;
const TARGET_INSERT_MS = 1;
const TARGET_PAGE_MS = 5;

function file(user: number, n: number): SharedFile {
  return {
    filename: `@@music\\Artist ${user}\\Album\\${String(n).padStart(2, '0')} - A fairly long track title.flac`,
    size: 31_457_280n,
    extension: 'flac',
    locked: false,
    attributes: [{ key: 1, value: 300 }, { key: 4, value: 44100 }, { key: 5, value: 16 }],
    duration: 300,
    sampleRate: 44100,
    bitDepth: 16,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'slsk-bench-daemon-store-'));
const store = DaemonStore.open(dataDir, { settings: { maxMessagesPerRoom: ROOM_MESSAGES } });
try {
  console.log(`slsk-ts daemon store benchmark — node ${process.version}${quick ? ', quick run' : ''}`);
  const responses = Array.from({ length: FILES / 50 }, (_, user) => ({
    username: `user${user}`,
    slotsFree: true,
    avgSpeed: 1_000_000,
    queueLength: 0,
    files: Array.from({ length: 50 }, (_, n) => file(user, n)),
  }));
  const search = store.searches.create({ query: 'benchmark' });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const before = store.transactionStats.transactions;
  const start = performance.now();
  await store.searches.addResponses(search.id, responses);
  const total = performance.now() - start;
  delay.disable();
  const batches = store.transactionStats.transactions - before;
  const stallMs = delay.max / 1e6;
  console.log(`${FILES} files in ${batches} transactions: ${total.toFixed(0)} ms total, ${(total / batches).toFixed(1)} ms per batch`);
  console.log(`  longest event-loop stall ${stallMs.toFixed(1)} ms (target < ${TARGET_STALL_MS} ms) ${stallMs < TARGET_STALL_MS ? 'ok' : 'OVER'}`);

  for (let i = 0; i < ROOM_MESSAGES; i++) store.chat.addRoomMessage({ room: 'big', username: `u${i % 500}`, text: `message number ${i}` });
  const inserts = 1000;
  const insertStart = performance.now();
  // at the bound: every insert also trims the oldest
  for (let i = 0; i < inserts; i++) store.chat.addRoomMessage({ room: 'big', username: 'u', text: `more ${i}` });
  const insertMs = (performance.now() - insertStart) / inserts;
  console.log(`room message insert at the ${ROOM_MESSAGES}-message bound: ${insertMs.toFixed(3)} ms (target < ${TARGET_INSERT_MS} ms) ${insertMs < TARGET_INSERT_MS ? 'ok' : 'OVER'}`);

  const middle = store.chat.roomMessages('big', { limit: 1 })[0]!.id - Math.floor(ROOM_MESSAGES / 2);
  const pages = 200;
  const pageStart = performance.now();
  for (let i = 0; i < pages; i++) store.chat.roomMessages('big', { before: middle - i * 100, limit: 100 });
  const pageMs = (performance.now() - pageStart) / pages;
  console.log(`a page of 100 from the middle of ${ROOM_MESSAGES} messages: ${pageMs.toFixed(3)} ms (target < ${TARGET_PAGE_MS} ms) ${pageMs < TARGET_PAGE_MS ? 'ok' : 'OVER'}`);
} finally {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
