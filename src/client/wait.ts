// Small helpers for async operations that take an AbortSignal and a timeout.

import { AbortError, TimeoutError } from './errors.ts';

/**
 * Runs `start` with a signal that aborts on the caller's signal or after `timeoutMs`; rejects
 * with TimeoutError / AbortError accordingly. `start` gets the combined signal to stop its work.
 */
export function withDeadline<T>(
  what: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  start: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(new AbortError(what, signal.reason));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new TimeoutError(what, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    const onAbort = () => {
      const error = new AbortError(what, signal?.reason);
      controller.abort(error);
      reject(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    start(controller.signal).then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
