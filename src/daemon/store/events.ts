// The events log: what happened while nobody watched (a download finished, a private message or a
// mention came in, a buddy came online), kept as a ring of the last `maxEvents`.

import { checkLimit, DaemonStoreError } from './errors.ts';
import { int, text, type Row, type StoreDatabase } from './database.ts';

export const LOGGED_EVENT_KINDS = ['download-complete', 'private-message', 'mention', 'user-online'] as const;
export type LoggedEventKind = (typeof LOGGED_EVENT_KINDS)[number];

export interface LoggedEvent {
  id: number;
  kind: LoggedEventKind;
  at: number;
  data: Record<string, unknown>;
}

/** An event's data is small (names, a path, a message id): bigger is a bug upstream, refused. */
export const MAX_EVENT_DATA_LENGTH = 4096;
const MAX_PAGE = 1000;

function toEvent(row: Row): LoggedEvent {
  return { id: int(row['id']), kind: text(row['kind']) as LoggedEventKind, at: int(row['at']), data: JSON.parse(text(row['data'])) as Record<string, unknown> };
}

export class EventsLog {
  readonly #db: StoreDatabase;
  readonly #maxEvents: number;
  readonly #now: () => number;

  constructor(db: StoreDatabase, maxEvents: number, now: () => number) {
    this.#db = db;
    this.#maxEvents = maxEvents;
    this.#now = now;
  }

  add(kind: LoggedEventKind, data: Record<string, unknown> = {}): LoggedEvent {
    if (!LOGGED_EVENT_KINDS.includes(kind)) throw new DaemonStoreError('BAD_INPUT', `event kind must be one of ${LOGGED_EVENT_KINDS.join(', ')}`);
    const json = JSON.stringify(data);
    if (json.length > MAX_EVENT_DATA_LENGTH) {
      throw new DaemonStoreError('BAD_INPUT', `event data is ${json.length} characters of JSON; the limit is ${MAX_EVENT_DATA_LENGTH}`);
    }
    const at = this.#now();
    const id = this.#db.transaction(1, () => {
      const { lastId } = this.#db.run('INSERT INTO events (kind, at, data) VALUES (?, ?, ?)', kind, at, json);
      // AUTOINCREMENT never reuses ids and only this ring deletes, so the last N are exactly id > lastId − N
      this.#db.run('DELETE FROM events WHERE id <= ?', lastId - this.#maxEvents);
      return lastId;
    });
    return { id, kind, at, data: JSON.parse(json) as Record<string, unknown> };
  }

  /** Newest first; pass the last id seen as `before` for the next page. */
  list(page: { before?: number | undefined; limit?: number | undefined } = {}): LoggedEvent[] {
    return this.#db
      .all('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?', page.before ?? Number.MAX_SAFE_INTEGER, checkLimit(page.limit ?? 100, MAX_PAGE))
      .map(toEvent);
  }

  count(): number {
    return int(this.#db.get('SELECT count(*) AS n FROM events')?.['n']);
  }
}
