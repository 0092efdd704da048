// The wishlist service: searches the daemon runs again on a timer, keeping their results like any
// other search (DaemonSearches), and optionally downloading the best new match of each run.
//
// The timer ticks at the server's WishlistInterval (sent after login; 12 min until it is) and each tick
// runs ONE enabled item, the one run least recently, as a WishlistSearch: the server allows one per
// interval and drops the rest, so clients cycle through their wishes. "Run now" is the user asking:
// it is sent as a normal network search, which the server does not ration that way.
//
// A run: idle → searching (its search is running) → picking (search ended; auto-download only) → idle.
// An item has at most one run at a time; asking again while it runs returns that run.

import type { Client, ClientEvents } from '../client/index.ts';
import type { TransferManager } from '../transfers/index.ts';
import type { EventHub } from './events/index.ts';
import type { DaemonSearches } from './searches.ts';
import { compileSearchFilter } from './search-filter.ts';
import type { SearchRecord, StoredResponse, Wishlist, WishlistItem } from './store/index.ts';
import { bestNewMatch, knownDownloads } from './wishlist-pick.ts';

/** Until the server says otherwise (WishlistInterval), the interval Soulseek servers announce. */
export const DEFAULT_WISHLIST_INTERVAL_MS = 12 * 60_000;
/** Responses read back per page when picking a download (the search's own cap bounds the total). */
const RESPONSE_PAGE = 1000;

export interface WishlistInput {
  readonly query: string;
  readonly filter?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly autoDownload?: boolean | undefined;
}

export type WishlistUpdate = Partial<WishlistInput>;

export interface WishlistRun {
  readonly item: WishlistItem;
  readonly search: SearchRecord;
}

export type WishlistSearches = Pick<DaemonSearches, 'start' | 'get' | 'whenDone' | 'responses'>;
/** What the wishlist needs of the transfers: a narrow view, so it does not depend on their API. */
export type WishlistTransfers = Pick<TransferManager, 'download' | 'list'>;
export type WishlistClient = Pick<Client, 'on' | 'off' | 'loggedIn'>;

export interface DaemonWishlistOptions {
  readonly items: Wishlist;
  readonly searches: WishlistSearches;
  readonly transfers: WishlistTransfers;
  readonly client: WishlistClient;
  readonly hub: EventHub;
  /** The timer's interval until the server sends WishlistInterval. */
  readonly defaultIntervalMs?: number;
  readonly now?: () => number;
  /** A run or download that failed: for the daemon's log. */
  readonly warn?: (message: string) => void;
}

interface ActiveRun {
  readonly searchId: string;
  readonly done: Promise<void>;
}

export class DaemonWishlist {
  readonly #options: DaemonWishlistOptions;
  readonly #active = new Map<string, ActiveRun>();
  readonly #now: () => number;
  #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #onServerMessage = (...[message]: ClientEvents['serverMessage']): void => {
    if (message.name === 'WishlistInterval') this.setInterval(Math.max(1, message.interval) * 1000);
  };

  constructor(options: DaemonWishlistOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#intervalMs = options.defaultIntervalMs ?? DEFAULT_WISHLIST_INTERVAL_MS;
    options.client.on('serverMessage', this.#onServerMessage);
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Starts the timer (the daemon calls it once everything is up). */
  start(): void {
    this.setInterval(this.#intervalMs);
  }

  /** The server's WishlistInterval (or a test's): restarts the timer at the new pace. */
  setInterval(ms: number): void {
    this.#intervalMs = ms;
    if (this.#closed) return;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.tick(), ms);
    this.#timer.unref();
  }

  list(): WishlistItem[] {
    return this.#options.items.list();
  }

  get(id: string): WishlistItem {
    return this.#options.items.get(id);
  }

  /** Throws FilterParseError for filter text that does not parse, DaemonStoreError for bad text or a full list. */
  add(input: WishlistInput): WishlistItem {
    if (input.filter !== undefined && input.filter.trim() !== '') compileSearchFilter(input.filter);
    return this.#options.items.add({
      query: input.query,
      ...(input.filter === undefined ? {} : { filter: input.filter.trim() }),
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...(input.autoDownload === undefined ? {} : { autoDownload: input.autoDownload }),
    });
  }

  update(id: string, changes: WishlistUpdate): WishlistItem {
    if (changes.filter !== undefined && changes.filter.trim() !== '') compileSearchFilter(changes.filter);
    return this.#options.items.update(id, {
      ...(changes.query === undefined ? {} : { query: changes.query }),
      ...(changes.filter === undefined ? {} : { filter: changes.filter.trim() }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
      ...(changes.autoDownload === undefined ? {} : { autoDownload: changes.autoDownload }),
    });
  }

  /** false when there was no such item. A run in progress goes on; its search stays like any other. */
  remove(id: string): boolean {
    return this.#options.items.remove(id);
  }

  /**
   * Runs the item now as a network search, whether enabled or not; while it runs already, returns
   * that run. Throws DaemonStoreError NOT_FOUND, SearchBusyError, or the client's NotConnectedError.
   */
  runNow(id: string): WishlistRun {
    const item = this.#options.items.get(id);
    const active = this.#active.get(id);
    if (active !== undefined) return { item, search: this.#searchRecord(active.searchId) };
    return this.#run(item, 'manual');
  }

  /** One timer tick: the enabled item run least recently (never run first), unless offline. */
  tick(): void {
    if (this.#closed || !this.#options.client.loggedIn) return;
    const next = this.#options.items
      .list()
      .filter((item) => item.enabled && !this.#active.has(item.id))
      .sort((a, b) => (a.lastRunAt ?? -1) - (b.lastRunAt ?? -1) || a.addedAt - b.addedAt)[0];
    if (next === undefined) return;
    try {
      this.#run(next, 'timer');
    } catch (error) {
      this.#warn(`the wishlist could not run "${next.query}": ${describe(error)}; it is tried again at a later tick`);
    }
  }

  /** Settles when the item's run in progress (if any) is over, auto-download included. */
  whenIdle(id: string): Promise<void> {
    return this.#active.get(id)?.done ?? Promise.resolve();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#options.client.off('serverMessage', this.#onServerMessage);
  }

  #run(item: WishlistItem, trigger: 'timer' | 'manual'): WishlistRun {
    const { searches, items, hub } = this.#options;
    const search = searches.start({ query: item.query, filter: item.filter === '' ? undefined : item.filter, wishlist: trigger === 'timer' });
    const ran = items.update(item.id, { lastRunAt: this.#now() });
    hub.publish('wishlistRun', { itemId: item.id, query: item.query, searchId: search.id, trigger });
    const done = searches
      .whenDone(search.id)
      .then(() => this.#afterSearch(item.id, search.id))
      .catch((error: unknown) => this.#warn(`the wishlist run of "${item.query}" failed after its search: ${describe(error)}`))
      .finally(() => this.#active.delete(item.id));
    this.#active.set(item.id, { searchId: search.id, done });
    return { item: ran, search };
  }

  /** The search ended: download the best new match when the item (as it is now) asks for it. */
  #afterSearch(itemId: string, searchId: string): void {
    if (this.#closed) return;
    let item: WishlistItem;
    try {
      item = this.#options.items.get(itemId);
    } catch {
      return; // removed while it ran
    }
    if (!item.autoDownload) return;
    const best = bestNewMatch(this.#responses(searchId), knownDownloads(this.#options.transfers.list({ direction: 'download' })));
    if (best === undefined) return;
    const transfer = this.#options.transfers.download(best.username, best.filename, { size: best.size });
    this.#options.hub.publish('wishlistDownload', {
      itemId,
      searchId,
      transferId: transfer.id,
      username: best.username,
      filename: best.filename,
      size: Number(best.size),
    });
  }

  #responses(searchId: string): StoredResponse[] {
    const all: StoredResponse[] = [];
    for (let after = 0; ; ) {
      const page = this.#options.searches.responses(searchId, { limit: RESPONSE_PAGE, after });
      all.push(...page);
      if (page.length < RESPONSE_PAGE) return all;
      after = page[page.length - 1]!.seq;
    }
  }

  #searchRecord(searchId: string): SearchRecord {
    return this.#options.searches.get(searchId);
  }

  #warn(message: string): void {
    this.#options.warn?.(message);
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
