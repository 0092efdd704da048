// After a burst of allocation (start-up, a shares scan) the daemon gives the heap's empty pages back.
//
// V8 grows the old generation for a burst and, once the garbage is collected, keeps much of the
// room: measured on a daemon sharing 1,000,000 files, 174 MB RSS once online and 148 MB after one
// full collection; 201 MB after its start-up rescan without, 167 MB with one after start-up. V8
// does such a collection by itself only when it judges the process idle (its "memory reducer"),
// which in a daemon that is never quite idle did not happen within minutes.
//
// The collection is V8's own `gc` function with the "last resort" flavour (collect everything,
// shrink the heap). It exists only in contexts made after --expose-gc is set: the flag is set and a
// fresh context hands its `gc` over, so the main context's globals are left as they were. A
// collection costs tens of milliseconds at that size; it runs at most once every 10 s (a request
// meanwhile runs when they are up), so even rescans back to back cost under 1% of a core.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MIN_INTERVAL_MS = 10_000;

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export class HeapCompactor {
  readonly #gc: GcFunction;
  readonly #now: () => number;
  #last = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  /** Collections run so far. */
  runs = 0;

  constructor(options: { now?: () => number } = {}) {
    setFlagsFromString('--expose-gc');
    this.#gc = runInNewContext('gc') as GcFunction;
    this.#now = options.now ?? Date.now;
  }

  /** Compacts now, or once MIN_INTERVAL_MS have passed since the last time (once, however often asked meanwhile). */
  request(): void {
    if (this.#timer !== undefined) return;
    const wait = this.#last + MIN_INTERVAL_MS - this.#now();
    if (wait <= 0) {
      this.#compact();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#compact();
    }, wait);
    this.#timer.unref();
  }

  #compact(): void {
    this.#last = this.#now();
    this.#gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.runs++;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
