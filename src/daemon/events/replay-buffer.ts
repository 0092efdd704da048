// The last events published, for clients that reconnect with Last-Event-ID. Bounded by count and by
// bytes; the oldest go first. Ids are consecutive (the hub numbers every event it emits), so
// finding where a client left off is arithmetic, not a search.

import type { StreamEvent } from './stream-event.ts';

export type Resume = { kind: 'replay'; events: StreamEvent[] } | { kind: 'tooOld' } | { kind: 'unknownId' };

export class ReplayBuffer {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  #events: StreamEvent[] = [];
  /** Index of the oldest kept event in #events; the slots before it are dropped lazily. */
  #head = 0;
  #bytes = 0;

  constructor(maxEvents: number, maxBytes: number) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#events.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(event: StreamEvent): void {
    this.#events.push(event);
    this.#bytes += event.bytes;
    while (this.size > this.#maxEvents || (this.#bytes > this.#maxBytes && this.size > 0)) {
      this.#bytes -= this.#events[this.#head]!.bytes;
      this.#events[this.#head++] = undefined as unknown as StreamEvent;
    }
    // Compact once the dropped slots outnumber the kept ones: amortised O(1) per event.
    if (this.#head > 1024 && this.#head > this.size) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * The events after `lastId`, given the id the hub will give its next event. An id before what
   * the buffer holds is `tooOld`; one the hub never gave (ahead of it, or not a number) is `unknownId`.
   */
  after(lastId: number, nextId: number, firstId: number): Resume {
    if (!Number.isSafeInteger(lastId) || lastId >= nextId || lastId < firstId - 1) return { kind: 'unknownId' };
    if (lastId === nextId - 1) return { kind: 'replay', events: [] };
    const oldest = this.#events[this.#head];
    if (oldest === undefined || lastId < oldest.id - 1) return { kind: 'tooOld' };
    return { kind: 'replay', events: this.#events.slice(this.#head + (lastId - oldest.id + 1)) };
  }
}
