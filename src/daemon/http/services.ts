// What the HTTP layer needs from the rest of the daemon. The routes' handlers take their data from this
// interface only, so the API can be built and tested before (and apart from) the real client.

import type { EventHub } from '../events/index.ts';
import type { ServerConnection } from './routes.ts';
import type { StartSearchInput } from '../searches.ts';
import type { ScanStatus, Viewer } from '../daemon-shares.ts';
import type { ListedFolder, SearchResult, ShareTotals } from '../../shares/index.ts';
import type { OptionsApplied, OptionsCheck } from '../options-problems.ts';
import type { LogLine, LogPage } from '../logs.ts';
import type { SearchRecord, StoredResponse, WishlistItem } from '../store/index.ts';
import type { UserService } from '../users/index.ts';
import type { WishlistInput, WishlistRun, WishlistUpdate } from '../wishlist.ts';
import type { ConversationService, RoomService } from '../chat/index.ts';
import type { ClearTransfersQuery, EnqueueDownloads, EnqueueFolder, FolderDownloadJson, TransferJson, TransferList, TransferListQuery } from './transfer-routes.ts';

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

/** Our shares (DaemonShares over SharesLibrary). */
export interface SharesService {
  totals(): ShareTotals[];
  status(): ScanStatus;
  /** Starts a scan, or joins the running one. */
  rescan(): { joined: boolean };
  browse(viewer: Viewer, page: { after?: string | undefined; limit: number }): ListedFolder[];
  search(query: string, viewer: Viewer, maxResults: number): SearchResult;
}

/** Changing settings while running (DaemonOptions). apply rejects with OptionsPatchError, naming the settings. */
export interface OptionsService {
  validate(patch: unknown): OptionsCheck;
  apply(patch: unknown): Promise<OptionsApplied>;
}

/** The daemon's recent log lines (LogRing). */
export interface LogService {
  list(page: LogPage): LogLine[];
}

/**
 * The transfers (DaemonTransfers over the TransferManager). Errors: TransferRequestError (not-found,
 * bad-input with the field, not-queued, busy, peer-timeout), FolderDownloadError (the folder could
 * not be listed), DestinationError (a bad subfolder or layout).
 */
export interface TransferService {
  list(query: TransferListQuery): TransferList;
  get(id: string): TransferJson;
  enqueue(request: EnqueueDownloads): TransferJson[];
  enqueueFolder(request: EnqueueFolder): Promise<FolderDownloadJson>;
  folder(id: string): FolderDownloadJson;
  cancelFolder(id: string): FolderDownloadJson;
  removeFolder(id: string): Promise<void>;
  cancel(id: string): TransferJson;
  retry(id: string): TransferJson;
  place(id: string): Promise<TransferJson>;
  remove(id: string): Promise<void>;
  /** How many were removed. */
  clear(query: ClearTransfersQuery): Promise<number>;
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
  readonly shares: SharesService;
  readonly settings: OptionsService;
  readonly logs: LogService;
  readonly transfers: TransferService;
  /** Other users, buddies, ignored users, interests (DaemonUsers). */
  readonly users: UserService;
  readonly wishlist: WishlistService;
  readonly rooms: RoomService;
  readonly conversations: ConversationService;
}
