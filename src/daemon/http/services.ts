// What the HTTP layer needs from the rest of the daemon. The routes' handlers take their data from this
// interface only, so the API can be built and tested before (and apart from) the real client.

import type { EventHub } from '../events/index.ts';
import type { ServerConnection } from './routes.ts';
import type { StartSearchInput } from '../searches.ts';
import type { SearchRecord, StoredResponse, WishlistItem } from '../store/index.ts';
import type { WishlistInput, WishlistRun, WishlistUpdate } from '../wishlist.ts';

/**
 * The searches (DaemonSearches over the store). Errors: FilterParseError (bad filter), DaemonStoreError
 * NOT_FOUND / BAD_INPUT, SearchBusyError (too many running), the client's NotConnectedError.
 */
export interface SearchService {
  start(input: StartSearchInput): SearchRecord;
  list(page: { limit?: number | undefined; before?: string | undefined }): SearchRecord[];
  get(id: string): SearchRecord;
  responses(id: string, page: { limit?: number | undefined; after?: number | undefined }): StoredResponse[];
  stop(id: string): SearchRecord;
  /** false when there was no such search. */
  delete(id: string): Promise<boolean>;
}

/**
 * The wishlist (DaemonWishlist over the store). Errors: FilterParseError (bad filter), DaemonStoreError
 * NOT_FOUND / BAD_INPUT / FULL; runNow also SearchBusyError and the client's NotConnectedError.
 */
export interface WishlistService {
  list(): WishlistItem[];
  add(input: WishlistInput): WishlistItem;
  update(id: string, changes: WishlistUpdate): WishlistItem;
  /** false when there was no such item. */
  remove(id: string): boolean;
  runNow(id: string): WishlistRun;
}

export interface DaemonServices {
  /** Reported in GET /api/v1/application. */
  readonly version: string;
  /** The Soulseek server connection as it is now. */
  server(): ServerConnection;
  /** Connect and log in; resolves with the connection once logged in (or rejects with why not). */
  connect(): Promise<ServerConnection>;
  /** Disconnect and stay offline until connect() is called again. */
  disconnect(): Promise<ServerConnection>;
  /** The live events GET /api/v1/events streams. */
  readonly events: EventHub;
  /** The options in effect, secrets included: the route redacts them (see SECRET_OPTION_KEYS). */
  options(): Readonly<Record<string, unknown>>;
  /** GET /metrics: every metric in the Prometheus text format 0.0.4 (DaemonMetrics.scrape). */
  metrics(): string;
  readonly searches: SearchService;
  readonly wishlist: WishlistService;
}
