// Shared in-flight work: the one primitive for "start this once, let every caller wait on it".
// Asking a peer for its shares, connecting to a user, resolving an address: many callers may want
// the same thing at once, and a second request on the wire would be wasted or even refused. The
// rules, kept here so no call site writes them again:
// - one run per key: callers that arrive while it runs join it;
// - it always settles: with its result, its error, or a timeout at its own deadline;
// - a caller leaves with its own AbortSignal and gets its own rejection; the work goes on for the
//   others, and its signal fires only at the deadline, when the whole set is closed, or when the
//   run was settled from outside (below);
// - once settled, the key is free again (results are not cached: that is the caller's business);
// - when the answer arrives as an event (a peer's reply, a connection coming back), whoever reads
//   it settles the run from outside with resolve()/reject(); the work then only sends the request
//   and waits with untilAborted(signal).

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
  /** The error a run that times out fails with (the owner's own timeout type); defaults to InFlightTimeoutError. */
  timeoutError?: (what: string, timeoutMs: number) => Error;
  /**
   * End a run once every caller has left it (each with its signal), so the next caller starts
   * afresh instead of joining work nobody wanted anymore — for requests a peer may never answer.
   * Off by default: a connection being made is still worth having.
   */
  endWhenAbandoned?: boolean;
}

interface Run<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  readonly fail: (error: Error) => void;
  readonly succeed: (value: V, fromOutside: boolean) => void;
  /** Callers still waiting on the run (those that left with their signal are not counted). */
  callers: number;
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
    run.callers += 1;
    return detachable(run.promise, options.signal, () => {
      run.callers -= 1;
      if (run.callers === 0 && this.options.endWhenAbandoned === true) run.fail(new InFlightClosedError('every caller left'));
    });
  }

  /** Settles the run for `key` with `value` (its work's signal aborts); false when none runs. */
  resolve(key: K, value: V): boolean {
    const run = this.runs.get(key);
    if (run === undefined) return false;
    run.succeed(value, true);
    return true;
  }

  /** Fails the run for `key` (its work's signal aborts); false when none runs. */
  reject(key: K, error: Error): boolean {
    const run = this.runs.get(key);
    if (run === undefined) return false;
    run.fail(error);
    return true;
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
    const succeed = (value: V, fromOutside: boolean): void => {
      if (!finish()) return;
      // Settled from outside, the work is no longer needed: whatever it still waits on stops.
      if (fromOutside) controller.abort(new InFlightClosedError('settled'));
      resolve(value);
    };
    const timer = setTimeout(() => {
      const what = this.options.describe?.(key) ?? String(key);
      fail(this.options.timeoutError?.(what, timeoutMs) ?? new InFlightTimeoutError(`${what} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const run: Run<V> = { promise, controller, fail, succeed, callers: 0 };
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
      (value) => succeed(value, false),
      (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
    );
    return run;
  }
}

/** Never resolves; rejects with the signal's reason once it aborts: work whose answer comes from outside. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true }));
}

/**
 * `promise`, or this caller's abort reason as soon as its signal fires; the promise itself goes on.
 * `onLeave` runs when the caller leaves that way.
 */
export function detachable<V>(promise: Promise<V>, signal: AbortSignal | undefined, onLeave?: () => void): Promise<V> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onLeave?.();
    return Promise.reject(abortReason(signal));
  }
  return new Promise<V>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
      onLeave?.();
    };
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
