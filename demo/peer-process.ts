// One sharing peer of the demo: a real `slsk share` child process (the command a user would run),
// whose JSON Lines events are read to know when it is online and to tell what it is doing.

import { DemoChild } from './demo-child.ts';

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
  readonly #child: DemoChild;
  readonly #online: Promise<PeerEvent>;

  constructor(options: PeerProcessOptions) {
    this.username = options.username;
    const args = [
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
    const online = Promise.withResolvers<PeerEvent>();
    this.#online = online.promise;
    this.#child = new DemoChild(args, { ...process.env, SLSK_PASSWORD: options.password }, (line) => {
      let event: PeerEvent;
      try {
        event = JSON.parse(line) as PeerEvent;
      } catch {
        return;
      }
      if (event.event === 'online') online.resolve(event);
      options.onEvent(event);
    });
    void this.#child.exited.then((code) => online.reject(new Error(`${this.username}'s slsk share exited (code ${code}) before going online${this.#child.stderrTail()}`)));
    this.#online.catch(() => {});
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves with the `online` event once the peer scanned its folder and logged in. */
  online(timeoutMs: number): Promise<PeerEvent> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.username} did not come online within ${timeoutMs / 1000} s${this.#child.stderrTail()}`)), timeoutMs);
    });
    return Promise.race([this.#online, timeout]).finally(() => clearTimeout(timer));
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
