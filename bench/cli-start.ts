// CLI start-up benchmark: how long `slsk` takes to start and finish the shortest commands, next
// to a bare `node -e 0` on the same machine at the same moment.
//
// Runs `node -e 0`, then `slsk --version`, `slsk --help` and `slsk search --help` from the source
// (bin/slsk.js running src/ with type stripping) and from the published build (the package's
// bin/ and a fresh `tsc -p tsconfig.build.json` output laid out as an installed package), each
// RUNS times in turn after one warm-up run, and prints the median wall time of each, its ratio to
// `node -e 0`, and the targets: within 3× of `node -e 0` and under 300 ms.
//
//   npm run bench:cli [-- --quick] [-- --json]     (BENCH_QUICK=1 also selects the quick run)

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = new Set(process.argv.slice(2));
const JSON_OUTPUT = args.has('--json');
const QUICK = args.has('--quick') || /^(1|true|yes)$/i.test(process.env['BENCH_QUICK'] ?? '');
const RUNS = QUICK ? 7 : 21;
const TARGET_RATIO = 3;
const TARGET_MS = 300;
const log = JSON_OUTPUT ? (_: string) => {} : (line: string) => console.log(line);

const repo = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

/** The published layout: bin/, dist/ and package.json, as `npm install` leaves them (no src/). */
function buildPackage(): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), 'slsk-bench-cli-'));
  const pkg = join(dir, 'slsk-ts');
  mkdirSync(pkg);
  cpSync(join(repo, 'bin'), join(pkg, 'bin'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(pkg, 'package.json'));
  // The build needs the type packages; the built CLI's short commands load none.
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'));
  log('building dist/ (tsc -p tsconfig.build.json) into a temporary package…');
  const tsc = spawnSync(node, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`the build failed:\n${tsc.stdout}${tsc.stderr}`);
  return { dir, bin: join(pkg, 'bin', 'slsk.js') };
}

/** Median wall time of `node ARGS` over RUNS runs, after one warm-up run (which fills Node's compile cache). */
function median(argv: readonly string[]): number {
  const once = (): number => {
    const started = performance.now();
    const result = spawnSync(node, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${String(result.stderr)}`);
    return ms;
  };
  once();
  const times = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Row {
  command: string;
  from: 'source' | 'dist' | 'node';
  medianMs: number;
  ratio: number;
  met: { ratio: boolean; ms: boolean };
}

const COMMANDS: readonly (readonly string[])[] = [['--version'], ['--help'], ['search', '--help']];

const { dir, bin: distBin } = buildPackage();
try {
  const load = loadavg()[0]!;
  const baseline = median(['-e', '0']);
  const rows: Row[] = [{ command: 'node -e 0', from: 'node', medianMs: baseline, ratio: 1, met: { ratio: true, ms: true } }];
  for (const [from, bin] of [
    ['source', join(repo, 'bin', 'slsk.js')],
    ['dist', distBin],
  ] as const) {
    for (const command of COMMANDS) {
      const ms = median([bin, ...command]);
      const ratio = ms / baseline;
      rows.push({ command: `slsk ${command.join(' ')}`, from, medianMs: ms, ratio, met: { ratio: ratio <= TARGET_RATIO, ms: ms < TARGET_MS } });
    }
  }
  const allMet = rows.every((row) => row.met.ratio && row.met.ms);
  if (JSON_OUTPUT) {
    const round = (n: number, places: number): number => Number(n.toFixed(places));
    process.stdout.write(
      `${JSON.stringify(
        {
          runs: RUNS,
          loadAverage: round(load, 2),
          baselineMs: round(baseline, 1),
          rows: rows.map((row) => ({ ...row, medianMs: round(row.medianMs, 1), ratio: round(row.ratio, 2) })),
          targets: { ratio: TARGET_RATIO, ms: TARGET_MS, met: allMet },
        },
        null,
        2,
      )}\n`,
    );
  } else {
    log(`\nmedian of ${RUNS} runs each, load average ${load.toFixed(2)} (figures grow with load: compare the ratios)\n`);
    log(`${'command'.padEnd(22)} ${'from'.padEnd(7)} ${'median'.padStart(9)} ${'× node -e 0'.padStart(12)}   targets: ≤ ${TARGET_RATIO}×, < ${TARGET_MS} ms`);
    for (const row of rows) {
      const verdict = row.from === 'node' ? '' : `${row.met.ratio ? 'ok' : 'MISSED'} ${row.met.ms ? 'ok' : 'MISSED'}`;
      log(`${row.command.padEnd(22)} ${row.from.padEnd(7)} ${`${row.medianMs.toFixed(1)} ms`.padStart(9)} ${`${row.ratio.toFixed(2)}×`.padStart(12)}   ${verdict}`);
    }
    log(`\n${allMet ? 'every target met' : 'a target was missed'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
