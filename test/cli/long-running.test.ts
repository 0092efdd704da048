// The commands that run until stopped (share, chat) as real child processes: they stop cleanly
// and exit 0 on SIGTERM as on Ctrl-C (a Ctrl-C delivered twice, as under npx, included), stop when
// the npx that started them is killed, and ride out a server restart: they log in again, rejoin
// their room and announce their shares again. Every wait ends on output, an event or an exit.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { assertExit } from './run-process.ts';
import { cleanEnv, removeHomes, SlskChild, WAIT_MS } from './slsk-child.ts';

let server: TestServer;
let root: string;
let shareDir: string;
const children: SlskChild[] = [];
const clients: Client[] = [];
let count = 0;

function connection(user: string): string[] {
  return ['--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'];
}

function start(args: readonly string[], user: string, env: Record<string, string> = {}): SlskChild {
  const child = new SlskChild([...args, ...connection(user)], cleanEnv(env), 120_000);
  children.push(child);
  return child;
}

async function peer(username: string): Promise<Client> {
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  clients.push(client);
  await client.login({ server: `127.0.0.1:${server.port}`, username, password: 'pw' });
  return client;
}

/** The processes under `pid` (the shell npx runs and slsk under it), from /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) for (const child of children.get(queue.shift()!) ?? []) queue.push(child), found.push(child);
  return found;
}

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves once what `stream` carried, kept by `output()`, matches `pattern`; rejects after a deadline. */
function untilOutput(stream: Readable, output: () => string, pattern: RegExp, timeoutMs = WAIT_MS * 2): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pattern.test(output())) return;
      clearTimeout(timer);
      stream.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      stream.off('data', check);
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    stream.on('data', check);
    check();
  });
}

function sharer(user: string, extra: readonly string[] = []): SlskChild {
  return start(['share', shareDir, '--data', join(root, `data-${user}`), ...extra], user);
}

before(async () => {
  root = tempDir('slsk-long-running-');
  server = await startServer({ dataDir: join(root, 'server') });
  shareDir = join(root, 'Tunes');
  mkdirSync(shareDir, { recursive: true });
  writeFileSync(join(shareDir, 'quasar drift.txt'), 'la la la\n');
});

after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited.catch(() => {})));
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
  rmSync(root, { recursive: true, force: true });
  removeHomes();
});

test('SIGTERM stops slsk share cleanly and it exits 0', async () => {
  const child = sharer(`term${++count}`);
  child.endInput();
  await child.waitFor(/online as term\d+/, 'stdout', 20_000);
  child.process.kill('SIGTERM');
  const result = await child.exited;
  assertExit(result, 0);
  assert.match(result.stdout, /stopped: \d+ searches answered/);
  assert.equal(result.stderr, '');
});

test('Ctrl-C on a terminal under npx (npx and slsk both get it, and npx passes its copy on) stops slsk share cleanly with 0', async () => {
  const user = `twice${++count}`;
  // A process group of its own, as a terminal's foreground job: Ctrl-C signals the whole group.
  const npx = spawn('npx', ['slsk', 'share', shareDir, '--data', join(root, `data-${user}`), ...connection(user)], {
    cwd: repo,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  npx.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  npx.stderr.resume();
  // slsk writes to the same pipe as npx: it closes when both have exited.
  const closed = new Promise<void>((resolve) => npx.stdout.on('close', () => resolve()));
  await untilOutput(npx.stdout, () => stdout, /online as twice\d+/);
  process.kill(-npx.pid!, 'SIGINT');
  await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${WAIT_MS} ms:\n${stdout}`)), WAIT_MS))]);
  // What npx itself exits with is npm's business; slsk stopped cleanly, not cut short by the copy.
  assert.match(stdout, /stopped: \d+ searches answered/);
});

test('SIGTERM makes slsk chat leave the room and exit 0', async () => {
  const child = start(['chat', 'termroom', '--read-only'], `chatter${++count}`);
  child.endInput();
  await child.waitFor(/^termroom: 1 member/m);
  child.process.kill('SIGTERM');
  const result = await child.exited;
  assertExit(result, 0);
  assert.match(result.stdout, /\* you left termroom/);
});

test('slsk share started by npx stops cleanly when npx is killed, instead of staying online orphaned', async () => {
  const user = `npx${++count}`;
  const npx = spawn('npx', ['slsk', 'share', shareDir, '--data', join(root, `data-${user}`), ...connection(user)], {
    cwd: repo,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The child writes to the same pipes as npx: they close when the last of them exits.
  let stdout = '';
  npx.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  npx.stderr.resume();
  const closed = new Promise<void>((resolve) => npx.stdout.on('close', () => resolve()));
  const watcher = await peer(`watcher${count}`);
  await untilOutput(npx.stdout, () => stdout, /online as npx\d+/);
  const descendants = descendantsOf(npx.pid!);
  npx.kill('SIGKILL');
  try {
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`slsk share still runs ${WAIT_MS} ms after npx was killed:\n${stdout}`)), WAIT_MS)),
    ]);
  } finally {
    for (const pid of descendants) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  }
  assert.match(stdout, /stopped: /, 'the sharer stopped cleanly and said so');
  const status = await watcher.userStatus(user);
  assert.equal(status.status, 'offline');
});

test('slsk share and slsk chat ride out a server restart: they log in again, rejoin the room and announce the shares', async () => {
  const sharerName = `phoenix${++count}`;
  const share = sharer(sharerName, ['--reconnect-delay', '0.2']);
  share.endInput();
  await share.waitFor(/online as phoenix\d+/, 'stdout', 20_000);
  const chat = start(['chat', 'restartroom', '--read-only', '--reconnect-delay', '0.2'], `phoenixchat${count}`);
  chat.endInput();
  await chat.waitFor(/^restartroom: 1 member/m);

  const port = server.port;
  await server.close();
  server = await startServer({ dataDir: join(root, 'server'), port });

  await share.waitFor(/lost the connection to the server \S+; logging in again in/, 'stdout', 20_000);
  await share.waitFor(/back online on \S+: shares announced again/, 'stdout', 20_000);
  await chat.waitFor(/back online/, 'stderr', 20_000);
  // The share is found again: the sharer is a searchable user of the new server.
  const searcher = await peer(`seeker${count}`);
  const search = searcher.search('quasar', { scope: { kind: 'user', username: sharerName }, maxResults: 1, timeoutMs: WAIT_MS });
  const [response] = await search.done;
  assert.deepEqual(response?.files.map((file) => file.filename), ['Tunes\\quasar drift.txt']);
  const stats = await searcher.userStatus(sharerName);
  assert.equal(stats.status, 'online');
  // The chat is back in its room: a message said there reaches it.
  const speaker = await peer(`speaker${count}`);
  await speaker.joinRoom('restartroom');
  speaker.sayInRoom('restartroom', 'welcome back');
  await chat.waitFor(/<speaker\d+> welcome back/);

  share.process.kill('SIGINT');
  chat.process.kill('SIGINT');
  assertExit(await share.exited, 0);
  assertExit(await chat.exited, 0);
});
