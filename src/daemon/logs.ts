// The daemon's log: its notes (logged in, shares scanned, a transfer done, warnings) as lines with a
// level, kept in a bounded ring for GET /api/v1/logs and published as `log` events. Lines below the
// level set (logging.level, changeable while running) are dropped before either.

import type { DaemonNote } from './daemon.ts';
import type { DaemonEventMap } from './events/schemas.ts';

export type LogLevel = DaemonEventMap['log']['level'];
/** A threshold: `silent` keeps nothing. */
export type LogThreshold = LogLevel | 'silent';

/** Least to most severe. */
export const LOG_LEVEL_ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const rank = (level: LogThreshold): number => (level === 'silent' ? LOG_LEVEL_ORDER.length : LOG_LEVEL_ORDER.indexOf(level));

export interface LogLine {
  /** Increases by one per line kept; pass the oldest seen as `before` for the previous page. */
  readonly seq: number;
  readonly level: LogLevel;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly message: string;
}

export interface LogPage {
  /** Only lines this severe or more. */
  readonly level?: LogLevel | undefined;
  /** Only lines older than this seq. */
  readonly before?: number | undefined;
  readonly limit?: number | undefined;
}

export const DEFAULT_LOG_LINES = 1000;
/** A longer message is cut: one line must not fill the ring's memory. */
export const MAX_LOG_MESSAGE = 4096;

export class LogRing {
  readonly #capacity: number;
  readonly #lines: (LogLine | undefined)[];
  readonly #now: () => number;
  readonly #publish: ((line: LogLine) => void) | undefined;
  #next = 1;
  #level: LogThreshold;

  constructor(options: { capacity?: number; level?: LogThreshold; now?: () => number; publish?: (line: LogLine) => void } = {}) {
    this.#capacity = Math.max(1, options.capacity ?? DEFAULT_LOG_LINES);
    this.#lines = new Array<LogLine | undefined>(this.#capacity);
    this.#level = options.level ?? 'info';
    this.#now = options.now ?? Date.now;
    this.#publish = options.publish;
  }

  get level(): LogThreshold {
    return this.#level;
  }

  setLevel(level: LogThreshold): void {
    this.#level = level;
  }

  /** Keeps and publishes the line if its level is kept; returns it, or undefined when dropped. */
  add(level: LogLevel, message: string): LogLine | undefined {
    if (rank(level) < rank(this.#level)) return undefined;
    const text = message.length > MAX_LOG_MESSAGE ? `${message.slice(0, MAX_LOG_MESSAGE)}…` : message;
    const line: LogLine = { seq: this.#next++, level, time: this.#now(), message: text };
    this.#lines[line.seq % this.#capacity] = line;
    this.#publish?.(line);
    return line;
  }

  /** Newest first: at most `limit` (default 100) lines older than `before`, at `level` or above. */
  list(page: LogPage = {}): LogLine[] {
    const limit = Math.max(0, page.limit ?? 100);
    const min = page.level === undefined ? 0 : rank(page.level);
    const out: LogLine[] = [];
    const newest = this.#next - 1;
    const oldest = Math.max(1, this.#next - this.#capacity);
    for (let seq = Math.min(newest, (page.before ?? Infinity) - 1); seq >= oldest && out.length < limit; seq--) {
      const line = this.#lines[seq % this.#capacity];
      if (line !== undefined && line.seq === seq && rank(line.level) >= min) out.push(line);
    }
    return out;
  }
}

/** A note of the daemon as a log line: its level and sentence. */
export function noteLogLine(note: DaemonNote): { level: LogLevel; message: string } {
  switch (note.kind) {
    case 'connection': {
      const { state, username, reason } = note.event;
      const what = state === 'loggedIn' ? `logged in as ${username ?? '?'}` : state === 'connecting' ? 'logging in' : state;
      return { level: state === 'reconnecting' ? 'warn' : 'info', message: `server: ${what}${reason === undefined ? '' : `: ${reason}`}` };
    }
    case 'scanned':
      return { level: 'info', message: `shares scanned: ${note.summary.files} files in ${note.summary.folders} folders (${note.summary.added} added, ${note.summary.changed} changed, ${note.summary.removed} removed)` };
    case 'scanFailed':
      return { level: 'error', message: `the shares scan failed: ${note.message}` };
    case 'transferDone': {
      const t = note.transfer;
      const message = `${t.direction} ${t.state}: ${t.filename} ${t.direction === 'download' ? 'from' : 'to'} ${t.username}${t.reason === undefined ? '' : ` (${t.reason})`}`;
      return { level: t.state === 'failed' ? 'warn' : 'info', message };
    }
    case 'warning':
      return { level: 'warn', message: note.message };
  }
}
