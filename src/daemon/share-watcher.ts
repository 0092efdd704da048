// Watching the shared folders for changes: fs.watch (recursive) on each share root, debounced into one
// call of `onChange` once the folders have been quiet for `quietMs` — or after `maxWaitMs` of steady
// change, so a folder that never settles (a download landing in it) is still rescanned. The cost of a
// burst is bounded whatever its size: each event only moves a timer; nothing is queued per event.

import { statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';

export interface ShareWatcherOptions {
  readonly roots: readonly string[];
  /** Quiet time after the last change before onChange is called (default 2 s). */
  readonly quietMs?: number;
  /** Longest wait from the first change of a burst (default 30 s). */
  readonly maxWaitMs?: number;
  /**
   * Folders whose changes are not ours to rescan for, though inside a share: the daemon's data folder
   * (the index itself is written there: rescanning for that would never end) and partial downloads.
   */
  readonly ignore?: readonly string[];
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
  #ignoredEvents = 0;

  constructor(options: ShareWatcherOptions) {
    this.#options = options;
    for (const root of options.roots) {
      try {
        // A recursive watch of a missing folder fails silently: look first.
        if (!statSync(root).isDirectory()) throw new Error('not a folder');
        const watcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
          if (name !== null && this.#ignored(join(root, name))) this.#ignoredEvents++;
          else this.#changed();
        });
        watcher.on('error', (error) => {
          watcher.close();
          const at = this.#watchers.indexOf(watcher);
          if (at >= 0) this.#watchers.splice(at, 1);
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

  /** Changes seen in ignored folders, for tests. */
  get ignoredEvents(): number {
    return this.#ignoredEvents;
  }

  #ignored(path: string): boolean {
    return (this.#options.ignore ?? []).some((folder) => {
      const rel = relative(folder, path);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
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
