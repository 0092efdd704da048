// Everything the daemon knows, in its data folder:
//   daemon.sqlite      searches and responses, wishlist, room/private history, events (this store)
//   transfers.sqlite   downloads and uploads (TransferManager's `database`; it resumes them on start)
//   user-lists.sqlite  buddies with notes and ignored users (UserLists, shared with `slsk buddy`/`ignore`)
// Every write returns only once committed; see Durability in database.ts for what that survives.

import { join } from 'node:path';
import { UserLists } from '../../client/user-lists.ts';
import { ChatHistory, type ChatSettings } from './chat.ts';
import { StoreDatabase, type Durability, type TransactionStats } from './database.ts';
import { DaemonStoreError } from './errors.ts';
import { EventsLog } from './events.ts';
import { FolderDownloads } from './folder-downloads.ts';
import { InterestsStore, MAX_INTERESTS_PER_LIST } from './interests.ts';
import { Searches, type SearchesSettings } from './searches.ts';
import { Wishlist } from './wishlist.ts';

export const DAEMON_DATABASE_FILE = 'daemon.sqlite';
/** The same names `slsk share` and `slsk buddy` use (src/cli/data-dir.ts), so they all see one list. */
export const TRANSFERS_DATABASE_FILE = 'transfers.sqlite';
export const USER_LISTS_DATABASE_FILE = 'user-lists.sqlite';

export interface DaemonStoreSettings {
  /** Days a search and its responses are kept (0: forever). */
  searchRetentionDays: number;
  /** Searches kept, newest first (0: no limit). */
  maxSearches: number;
  /** Files written per transaction by addResponses. */
  responseBatchFiles: number;
  /** Days room and private messages are kept (0: forever). */
  chatRetentionDays: number;
  maxMessagesPerRoom: number;
  maxMessagesPerConversation: number;
  /** Characters of one chat message kept; the rest is cut (the message marked truncated). */
  maxMessageLength: number;
  maxWishlistItems: number;
  /** Events kept in the log (a ring). */
  maxEvents: number;
  /** Rows the retention sweep and a search's deletion remove per transaction (yielding between). */
  sweepBatchRows: number;
  durability: Durability;
}

export const DEFAULT_DAEMON_STORE_SETTINGS: Readonly<DaemonStoreSettings> = {
  searchRetentionDays: 7,
  maxSearches: 500,
  responseBatchFiles: 1000,
  chatRetentionDays: 0,
  maxMessagesPerRoom: 10_000,
  maxMessagesPerConversation: 10_000,
  maxMessageLength: 4000,
  maxWishlistItems: 1000,
  maxEvents: 10_000,
  sweepBatchRows: 1000,
  durability: 'process',
};

export interface DaemonStoreOptions {
  settings?: Partial<DaemonStoreSettings>;
  /** Clock for every timestamp the store makes (default Date.now). */
  now?: () => number;
}

function checkSettings(settings: DaemonStoreSettings): DaemonStoreSettings {
  const counts: (keyof DaemonStoreSettings)[] = [
    'searchRetentionDays', 'maxSearches', 'chatRetentionDays', 'maxMessagesPerRoom', 'maxMessagesPerConversation',
  ];
  for (const key of counts) {
    const value = settings[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new DaemonStoreError('BAD_INPUT', `setting ${key} must be a whole number ≥ 0 (0 for no limit)`);
    }
  }
  for (const key of ['responseBatchFiles', 'maxMessageLength', 'maxWishlistItems', 'maxEvents', 'sweepBatchRows'] as const) {
    if (!Number.isSafeInteger(settings[key]) || settings[key] < 1) {
      throw new DaemonStoreError('BAD_INPUT', `setting ${key} must be a whole number ≥ 1`);
    }
  }
  if (settings.durability !== 'process' && settings.durability !== 'power') {
    throw new DaemonStoreError('BAD_INPUT', "setting durability must be 'process' or 'power'");
  }
  return settings;
}

export class DaemonStore {
  readonly dataDir: string;
  readonly settings: Readonly<DaemonStoreSettings>;
  readonly searches: Searches;
  readonly wishlist: Wishlist;
  readonly chat: ChatHistory;
  readonly events: EventsLog;
  /** Folder downloads: which transfers make one folder group (the daemon's transfer list). */
  readonly folders: FolderDownloads;
  readonly userLists: UserLists;
  /** Our liked and hated items, told to the server at every login. */
  readonly interests: InterestsStore;
  /** For TransferManager's `database` option: the transfer list lives in its own file. */
  readonly transfersDatabase: string;
  readonly #database: StoreDatabase;

  private constructor(dataDir: string, settings: DaemonStoreSettings, database: StoreDatabase, userLists: UserLists, now: () => number) {
    this.dataDir = dataDir;
    this.settings = settings;
    this.#database = database;
    this.userLists = userLists;
    this.transfersDatabase = join(dataDir, TRANSFERS_DATABASE_FILE);
    const searchSettings: SearchesSettings = {
      batchFiles: settings.responseBatchFiles,
      retentionDays: settings.searchRetentionDays,
      maxSearches: settings.maxSearches,
      sweepBatchRows: settings.sweepBatchRows,
    };
    const chatSettings: ChatSettings = {
      maxMessageLength: settings.maxMessageLength,
      maxMessagesPerRoom: settings.maxMessagesPerRoom,
      maxMessagesPerConversation: settings.maxMessagesPerConversation,
      retentionDays: settings.chatRetentionDays,
      sweepBatchRows: settings.sweepBatchRows,
    };
    this.searches = new Searches(database, searchSettings, now);
    this.wishlist = new Wishlist(database, settings.maxWishlistItems, now);
    this.chat = new ChatHistory(database, chatSettings, now);
    this.events = new EventsLog(database, settings.maxEvents, now);
    this.folders = new FolderDownloads(database);
    this.interests = new InterestsStore(database, MAX_INTERESTS_PER_LIST, now);
  }

  /** Opens (creating and migrating as needed) the store in `dataDir`. */
  static open(dataDir: string, options: DaemonStoreOptions = {}): DaemonStore {
    const settings = checkSettings({ ...DEFAULT_DAEMON_STORE_SETTINGS, ...options.settings });
    const now = options.now ?? Date.now;
    const database = new StoreDatabase(join(dataDir, DAEMON_DATABASE_FILE), settings.durability);
    let userLists: UserLists;
    try {
      userLists = UserLists.open(join(dataDir, USER_LISTS_DATABASE_FILE), { now });
    } catch (error) {
      database.close();
      throw error;
    }
    return new DaemonStore(dataDir, settings, database, userLists, now);
  }

  /**
   * Applies the retention settings to searches and chat history, in bounded transactions; run it at
   * start and then periodically (hourly is plenty). Resolves with how many searches and messages went.
   */
  async sweep(): Promise<{ searches: number; messages: number }> {
    const searches = await this.searches.sweep();
    const messages = await this.chat.sweep();
    return { searches, messages };
  }

  /** Transactions and the biggest one so far: tests and benchmarks bound batch sizes with it. */
  get transactionStats(): Readonly<TransactionStats> {
    return this.#database.stats;
  }

  /** SQLite's plan for every statement the store has run so far (tests forbid full scans with it). */
  queryPlans(): { sql: string; plan: string[] }[] {
    return [...this.#database.preparedSql].map((sql) => ({
      sql,
      plan: this.#database.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => String(row['detail'])),
    }));
  }

  close(): void {
    this.#database.close();
    this.userLists.close();
  }
}

export { DaemonStoreError, type DaemonStoreErrorCode } from './errors.ts';
export type { Durability, TransactionStats } from './database.ts';
export { SEARCH_SCOPES, SEARCH_STATES, searchTransition, type SearchScope, type SearchState } from './search-state.ts';
export type { SearchRecord, StoredResponse, StoredResponseInput } from './searches.ts';
export type { Conversation, JoinedRoomRecord, MessageDirection, Page, PrivateMessage, RoomHistory, RoomMessage } from './chat.ts';
export type { WishlistChanges, WishlistItem } from './wishlist.ts';
export { MAX_INTEREST_LENGTH, MAX_INTERESTS_PER_LIST, type InterestKind, type InterestsStore } from './interests.ts';
export { LOGGED_EVENT_KINDS, type LoggedEvent, type LoggedEventKind } from './events.ts';
export type { Searches, ChatHistory, Wishlist, EventsLog, FolderDownloads };
