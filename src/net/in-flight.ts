// Shared in-flight work: the one primitive for "start this once, let every caller wait on it".
// Asking a peer for its shares, connecting to a user, resolving an address: many callers may want
// the same thing at once, and a second request on the wire would be wasted or even refused. The
// rules, kept here so no call site writes them again:
// - one run per key: callers that arrive while it runs join it;
// - it always settles: with its result, its error, or a timeout at its own deadline;
// - a caller leaves with its own AbortSignal and gets its own rejection; the work goes on for the
//   others, and its signal fires only at the deadline or when the whole set is closed;
// - once settled, the key is free again (results are not cached: that is the caller's business).

/** The work ran past its deadline. */
export class InFlightTimeoutError extends Error {
  override readonly name = 'InFlightTimeoutError';
  readonly code = 'IN_FLIGHT_TIMEOUT';
}

/** The set was closed while the work was running. */
export class InFlightClosedError extends Error {
  override readonly name = 'InFlightClosedError';
  readonly code = 'IN_FLIGHT_CLOSED';
}

export interface InFlightRunOptions {
  /** This caller's signal: aborting it rejects this caller's promise only. */
  signal?: AbortSignal | undefined;
  /** Deadline for the work, when this call starts it; defaults to the set's. Ignored when joining. */
  timeoutMs?: number | undefined;
}

export interface InFlightOptions {
  /** Deadline for each run, in milliseconds. */
  timeoutMs: number;
  /** Says what timed out, for the error message; defaults to the key. */
  describe?: (key: unknown) => string;
}

interface Run<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  readonly fail: (error: Error) => void;
}

export class InFlight<K, V> {
  private readonly runs = new Map<K, Run<V>>();
  private readonly options: InFlightOptions;

  constructor(options: InFlightOptions) {
    this.options = options;
  }

  /** Runs in flight now. */
  get size(): number {
    return this.runs.size;
  }

  has(key: K): boolean {
    return this.runs.has(key);
  }

  /**
   * Joins the run for `key`, or starts one with `work`. `work` receives a signal that aborts at the
   * deadline or on close(), never because a caller left.
   */
  run(key: K, work: (signal: AbortSignal) => Promise<V>, options: InFlightRunOptions = {}): Promise<V> {
    options.signal?.throwIfAborted();
    const run = this.runs.get(key) ?? this.start(key, work, options.timeoutMs ?? this.options.timeoutMs);
    return detachable(run.promise, options.signal);
  }

  /** Fails every run in flight (their work's signals abort), e.g. when the owner shuts down. */
  close(reason = 'closed'): void {
    for (const run of [...this.runs.values()]) run.fail(new InFlightClosedError(reason));
  }

  private start(key: K, work: (signal: AbortSignal) => Promise<V>, timeoutMs: number): Run<V> {
    const controller = new AbortController();
    const { promise, resolve, reject } = Promise.withResolvers<V>();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      if (this.runs.get(key) === run) this.runs.delete(key);
      return true;
    };
    const fail = (error: Error): void => {
      if (!finish()) return;
      controller.abort(error);
      reject(error);
    };
    const timer = setTimeout(() => {
      const what = this.options.describe?.(key) ?? String(key);
      fail(new InFlightTimeoutError(`${what} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const run: Run<V> = { promise, controller, fail };
    this.runs.set(key, run);
    // Nobody may be listening when it settles (every caller left): never an unhandled rejection.
    promise.catch(() => {});
    let started: Promise<V>;
    try {
      started = work(controller.signal);
    } catch (error) {
      started = Promise.reject(error as Error);
    }
    started.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
    );
    return run;
  }
}

/** `promise`, or this caller's abort reason as soon as its signal fires; the promise itself goes on. */
export function detachable<V>(promise: Promise<V>, signal: AbortSignal | undefined): Promise<V> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<V>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(String(reason ?? 'aborted'), 'AbortError');
}
