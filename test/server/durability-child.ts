// `slsk server` as a real child process for tests: starts it on port 0, reads the port from its
// "server listening" log line, keeps every JSON log line, and waits for lines or exit with a
// time limit (never a fixed sleep). Shared by the durability and CLI tests.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RawClient, WAIT_MS } from './harness.ts';

const slskBin = fileURLToPath(new URL('../../bin/slsk.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Long enough for a cold start of the TypeScript sources on a loaded CI machine. */
export const START_MS = 20_000;

export interface LogLine {
  msg?: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServerChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly logs: LogLine[] = [];
  /** stdout lines that are not JSON (there should be none: the test says so when there are). */
  readonly otherStdout: string[] = [];
  stderr = '';
  port = 0;
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private waiters: { test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [slskBin, 'server', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.end();
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (text) => this.onLine(text));
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': by then every line of stdout has been read.
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** Starts `slsk server --port 0 ...args` and resolves once it listens; rejects with its output if it exits first. */
  static async start(args: readonly string[]): Promise<ServerChild> {
    const server = new ServerChild(['--port', '0', ...args]);
    try {
      const listening = await server.waitForLog((line) => line.msg === 'server listening', START_MS);
      server.port = Number(listening['port']);
      return server;
    } catch (error) {
      server.kill();
      await server.exited;
      throw error;
    }
  }

  private onLine(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      this.otherStdout.push(text);
      return;
    }
    this.logs.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  /** The first log line (already printed or still to come) that matches. */
  waitForLog(test: (line: LogLine) => boolean, timeoutMs = WAIT_MS): Promise<LogLine> {
    const seen = this.logs.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${why} while waiting for a log line\n${this.describe()}`));
      };
      const timer = setTimeout(() => fail(`no such line after ${timeoutMs} ms`), timeoutMs);
      const waiter = {
        test,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then((exit) => {
        if (this.waiters.includes(waiter)) fail(`the server exited (code ${exit.code}, signal ${exit.signal})`);
      });
    });
  }

  /** Resolves with the exit once the process has ended; kills it and rejects after the time limit. */
  async waitForExit(timeoutMs = WAIT_MS * 2): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`the server did not exit within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.child.kill(signal);
    return this.waitForExit();
  }

  /** For cleanup after a failed test: SIGKILL unless it has already exited. */
  kill(): void {
    if (this.exit === undefined) this.child.kill('SIGKILL');
  }

  /** Everything the process said, for assertion messages. */
  describe(): string {
    const exit = this.exit === undefined ? 'running' : `exited with code ${this.exit.code}, signal ${this.exit.signal}`;
    const stdout = [...this.logs.map((line) => JSON.stringify(line)), ...this.otherStdout].join('\n');
    return `server ${exit}\nstdout:\n${stdout}\nstderr:\n${this.stderr}`;
  }
}

/** Sends Login and resolves with the reply, whatever it is (RawClient.login throws on failure). */
export async function attemptLogin(port: number, username: string, password: string) {
  const client = await RawClient.connect(port);
  client.send({ name: 'Login', username, password, version: 160, md5Hash: '', minorVersion: 1 });
  const reply = await client.next('Login');
  return { client, reply };
}
