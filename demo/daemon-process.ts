// The demo's daemon: a real `slsk daemon` child process (the command a user would run) logged in to
// the demo network, with its HTTP API on 127.0.0.1. Its JSON Lines say where the API is, when it
// is logged in, and — on its first start only — the web login's password, which the demo keeps in
// its data folder so every later start can print it again (a demo convenience: the daemon itself
// keeps only the password's hash).

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DemoChild } from './demo-child.ts';
/** Where the demo keeps the web password the daemon printed on its first start. */
export const WEB_LOGIN_FILE = 'demo-web-login.json';

export interface DemoDaemonOptions {
  username: string;
  password: string;
  server: string;
  /** The daemon's data folder. */
  dataDir: string;
  /** The API's port (0: any free one). */
  apiPort: number;
}

export interface DaemonReady {
  url: string;
  /** The local admin token's file, for curl. */
  tokenFile: string;
  /** The web login, if known (made on the first start, kept by the demo since). */
  webLogin: { username: string; password: string } | undefined;
  /** Where the daemon keeps the login's hash (delete it for a new password on the next start). */
  authFile: string;
}

type Line = { event: string } & Record<string, unknown>;

function yamlConfig(options: DemoDaemonOptions): string {
  const s = JSON.stringify;
  return [
    '# Written by npm start on every start (changes here are replaced): the daemon of the demo network.',
    'soulseek:',
    `  server: ${s(options.server)}`,
    `  username: ${s(options.username)}`,
    `  password: ${s(options.password)}`,
    '  listenPort: 0',
    'data:',
    `  folder: ${s(options.dataDir)}`,
    'http:',
    '  host: 127.0.0.1',
    `  port: ${options.apiPort}`,
    '',
  ].join('\n');
}

export class DemoDaemon {
  readonly #child: DemoChild;
  readonly #options: DemoDaemonOptions;
  readonly #lines: Line[] = [];
  readonly #changed = new Set<() => void>();

  constructor(options: DemoDaemonOptions) {
    this.#options = options;
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const config = join(options.dataDir, 'daemon.yaml');
    writeFileSync(config, yamlConfig(options));
    // The user's own SLSK_* settings are for their own daemon, not this one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLSK_')));
    this.#child = new DemoChild(['daemon', '--config', config, '--json'], env, (text) => {
      try {
        this.#lines.push(JSON.parse(text) as Line);
      } catch {
        return;
      }
      this.#notify();
    });
    void this.#child.exited.then(() => this.#notify());
  }

  #notify(): void {
    for (const listener of [...this.#changed]) listener();
  }

  /** The first line `match` accepts; rejects if the daemon exits first or after `timeoutMs`. */
  #line(match: (line: Line) => boolean, what: string, timeoutMs: number): Promise<Line> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new Error(`the daemon did not ${what} within ${timeoutMs / 1000} s${this.#child.stderrTail()}`))), timeoutMs);
      const check = (): void => {
        const line = this.#lines.find(match);
        if (line !== undefined) done(() => resolve(line));
        else if (!this.#child.running) done(() => reject(new Error(`the daemon exited before it could ${what}${this.#child.stderrTail()}`)));
      };
      const done = (then: () => void): void => {
        clearTimeout(timer);
        this.#changed.delete(check);
        then();
      };
      this.#changed.add(check);
      check();
    });
  }

  /** Resolves once the API answers and the daemon is logged in to the demo server. */
  async ready(timeoutMs: number): Promise<DaemonReady> {
    const started = await this.#line((l) => l.event === 'started', 'start', timeoutMs);
    await this.#line((l) => l.event === 'serverConnection' && l['state'] === 'loggedIn', 'log in', timeoutMs);
    const { dataDir } = this.#options;
    const loginFile = join(dataDir, WEB_LOGIN_FILE);
    const made = this.#lines.find((l) => l.event === 'password');
    let webLogin: DaemonReady['webLogin'];
    if (made !== undefined) {
      webLogin = { username: String(made['username']), password: String(made['password']) };
      writeFileSync(loginFile, `${JSON.stringify(webLogin)}\n`, { mode: 0o600 });
      chmodSync(loginFile, 0o600);
    } else {
      try {
        webLogin = JSON.parse(readFileSync(loginFile, 'utf8')) as DaemonReady['webLogin'];
      } catch {
        webLogin = undefined;
      }
    }
    return { url: String(started['url']), tokenFile: join(dataDir, 'daemon.token'), webLogin, authFile: join(dataDir, 'daemon-auth.json') };
  }

  /** Asks it to stop as Ctrl-C would, and kills it if it has not within `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    return this.#child.stop(timeoutMs);
  }

  /** For an exit the demo did not ask for: gone at once. */
  killNow(): void {
    this.#child.killNow();
  }
}
