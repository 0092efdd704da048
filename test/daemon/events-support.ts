// Shared by the event-stream tests: a clock moved by hand, an HTTP server whose one route is the
// event stream, and an SSE client that parses the stream the way a browser's EventSource does.

import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventHub, serveEventStream, type Clock, type EventStreamSettings, type Subscription } from '../../src/daemon/events/index.ts';

/** Time moves only when the test says so; timers fire in due order as it passes them. */
export class ManualClock implements Clock {
  #now = 0;
  #nextHandle = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.#nextHandle++;
    this.#timers.set(handle, { at: this.#now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves to `now + ms`, firing every timer due on the way at its own time. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
    }
    this.#now = until;
  }
}

export interface EventServer {
  hub: EventHub;
  url: string;
  port: number;
  /** The server side of each stream, in the order they connected. */
  streams: { subscription: Subscription; res: ServerResponse }[];
  close(): Promise<void>;
}

export async function startEventServer(settings: Partial<EventStreamSettings> & { clock?: Clock } = {}): Promise<EventServer> {
  const hub = new EventHub({ firstId: 1, ...settings });
  const streams: EventServer['streams'] = [];
  const server: Server = createServer((req, res) => {
    const subscription = serveEventStream(req, res, hub);
    if (subscription !== undefined) streams.push({ subscription, res });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    port,
    url: `http://127.0.0.1:${port}/events`,
    streams,
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SseMessage {
  /** The event's id field; `lastEventId` as EventSource tracks it. */
  id: string;
  event: string;
  data: string;
}

/**
 * Parses SSE text as the HTML standard's "interpret an event stream" does: lines end at CRLF, LF
 * or CR; `data:` lines join with LF; a blank line dispatches; a line starting with ':' is a comment.
 */
export class SseParser {
  readonly messages: SseMessage[] = [];
  /** Messages parsed so far, kept or not. */
  count = 0;
  /** Called for each message; when it returns false the message is not kept (a long run that only checks). */
  onMessage: ((message: SseMessage) => boolean) | undefined;
  readonly comments: string[] = [];
  retry: number | undefined;
  #buffer = '';
  #data: string[] = [];
  #event = '';
  lastEventId = '';

  push(text: string): void {
    this.#buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone CR at the end may be the first half of a CRLF: wait for the next chunk.
      if (match === null || (match[0] === '\r' && match.index === this.#buffer.length - 1)) return;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) {
        const message = { id: this.lastEventId, event: this.#event || 'message', data: this.#data.join('\n') };
        this.count++;
        if (this.onMessage?.(message) !== false) this.messages.push(message);
      }
      this.#data = [];
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id') this.lastEventId = value;
    else if (field === 'retry') this.retry = Number(value);
  }
}

/** Waits, with a deadline, until `ready()` holds; checked on each chunk the stream delivers. */
type Waiter = { ready: () => boolean; resolve: () => void; reject: (error: Error) => void };

/** An EventSource-like reader over http.get. */
export class SseClient {
  readonly parser = new SseParser();
  readonly response: IncomingMessage;
  #waiters = new Set<Waiter>();
  #ended = false;

  private constructor(response: IncomingMessage) {
    this.response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.parser.push(chunk);
      this.#check();
    });
    response.on('close', () => {
      this.#ended = true;
      this.#check();
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
    return new SseClient(response);
  }

  get messages(): SseMessage[] {
    return this.parser.messages;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves once `ready()` holds; fails after `ms` with `what` (the stream is live, so a wait is for an event, never a sleep). */
  async until(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
    if (ready()) return;
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = { ready, resolve: () => {}, reject: () => {} };
    try {
      await new Promise<void>((resolve, reject) => {
        waiter.resolve = resolve;
        waiter.reject = reject;
        this.#waiters.add(waiter);
        if (this.#ended) reject(new Error(`the stream ended before ${what}`));
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`)), ms);
      });
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(waiter);
    }
  }

  async untilCount(count: number, ms?: number): Promise<SseMessage[]> {
    await this.until(`${count} events`, () => this.messages.length >= count, ms);
    return this.messages;
  }

  close(): void {
    this.response.destroy();
  }

  #check(): void {
    for (const waiter of this.#waiters) {
      if (waiter.ready()) waiter.resolve();
      else if (this.#ended) waiter.reject(new Error(`the stream ended; got ${JSON.stringify(this.messages.slice(-5))}`));
    }
  }
}

/** Resolves once `ready()` holds, checking after each turn of the event loop; fails at the deadline. */
export async function eventually(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ready()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const log = (message: string) => ({ level: 'info' as const, time: '2026-12-07T21:00:00.000Z', message });
