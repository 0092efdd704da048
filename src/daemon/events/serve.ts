// The event stream over HTTP: `serveEventStream(req, res, hub)` answers one request with an SSE
// stream fed by the hub. It works on Node's own request and response, so any framework can hand
// it the raw objects (Fastify: `reply.hijack()` then `reply.raw`).
//
// Query: `lastEventId=` (the Last-Event-ID header wins when both are present: a browser's
// EventSource sends the header on its own reconnects, while the URL keeps the id it started with)
// and `types=a,b` (only these event types).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventHub, Subscription } from './hub.ts';
import { DAEMON_EVENT_TYPES, isDaemonEventType, type DaemonEventType } from './schemas.ts';
import { sseRetry } from './sse.ts';

export interface ServeEventStreamOptions {
  /** Only these event types, on top of any `types=` the client asked for. */
  filter?: readonly DaemonEventType[];
}

export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses unless told not to, which would hold events back.
  'x-accel-buffering': 'no',
} as const;

/** The stream's subscription, or undefined when the request was refused (a 400 has been sent). */
export function serveEventStream(req: IncomingMessage, res: ServerResponse, hub: EventHub, options: ServeEventStreamOptions = {}): Subscription | undefined {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  let filter = options.filter;
  const types = query.get('types');
  if (types !== null) {
    const names = types.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const unknown = names.filter((t) => !isDaemonEventType(t));
    if (unknown.length > 0) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `types: no event type ${unknown.join(', ')}; there are ${DAEMON_EVENT_TYPES.join(', ')}`, field: 'types' }));
      return undefined;
    }
    const requested = names as DaemonEventType[];
    filter = filter === undefined ? requested : filter.filter((t) => requested.includes(t));
  }
  const header = req.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header) ?? query.get('lastEventId') ?? undefined;

  res.writeHead(200, EVENT_STREAM_HEADERS);
  res.write(sseRetry(hub.settings.retryMs));

  // Writes of one tick go out together: one chunk and one syscall for a burst of events.
  let corked = false;
  const subscription = hub.subscribe({
    ...(lastEventId === undefined ? {} : { lastEventId }),
    ...(filter === undefined ? {} : { filter }),
    write(chunk) {
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
      }
      return res.write(chunk);
    },
    onDrain(listener) {
      res.on('drain', listener);
    },
    end() {
      res.end();
    },
  });
  res.once('close', () => subscription.close());
  // A failed write ends this client's stream only; the hub and the other clients carry on.
  res.on('error', () => subscription.close());
  return subscription;
}
