// The event stream's limits and timings, with their defaults, and the clock it runs on (injected so
// tests move time by hand instead of waiting).

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real time. Timers are unref'd: a pending heartbeat or coalesced event never keeps the process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface EventStreamSettings {
  /** Events kept for Last-Event-ID resume: at most this many… */
  replayMaxEvents: number;
  /** …and at most this many bytes of SSE text. */
  replayMaxBytes: number;
  /** Per client that reads too slowly: events queued while its socket is full, at most this many… */
  pendingMaxEvents: number;
  /**
   * …and this many bytes; past either, its queue is dropped and it gets a `resync` once it drains.
   * Keep both at least the replay bounds: a client resuming from the oldest kept event has the
   * whole buffer queued for it at once.
   */
  pendingMaxBytes: number;
  /** Events published with the same coalesce key go out at most this often per key. */
  coalescePerSecond: number;
  /** A comment line this often keeps proxies and idle-timeouts from closing a quiet stream. */
  heartbeatMs: number;
  /** Sent as `retry:`: how long a browser's EventSource waits before reconnecting. */
  retryMs: number;
  /**
   * The id of the first event. By default derived from the wall clock (ms × 1000), so a restarted
   * daemon's ids are above the previous run's: a client resuming with an id from before the
   * restart gets `resync` instead of a silent resume into a different stream.
   */
  firstId: number;
}

export const DEFAULT_EVENT_STREAM_SETTINGS: Omit<EventStreamSettings, 'firstId'> = {
  replayMaxEvents: 10_000,
  replayMaxBytes: 4 * 1024 * 1024,
  pendingMaxEvents: 10_000,
  pendingMaxBytes: 4 * 1024 * 1024,
  coalescePerSecond: 4,
  heartbeatMs: 15_000,
  retryMs: 3_000,
};

/** Settings with the defaults filled in; a value that cannot work is refused with the setting's name. */
export function eventStreamSettings(overrides: Partial<EventStreamSettings> = {}): EventStreamSettings {
  const settings: EventStreamSettings = { ...DEFAULT_EVENT_STREAM_SETTINGS, firstId: Date.now() * 1000, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    const min = name === 'firstId' ? 0 : 1;
    if (!Number.isSafeInteger(value)) throw new RangeError(`event stream setting ${name} must be a whole number, not ${String(value)}`);
    if (value < min) throw new RangeError(`event stream setting ${name} must be at least ${min}, not ${value}`);
  }
  return settings;
}
