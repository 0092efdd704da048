// One child process of the demo (a `slsk share` peer, `slsk daemon`): `slsk <args>` in its own
// process group, so a Ctrl-C in the terminal reaches the demo alone, which then stops each child
// exactly once (a second SIGINT would make it exit without cleaning up). Its stdout is read line by
// line by its owner; the last lines of its stderr are kept to explain a failure.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SLSK = fileURLToPath(new URL('../bin/slsk.js', import.meta.url));
/** Lines of the child's stderr kept to explain a failure. */
const STDERR_LINES = 20;

export class DemoChild {
  readonly #child: ChildProcess;
  readonly #stderr: string[] = [];
  /** Resolves with the exit code once it exited. */
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) {
    this.#child = spawn(process.execPath, [SLSK, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
    });
    createInterface({ input: this.#child.stdout! }).on('line', onLine);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The kept stderr lines, as the end of an error message ('' when there are none). */
  stderrTail(): string {
    return this.#stderr.length === 0 ? '' : `:\n  ${this.#stderr.join('\n  ')}`;
  }

  /** Asks it to stop as Ctrl-C would, and kills it if it has not exited within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGINT');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For an exit the demo did not ask for: gone at once. */
  killNow(): void {
    if (this.running) this.#child.kill('SIGKILL');
  }
}
