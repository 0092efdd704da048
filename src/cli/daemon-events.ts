// The daemon's live events (GET /api/v1/events, Server-Sent Events) for the commands that go through a
// daemon: `openDaemonEvents` resolves once the stream is open — so an action taken afterwards (start a
// search, enqueue a download) cannot publish its events before we listen — and hands each event to
// `onEvent` until closed. A frame is bounded: a daemon that sends an endless line ends the stream.

import type { DaemonEvent, DaemonEventType } from '../daemon/events/schemas.ts';
import type { DaemonSession } from './daemon-link.ts';

/** Longer than any event the daemon publishes (a search batch is a few hundred files). */
const MAX_FRAME_CHARS = 4 * 1024 * 1024;

export interface DaemonEventStream {
  /** Resolves when the stream ends: closed by us, by the daemon (it stopped), or broken. */
  readonly ended: Promise<void>;
  close(): void;
}

/** One `id:`/`event:`/`data:` frame as an event; comments (heartbeats) and frames that do not parse are skipped. */
function parseFrame(frame: string): DaemonEvent | undefined {
  let id = NaN;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = Number(value);
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === undefined) return undefined;
  try {
    return { id, event, data: JSON.parse(data.join('\n')) as unknown } as DaemonEvent;
  } catch {
    return undefined;
  }
}

export async function openDaemonEvents(
  session: DaemonSession,
  types: readonly DaemonEventType[],
  onEvent: (event: DaemonEvent) => void,
): Promise<DaemonEventStream> {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, session.signal]);
  const { url, token } = session.link;
  const query = types.length === 0 ? '' : `?types=${types.join(',')}`;
  const response = await fetch(`${url}/api/v1/events${query}`, {
    headers: { accept: 'text/event-stream', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    signal,
  });
  if (!response.ok || response.body === null) {
    controller.abort();
    throw new Error(`the daemon's event stream answered ${response.status} ${(await response.text().catch(() => '')).slice(0, 200)}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const pump = async (): Promise<void> => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event !== undefined) onEvent(event);
      }
      if (buffer.length > MAX_FRAME_CHARS) return;
    }
  };
  const ended = pump()
    .catch(() => {})
    .finally(() => controller.abort());
  return { ended, close: () => controller.abort() };
}

/**
 * Wakes a loop that reads the daemon's state when an event says something changed; with no event it
 * still wakes every `everyMs` (a safety net should the stream break), and at once after `nudge()`.
 */
export class Wakeup {
  #dirty = true;
  #wake: (() => void) | undefined;

  nudge(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async wait(everyMs: number): Promise<void> {
    if (!this.#dirty) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, everyMs));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#wake = undefined;
    this.#dirty = false;
  }
}
