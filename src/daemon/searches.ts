// The daemon's searches: starts them on the client, keeps only what passes the search's filter, writes
// what it keeps to the store in bounded batches and publishes each batch (`searchResponses`) and each
// change of state (`searchState`) to the event hub as they happen. A `buddies` search is one user
// search per buddy, merged into one record.

import type { Search, SearchOptions, SearchResponse } from '../client/index.ts';
import type { SharedFile } from '../model/files.ts';
import { compileSearchFilter, type CompiledSearchFilter } from './search-filter.ts';
import type { EventHub } from './events/index.ts';
import type { Searches, SearchRecord, StoredResponse, StoredResponseInput } from './store/searches.ts';
import type { SearchService } from './http/services.ts';
import { DaemonStoreError } from './store/errors.ts';
import { isFinished, type SearchScope } from './store/search-state.ts';

/**
 * Running searches at once. Each one holds a ticket on the server, a set of peer connections and a
 * stream of writes; a client hammering POST /searches gets a 429 past this instead of flooding the
 * network (slskd allows a similar handful).
 */
export const MAX_CONCURRENT_SEARCHES = 10;
/** Files per store transaction and per `searchResponses` event: small enough for a slow event reader's queue. */
export const SEARCH_BATCH_FILES = 200;
/** Buddies searched by one `buddies` search (each is a user search). */
export const MAX_BUDDIES_SEARCHED = 100;

export interface StartSearchInput {
  /** The caller's own id for the search (a UUID; slskd's clients send one); default a new one. */
  readonly id?: string | undefined;
  readonly query: string;
  readonly scope?: SearchScope | undefined;
  /** The room (scope room) or user (scope user). */
  readonly target?: string | undefined;
  /** Filter text (search-filter.ts syntax): files not passing it are never kept. */
  readonly filter?: string | undefined;
  readonly timeoutMs?: number | undefined;
  /** Files kept (after the filter) before the search ends. */
  readonly maxResults?: number | undefined;
  /**
   * Send a network search as a WishlistSearch (the wishlist's timer): the server runs at most one per
   * WishlistInterval and drops the rest, so only the wishlist's own ticks use it.
   */
  readonly wishlist?: boolean | undefined;
}

/** What the service needs of the client. */
export interface SearchStarter {
  search(query: string, options: SearchOptions): Search;
}

export class SearchBusyError extends Error {
  override readonly name = 'SearchBusyError';
}

export interface DaemonSearchesOptions {
  readonly client: SearchStarter;
  readonly searches: Searches;
  readonly hub: EventHub;
  /** The buddy list, for `buddies` searches. */
  readonly buddies: () => readonly string[];
  /** A search's timeout unless it names its own (setting searches.timeoutSeconds; else the client's). */
  readonly defaultTimeoutMs?: number;
  /** Files a search keeps unless it asks for fewer, and the most any may ask for (setting searches.maxResults). */
  readonly defaultMaxResults?: number;
  /** Running searches at once (default MAX_CONCURRENT_SEARCHES). */
  readonly maxConcurrent?: number;
  /** Told of each search sent and each reply kept (the metrics). */
  readonly observer?: { started(scope: SearchScope | 'wishlist'): void; response(): void };
}

interface Running {
  readonly id: string;
  readonly searches: Search[];
  readonly filter: CompiledSearchFilter | undefined;
  readonly maxResults: number;
  kept: number;
  pending: StoredResponseInput[];
  pendingFiles: number;
  flushScheduled: boolean;
  stopped: boolean;
  /** Settles when the search ends or is deleted (whenDone). */
  readonly ended: PromiseWithResolvers<void>;
}

/** A file as the events carry it: sizes as numbers (exact below 9 PB). */
export function fileJson(file: SharedFile): { filename: string; size: number; extension: string; locked: boolean; bitrate?: number; duration?: number; sampleRate?: number; bitDepth?: number; vbr?: boolean } {
  const { filename, extension, locked, bitrate, duration, sampleRate, bitDepth, vbr } = file;
  return {
    filename,
    size: Number(file.size),
    extension,
    locked,
    ...(bitrate === undefined ? {} : { bitrate }),
    ...(duration === undefined ? {} : { duration }),
    ...(sampleRate === undefined ? {} : { sampleRate }),
    ...(bitDepth === undefined ? {} : { bitDepth }),
    ...(vbr === undefined ? {} : { vbr }),
  };
}

type EventResponse = { username: string; hasFreeUploadSlot: boolean; uploadSpeed: number; queueLength: number; files: ReturnType<typeof fileJson>[] };

/**
 * The batch as `searchResponses` payloads of at most SEARCH_BATCH_FILES files each: one user's reply
 * larger than that is split across events, so no event outgrows a slow reader's queue bound.
 */
export function eventBatches(batch: readonly StoredResponseInput[]): EventResponse[][] {
  const events: EventResponse[][] = [];
  let current: EventResponse[] = [];
  let files = 0;
  for (const response of batch) {
    for (let start = 0; start < response.files.length; ) {
      if (files === SEARCH_BATCH_FILES) {
        events.push(current);
        current = [];
        files = 0;
      }
      const slice = response.files.slice(start, start + SEARCH_BATCH_FILES - files);
      start += slice.length;
      files += slice.length;
      current.push({ username: response.username, hasFreeUploadSlot: response.slotsFree, uploadSpeed: response.avgSpeed, queueLength: response.queueLength, files: slice.map(fileJson) });
    }
  }
  if (current.length > 0) events.push(current);
  return events;
}

export class DaemonSearches implements SearchService {
  #options: DaemonSearchesOptions;
  readonly #running = new Map<string, Running>();

  constructor(options: DaemonSearchesOptions) {
    this.#options = options;
    this.#endLeftovers();
  }

  /** Searches a previous run left unfinished (it crashed or was killed) can never end now: errored. */
  #endLeftovers(): void {
    const store = this.#options.searches;
    let before: string | undefined;
    for (;;) {
      const page = store.list({ limit: 1000, before });
      for (const record of page) if (!isFinished(record.state)) store.setState(record.id, 'errored');
      if (page.length < 1000) return;
      before = page[page.length - 1]!.id;
    }
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Starts a search and returns its record (in progress). Throws FilterParseError for bad filter text,
   * DaemonStoreError BAD_INPUT for a bad scope/target, SearchBusyError past MAX_CONCURRENT_SEARCHES,
   * and the client's NotConnectedError when not logged in (the record is then kept as errored).
   */
  start(input: StartSearchInput): SearchRecord {
    const max = this.#options.maxConcurrent ?? MAX_CONCURRENT_SEARCHES;
    if (this.#running.size >= max) {
      throw new SearchBusyError(`${max} searches are running already; stop one (PUT /api/v1/searches/:id/stop) or wait for one to end`);
    }
    const filterText = input.filter?.trim() ?? '';
    const filter = filterText === '' ? undefined : compileSearchFilter(filterText);
    const scope = input.scope ?? 'network';
    const buddies = scope === 'buddies' ? this.#options.buddies().slice(0, MAX_BUDDIES_SEARCHED) : [];
    if (scope === 'buddies' && buddies.length === 0) throw new DaemonStoreError('BAD_INPUT', 'you have no buddies to search; add one first or search the network');
    const store = this.#options.searches;
    const record = store.create({ query: input.query, scope, filter: filterText, ...(input.target === undefined ? {} : { target: input.target }), ...(input.id === undefined ? {} : { id: input.id }) });
    // the setting (searches.maxResults) is the most any search keeps; a request may ask for fewer
    const ceiling = this.#options.defaultMaxResults ?? 1000;
    const maxResults = Math.min(input.maxResults ?? ceiling, ceiling);
    const timeoutMs = input.timeoutMs ?? this.#options.defaultTimeoutMs;
    // The client caps the files it collects before our filter sees them: with a filter, leave room for
    // the files it will drop (still bounded, as is the timeout).
    const clientMax = filter === undefined ? maxResults : Math.min(maxResults * 10, 1_000_000);
    const common: SearchOptions = { maxResults: clientMax, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
    const searches: Search[] = [];
    try {
      if (scope === 'buddies') {
        for (const username of buddies) searches.push(this.#options.client.search(input.query, { ...common, scope: { kind: 'user', username } }));
      } else if (scope === 'room') {
        searches.push(this.#options.client.search(input.query, { ...common, scope: { kind: 'room', room: record.target ?? '' } }));
      } else if (scope === 'user') {
        searches.push(this.#options.client.search(input.query, { ...common, scope: { kind: 'user', username: record.target ?? '' } }));
      } else {
        searches.push(this.#options.client.search(input.query, input.wishlist === true ? { ...common, scope: { kind: 'wishlist' } } : common));
      }
    } catch (error) {
      for (const search of searches) search.stop();
      this.#publishState(store.setState(record.id, 'errored'));
      throw error;
    }
    this.#options.observer?.started(input.wishlist === true && scope === 'network' ? 'wishlist' : scope);
    const running: Running = { id: record.id, searches, filter, maxResults, kept: 0, pending: [], pendingFiles: 0, flushScheduled: false, stopped: false, ended: Promise.withResolvers() };
    this.#running.set(record.id, running);
    const started = store.setState(record.id, 'in-progress');
    this.#publishState(started);
    let open = searches.length;
    for (const search of searches) {
      search.on('response', (response) => this.#accept(running, response));
      search.once('end', () => {
        open--;
        if (open === 0) this.#finish(running);
      });
    }
    return started;
  }

  list(page: { limit?: number | undefined; before?: string | undefined }): SearchRecord[] {
    return this.#options.searches.list(page);
  }

  get(id: string): SearchRecord {
    return this.#options.searches.get(id);
  }

  responses(id: string, page: { limit?: number | undefined; after?: number | undefined }): StoredResponse[] {
    return this.#options.searches.responses(id, page);
  }

  /** Settles once the search is no longer running (ended, stopped or deleted); at once when it is not running. */
  whenDone(id: string): Promise<void> {
    return this.#running.get(id)?.ended.promise ?? Promise.resolve();
  }

  /** Ends a running search now (its responses stay); the record as it is. Stopping a finished one is a no-op. */
  stop(id: string): SearchRecord {
    const running = this.#running.get(id);
    if (running === undefined) return this.#options.searches.get(id);
    running.stopped = true;
    for (const search of running.searches) search.stop();
    return this.#options.searches.get(id);
  }

  /** Stops (if running) and deletes a search with its responses; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const running = this.#running.get(id);
    if (running !== undefined) {
      running.stopped = true;
      this.#running.delete(id);
      for (const search of running.searches) search.stop();
      running.ended.resolve();
    }
    return this.#options.searches.delete(id);
  }

  /** New defaults (searches.timeoutSeconds / maxResults changed while running), for searches started from now on. */
  setDefaults(defaults: { timeoutMs: number; maxResults: number }): void {
    this.#options = { ...this.#options, defaultTimeoutMs: defaults.timeoutMs, defaultMaxResults: defaults.maxResults };
  }

  /** Stops every running search (the daemon is stopping). */
  close(): void {
    for (const id of [...this.#running.keys()]) this.stop(id);
  }

  #accept(running: Running, response: SearchResponse): void {
    if (running.stopped || running.kept >= running.maxResults) return;
    let files = running.filter === undefined ? response.files : running.filter.matchingFiles(response);
    if (files.length === 0) return;
    files = files.slice(0, running.maxResults - running.kept);
    this.#options.observer?.response();
    running.kept += files.length;
    const { username, slotsFree, avgSpeed, queueLength } = response;
    running.pending.push({ username, slotsFree, avgSpeed, queueLength, files });
    running.pendingFiles += files.length;
    if (running.pendingFiles >= SEARCH_BATCH_FILES) this.#flush(running);
    else if (!running.flushScheduled) {
      // replies arriving in the same moment go out as one batch
      running.flushScheduled = true;
      setImmediate(() => {
        running.flushScheduled = false;
        this.#flush(running);
      });
    }
    if (running.kept >= running.maxResults) for (const search of running.searches) search.stop();
  }

  #flush(running: Running): void {
    const batch = running.pending;
    if (batch.length === 0 || !this.#running.has(running.id)) return;
    running.pending = [];
    running.pendingFiles = 0;
    // the batch is bounded (≈ SEARCH_BATCH_FILES, or one reply): one transaction
    try {
      this.#options.searches.addResponseBatch(running.id, batch);
    } catch (error) {
      // deleted or the store closed under a late reply: nothing to keep, nothing to announce
      if (error instanceof DaemonStoreError) return;
      throw error;
    }
    for (const responses of eventBatches(batch)) this.#options.hub.publish('searchResponses', { searchId: running.id, responses });
  }

  #finish(running: Running): void {
    if (!this.#running.has(running.id)) return; // deleted meanwhile
    this.#flush(running);
    this.#running.delete(running.id);
    try {
      this.#publishState(this.#options.searches.setState(running.id, running.stopped ? 'cancelled' : 'completed'));
    } catch (error) {
      if (!(error instanceof DaemonStoreError)) throw error; // the store closed as the daemon stops
    } finally {
      running.ended.resolve();
    }
  }

  #publishState(record: SearchRecord): void {
    this.#options.hub.publish('searchState', { searchId: record.id, state: record.state, responseCount: record.responseCount, fileCount: record.fileCount });
  }
}
