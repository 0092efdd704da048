// One client of the event stream. While its socket takes data, events are written straight
// through. When a write reports a full buffer, later events wait in a pending queue bounded by
// count and bytes, where a newer event with the same coalesce key replaces the older one; past
// either bound the queue is dropped, nothing more is queued, and once the socket drains the client
// gets one `resync` and then live events again. A slow reader therefore costs at most the bounds
// plus one socket buffer, however much is published.

import { HEARTBEAT, sseEvent } from './sse.ts';
import type { DaemonEventMap, DaemonEventType } from './schemas.ts';
import type { Clock, EventStreamSettings, TimerHandle } from './settings.ts';
import type { StreamEvent } from './stream-event.ts';

export const SubscriberStates = {
  /** Writing events as they come. */
  streaming: 'streaming',
  /** The socket is full: queueing until it drains. */
  blocked: 'blocked',
  /** The queue passed its bounds and was dropped: a `resync` is owed once the socket drains. */
  overflowed: 'overflowed',
  closed: 'closed',
} as const;

export type SubscriberState = (typeof SubscriberStates)[keyof typeof SubscriberStates];

const MOVES: Readonly<Record<SubscriberState, readonly SubscriberState[]>> = {
  streaming: ['blocked', 'closed'],
  blocked: ['streaming', 'overflowed', 'closed'],
  overflowed: ['streaming', 'closed'],
  closed: [],
};

export class SubscriberStateError extends Error {
  override readonly name = 'SubscriberStateError';
  constructor(from: SubscriberState, to: SubscriberState) {
    super(`an event stream subscriber cannot move from ${from} to ${to} (a bug in the event hub)`);
  }
}

/** Where a subscriber's SSE text goes: a ServerResponse in the daemon (see serveEventStream). */
export interface EventSink {
  /** False when the destination's buffer is full: nothing more is written until onDrain's listener runs. */
  write(chunk: string): boolean;
  /** Registers the one listener to call each time the destination has room again. */
  onDrain(listener: () => void): void;
  /** The hub is closing (the daemon stops): end the response. */
  end?(): void;
}

export interface SubscriberStats {
  id: number;
  state: SubscriberState;
  /** Events queued while the socket is full, and their bytes: never above the pending bounds. */
  pendingEvents: number;
  pendingBytes: number;
  /** Events written to the sink (replayed and live, `resync` included). */
  written: number;
  /** Times the pending queue passed its bounds and was dropped. */
  overflows: number;
  /** `resync` events sent: after an overflow, or for a Last-Event-ID the buffer no longer covers. */
  resyncs: number;
}

export type ResyncReason = DaemonEventMap['resync']['reason'];

export class Subscriber {
  readonly id: number;
  readonly #sink: EventSink;
  readonly #filter: ReadonlySet<DaemonEventType> | undefined;
  readonly #settings: EventStreamSettings;
  readonly #clock: Clock;
  /** The id of the newest event the hub emitted: what a `resync` says the client is synchronised to. */
  readonly #lastId: () => number;
  readonly #onClose: (subscriber: Subscriber) => void;
  #state: SubscriberState = SubscriberStates.streaming;
  /** Queued events by id: a Map iterates in insertion order, and ids only grow, so this is stream order. */
  #pending = new Map<number, StreamEvent>();
  /** Coalesce key → id of its queued event. */
  #pendingByKey = new Map<string, number>();
  #pendingBytes = 0;
  #written = 0;
  #overflows = 0;
  #resyncs = 0;
  #heartbeat: TimerHandle | undefined;

  constructor(init: {
    id: number;
    sink: EventSink;
    filter: readonly DaemonEventType[] | undefined;
    settings: EventStreamSettings;
    clock: Clock;
    lastId: () => number;
    onClose: (subscriber: Subscriber) => void;
  }) {
    this.id = init.id;
    this.#sink = init.sink;
    this.#filter = init.filter === undefined ? undefined : new Set(init.filter);
    this.#settings = init.settings;
    this.#clock = init.clock;
    this.#lastId = init.lastId;
    this.#onClose = init.onClose;
    this.#sink.onDrain(() => this.#drained());
    this.#scheduleHeartbeat();
  }

  get state(): SubscriberState {
    return this.#state;
  }

  stats(): SubscriberStats {
    return {
      id: this.id,
      state: this.#state,
      pendingEvents: this.#pending.size,
      pendingBytes: this.#pendingBytes,
      written: this.#written,
      overflows: this.#overflows,
      resyncs: this.#resyncs,
    };
  }

  deliver(event: StreamEvent): void {
    if (this.#filter !== undefined && !this.#filter.has(event.type)) return;
    switch (this.#state) {
      case SubscriberStates.streaming:
        this.#write(event.frame);
        return;
      case SubscriberStates.blocked:
        this.#enqueue(event);
        return;
      case SubscriberStates.overflowed:
      case SubscriberStates.closed:
        // Dropped: an overflowed client reloads its state after the `resync` it is owed.
        return;
    }
  }

  /** Tells the client to reload its state; its `id:` is the newest event, which the reload covers. */
  resync(reason: ResyncReason): void {
    if (this.#state !== SubscriberStates.streaming) return;
    this.#resyncs++;
    this.#write(sseEvent(this.#lastId(), 'resync', JSON.stringify({ reason } satisfies DaemonEventMap['resync'])));
  }

  /** Stops it for good and frees its queue and timer; the hub forgets it. Idempotent. */
  close(): void {
    if (this.#state === SubscriberStates.closed) return;
    this.#move(SubscriberStates.closed);
    this.#clearPending();
    if (this.#heartbeat !== undefined) this.#clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#onClose(this);
  }

  /** close(), and ends the response: the hub is shutting down. */
  end(): void {
    if (this.#state === SubscriberStates.closed) return;
    this.close();
    this.#sink.end?.();
  }

  #move(to: SubscriberState): void {
    if (!MOVES[this.#state].includes(to)) throw new SubscriberStateError(this.#state, to);
    this.#state = to;
  }

  #write(chunk: string): void {
    this.#written++;
    if (!this.#sink.write(chunk) && this.#state === SubscriberStates.streaming) this.#move(SubscriberStates.blocked);
  }

  #enqueue(event: StreamEvent): void {
    if (event.coalesceKey !== undefined) {
      const older = this.#pendingByKey.get(event.coalesceKey);
      if (older !== undefined) {
        // Removed and appended rather than replaced in place: ids on the wire must keep increasing.
        this.#pendingBytes -= this.#pending.get(older)!.bytes;
        this.#pending.delete(older);
      }
      this.#pendingByKey.set(event.coalesceKey, event.id);
    }
    this.#pending.set(event.id, event);
    this.#pendingBytes += event.bytes;
    if (this.#pending.size > this.#settings.pendingMaxEvents || this.#pendingBytes > this.#settings.pendingMaxBytes) {
      this.#overflows++;
      this.#clearPending();
      this.#move(SubscriberStates.overflowed);
    }
  }

  #clearPending(): void {
    this.#pending = new Map();
    this.#pendingByKey = new Map();
    this.#pendingBytes = 0;
  }

  #drained(): void {
    if (this.#state === SubscriberStates.overflowed) {
      this.#move(SubscriberStates.streaming);
      this.resync('overflow');
      return;
    }
    if (this.#state !== SubscriberStates.blocked) return;
    this.#move(SubscriberStates.streaming);
    for (const [id, event] of this.#pending) {
      this.#pending.delete(id);
      this.#pendingBytes -= event.bytes;
      if (event.coalesceKey !== undefined && this.#pendingByKey.get(event.coalesceKey) === id) this.#pendingByKey.delete(event.coalesceKey);
      this.#write(event.frame);
      if (this.#blocked()) return;
    }
  }

  /** Read through a method: the compiler would otherwise keep the state it narrowed before a write. */
  #blocked(): boolean {
    return this.#state !== SubscriberStates.streaming;
  }

  #scheduleHeartbeat(): void {
    this.#heartbeat = this.#clock.setTimeout(() => {
      // A full socket needs no keep-alive, and writing to it would only grow its buffer.
      if (this.#state === SubscriberStates.streaming && !this.#sink.write(HEARTBEAT)) this.#move(SubscriberStates.blocked);
      if (this.#state !== SubscriberStates.closed) this.#scheduleHeartbeat();
    }, this.#settings.heartbeatMs);
  }
}
