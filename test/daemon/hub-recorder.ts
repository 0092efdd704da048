// The events an EventHub publishes, as a test sees them off the stream; `next` waits (with a deadline,
// never a fixed sleep) for one matching.

import type { EventHub } from '../../src/daemon/events/index.ts';

export interface RecordedEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface HubRecorder {
  readonly events: RecordedEvent[];
  /** The first recorded event (from `from` on) matching; waits for it up to the deadline. */
  next(what: string, match: (e: RecordedEvent) => boolean, from?: number): Promise<RecordedEvent>;
}

export function hubRecorder(hub: EventHub, deadlineMs = 15_000): HubRecorder {
  const events: RecordedEvent[] = [];
  let wake: (() => void) | undefined;
  hub.subscribe({
    write: (chunk) => {
      for (const [, event, data] of chunk.matchAll(/event: (\w+)\ndata: (.*)\n/g)) events.push({ event: event!, data: JSON.parse(data!) as Record<string, unknown> });
      wake?.();
      return true;
    },
    onDrain: () => {},
  });
  const next = async (what: string, match: (e: RecordedEvent) => boolean, from = 0): Promise<RecordedEvent> => {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const found = events.slice(from).find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${deadlineMs} ms: ${JSON.stringify(events.slice(from))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  return { events, next };
}
