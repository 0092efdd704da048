// Resume after the uploader dies: the uploader runs in its own process (uploader-child.ts) with a
// speed limit, is killed with SIGKILL once some bytes arrived, and starts again on the same
// database; the download resumes from the partial file's size and completes byte-identical.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Client } from '../../src/client/index.ts';
import { incompletePathFor, type TransferManager } from '../../src/transfers/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { done, newManager, record, Recorder, sha256, stateOf, virtual, writeRandomFile } from './helpers.ts';

const childScript = fileURLToPath(new URL('./uploader-child.ts', import.meta.url));
const KiB = 1024;

/** The uploader process: its JSON lines, and its exit. */
class Uploader {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines = new Recorder<Record<string, unknown>>(20_000);
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(options: object) {
    this.child = spawn(process.execPath, ['--conditions=slsk-ts-source', childScript, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.stderr += `${line}\n`;
      }
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  async ready(): Promise<void> {
    const exit = this.exited.then((e) => {
      throw new Error(`the uploader exited (${JSON.stringify(e)}) before it was ready: ${this.stderr}`);
    });
    await Promise.race([this.lines.wait((line) => line['ready'] === true, 'the uploader ready', 0, 30_000), exit]);
    exit.catch(() => {});
  }
}

let server: TestServer;
const roots: string[] = [];
const clients: Client[] = [];
const managers: TransferManager[] = [];
const uploaders: Uploader[] = [];
after(async () => {
  for (const u of uploaders) {
    u.child.stdin.end();
    if (u.child.exitCode === null && u.child.signalCode === null) u.child.kill('SIGKILL');
  }
  await Promise.all(uploaders.map((u) => u.exited));
  await Promise.all(managers.map((m) => m.close()));
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

test('a download resumes from its partial file after the uploader process is killed', { timeout: 120_000 }, async () => {
  server = await startServer();
  const upRoot = tempDir('slsk-resume-up-');
  const downRoot = tempDir('slsk-resume-down-');
  roots.push(upRoot, downRoot);
  mkdirSync(join(upRoot, 'shared'));
  const size = 3 * 1024 * KiB + 5;
  const source = join(upRoot, 'shared', 'album.flac');
  writeRandomFile(source, size);

  const client = await loggedIn(server.port, 'downloader');
  clients.push(client);
  const manager = newManager(client, downRoot, { retry: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 100 }, progressIntervalMs: 50 });
  managers.push(manager);
  const events = record(manager);
  await manager.start();

  const first = new Uploader({ port: server.port, username: 'uploader', root: upRoot, uploadBytesPerSecond: 256 * KiB });
  uploaders.push(first);
  await first.ready();

  const transfer = manager.download('uploader', virtual('album.flac'));
  await events.wait((e) => e.event === 'transferProgress' && e.transfer.id === transfer.id && e.transfer.bytes >= 256n * 1024n, 'the first 256 KiB');
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');

  const failed = await stateOf(events, (t) => t.id === transfer.id && t.state === 'failed', 'the download failed');
  assert.equal(failed.reason, 'Connection closed');
  assert.ok(failed.retryAt !== undefined, 'to be retried');
  const partial = statSync(incompletePathFor(manager.incompleteDir, 'uploader', virtual('album.flac'))).size;
  assert.ok(partial >= 256 * KiB && partial < size, `partial file of ${partial} bytes`);

  // The uploader comes back, without a limit, on the same database: the upload is queued again.
  const mark = events.mark();
  const second = new Uploader({ port: server.port, username: 'uploader', root: upRoot });
  uploaders.push(second);
  await second.ready();

  const resumed = await stateOf(events, (t) => t.id === transfer.id && t.state === 'transferring', 'transferring again', mark, 30_000);
  assert.equal(resumed.offset, BigInt(partial), 'resumed from the partial file');
  const result = await done(events, transfer.id, 30_000);
  assert.equal(result.state, 'completed', result.reason);
  assert.equal(result.size, BigInt(size));
  assert.equal(await sha256(result.localPath!), await sha256(source));
  const upload = await second.lines.wait((l) => l['event'] === 'transferState' && (l['transfer'] as { state: string }).state === 'completed', 'the upload completed');
  assert.equal((upload['transfer'] as { offset: string }).offset, String(partial));
});
