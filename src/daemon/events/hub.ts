// The daemon's event hub: services publish typed events, the hub numbers them, keeps the latest
// in a bounded replay buffer for clients that reconnect (Last-Event-ID), and hands each to every
// subscriber. Events with a coalesce key (a transfer's progress, the scan's progress) go out at
// most `coalescePerSecond` times per key: the first at once, then the latest one at the end of
// each interval, so the last value is always delivered.

import type { DaemonEventMap, DaemonEventType, PublishableEventType } from './schemas.ts';
import { ReplayBuffer } from './replay-buffer.ts';
import { eventStreamSettings, systemClock, type Clock, type EventStreamSettings, type TimerHandle } from './settings.ts';
import { sseEvent } from './sse.ts';
import type { StreamEvent } from './stream-event.ts';
import { Subscriber, type EventSink, type SubscriberStats } from './subscriber.ts';

export interface PublishOptions {
  /** Events with the same key supersede each other, e.g. `transferProgress:<id>`. */
  coalesceKey?: string;
}

export interface SubscribeOptions extends EventSink {
  /** The client's Last-Event-ID, as it sent it: replay what followed, or `resync` if that is gone. */
  lastEventId?: string | number;
  /** Only these event types (a `resync` always comes through). */
  filter?: readonly DaemonEventType[];
}

export interface Subscription {
  readonly id: number;
  stats(): SubscriberStats;
  /** Unsubscribes and frees its queue and timers (the client went away). */
  close(): void;
}

export interface EventHubStats {
  /** The newest event's id (firstId - 1 before the first). */
  lastId: number;
  replayEvents: number;
  replayBytes: number;
  subscribers: number;
  /** Coalesce keys with an interval running, and how many of them hold an event not yet sent. */
  coalescingKeys: number;
  coalescingHeld: number;
}

interface Held {
  type: PublishableEventType;
  payload: unknown;
}

/** A coalesce key's current interval: `held` is the latest event published during it. */
interface CoalesceWindow {
  held: Held | undefined;
  timer: TimerHandle;
}

export class EventHub {
  readonly settings: EventStreamSettings;
  readonly #clock: Clock;
  readonly #replay: ReplayBuffer;
  readonly #subscribers = new Set<Subscriber>();
  readonly #windows = new Map<string, CoalesceWindow>();
  #nextId: number;
  #nextSubscriberId = 1;
  #closed = false;

  constructor(options: Partial<EventStreamSettings> & { clock?: Clock } = {}) {
    const { clock, ...settings } = options;
    this.settings = eventStreamSettings(settings);
    this.#clock = clock ?? systemClock;
    this.#replay = new ReplayBuffer(this.settings.replayMaxEvents, this.settings.replayMaxBytes);
    this.#nextId = this.settings.firstId;
  }

  get lastId(): number {
    return this.#nextId - 1;
  }

  /** Sends an event to every subscriber. After close() (the daemon is stopping) it does nothing. */
  publish<T extends PublishableEventType>(type: T, payload: DaemonEventMap[T], options: PublishOptions = {}): void {
    if (this.#closed) return;
    const key = options.coalesceKey;
    if (key === undefined) {
      this.#emit(type, payload, undefined);
      return;
    }
    const window = this.#windows.get(key);
    if (window !== undefined) {
      window.held = { type, payload };
      return;
    }
    this.#emit(type, payload, key);
    this.#openWindow(key);
  }

  /** Sends a key's held event now, e.g. the last progress before the transfer's final state. */
  flush(coalesceKey: string): void {
    const window = this.#windows.get(coalesceKey);
    if (window?.held === undefined) return;
    const { type, payload } = window.held;
    window.held = undefined;
    this.#emit(type, payload, coalesceKey);
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (this.#closed) throw new Error('the event hub is closed: the daemon is stopping, reconnect once it is back');
    const subscriber = new Subscriber({
      id: this.#nextSubscriberId++,
      sink: options,
      filter: options.filter,
      settings: this.settings,
      clock: this.#clock,
      lastId: () => this.lastId,
      onClose: (s) => this.#subscribers.delete(s),
    });
    this.#subscribers.add(subscriber);
    if (options.lastEventId !== undefined && options.lastEventId !== '') {
      const lastId = typeof options.lastEventId === 'number' ? options.lastEventId : /^\d{1,16}$/.test(options.lastEventId) ? Number(options.lastEventId) : NaN;
      const resume = this.#replay.after(lastId, this.#nextId, this.settings.firstId);
      if (resume.kind === 'replay') for (const event of resume.events) subscriber.deliver(event);
      else subscriber.resync(resume.kind);
    }
    return subscriber;
  }

  subscriptions(): Subscription[] {
    return [...this.#subscribers];
  }

  stats(): EventHubStats {
    let held = 0;
    for (const window of this.#windows.values()) if (window.held !== undefined) held++;
    return {
      lastId: this.lastId,
      replayEvents: this.#replay.size,
      replayBytes: this.#replay.bytes,
      subscribers: this.#subscribers.size,
      coalescingKeys: this.#windows.size,
      coalescingHeld: held,
    };
  }

  /** Ends every stream and stops every timer; later publishes are ignored. */
  close(): void {
    this.#closed = true;
    for (const window of this.#windows.values()) this.#clock.clearTimeout(window.timer);
    this.#windows.clear();
    for (const subscriber of [...this.#subscribers]) subscriber.end();
  }

  #openWindow(key: string): void {
    const window: CoalesceWindow = {
      held: undefined,
      timer: this.#clock.setTimeout(() => {
        this.#windows.delete(key);
        if (window.held === undefined) return;
        // The latest value of the interval goes out now, and opens the next interval.
        this.#emit(window.held.type, window.held.payload, key);
        this.#openWindow(key);
      }, Math.ceil(1000 / this.settings.coalescePerSecond)),
    };
    this.#windows.set(key, window);
  }

  #emit(type: PublishableEventType, payload: unknown, coalesceKey: string | undefined): void {
    const id = this.#nextId++;
    const frame = sseEvent(id, type, JSON.stringify(payload));
    const event: StreamEvent = { id, type, coalesceKey, frame, bytes: Buffer.byteLength(frame) };
    this.#replay.add(event);
    for (const subscriber of this.#subscribers) subscriber.deliver(event);
  }
}
