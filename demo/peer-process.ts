// One sharing peer of the demo: a real `slsk share` child process (the command a user would run),
// whose JSON Lines events are read to know when it is online and to tell what it is doing.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { killChildNow, stopChild } from './child-stop.ts';

const SLSK = fileURLToPath(new URL('../bin/slsk.js', import.meta.url));
/** Lines of the child's stderr kept to explain a failure. */
const STDERR_LINES = 20;

export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

export interface PeerProcessOptions {
  username: string;
  password: string;
  server: string;
  /** The folder shared with everyone. */
  folder: string;
  /** Its own data folder (shares index, upload queue, buddy and ignore lists). */
  dataDir: string;
  onEvent: (event: PeerEvent) => void;
}

export class PeerProcess {
  readonly username: string;
  readonly #child: ChildProcess;
  readonly #stderr: string[] = [];
  readonly #exited: Promise<number | null>;
  #online: Promise<PeerEvent>;

  constructor(options: PeerProcessOptions) {
    this.username = options.username;
    const args = [
      SLSK,
      'share',
      options.folder,
      '--data',
      options.dataDir,
      '--server',
      options.server,
      '--username',
      options.username,
      '--listen-host',
      '127.0.0.1',
      '--json',
    ];
    // Its own process group: a Ctrl-C in the terminal reaches the demo alone, which then stops
    // each peer exactly once (a second SIGINT would make `slsk share` exit without cleaning up).
    this.#child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SLSK_PASSWORD: options.password },
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
    });
    this.#online = new Promise((resolve, reject) => {
      createInterface({ input: this.#child.stdout! }).on('line', (line) => {
        let event: PeerEvent;
        try {
          event = JSON.parse(line) as PeerEvent;
        } catch {
          return;
        }
        if (event.event === 'online') resolve(event);
        options.onEvent(event);
      });
      void this.#exited.then((code) => reject(new Error(`${this.username}'s slsk share exited (code ${code}) before going online${this.#stderrTail()}`)));
    });
    this.#online.catch(() => {});
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves with the `online` event once the peer scanned its folder and logged in. */
  online(timeoutMs: number): Promise<PeerEvent> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.username} did not come online within ${timeoutMs / 1000} s${this.#stderrTail()}`)), timeoutMs);
    });
    return Promise.race([this.#online, timeout]).finally(() => clearTimeout(timer));
  }

  /** Asks it to stop as Ctrl-C would, and kills it if it has not within `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    return stopChild(this.#child, this.#exited, timeoutMs);
  }

  /** For an exit the demo did not ask for: gone at once. */
  killNow(): void {
    killChildNow(this.#child);
  }

  #stderrTail(): string {
    return this.#stderr.length === 0 ? '' : `:\n  ${this.#stderr.join('\n  ')}`;
  }
}
