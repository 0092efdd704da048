// The README's Quick start, run literally: `npm start` brings up the demo network, the commands it
// prints (a search, a download) work as printed from another "terminal", and Ctrl-C — SIGINT to
// the whole foreground process group, as a terminal sends it — stops everything. A second start
// reuses the first one's music. The README cannot drift from the code without this failing.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyHome, removeHomes } from '../cli/slsk-child.ts';
import { runProcess, type ProcessResult } from '../cli/run-process.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The first run makes the music; generous, since CI machines are slow. */
const READY_MS = 180_000;
const COMMAND_MS = 60_000;

/** `npm start` in its own process group, as a shell runs a foreground job. */
class DemoRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn('npm', ['start', '--', ...args], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once stdout matches, or fails with everything printed so far. */
  async waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match !== null) return match;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${pattern} in the demo's output (exit ${this.child.exitCode})\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.child.stdout!.off('data', done);
          this.child.off('exit', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()) + 1);
        this.child.stdout!.on('data', done);
        this.child.once('exit', done);
      });
    }
  }

  /** Ctrl-C: SIGINT to every process of the foreground job. */
  interrupt(): void {
    process.kill(-this.child.pid!, 'SIGINT');
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** The commands of the first shell block after `heading` in the README, comments removed. */
function readmeCommands(heading: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(`\n${heading}\n`)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*/, '').trim())
    .filter((line) => line !== '');
}

/** One of the printed commands, run by a shell with the printed `export` line's settings. */
function runPrinted(command: string, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess('sh', ['-c', command], { cwd: root, env, timeoutMs: COMMAND_MS });
}

/** What the demo printed about its daemon: the API's URL, the local token's file, the web login. */
function printedDaemon(stdout: string): { url: string; tokenFile: string; web: { username: string; password: string } } {
  const curl = /^ {2}curl -H "Authorization: Bearer \$\(cat (.+)\)" (http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/application$/m.exec(stdout);
  const web = /^ {2}web login {2}(\S+) \/ (\S+) /m.exec(stdout);
  assert.ok(curl !== null && web !== null, `the demo prints the daemon's curl line and web login:\n${stdout}`);
  assert.match(stdout, new RegExp(`^ {2}web UI {5}${curl[2]!}/ `, 'm'), "the demo prints the web UI's address");
  return { url: curl[2]!, tokenFile: resolve(root, curl[1]!), web: { username: web[1]!, password: web[2]! } };
}

/** The daemon answers GET /api/v1/application with the printed token, logged in to the demo server. */
async function assertDaemonLoggedIn(daemon: ReturnType<typeof printedDaemon>, serverPort: number): Promise<void> {
  const token = readFileSync(daemon.tokenFile, 'utf8').trim();
  const response = await fetch(`${daemon.url}/api/v1/application`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const application = (await response.json()) as { server: { state: string; address: string; username: string } };
  assert.deepEqual(application.server, { state: 'loggedIn', address: `127.0.0.1:${serverPort}`, username: 'daemon' });
  const login = await fetch(`${daemon.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(daemon.web) });
  assert.equal(login.status, 200, 'the printed web login works');
  assert.match(login.headers.get('set-cookie') ?? '', /slsk_session=/);
  const page = await fetch(`${daemon.url}/`);
  assert.equal(page.status, 200, 'the web UI is served (npm start and npm test build it first)');
  assert.match(await page.text(), /<div id="app"><\/div>/);
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the Quick start', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let firstWebLogin: { username: string; password: string } | undefined;
  const runs: DemoRun[] = [];
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slsk-demo-'));
    // A home of its own, so no user settings reach the commands, and no colours.
    const { SLSK_SERVER: _s, SLSK_USERNAME: _u, SLSK_PASSWORD: _p, SLSK_CONFIG: _c, SLSK_DATA: _d, ...rest } = process.env;
    env = { ...rest, HOME: emptyHome(), NO_COLOR: '1' };
  });
  after(() => {
    for (const run of runs) run.kill();
    rmSync(dataDir, { recursive: true, force: true });
    removeHomes();
  });

  test('the README says: npm ci, npm start, npm test', () => {
    assert.deepEqual(readmeCommands('## Quick start'), ['npm ci', 'npm start', 'npm test']);
  });

  test('npm start -- --help explains the demo', async () => {
    const result = await runProcess('npm', ['start', '--', '--help'], { cwd: root, env, timeoutMs: COMMAND_MS });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: npm start/);
    assert.match(result.stdout, /--data DIR/);
    assert.match(result.stdout, /Ctrl-C stops/);
  });

  test('npm start runs a network: the printed search finds the peers’ files, the printed download completes, Ctrl-C stops it all', async () => {
    // The README's `npm start`, with a port and a data folder of the test's own.
    const run = new DemoRun(['--port', '0', '--api-port', '0', '--data', dataDir], env);
    runs.push(run);
    await run.waitFor(/Ctrl-C.* stops everything/, READY_MS);
    assert.match(run.stdout, /Made the demo music|Making the demo music/);

    const exported = /^ {2}export (SLSK_SERVER=\S+ SLSK_USERNAME=\S+ SLSK_PASSWORD=\S+)$/m.exec(run.stdout);
    assert.ok(exported !== null, run.stdout);
    const settings = Object.fromEntries(exported[1]!.split(' ').map((pair) => pair.split('=') as [string, string]));
    const port = Number(settings['SLSK_SERVER']!.split(':')[1]);
    const commandEnv = { ...env, ...settings };
    const daemon = printedDaemon(run.stdout);
    firstWebLogin = daemon.web;
    await assertDaemonLoggedIn(daemon, port);
    const printed = (start: string): string => {
      const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith(start));
      assert.ok(line !== undefined, `the demo prints a "${start}" command:\n${run.stdout}`);
      return line.trim().replace(/\s{2,}\S.*$/, '');
    };

    const search = await runPrinted(printed('npx slsk search'), commandEnv);
    assert.equal(search.code, 0, `${search.stdout}\n${search.stderr}`);
    assert.match(search.stdout, /alice/);
    assert.match(search.stdout, /Lumen Drift/);

    const download = await runPrinted(printed('npx slsk download'), commandEnv);
    assert.equal(download.code, 0, `${download.stdout}\n${download.stderr}`);
    const saved = download.stdout.trim().split('\n').at(-1)!;
    const source = join(dataDir, 'alice', 'Music', 'Lumen Drift', 'Night Transit', '01 - Departure Board.mp3');
    assert.equal(statSync(resolve(root, saved)).size, statSync(source).size, `saved as ${saved}`);
    await run.waitFor(/alice: sent 01 - Departure Board\.mp3 to visitor/, COMMAND_MS);

    // The README's tour, line by line, with the settings this run printed. Downloads (which would
    // write into the repository's demo-data) and `share` (which runs until stopped) are the
    // printed ones above and the shares test's; the rest runs as written.
    const lines = readmeCommands('### A tour, against the demo network');
    assert.match(lines[0]!, /^export SLSK_SERVER=127\.0\.0\.1:2242 SLSK_USERNAME=visitor SLSK_PASSWORD=demo$/);
    for (const line of lines.slice(1)) {
      if (/slsk (download|get|share) /.test(line)) continue;
      const result = await runPrinted(line, commandEnv);
      assert.equal(result.code, 0, `${line}\n${result.stdout}\n${result.stderr}`);
      if (line.includes('slsk pm demo-host')) assert.match(result.stdout, /this is the demo host/);
      if (line.includes('slsk browse bob')) assert.match(result.stdout, /Salt & Timber/);
    }

    run.interrupt();
    const exit = await run.exited;
    assert.match(run.stdout, /Stopped\./, `exit ${JSON.stringify(exit)}\n${run.stdout}\n${run.stderr}`);
    assert.equal(await portClosed(port), true, 'the server stopped listening');
    assert.equal(await portClosed(Number(new URL(daemon.url).port)), true, "the daemon's API stopped listening");
  });

  test('a second npm start reuses the music the first one made, and prints the same daemon login', async () => {
    const run = new DemoRun(['--port', '0', '--api-port', '0', '--data', dataDir], env);
    runs.push(run);
    await run.waitFor(/Ctrl-C.* stops everything/, READY_MS);
    assert.doesNotMatch(run.stdout, /demo music/);
    assert.match(run.stdout, /alice shares 7 files, bob shares 7 files/);
    const daemon = printedDaemon(run.stdout);
    assert.deepEqual(daemon.web, firstWebLogin, 'the web login made on the first start is printed again');
    const port = Number(/SLSK_SERVER=127\.0\.0\.1:(\d+)/.exec(run.stdout)![1]);
    await assertDaemonLoggedIn(daemon, port);
    run.interrupt();
    await run.exited;
    assert.match(run.stdout, /Stopped\./, run.stderr);
  });
});
