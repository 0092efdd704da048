// `npm run bench:daemon` in a tiny run: a real `slsk daemon` sharing 500 files starts against our
// server (indexing them once, then a warm start), 100 uploads run through it at a limited rate, and
// 10,000 transfers are read back; the JSON carries every figure with its target and verdict.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanStart } from '../../bench/daemon-start.ts';
import { assertExit, runProcess } from '../cli/run-process.ts';

const script = fileURLToPath(new URL('../../bench/daemon.ts', import.meta.url));
const FILES = 500;

after(() => {
  cleanStart(FILES);
});

test('bench:daemon --quick --files=500 --only=start,cpu,list --json: every part runs and reports its figures against the targets', async () => {
  const run = await runProcess(process.execPath, ['--conditions=slsk-ts-source', script, '--quick', `--files=${FILES}`, '--only=start,cpu,list', '--json'], { timeoutMs: 240_000 });
  assertExit(run, 0);
  const out = JSON.parse(run.stdout) as {
    start: { files: number; cold?: { scannedSeconds: number }; runs: { onlineMs: number; rssMB: number; rescanSeconds: number }[]; onlineMs: number; rssMB: number };
    cpu: { transfers: number; busyCpuPercent: number; idleCpuPercent: number; receivedBytesPerSecond: number; limitBytesPerSecond: number };
    list: { rows: number; stateMs: { p99: number }; summaryMs: { p99: number }; userMs: { p99: number }; pageMs: { p99: number } };
    targets: Record<string, { target: number; actual: number; met: boolean }>;
  };
  assert.equal(out.start.files, FILES);
  assert.ok(out.start.cold !== undefined && out.start.cold.scannedSeconds > 0, 'the first start indexed the library');
  assert.equal(out.start.runs.length, 1);
  assert.ok(out.start.onlineMs > 0 && out.start.rssMB > 30, JSON.stringify(out.start));
  assert.equal(out.cpu.transfers, 100);
  assert.ok(Number.isFinite(out.cpu.busyCpuPercent) && out.cpu.busyCpuPercent > 0, JSON.stringify(out.cpu));
  assert.ok(out.cpu.receivedBytesPerSecond > 0, 'bytes moved while the CPU was measured');
  assert.equal(out.list.rows, 10_000);
  for (const figure of [out.list.stateMs.p99, out.list.summaryMs.p99, out.list.userMs.p99, out.list.pageMs.p99]) assert.ok(figure > 0);
  assert.deepEqual(Object.keys(out.targets).sort(), ['cpuPercent', 'onlineMs', 'pageListP99Ms', 'rssMB', 'stateReadP99Ms', 'summaryListP99Ms', 'userListP99Ms']);
  assert.deepEqual(out.targets['onlineMs'], { target: 3000, actual: out.start.onlineMs, met: out.start.onlineMs < 3000 });
  assert.deepEqual(out.targets['rssMB'], { target: 200, actual: out.start.rssMB, met: out.start.rssMB < 200 });
  assert.match(run.stderr, /first start: indexing 500 files/);
});
