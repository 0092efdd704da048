// Watching the shared folders for changes: fs.watch (recursive) on each share root, debounced into one
// call of `onChange` once the folders have been quiet for `quietMs` — or after `maxWaitMs` of steady
// change, so a folder that never settles (a download landing in it) is still rescanned. The cost of a
// burst is bounded whatever its size: each event only moves a timer; nothing is queued per event.

import { watch, type FSWatcher } from 'node:fs';

export interface ShareWatcherOptions {
  readonly roots: readonly string[];
  /** Quiet time after the last change before onChange is called (default 2 s). */
  readonly quietMs?: number;
  /** Longest wait from the first change of a burst (default 30 s). */
  readonly maxWaitMs?: number;
  readonly onChange: () => void;
  /** A root that cannot be watched (gone, or the system's watch limit reached): the others still are. */
  readonly onError: (root: string, error: Error) => void;
}

export const DEFAULT_WATCH_QUIET_MS = 2000;
export const DEFAULT_WATCH_MAX_WAIT_MS = 30_000;

export class ShareWatcher {
  readonly #options: ShareWatcherOptions;
  readonly #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** When the current burst began (Date.now()), undefined while quiet. */
  #burstStart: number | undefined;
  #closed = false;

  constructor(options: ShareWatcherOptions) {
    this.#options = options;
    for (const root of options.roots) {
      try {
        const watcher = watch(root, { recursive: true, persistent: false }, () => this.#changed());
        watcher.on('error', (error) => {
          watcher.close();
          options.onError(root, error);
        });
        this.#watchers.push(watcher);
      } catch (error) {
        options.onError(root, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** How many roots are being watched. */
  get watching(): number {
    return this.#watchers.length;
  }

  #changed(): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#burstStart ??= now;
    const quiet = this.#options.quietMs ?? DEFAULT_WATCH_QUIET_MS;
    const left = (this.#options.maxWaitMs ?? DEFAULT_WATCH_MAX_WAIT_MS) - (now - this.#burstStart);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.min(quiet, left)));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#burstStart = undefined;
    if (!this.#closed) this.#options.onChange();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers.length = 0;
  }
}
