// Renders many tracks on every CPU core: one worker thread per core (never more than jobs), each
// taking the next job when it finishes one. A single job runs in this thread, sparing a worker start.

import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { renderTrack, type RenderJob } from './render.ts';

/** Same extension as this file: .ts when run from source, .js if ever compiled. */
const WORKER = new URL(`./render-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

interface Answer {
  bytes?: Uint8Array;
  error?: string;
}

/**
 * Renders every item's job and hands the bytes to `done` (awaited; one item at a time per thread).
 * The first failure or an abort stops all threads; it rejects once nothing is running any more.
 */
export async function renderAll<T extends { job: RenderJob }>(
  items: readonly T[],
  done: (item: T, bytes: Uint8Array) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const threads = Math.min(items.length, availableParallelism());
  if (threads <= 1) {
    for (const item of items) await done(item, await renderTrack(item.job, signal));
    return;
  }
  const workers = Array.from({ length: threads }, () => new Worker(WORKER));
  const failures: unknown[] = [];
  const stop = (error: unknown): void => {
    if (failures.push(error) === 1) for (const worker of workers) void worker.terminate();
  };
  let next = 0;
  const run = async (worker: Worker): Promise<void> => {
    while (failures.length === 0 && next < items.length) {
      const item = items[next++]!;
      const bytes = await render(worker, item.job, signal);
      await done(item, bytes);
    }
  };
  try {
    for (const worker of workers) worker.on('error', stop);
    await Promise.all(workers.map((worker) => run(worker).catch(stop)));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  if (failures.length > 0) throw failures[0];
}

function render(worker: Worker, job: RenderJob, signal: AbortSignal | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const settle = (): void => {
      worker.off('message', onAnswer);
      worker.off('error', onError);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAnswer = (answer: Answer): void => {
      settle();
      if (answer.bytes !== undefined) resolve(answer.bytes);
      else reject(new Error(`rendering "${job.tags.title}" failed: ${answer.error}`));
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    const onExit = (code: number): void => {
      settle();
      reject(new Error(`render worker stopped (exit code ${code}) while rendering "${job.tags.title}"`));
    };
    const onAbort = (): void => {
      settle();
      reject(signal!.reason);
    };
    worker.on('message', onAnswer);
    worker.on('error', onError);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort);
    worker.postMessage(job);
  });
}
