// One hook's lane: a bounded queue of events waiting for that hook, drained one at a time, each
// delivery first taking a slot from a pool shared by every hook of its kind. So a hook whose endpoint
// is down holds at most one slot and `maxQueue` events; newer events push out the oldest.

import type { HookEventType } from './events.ts';

/** pino's calling convention, so the daemon's logger (or a test's recorder) plugs in as it is. */
export type HookLogFn = (fields: Record<string, unknown>, message: string) => void;
export interface HookLogger {
  readonly debug: HookLogFn;
  readonly info: HookLogFn;
  readonly warn: HookLogFn;
  readonly error: HookLogFn;
}

/** An event ready to go: its JSON written once, for every hook. */
export interface HookDelivery {
  readonly type: HookEventType;
  readonly body: string;
}

/** Counters per hook, for /metrics. */
export interface HookCounters {
  delivered: number;
  failed: number;
  retried: number;
  dropped: number;
}

/** Delivers one event; settles when done, whatever the outcome (it counts and logs that itself). */
export type Deliver = (delivery: HookDelivery, counters: HookCounters, signal: AbortSignal) => Promise<void>;

/** A pool of slots shared by lanes: bounds the deliveries in flight at once. */
export class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots must be a positive integer, got ${size}`);
    this.#free = size;
  }

  /** Resolves with the slot's release function; rejects when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(this.#releaser());
      };
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

export interface LaneOptions {
  /** How the hook shows in logs and stats (never a secret). */
  readonly name: string;
  readonly maxQueue: number;
  readonly slots: Slots;
  readonly deliver: Deliver;
  readonly logger: HookLogger;
  /** Aborted when the dispatcher closes: the lane stops and what is left is dropped. */
  readonly signal: AbortSignal;
}

export class HookLane {
  readonly counters: HookCounters = { delivered: 0, failed: 0, retried: 0, dropped: 0 };
  readonly #options: LaneOptions;
  readonly #queue: HookDelivery[] = [];
  #running: Promise<void> | undefined;

  constructor(options: LaneOptions) {
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 1) throw new RangeError(`maxQueue must be a positive integer, got ${options.maxQueue}`);
    this.#options = options;
  }

  get queued(): number {
    return this.#queue.length;
  }

  push(delivery: HookDelivery): void {
    const { name, maxQueue, logger } = this.#options;
    if (this.#queue.length >= maxQueue) {
      const oldest = this.#queue.shift();
      this.counters.dropped++;
      logger.warn(
        { hook: name, event: oldest?.type, queued: maxQueue, dropped: this.counters.dropped },
        `hook ${name} is falling behind: dropped its oldest waiting event; check that it is reachable and fast enough`,
      );
    }
    this.#queue.push(delivery);
    this.#start();
  }

  /** Settles once nothing is queued or running (or the lane was stopped). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #start(): void {
    if (this.#running || this.#options.signal.aborted) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#start();
    });
  }

  async #drain(): Promise<void> {
    const { slots, deliver, signal, logger, name } = this.#options;
    while (this.#queue.length > 0 && !signal.aborted) {
      let release: () => void;
      try {
        release = await slots.acquire(signal);
      } catch {
        break;
      }
      const delivery = this.#queue.shift();
      try {
        if (delivery) await deliver(delivery, this.counters, signal);
      } catch (error) {
        // A deliverer settles on its own; this only keeps the lane alive if one ever throws.
        this.counters.failed++;
        logger.error({ hook: name, err: error }, `hook ${name} failed unexpectedly; this is a bug, please report it`);
      } finally {
        release();
      }
    }
    if (signal.aborted && this.#queue.length > 0) {
      const left = this.#queue.length;
      this.#queue.length = 0;
      this.counters.dropped += left;
      logger.warn({ hook: name, dropped: left }, `hook ${name}: ${left} waiting event(s) not delivered because the daemon is stopping`);
    }
  }
}
