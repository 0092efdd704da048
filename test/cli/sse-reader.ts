// Reads a daemon's Server-Sent Events stream (GET /api/v1/events) into events, for the CLI tests that
// run `slsk daemon` as a child: waitFor resolves with the first new event matching, or fails at its deadline.

import assert from 'node:assert/strict';

const DEADLINE_MS = 20_000;

export interface StreamEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/** Reads an SSE response into events; waitFor resolves with the first new event matching, or fails at its deadline. */
export class EventReader {
  readonly events: StreamEvent[] = [];
  readonly #controller = new AbortController();
  #buffer = '';
  #seen = 0;
  #wake: (() => void) | undefined;
  #ended = false;

  static async open(url: string, token: string, lastEventId?: number): Promise<EventReader> {
    const reader = new EventReader();
    const query = lastEventId === undefined ? '' : `?lastEventId=${lastEventId}`;
    const response = await fetch(`${url}/api/v1/events${query}`, { headers: { authorization: `Bearer ${token}` }, signal: reader.#controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    reader.#pump(response.body!.pipeThrough(new TextDecoderStream()).getReader()).catch(() => {});
    return reader;
  }

  async #pump(stream: ReadableStreamDefaultReader<string>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await stream.read();
        if (done) break;
        this.#buffer += value;
        let end;
        while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
          const frame = this.#buffer.slice(0, end);
          this.#buffer = this.#buffer.slice(end + 2);
          const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          if (fields['event'] !== undefined) this.events.push({ id: Number(fields['id']), event: fields['event'], data: JSON.parse(fields['data'] ?? '{}') as Record<string, unknown> });
        }
        this.#wake?.();
      }
    } finally {
      this.#ended = true;
      this.#wake?.();
    }
  }

  /** The next event (after those already taken by waitFor) for which `match` holds. */
  waitFor(what: string, match: (event: StreamEvent) => boolean): Promise<StreamEvent> {
    return this.#wait(what, match, true);
  }

  /**
   * Any event received so far or later for which `match` holds, without moving waitFor's place: for
   * events whose order is not fixed (the first scan may finish before or after the login).
   */
  waitForAny(what: string, match: (event: StreamEvent) => boolean): Promise<StreamEvent> {
    return this.#wait(what, match, false);
  }

  async #wait(what: string, match: (event: StreamEvent) => boolean, advance: boolean): Promise<StreamEvent> {
    const deadline = Date.now() + DEADLINE_MS;
    let index = advance ? this.#seen : 0;
    for (;;) {
      while (index < this.events.length) {
        const event = this.events[index++]!;
        if (advance) this.#seen = index;
        if (match(event)) return event;
      }
      if (this.#ended) throw new Error(`the stream ended before ${what}; events: ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${DEADLINE_MS} ms; events: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.#controller.abort();
  }

  /** Resolves once the daemon has ended the stream. */
  async ended(): Promise<void> {
    while (!this.#ended) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

