// Shared by the hooks tests: a logger that records and announces each line, a real HTTP receiver
// whose answers the test scripts one by one, and clocks whose waits the test controls.

import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HookClock, HookLogger } from '../../src/daemon/hooks/index.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** Fails the test instead of hanging it when what it waits for never happens. */
export const DEADLINE_MS = 20_000;

export class RecordingLogger extends EventEmitter implements HookLogger {
  readonly lines: LogLine[] = [];
  readonly debug = this.#record('debug');
  readonly info = this.#record('info');
  readonly warn = this.#record('warn');
  readonly error = this.#record('error');

  #record(level: LogLine['level']) {
    return (fields: Record<string, unknown>, message: string): void => {
      const line = { level, fields, message };
      this.lines.push(line);
      this.emit('line', line);
    };
  }

  /** The first line (already logged or still to come) whose message matches. */
  async waitFor(pattern: RegExp): Promise<LogLine> {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    while (!this.lines.some((line) => pattern.test(line.message))) await once(this, 'line', { signal });
    return this.lines.find((line) => pattern.test(line.message)) as LogLine;
  }
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers one request: status and headers, or 'hang' to never answer. */
export type Answer = { readonly status: number; readonly headers?: Record<string, string> } | 'hang';

export class Receiver extends EventEmitter {
  readonly requests: ReceivedRequest[] = [];
  readonly #answers: Answer[];
  readonly #server: Server;

  private constructor(answers: Answer[]) {
    super();
    this.#answers = answers;
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(received);
        this.#answer(response);
        this.emit('request', received);
      });
    });
  }

  /** Answers in order; after the list runs out, 200. */
  static async start(answers: Answer[] = []): Promise<Receiver> {
    const receiver = new Receiver([...answers]);
    receiver.#server.listen(0, '127.0.0.1');
    await once(receiver.#server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook?token=secret`;
  }

  async waitForRequests(count: number): Promise<void> {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    while (this.requests.length < count) await once(this, 'request', { signal });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #answer(response: ServerResponse): void {
    const answer = this.#answers.shift() ?? { status: 200 };
    if (answer === 'hang') return;
    response.writeHead(answer.status, answer.headers).end();
  }
}

/** A URL nobody listens on: a port that was just free. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}/hook`;
}

/** Waits are recorded and over at once; `now` stays where the test put it. */
export class InstantClock extends EventEmitter implements HookClock {
  readonly waits: number[] = [];
  readonly #now: number;
  constructor(now = Date.parse('2026-12-07T21:00:00Z')) {
    super();
    this.#now = now;
  }
  now(): number {
    return this.#now;
  }
  sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    return Promise.resolve();
  }
}

/** Waits are recorded and last until aborted: a retry never comes unless the test closes. */
export class StuckClock extends EventEmitter implements HookClock {
  readonly waits: number[] = [];
  now(): number {
    return 0;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.waits.push(ms);
    this.emit('sleep', ms);
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
  async waitForSleeps(count: number): Promise<void> {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    while (this.waits.length < count) await once(this, 'sleep', { signal });
  }
}
