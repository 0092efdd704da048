// `npm run bench:daemon`, part 1: the daemon sharing a large library (bench/daemon-tree.ts), started
// as `slsk daemon` against our real server. "Online" is when the server has the daemon logged in with
// every file announced (SharedFoldersFiles), timed from the spawn; memory is the daemon process's
// resident set then. Each run has a fresh server, so the announced count cannot be left over.
//
// The first start of a new tree indexes it (the cold start, measured once and kept); every measured
// run after it is a warm start from that index. The scan every start does in the background (files
// changed while the daemon was down) is waited for and its time, the peak RSS by its end and the RSS
// once settled after it reported too.

import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../test/server/harness.ts';
import { DaemonProcess } from './daemon-process.ts';
import { benchTree, ensureTree, type BenchTree } from './daemon-tree.ts';

const USERNAME = 'benchdaemon';
const PASSWORD = 'bench-password';
const POLL_MS = 5;
const ONLINE_TIMEOUT_MS = 60_000;
const SCAN_TIMEOUT_MS = 30 * 60_000;

export interface WarmRun {
  /** Spawn → logged in with every file announced. */
  onlineMs: number;
  /**
   * The daemon's CPU time (user + kernel) by then: what the start costs whatever else the machine
   * is doing (on a busy machine onlineMs is mostly waiting for a core).
   */
  cpuSecondsToOnline: number;
  /** The daemon's RSS when online. */
  rssMB: number;
  /** The background rescan's time, and the daemon's peak RSS by its end. */
  rescanSeconds: number;
  peakRssMB: number;
  /** The daemon's RSS once settled after the rescan (SETTLE_MS later: the heap given back, see src/cli/heap-compaction.ts). */
  settledRssMB: number;
}

/** After the rescan, before the settled RSS is read: the daemon compacts its heap at most every 10 s. */
const SETTLE_MS = 12_000;

export interface StartFigures {
  files: number;
  folders: number;
  /** The first start of this tree (indexing it from disk), when this run made the index. */
  cold?: { scannedSeconds: number; peakRssMB: number };
  runs: WarmRun[];
}

export interface StartOptions {
  files: number;
  runs: number;
  /** The compiled build instead of the source (as an installed package runs). */
  dist: boolean;
  progress: (line: string) => void;
}

async function daemonOnline(server: TestServer, daemon: DaemonProcess, files: number): Promise<number> {
  const deadline = performance.now() + ONLINE_TIMEOUT_MS;
  for (;;) {
    const user = server.server.core.network.online.get(USERNAME);
    if (user !== undefined && user.stats.sharedFiles === files) return performance.now() - daemon.spawnedAt;
    if (daemon.child.exitCode !== null) throw new Error(`the daemon exited before it was online\n${daemon.stderr}`);
    if (performance.now() > deadline) throw new Error(`the daemon was not online with ${files} files within ${ONLINE_TIMEOUT_MS / 1000} s (announced ${user?.stats.sharedFiles ?? 'nothing, not logged in'})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const scanned = (files: number) => (line: Record<string, unknown>) => line['event'] === 'scanned' && line['files'] === files;

/** One daemon against a fresh server; `body` runs while both are up, then both are stopped. */
async function withDaemon<T>(tree: BenchTree, dist: boolean, body: (server: TestServer, daemon: DaemonProcess) => Promise<T>): Promise<T> {
  const server = await startServer();
  const daemon = new DaemonProcess({ serverPort: server.port, username: USERNAME, password: PASSWORD, data: dataFolder(tree), shares: [tree.share], dist });
  try {
    return await body(server, daemon);
  } finally {
    await daemon.stop();
    await server.close();
  }
}

const dataFolder = (tree: BenchTree): string => join(tree.cache, 'daemon-data');

export async function benchStart(options: StartOptions): Promise<StartFigures> {
  const tree = benchTree(options.files);
  const made = ensureTree(tree, (written) => options.progress(`making the library: ${written.toLocaleString('en-US')} / ${tree.files.toLocaleString('en-US')} files`));
  if (made.made) options.progress(`made ${tree.files.toLocaleString('en-US')} files in ${tree.folders.toLocaleString('en-US')} folders under ${tree.share} (${made.seconds.toFixed(1)} s)`);
  const figures: StartFigures = { files: tree.files, folders: tree.folders, runs: [] };

  const indexed = join(tree.cache, 'daemon-indexed');
  if (!existsSync(indexed)) {
    rmSync(dataFolder(tree), { recursive: true, force: true });
    options.progress(`first start: indexing ${tree.files.toLocaleString('en-US')} files (once; kept in ${dataFolder(tree)})`);
    figures.cold = await withDaemon(tree, options.dist, async (_, daemon) => {
      await daemon.waitForLine(scanned(tree.files), 'the first scan', SCAN_TIMEOUT_MS);
      return { scannedSeconds: (performance.now() - daemon.spawnedAt) / 1000, peakRssMB: daemon.memory()?.peakRssMB ?? NaN };
    });
    writeFileSync(indexed, '');
  }

  for (let run = 0; run < options.runs; run++) {
    options.progress(`warm start ${run + 1} of ${options.runs}`);
    const figure = await withDaemon(tree, options.dist, async (server, daemon) => {
      const onlineMs = await daemonOnline(server, daemon, tree.files);
      const rssMB = daemon.memory()?.rssMB ?? NaN;
      const cpu = daemon.cpuTimes();
      const cpuSecondsToOnline = cpu === undefined ? NaN : cpu.user + cpu.system;
      const rescanStart = performance.now();
      await daemon.waitForLine(scanned(tree.files), 'the rescan', SCAN_TIMEOUT_MS);
      const rescanSeconds = (performance.now() - rescanStart) / 1000;
      const peakRssMB = daemon.memory()?.peakRssMB ?? NaN;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      return { onlineMs, cpuSecondsToOnline, rssMB, rescanSeconds, peakRssMB, settledRssMB: daemon.memory()?.rssMB ?? NaN };
    });
    figures.runs.push(figure);
    options.progress(`  online in ${figure.onlineMs.toFixed(0)} ms (${figure.cpuSecondsToOnline.toFixed(2)} s of CPU), RSS ${figure.rssMB.toFixed(0)} MB; rescan ${figure.rescanSeconds.toFixed(1)} s, peak RSS ${figure.peakRssMB.toFixed(0)} MB, settled ${figure.settledRssMB.toFixed(0)} MB`);
  }
  return figures;
}

/** Removes the cached library and its index. */
export function cleanStart(files: number): string {
  const tree = benchTree(files);
  rmSync(tree.cache, { recursive: true, force: true });
  return tree.cache;
}
