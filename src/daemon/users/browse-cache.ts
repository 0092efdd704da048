// Users' share listings, fetched once and kept a short while. A big listing (hundreds of thousands of
// files) costs the sharer an upload and us the memory to hold it, so: callers asking for the same
// user at once share one request (InFlight); a listing is reused for `ttlMs`; what is kept is bounded
// by entries and by files in total (oldest dropped first); distinct browses running at once are
// bounded too. The request is the daemon's, not a caller's: an HTTP caller that gives up (closes its
// connection) does not cancel it for the others, and the listing is kept for whoever asks next.

import { InFlight } from '../../net/in-flight.ts';
import { TimeoutError } from '../../client/errors.ts';
import type { SharesListing } from '../../client/index.ts';
import { UserServiceError } from './errors.ts';

export interface CachedListing {
  readonly listing: SharesListing;
  /** ms since the epoch. */
  readonly fetchedAt: number;
  readonly folders: number;
  readonly files: number;
}

/** What browseProgress events carry: asked, then received (with its size) or failed (with why). */
export type BrowseProgress =
  | { username: string; state: 'requested' }
  | { username: string; state: 'received'; folders: number; files: number }
  | { username: string; state: 'failed'; error: string };

export interface BrowseCacheOptions {
  /** Asks the user for its listing (Client.browse); the signal aborts at the deadline or on close. */
  readonly fetch: (username: string, signal: AbortSignal) => Promise<SharesListing>;
  readonly onProgress?: (progress: BrowseProgress) => void;
  /** How long a listing is reused (default 5 minutes). */
  readonly ttlMs?: number;
  /** Listings kept (default 16). */
  readonly maxEntries?: number;
  /** Files kept across every listing (default 1,000,000); a listing larger than this alone is returned, not kept. */
  readonly maxFiles?: number;
  /** Distinct users browsed at once (default 8). */
  readonly maxRunning?: number;
  /** Deadline of one browse (default 2 minutes: the client's own peer deadline comes first). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export const BROWSE_DEFAULTS = { ttlMs: 5 * 60_000, maxEntries: 16, maxFiles: 1_000_000, maxRunning: 8, timeoutMs: 120_000 } as const;

const countOf = (listing: SharesListing): { folders: number; files: number } => {
  let files = 0;
  for (const folder of listing.folders) files += folder.files.length;
  for (const folder of listing.lockedFolders) files += folder.files.length;
  return { folders: listing.folders.length + listing.lockedFolders.length, files };
};

export class BrowseCache {
  readonly #options: Required<Omit<BrowseCacheOptions, 'onProgress'>> & Pick<BrowseCacheOptions, 'onProgress'>;
  /** Kept listings in insertion order: the first is the oldest, dropped first. */
  readonly #kept = new Map<string, CachedListing>();
  #keptFiles = 0;
  readonly #running: InFlight<string, CachedListing>;

  constructor(options: BrowseCacheOptions) {
    this.#options = { ...BROWSE_DEFAULTS, now: Date.now, ...options };
    this.#running = new InFlight({
      timeoutMs: this.#options.timeoutMs,
      describe: (username) => `browsing ${String(username)}`,
      timeoutError: (what, ms) => new TimeoutError(what, ms),
    });
  }

  /** Listings kept and their files in total (for tests and metrics). */
  get size(): { entries: number; files: number; running: number } {
    return { entries: this.#kept.size, files: this.#keptFiles, running: this.#running.size };
  }

  /**
   * The user's listing: a kept one younger than ttlMs (unless `refresh`), the one being fetched, or a
   * new fetch. Throws UserServiceError BUSY when maxRunning other users are being browsed.
   */
  get(username: string, options: { refresh?: boolean | undefined; signal?: AbortSignal | undefined } = {}): Promise<CachedListing> {
    const kept = this.#kept.get(username);
    if (kept !== undefined && options.refresh !== true && this.#options.now() - kept.fetchedAt < this.#options.ttlMs) return Promise.resolve(kept);
    if (!this.#running.has(username) && this.#running.size >= this.#options.maxRunning) {
      return Promise.reject(new UserServiceError('BUSY', `${this.#running.size} users are being browsed already; try again when one is done`));
    }
    return this.#running.run(username, (signal) => this.#fetch(username, signal), { signal: options.signal });
  }

  /** Forgets a kept listing (e.g. the user was ignored). */
  forget(username: string): void {
    const kept = this.#kept.get(username);
    if (kept === undefined) return;
    this.#kept.delete(username);
    this.#keptFiles -= kept.files;
  }

  close(): void {
    this.#running.close('the daemon is stopping');
    this.#kept.clear();
    this.#keptFiles = 0;
  }

  async #fetch(username: string, signal: AbortSignal): Promise<CachedListing> {
    const progress = this.#options.onProgress ?? (() => {});
    progress({ username, state: 'requested' });
    let listing: SharesListing;
    try {
      listing = await this.#options.fetch(username, signal);
    } catch (error) {
      progress({ username, state: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    const entry: CachedListing = { listing, fetchedAt: this.#options.now(), ...countOf(listing) };
    this.#keep(username, entry);
    progress({ username, state: 'received', folders: entry.folders, files: entry.files });
    return entry;
  }

  #keep(username: string, entry: CachedListing): void {
    this.forget(username);
    if (entry.files > this.#options.maxFiles) return;
    this.#kept.set(username, entry);
    this.#keptFiles += entry.files;
    const now = this.#options.now();
    for (const [name, old] of this.#kept) {
      const tooMany = this.#kept.size > this.#options.maxEntries || this.#keptFiles > this.#options.maxFiles;
      if (!tooMany && now - old.fetchedAt < this.#options.ttlMs) break;
      if (name !== username) this.forget(name);
    }
  }
}
