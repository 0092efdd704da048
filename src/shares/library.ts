// SharesLibrary: the folders we share, scanned into SQLite and held in memory as a searchable
// catalog; answers searches, browse and folder requests, and resolves upload requests to files.

import { EventEmitter } from 'node:events';
import { realpath, stat } from 'node:fs/promises';
import { basename, join, resolve as resolvePath } from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import type { Folder, IncomingSearch, OfferedFile, SearchAnswer, SearchResponder, SharesProvider } from '../model/shares.ts';
import { Catalog, DEFAULT_MAX_RESULTS, type LockedMode, type SearchResult, type Visibility } from './catalog.ts';
import { SharesDatabase } from './database.ts';
import { ignoreMatcher, type IgnoreMatcher } from './ignore.ts';
import { scanShares, type ScanProgress, type ScanShare, type ScanSummary } from './scanner.ts';
import { isInside, isRepresentableName, virtualSegments } from './virtual-path.ts';

export type { LockedMode, ScanProgress, ScanSummary, SearchResult, Visibility };

export interface ShareFolderConfig {
  /** The folder on disk. */
  path: string;
  /** The virtual share name, the first segment of every virtual path; default the folder's basename. */
  name?: string;
  /** Who sees it: everyone (default), buddies only, or nobody (indexed but never offered). */
  visibility?: Visibility;
}

export interface SharesLibraryOptions {
  /** SQLite file the index is kept in (created if missing). */
  database: string;
  folders: readonly ShareFolderConfig[];
  /** Glob-like patterns of names (or share-relative paths, with `/`) to leave out: '*.tmp', '.*', 'Thumbs.db'. */
  ignore?: readonly string[];
  /** Clock for scan durations and progress pacing (milliseconds); default performance.now. */
  now?: () => number;
  /** `scanProgress` at most every this many ms… (default 250) */
  progressIntervalMs?: number;
  /** …or every this many files, whichever comes first (default 1000). */
  progressEveryFiles?: number;
  /** Files stat'ed and parsed concurrently within one folder (default 16). */
  scanConcurrency?: number;
}

export interface SharesEvents {
  scanProgress: [progress: ScanProgress];
  scanDone: [summary: ScanSummary];
  /** A problem that does not stop a scan: a broken audio file, an unreadable folder, an unavailable share. */
  warning: [error: Error];
}

export interface SharesSearchOptions {
  /** Buddies-only files: 'open' as normal results (the searcher is a buddy), 'locked' as locked results, 'hide' (default) not at all. */
  locked?: LockedMode;
  /** Cap on files + locked files (default 500). */
  maxResults?: number;
  /** Overrides the phrases set with setExcludedPhrases for this search. */
  excludedPhrases?: readonly string[];
}

export interface ListingOptions {
  buddy: boolean;
  /** Show buddies-only folders to non-buddies as locked (default true); false hides them. */
  revealLocked?: boolean;
}

/** One configured share and what the index holds of it. */
export interface ShareTotals {
  name: string;
  /** The folder on disk, absolute. */
  root: string;
  visibility: Visibility;
  folders: number;
  files: number;
  bytes: number;
}

/** One folder of a browse page: `locked` when only buddies may download from it. */
export interface ListedFolder {
  folder: Folder;
  locked: boolean;
}

export interface ResolvedFile {
  /** Real path on disk (symlinks resolved), checked to be inside its share. */
  path: string;
  /** Size now, from stat. */
  size: bigint;
}

export interface ResponderOptions {
  isBuddy: (username: string) => boolean | Promise<boolean>;
  slotsFree: () => boolean;
  avgSpeed: () => number;
  queueLength: () => number;
  /** Default 500. */
  maxResults?: number;
  /** Offer buddies-only files to non-buddies as locked results (default true). */
  revealLocked?: boolean;
}

interface ShareRuntime extends ScanShare {
  visibility: Visibility;
}

const DRIVE_NAME = /^[A-Za-z]:/;
const LOAD_YIELD_EVERY = 20_000;

function validateShares(configs: readonly ShareFolderConfig[]): { name: string; root: string; visibility: Visibility }[] {
  const seen = new Set<string>();
  return configs.map((config) => {
    const root = resolvePath(config.path);
    const name = config.name ?? basename(root);
    if (!isRepresentableName(name) || DRIVE_NAME.test(name)) throw new TypeError(`invalid share name ${JSON.stringify(name)} for ${root}`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw new TypeError(`two shares are named ${JSON.stringify(name)}`);
    seen.add(key);
    const visibility = config.visibility ?? 'everyone';
    if (visibility !== 'everyone' && visibility !== 'buddies' && visibility !== 'nobody') throw new TypeError(`invalid visibility ${String(visibility)}`);
    return { name, root, visibility };
  });
}

export class SharesLibrary extends EventEmitter<SharesEvents> {
  #catalog: Catalog;
  readonly #db: SharesDatabase;
  readonly #shares: ShareRuntime[];
  readonly #ignore: IgnoreMatcher;
  readonly #now: () => number;
  readonly #options: SharesLibraryOptions;
  #generation = 0;
  #excludedPhrases: readonly string[] = [];
  #scan: { promise: Promise<ScanSummary>; controller: AbortController } | undefined;
  #closed = false;

  private constructor(options: SharesLibraryOptions, db: SharesDatabase, catalog: Catalog, shares: ShareRuntime[]) {
    super();
    this.#options = options;
    this.#db = db;
    this.#catalog = catalog;
    this.#shares = shares;
    this.#ignore = ignoreMatcher(options.ignore ?? []);
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Opens (or creates) the database and loads the index from it; no scanning happens here. A warm
   * start reads the snapshot stored after the last change (no row read, no path split into words);
   * otherwise the rows are loaded and a snapshot is stored for next time.
   */
  static async open(options: SharesLibraryOptions): Promise<SharesLibrary> {
    const configs = validateShares(options.folders);
    const db = new SharesDatabase(options.database);
    try {
      // Shares no longer configured, or now pointing at another folder, lose their rows.
      const stored = new Map(db.shares().map((share) => [share.name, share]));
      const shares: ShareRuntime[] = [];
      for (const [index, config] of configs.entries()) {
        let row = stored.get(config.name);
        stored.delete(config.name);
        if (row !== undefined && row.root !== config.root) {
          db.removeShare(row.id);
          row = undefined;
        }
        const dbId = row?.id ?? db.addShare(config.name, config.root);
        shares.push({ ...config, dbId, index });
      }
      for (const row of stored.values()) db.removeShare(row.id);
      db.flush(true);

      // Warm start: the snapshot written after the last change, if it fits these shares.
      const snapshot = db.loadSnapshot();
      const warm = snapshot === undefined ? undefined : Catalog.fromSnapshot(snapshot, shares);
      if (warm !== undefined) return new SharesLibrary(options, db, warm, shares);

      const catalog = new Catalog();
      for (const share of shares) catalog.addShare(share.name, share.visibility);

      const byDbId = new Map(shares.map((share) => [share.dbId, share]));
      const folders = new Map<number, number>();
      let rows = 0;
      for (const folder of db.folders()) {
        const share = byDbId.get(folder.shareId);
        if (share === undefined) continue;
        folders.set(folder.id, catalog.addFolder(share.index, folder.rel === '' ? share.name : `${share.name}\\${folder.rel}`, folder.id));
        if (++rows % LOAD_YIELD_EVERY === 0) await nextTick();
      }
      for (const file of db.files()) {
        const folder = folders.get(file.folderId);
        if (folder === undefined) continue;
        catalog.addFile(folder, file.name, file.size, file.mtime, file.info);
        if (++rows % LOAD_YIELD_EVERY === 0) await nextTick();
      }
      catalog.compact();
      const library = new SharesLibrary(options, db, catalog, shares);
      if (db.keepsSnapshots) library.#saveSnapshot();
      return library;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The in-memory catalog (for tools and benchmarks; it changes under scans). */
  get catalog(): Catalog {
    return this.#catalog;
  }

  get scanning(): boolean {
    return this.#scan !== undefined;
  }

  // ---- scanning -----------------------------------------------------------------------------------

  /**
   * Walks every share and brings the index up to date: new files are added, files whose size or
   * modification time changed are re-read, vanished ones removed. One scan at a time (a second call
   * while one runs is refused). Aborting keeps what was written so far and rejects with the reason.
   */
  scan(options: { signal?: AbortSignal } = {}): Promise<ScanSummary> {
    if (this.#closed) return Promise.reject(new Error('the shares library is closed'));
    if (this.#scan !== undefined) return Promise.reject(new Error('a scan is already running'));
    const controller = new AbortController();
    const signal = options.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, options.signal]);
    const run = async (): Promise<ScanSummary> => {
      try {
        const summary = await scanShares({
          catalog: this.#catalog,
          db: this.#db,
          shares: this.#shares,
          ignore: this.#ignore,
          generation: ++this.#generation,
          now: this.#now,
          signal,
          progressIntervalMs: this.#options.progressIntervalMs ?? 250,
          progressEveryFiles: this.#options.progressEveryFiles ?? 1000,
          concurrency: Math.max(1, this.#options.scanConcurrency ?? 16),
          onProgress: (progress) => this.emit('scanProgress', progress),
          onWarning: (error) => this.emit('warning', error),
        });
        this.emit('scanDone', summary);
        return summary;
      } finally {
        this.#db.flush(true);
        this.#catalog.compact();
        const catalog = this.#catalog;
        if (catalog.deadSlots() > 50_000 && catalog.deadSlots() > catalog.fileCount()) {
          this.#catalog = catalog.rebuilt();
          catalog.close();
        }
        this.#catalog.releaseScanMarks();
        if (this.#db.keepsSnapshots && !this.#db.hasSnapshot()) this.#saveSnapshot();
        this.#scan = undefined;
      }
    };
    const promise = run();
    this.#scan = { promise, controller };
    return promise;
  }

  /**
   * Stores the catalog for the next warm start. A failure (disk full, a blob over SQLite's size
   * limit) costs only that: the next open loads the rows instead.
   */
  #saveSnapshot(): void {
    try {
      this.#db.saveSnapshot(this.#catalog.snapshot(this.#shares.map((share) => share.dbId)));
      // The file details are read from the file just written from now on, not held in memory.
      const details = this.#db.snapshotDetails();
      if (details !== undefined) this.#catalog.adoptDetails(details);
    } catch (error) {
      this.emit('warning', new Error('could not store the shares index for a fast restart; the next start reads every file row instead', { cause: error }));
    }
  }

  // ---- search -------------------------------------------------------------------------------------

  /** The server's ExcludedSearchPhrases: files whose virtual path contains one are never offered. */
  setExcludedPhrases(phrases: readonly string[]): void {
    this.#excludedPhrases = [...phrases];
  }

  search(query: string, options: SharesSearchOptions = {}): SearchResult {
    // Closed: its word lists are no longer readable (the snapshot file is closed), and nothing is shared.
    if (this.#closed) return { files: [], lockedFiles: [] };
    return this.#catalog.search(query, {
      locked: options.locked ?? 'hide',
      maxResults: options.maxResults ?? DEFAULT_MAX_RESULTS,
      excludedPhrases: options.excludedPhrases ?? this.#excludedPhrases,
    });
  }

  /** A SearchResponder for Client.setSearchResponder: no results → undefined (stay silent). */
  responder(options: ResponderOptions): SearchResponder {
    const answer = (search: IncomingSearch, buddy: boolean): SearchAnswer | undefined => {
      const locked: LockedMode = buddy ? 'open' : options.revealLocked === false ? 'hide' : 'locked';
      const result = this.search(search.query, { locked, maxResults: options.maxResults ?? DEFAULT_MAX_RESULTS });
      if (result.files.length === 0 && result.lockedFiles.length === 0) return undefined;
      const reply: SearchAnswer = {
        files: result.files,
        slotsFree: options.slotsFree(),
        avgSpeed: options.avgSpeed(),
        queueLength: options.queueLength(),
      };
      if (result.lockedFiles.length > 0) reply.lockedFiles = result.lockedFiles;
      return reply;
    };
    return (search) => {
      const buddy = options.isBuddy(search.username);
      return typeof buddy === 'boolean' ? answer(search, buddy) : buddy.then((isBuddy) => answer(search, isBuddy));
    };
  }

  // ---- browse -------------------------------------------------------------------------------------

  #canSee(visibility: Visibility, buddy: boolean): boolean {
    return visibility === 'everyone' || (visibility === 'buddies' && buddy);
  }

  /** Everything a user may browse: all folders (empty parents included), by virtual path. */
  shares(options: ListingOptions): { folders: Folder[]; lockedFolders: Folder[] } {
    const catalog = this.#catalog;
    const visibility = (share: number) => catalog.visibility(share);
    const folders = catalog.sortedFolders((share) => this.#canSee(visibility(share), options.buddy)).map((folder) => catalog.folderListing(folder, false));
    const lockedFolders =
      options.buddy || options.revealLocked === false
        ? []
        : catalog.sortedFolders((share) => visibility(share) === 'buddies').map((folder) => catalog.folderListing(folder, true));
    return { folders, lockedFolders };
  }

  /** One folder by its virtual path, files named bare; undefined if unknown or not visible. */
  folder(virtualDirectory: string, options: ListingOptions): Folder | undefined {
    const catalog = this.#catalog;
    if (typeof virtualDirectory !== 'string') return undefined;
    const slot = catalog.folderSlot(virtualDirectory) ?? (virtualDirectory.endsWith('\\') ? catalog.folderSlot(virtualDirectory.slice(0, -1)) : undefined);
    if (slot === undefined) return undefined;
    const visibility = catalog.visibility(catalog.folderShare(slot));
    if (this.#canSee(visibility, options.buddy)) return catalog.folderListing(slot, false);
    if (visibility === 'buddies' && options.revealLocked !== false) return catalog.folderListing(slot, true);
    return undefined;
  }

  /** A SharesProvider for Client.setSharesProvider. */
  sharesProvider(isBuddy: (username: string) => boolean | Promise<boolean>, options: { revealLocked?: boolean } = {}): SharesProvider {
    const listing = async (username: string): Promise<ListingOptions> => {
      const buddy = await isBuddy(username);
      return options.revealLocked === undefined ? { buddy } : { buddy, revealLocked: options.revealLocked };
    };
    return {
      shares: async (requester) => this.shares(await listing(requester)),
      folder: async (requester, directory) => this.folder(directory, await listing(requester)),
    };
  }

  /**
   * A page of what a user may browse, sorted by virtual path: the folders after `after`, at most
   * `limit`. Only that page's files are listed, so a caller pages through a large share cheaply.
   */
  browsePage(options: ListingOptions & { after?: string | undefined; limit: number }): ListedFolder[] {
    const catalog = this.#catalog;
    const revealLocked = !options.buddy && options.revealLocked !== false;
    const include = (share: number): boolean => this.#canSee(catalog.visibility(share), options.buddy) || (revealLocked && catalog.visibility(share) === 'buddies');
    const sorted = catalog.sortedFolders(include);
    const after = options.after;
    let start = 0;
    if (after !== undefined) {
      // The first folder sorted after `after` (sortedFolders orders by code unit, as `<=` compares).
      let hi = sorted.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (catalog.folderPath(sorted[mid]!) <= after) start = mid + 1;
        else hi = mid;
      }
    }
    return sorted.slice(start, start + Math.max(0, options.limit)).map((slot) => {
      const locked = !this.#canSee(catalog.visibility(catalog.folderShare(slot)), options.buddy);
      return { folder: catalog.folderListing(slot, locked), locked };
    });
  }

  /** Each configured share with its folders, files and bytes as indexed now. */
  totals(): ShareTotals[] {
    return this.#shares.map((share) => ({ name: share.name, root: share.root, visibility: share.visibility, ...this.#catalog.shareTotals(share.index) }));
  }

  /** What everyone can see, for SharedFoldersFiles. */
  counts(): { folders: number; files: number } {
    return this.#catalog.countsFor('everyone');
  }

  // ---- uploads ------------------------------------------------------------------------------------

  /**
   * The file an upload request names, or undefined. Only an indexed file in a share the requester
   * may download from (everyone's; buddies' for buddies) resolves. The path must be one we could have
   * sent (see virtualSegments: no `..`, no slashes, no drive or leading backslash, no NUL…). It is
   * matched exactly; failing that, case-insensitively (String#toLowerCase, as Nicotine+ retries for
   * Soulseek NS) but only when exactly one indexed file matches that way. Unicode normalisation is
   * never applied: an NFD spelling of an NFC name does not match. The disk path is rebuilt from the
   * indexed path, then fs.realpath must land inside the share's real root and on a regular file —
   * checked now, so a symlink swapped in after the scan cannot lead outside. (The caller should open
   * the returned real path promptly; what changes after that is beyond this check.)
   */
  async resolve(virtualPath: string, options: { buddy: boolean }): Promise<ResolvedFile | undefined> {
    if (virtualSegments(virtualPath) === undefined) return undefined;
    const catalog = this.#catalog;
    const slot = catalog.findFile(virtualPath) ?? catalog.findFileIgnoringCase(virtualPath);
    if (slot === undefined || !catalog.isAlive(slot)) return undefined;
    const share = this.#shares[catalog.folderShare(catalog.fileFolder(slot))];
    if (share === undefined || !this.#canSee(share.visibility, options.buddy)) return undefined;
    const segments = virtualSegments(catalog.virtualPath(slot));
    if (segments === undefined || segments[0] !== share.name) return undefined;
    try {
      const root = await realpath(share.root);
      const real = await realpath(join(root, ...segments.slice(1)));
      if (!isInside(root, real) || real === root) return undefined;
      const stats = await stat(real, { bigint: true });
      if (!stats.isFile()) return undefined;
      return { path: real, size: stats.size };
    } catch {
      return undefined;
    }
  }

  /** Stops a running scan (waiting for it to wind down) and closes the database and the index's file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const scan = this.#scan;
    if (scan !== undefined) {
      scan.controller.abort(new Error('the shares library is closing'));
      await scan.promise.catch(() => undefined);
    }
    this.#db.close();
    this.#catalog.close();
  }
}

export type { OfferedFile };
