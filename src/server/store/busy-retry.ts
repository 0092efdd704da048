// Another process (`slsk server user`) may hold the database's write lock. SQLite's own busy wait
// sleeps inside the call and so stalls every connection the server serves: it is kept to a few
// milliseconds (DEFAULT_BUSY_TIMEOUT_MS), and work that still finds the file locked is tried again
// later from a timer, with backoff, while the work queued behind it waits its turn.

export const DEFAULT_BUSY_TIMEOUT_MS = 5;
export const DEFAULT_BUSY_RETRY_LIMIT_MS = 30_000;
const RETRY_DELAY_MAX_MS = 50;
const SQLITE_BUSY = 5;

/** The file stayed locked by another process for longer than the retry limit; nothing was written. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  constructor(path: string, waitedMs: number, options: { cause: unknown }) {
    super(
      `the database ${path} is locked by another process (a \`slsk server user\` command, or a second server on the same --data folder?) and stayed locked for ${waitedMs} ms; the write was not made: let that process finish and try again`,
      options,
    );
  }
}

/** One call's synchronous database work, waiting its turn. */
interface QueuedStep {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  attempts: number;
  firstBusyAt: number;
}

/**
 * Synchronous database work in the order it was asked for, run at once when nothing waits. Work
 * that meets another process's lock (SQLITE_BUSY after the short busy timeout) changed nothing (a
 * single statement, or a transaction rolled back), so it is tried again: writes land in the order
 * they were asked for, and an acknowledged write is a committed one.
 */
export class BusyRetryQueue {
  private readonly path: string;
  private readonly retryLimitMs: number;
  private readonly onRetry: ((attempt: number) => void) | undefined;
  private readonly steps: QueuedStep[] = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(path: string, retryLimitMs: number, onRetry?: (attempt: number) => void) {
    this.path = path;
    this.retryLimitMs = retryLimitMs;
    this.onRetry = onRetry;
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.steps.push({ work, resolve: resolve as (value: unknown) => void, reject, attempts: 0, firstBusyAt: 0 });
      this.drain();
    });
  }

  private drain(): void {
    if (this.retryTimer !== undefined) return;
    while (this.steps.length > 0) {
      const step = this.steps[0]!;
      let value: unknown;
      try {
        value = step.work();
      } catch (error) {
        let failure = error;
        if (isSqliteError(error, SQLITE_BUSY)) {
          const gaveUp = this.retryLater(step, error);
          if (gaveUp === undefined) return;
          failure = gaveUp;
        }
        // The steps behind a failed one get their own chance (and their own limit).
        this.steps.shift();
        step.reject(failure);
        continue;
      }
      this.steps.shift();
      step.resolve(value);
    }
  }

  /** Schedules another attempt of the head step; once it has waited past the limit, the error to fail it with. */
  private retryLater(step: QueuedStep, error: unknown): StoreBusyError | undefined {
    const now = Date.now();
    if (step.attempts === 0) step.firstBusyAt = now;
    const waited = now - step.firstBusyAt;
    if (waited >= this.retryLimitMs) return new StoreBusyError(this.path, waited, { cause: error });
    step.attempts += 1;
    this.onRetry?.(step.attempts);
    const delay = Math.min(RETRY_DELAY_MAX_MS, 2 ** step.attempts);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drain();
    }, delay);
    return undefined;
  }
}

/** True for `errcode` itself and for its extended codes (SQLITE_BUSY also covers SQLITE_BUSY_RECOVERY, …). */
export function isSqliteError(error: unknown, errcode: number): boolean {
  if (typeof error !== 'object' || error === null || !('errcode' in error) || typeof error.errcode !== 'number') return false;
  return errcode > 0xff ? error.errcode === errcode : (error.errcode & 0xff) === errcode;
}
