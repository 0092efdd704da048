// SIGKILL at any moment loses nothing the daemon store acknowledged: a real child process writes
// (store-durability-child.ts) and prints each write once its call returned; the parent kills it after a
// seeded-random number of acknowledgements, reopens the data folder and finds every one of them.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { mulberry32 } from '../support/seeded-random.ts';

const childScript = fileURLToPath(new URL('./store-durability-child.ts', import.meta.url));
/** Long enough for a cold start of the TypeScript sources on a loaded machine. */
const DEADLINE_MS = 30_000;

interface Killed {
  acknowledged: string[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the writer until it has acknowledged `killAfter` writes, then SIGKILLs it. */
function runAndKill(dataDir: string, seed: number, killAfter: number): Promise<Killed> {
  const child = spawn(process.execPath, ['--conditions=slsk-ts-source', childScript, dataDir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    acknowledged.push(line);
    if (acknowledged.length === killAfter) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not reach ${killAfter} acknowledgements in ${DEADLINE_MS} ms (${acknowledged.length}); stderr:\n${stderr}`));
    }, DEADLINE_MS);
    // 'close': every line the child printed before dying has been read
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ acknowledged, signal, stderr });
    });
  });
}

function everything(store: DaemonStore, searchId: string) {
  const collect = <T extends { id: number }>(page: (before: number | undefined) => T[]): Set<number> => {
    const ids = new Set<number>();
    for (let before: number | undefined; ; ) {
      const rows = page(before);
      if (rows.length === 0) return ids;
      for (const row of rows) ids.add(row.id);
      before = rows.at(-1)!.id;
    }
  };
  const responses = new Set<string>();
  for (let after = 0; ; ) {
    const page = store.searches.responses(searchId, { after, limit: 1000 });
    if (page.length === 0) break;
    for (const response of page) responses.add(response.username);
    after = page.at(-1)!.seq;
  }
  return {
    room: collect((before) => store.chat.roomMessages('durable', { before, limit: 1000 })),
    private: collect((before) => store.chat.privateMessages('alice', { before, limit: 1000 })),
    event: collect((before) => store.events.list({ before, limit: 1000 })),
    wish: new Set(store.wishlist.list().map((item) => item.id)),
    responses,
  };
}

describe('daemon store durability', () => {
  const random = mulberry32(0x5eed_12);
  for (let run = 0; run < 3; run++) {
    const killAfter = 20 + Math.floor(random() * 400);
    test(`SIGKILL after ${killAfter} acknowledged writes loses none of them (run ${run})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'slsk-daemon-durability-'));
      try {
        const { acknowledged, signal, stderr } = await runAndKill(dataDir, run + 1, killAfter);
        assert.equal(signal, 'SIGKILL', `the writer was killed, not ended otherwise; stderr:\n${stderr}`);
        assert.ok(acknowledged.length >= killAfter, `${acknowledged.length} acknowledgements`);

        const store = DaemonStore.open(dataDir);
        try {
          const searchLine = acknowledged[0]!;
          assert.match(searchLine, /^search /);
          const searchId = searchLine.slice('search '.length);
          const found = everything(store, searchId);
          const missing = acknowledged.slice(1).filter((line) => {
            const [kind, key] = line.split(' ') as [string, string];
            if (kind === 'response') return !found.responses.has(key);
            if (kind === 'wish') return !found.wish.has(key);
            if (kind === 'buddy') return store.userLists.buddy(key)?.note !== `note ${key.slice('buddy'.length)}`;
            if (kind === 'room' || kind === 'private' || kind === 'event') return !found[kind].has(Number(key));
            throw new Error(`unexpected line from the writer: ${line}`);
          });
          assert.deepEqual(missing, [], 'every acknowledged write survived the kill');
          const record = store.searches.get(searchId);
          assert.equal(record.responseCount, found.responses.size, 'the counters moved in the same transactions as the rows');
          // the store still takes writes after the crash
          store.chat.addRoomMessage({ room: 'durable', username: 'after', text: 'still here' });
        } finally {
          store.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
