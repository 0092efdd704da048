// The daemon's live event stream: typed events (schemas.ts), the hub that numbers, replays and
// coalesces them (hub.ts), and its Server-Sent Events transport over node:http (serve.ts).

export { DAEMON_EVENTS, DAEMON_EVENT_TYPES, isDaemonEventType, type DaemonEvent, type DaemonEventMap, type DaemonEventType, type PublishableEventType } from './schemas.ts';
export { EventHub, type EventHubStats, type PublishOptions, type SubscribeOptions, type Subscription } from './hub.ts';
export { serveEventStream, EVENT_STREAM_HEADERS, type ServeEventStreamOptions } from './serve.ts';
export { DEFAULT_EVENT_STREAM_SETTINGS, eventStreamSettings, systemClock, type Clock, type EventStreamSettings, type TimerHandle } from './settings.ts';
export { SubscriberStates, SubscriberStateError, type EventSink, type ResyncReason, type SubscriberState, type SubscriberStats } from './subscriber.ts';
export { sseComment, sseEvent, sseRetry, HEARTBEAT } from './sse.ts';
