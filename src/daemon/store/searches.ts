// Searches and their responses. Responses arrive by the thousand within seconds, so they are written
// in batches: one transaction per batch, a batch bounded by files (not responses — one response may
// carry hundreds), and `addResponses` yields to the event loop between batches so a 50,000-file
// search never holds the loop for long.

import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { SharedFile } from '../../model/files.ts';
import type { SearchResponse } from '../../client/search.ts';
import { checkLimit, checkText, DaemonStoreError } from './errors.ts';
import { int, optionalInt, text, type Row, type StoreDatabase } from './database.ts';
import { MAX_NAME_LENGTH, MAX_QUERY_LENGTH } from './migrations.ts';
import { isFinished, searchTransition, SEARCH_SCOPES, type SearchScope, type SearchState } from './search-state.ts';

export interface SearchRecord {
  id: string;
  query: string;
  scope: SearchScope;
  /** The room or user searched (scope room/user); undefined otherwise. */
  target: string | undefined;
  /** The result filter text the user typed ('' for none). */
  filter: string;
  state: SearchState;
  startedAt: number;
  endedAt: number | undefined;
  responseCount: number;
  fileCount: number;
}

/** What the store needs of a response: the client's SearchResponse without the wire ticket. */
export type StoredResponseInput = Omit<SearchResponse, 'ticket'>;

export interface StoredResponse extends StoredResponseInput {
  /** Keyset for paging: pass the last one seen as `after`. */
  seq: number;
  receivedAt: number;
}

export interface SearchesSettings {
  /** Files per transaction in addResponses (a bigger response goes alone). */
  batchFiles: number;
  /** Searches older than this are swept (0: no age limit). */
  retentionDays: number;
  /** Newest searches kept by the sweep (0: no count limit). */
  maxSearches: number;
  /** Rows deleted per transaction when deleting a search's responses. */
  sweepBatchRows: number;
}

const MAX_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

function toRecord(row: Row): SearchRecord {
  return {
    id: text(row['id']),
    query: text(row['query']),
    scope: text(row['scope']) as SearchScope,
    target: typeof row['target'] === 'string' ? row['target'] : undefined,
    filter: text(row['filter']),
    state: text(row['state']) as SearchState,
    startedAt: int(row['started_at']),
    endedAt: optionalInt(row['ended_at']),
    responseCount: int(row['responses']),
    fileCount: int(row['files']),
  };
}

// sizes are uint64 on the wire: kept as decimal text in JSON so none is rounded
type FileJson = Omit<SharedFile, 'size'> & { size: string };

function toResponse(row: Row): StoredResponse {
  const files = (JSON.parse(text(row['files'])) as FileJson[]).map((file) => ({ ...file, size: BigInt(file.size) }));
  return {
    seq: int(row['seq']),
    username: text(row['username']),
    slotsFree: int(row['free_slot']) === 1,
    avgSpeed: int(row['upload_speed']),
    queueLength: int(row['queue_length']),
    files,
    receivedAt: int(row['received_at']),
  };
}

export class Searches {
  readonly #db: StoreDatabase;
  readonly #settings: SearchesSettings;
  readonly #now: () => number;

  constructor(db: StoreDatabase, settings: SearchesSettings, now: () => number) {
    this.#db = db;
    this.#settings = settings;
    this.#now = now;
  }

  create(input: { query: string; scope?: SearchScope; target?: string; filter?: string; id?: string }): SearchRecord {
    const scope = input.scope ?? 'network';
    if (!SEARCH_SCOPES.includes(scope)) throw new DaemonStoreError('BAD_INPUT', `scope must be one of ${SEARCH_SCOPES.join(', ')}`);
    const needsTarget = scope === 'room' || scope === 'user';
    if (needsTarget !== (input.target !== undefined)) {
      throw new DaemonStoreError('BAD_INPUT', needsTarget ? `a ${scope} search needs a target ${scope}` : `a ${scope} search takes no target`);
    }
    const id = input.id ?? randomUUID();
    if (!UUID.test(id)) throw new DaemonStoreError('BAD_INPUT', `search id ${JSON.stringify(id)} is not a UUID; leave it out to get one`);
    if (this.#db.get('SELECT 1 FROM searches WHERE id = ?', id) !== undefined) {
      throw new DaemonStoreError('EXISTS', `there is already a search ${id}; use another id or leave it out`);
    }
    this.#db.run(
      'INSERT INTO searches (id, query, scope, target, filter, state, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      checkText('query', input.query, MAX_QUERY_LENGTH),
      scope,
      input.target === undefined ? null : checkText('target', input.target, MAX_NAME_LENGTH),
      checkText('filter', input.filter ?? '', MAX_QUERY_LENGTH, { allowEmpty: true }),
      'requested',
      this.#now(),
    );
    return this.get(id);
  }

  get(id: string): SearchRecord {
    const row = this.#db.get('SELECT * FROM searches WHERE id = ?', id);
    if (row === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no search ${JSON.stringify(id)}; list searches for the ids kept`);
    return toRecord(row);
  }

  /** Newest first; pass the last record's id as `before` for the next page. */
  list(options: { limit?: number | undefined; before?: string | undefined } = {}): SearchRecord[] {
    const limit = checkLimit(options.limit ?? 100, MAX_PAGE);
    if (options.before === undefined) {
      return this.#db.all('SELECT * FROM searches ORDER BY started_at DESC, seq DESC LIMIT ?', limit).map(toRecord);
    }
    const anchor = this.#seqAndStart(options.before);
    return this.#db
      .all(
        'SELECT * FROM searches WHERE (started_at, seq) < (?, ?) ORDER BY started_at DESC, seq DESC LIMIT ?',
        anchor.startedAt,
        anchor.seq,
        limit,
      )
      .map(toRecord);
  }

  /** Moves a search along its life (see search-state.ts); a finished one gets its end time. */
  setState(id: string, to: SearchState): SearchRecord {
    const current = this.get(id);
    if (current.state === to) return current;
    if (searchTransition(current.state, to) === undefined) {
      throw new DaemonStoreError('BAD_TRANSITION', `search ${id} is ${current.state} and cannot become ${to}`);
    }
    const endedAt = isFinished(to) ? this.#now() : undefined;
    this.#db.run('UPDATE searches SET state = ?, ended_at = ? WHERE id = ?', to, endedAt ?? null, id);
    return { ...current, state: to, endedAt };
  }

  /** Writes `responses` in one transaction (callers with many use addResponses). */
  addResponseBatch(id: string, responses: readonly StoredResponseInput[]): void {
    if (responses.length === 0) return;
    const { seq } = this.#seqAndStart(id);
    const files = responses.reduce((sum, response) => sum + response.files.length, 0);
    const receivedAt = this.#now();
    this.#db.transaction(files, () => {
      for (const response of responses) {
        this.#db.run(
          `INSERT INTO search_responses (search_seq, username, free_slot, upload_speed, queue_length, file_count, files, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          seq,
          checkText('username', response.username, MAX_NAME_LENGTH),
          response.slotsFree ? 1 : 0,
          Math.max(0, Math.trunc(response.avgSpeed)),
          Math.max(0, Math.trunc(response.queueLength)),
          response.files.length,
          JSON.stringify(response.files, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
          receivedAt,
        );
      }
      this.#db.run('UPDATE searches SET responses = responses + ?, files = files + ? WHERE seq = ?', responses.length, files, seq);
    });
  }

  /**
   * Writes any number of responses in batches of at most `batchFiles` files (a larger single response
   * is a batch of its own), yielding to the event loop between batches. Resolves once all are committed;
   * rejects with NOT_FOUND if the search is deleted meanwhile, CLOSED if the store closes (the batches
   * already committed stay).
   */
  async addResponses(id: string, responses: readonly StoredResponseInput[]): Promise<void> {
    let batch: StoredResponseInput[] = [];
    let batchFiles = 0;
    let first = true;
    for (const response of responses) {
      if (batch.length > 0 && batchFiles + response.files.length > this.#settings.batchFiles) {
        if (!first) await yieldToLoop();
        this.addResponseBatch(id, batch);
        first = false;
        batch = [];
        batchFiles = 0;
      }
      batch.push(response);
      batchFiles += response.files.length;
    }
    if (batch.length > 0) {
      if (!first) await yieldToLoop();
      this.addResponseBatch(id, batch);
    }
  }

  /** A search's responses in arrival order; pass the last one's `seq` as `after` for the next page. */
  responses(id: string, options: { limit?: number | undefined; after?: number | undefined } = {}): StoredResponse[] {
    const { seq } = this.#seqAndStart(id);
    const limit = checkLimit(options.limit ?? 100, MAX_PAGE);
    return this.#db
      .all('SELECT * FROM search_responses WHERE search_seq = ? AND seq > ? ORDER BY seq LIMIT ?', seq, options.after ?? 0, limit)
      .map(toResponse);
  }

  /**
   * Deletes a search and its responses; false when there was none. The responses go in batches of
   * `sweepBatchRows` per transaction (a search may hold tens of thousands), then the search itself.
   */
  async delete(id: string): Promise<boolean> {
    const row = this.#db.get('SELECT seq FROM searches WHERE id = ?', id);
    if (row === undefined) return false;
    await this.#deleteSearch(int(row['seq']));
    return true;
  }

  /** Deletes searches past the age limit and beyond the newest `maxSearches`; returns how many. */
  async sweep(): Promise<number> {
    const { retentionDays, maxSearches, sweepBatchRows } = this.#settings;
    const victims: number[] = [];
    if (retentionDays > 0) {
      const cutoff = this.#now() - retentionDays * DAY_MS;
      victims.push(...this.#db.all('SELECT seq FROM searches WHERE started_at < ?', cutoff).map((row) => int(row['seq'])));
    }
    if (maxSearches > 0) {
      const cut = this.#db.get('SELECT started_at, seq FROM searches ORDER BY started_at DESC, seq DESC LIMIT 1 OFFSET ?', maxSearches - 1);
      if (cut !== undefined) {
        const older = this.#db.all('SELECT seq FROM searches WHERE (started_at, seq) < (?, ?)', int(cut['started_at']), int(cut['seq']));
        victims.push(...older.map((row) => int(row['seq'])));
      }
    }
    const unique = [...new Set(victims)];
    for (const seq of unique) await this.#deleteSearch(seq, sweepBatchRows);
    return unique.length;
  }

  async #deleteSearch(seq: number, batch = this.#settings.sweepBatchRows): Promise<void> {
    await this.#db.inBatches(batch, () =>
      this.#db.run('DELETE FROM search_responses WHERE seq IN (SELECT seq FROM search_responses WHERE search_seq = ? LIMIT ?)', seq, batch).changes,
    );
    // a response that arrived meanwhile goes with the search (the FK cascade)
    this.#db.run('DELETE FROM searches WHERE seq = ?', seq);
  }

  #seqAndStart(id: string): { seq: number; startedAt: number } {
    const row = this.#db.get('SELECT seq, started_at FROM searches WHERE id = ?', id);
    if (row === undefined) throw new DaemonStoreError('NOT_FOUND', `there is no search ${JSON.stringify(id)}; list searches for the ids kept`);
    return { seq: int(row['seq']), startedAt: int(row['started_at']) };
  }
}
