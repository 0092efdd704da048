// The daemon's shares: the index scanned at start, again every shares.rescanIntervalMinutes, on request
// (POST /api/v1/shares/scan) and, with shares.watch, soon after files change; each scan reported on the
// event stream (`scanProgress`: scanning…, then done or failed), and the client answering searches and
// browses from it. An index kept from the last run (its snapshot opens in a fraction of a second) is
// served and announced at once: the rescan of a large library takes minutes of stat calls and only
// brings the changes since; a first start (nothing indexed yet) serves from its first scan's end. One
// scan at a time: a request while one runs joins it, and a change seen while one runs queues exactly
// one more (the running scan may have passed that folder). The folders and ignore patterns can change
// while running: the index is reopened and rescanned.

import type { Client } from '../client/index.ts';
import type { UserLists } from '../client/user-lists.ts';
import type { ListedFolder, ResolvedFile, ScanProgress, ScanSummary, SearchResult, ShareFolderConfig, SharesLibrary, ShareTotals } from '../shares/index.ts';
import type { TransferManager } from '../transfers/index.ts';
import type { EventHub } from './events/index.ts';
import { ShareWatcher } from './share-watcher.ts';

/** Progress events of one scan supersede each other on the stream. */
export const SCAN_COALESCE_KEY = 'scanProgress';

/** Why a scan ran. */
export type ScanReason = 'start' | 'schedule' | 'request' | 'change' | 'reconfigure';

export interface LastScan {
  readonly reason: ScanReason;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: 'done' | 'failed';
  readonly summary?: ScanSummary;
  readonly error?: string;
}

export interface ScanStatus {
  readonly state: 'idle' | 'scanning';
  /** The running scan, while one runs. */
  readonly current?: { readonly reason: ScanReason; readonly startedAt: number; readonly progress: ScanProgress | undefined };
  readonly last?: LastScan;
  /** Another scan will follow the running one (a change was seen during it). */
  readonly queued: boolean;
  /** Share roots watched for changes (0 when shares.watch is off). */
  readonly watchedFolders: number;
  readonly rescanIntervalMinutes: number;
}

/** Browse and search as a peer would: as anyone, or as one of our buddies. */
export type Viewer = 'everyone' | 'buddy';

export interface SharesSettings {
  readonly folders: readonly ShareFolderConfig[];
  readonly ignore: readonly string[];
}

export interface DaemonSharesOptions {
  readonly library: SharesLibrary;
  /** Opens the index for other folders (a runtime change of shares.folders or shares.ignore). */
  readonly reopen?: (settings: SharesSettings) => Promise<SharesLibrary>;
  /** What `library` was opened with: reopened if other folders cannot be. */
  readonly settings?: SharesSettings;
  readonly client: Client;
  readonly lists: UserLists;
  readonly manager: TransferManager;
  readonly hub: EventHub;
  readonly uploadSlots: number;
  readonly rescanIntervalMinutes: number;
  /** Rescan when files in the shared folders change. */
  readonly watch?: boolean;
  /** Folders inside shares whose changes do not call for a rescan (the data folder, partial downloads). */
  readonly watchIgnore?: readonly string[];
  /** The watcher's debounce (tests shorten it). */
  readonly watchQuietMs?: number;
  readonly now?: () => number;
  /** Told of each finished scan (the command prints a line for it). */
  readonly onScanned?: (summary: ScanSummary) => void;
  readonly onScanFailed?: (error: Error) => void;
  readonly onWarning?: (message: string) => void;
  /** Told of each incoming search we answered with files (the metrics). */
  readonly onSearchAnswered?: () => void;
}

export class DaemonShares {
  readonly #options: DaemonSharesOptions;
  readonly #stop = new AbortController();
  readonly #now: () => number;
  #library: SharesLibrary;
  #timer: NodeJS.Timeout | undefined;
  #intervalMinutes: number;
  #watcher: ShareWatcher | undefined;
  #watch: boolean;
  #scanning: Promise<void> | undefined;
  #current: { reason: ScanReason; startedAt: number; progress: ScanProgress | undefined } | undefined;
  #last: LastScan | undefined;
  #again = false;
  #served = false;
  #uploadSlots: number;
  /** Reconfigurations run one after another. */
  #reconfiguring: Promise<void> = Promise.resolve();
  #started = false;
  #replacing = false;
  #settings: SharesSettings | undefined;

  constructor(options: DaemonSharesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#library = options.library;
    this.#intervalMinutes = options.rescanIntervalMinutes;
    this.#watch = options.watch ?? false;
    this.#uploadSlots = options.uploadSlots;
    this.#settings = options.settings;
    this.#listen(options.library);
  }

  /** The index in use (it is replaced when the folders change). */
  get library(): SharesLibrary {
    return this.#library;
  }

  #listen(library: SharesLibrary): void {
    library.on('scanProgress', (progress) => {
      if (this.#current !== undefined) this.#current.progress = progress;
      this.#options.hub.publish('scanProgress', { state: 'scanning', folders: 0, files: progress.scannedFiles }, { coalesceKey: SCAN_COALESCE_KEY });
    });
    // A file that cannot be read is the scan's business, not the daemon's: it is left out.
    library.on('warning', () => {});
  }

  /** Serves the stored index if there is one, then starts the first scan (not awaited: the API answers while it runs), the rescan timer and the watcher. */
  start(): void {
    this.#started = true;
    const library = this.#library;
    if (library.catalog.fileCount() > 0) {
      this.#serve();
      const stored = library.counts();
      this.#options.client.setSharedCounts(stored.folders, stored.files);
    }
    this.rescan('start');
    this.#schedule();
    this.#watchFolders();
  }

  /** Starts a scan, or joins the one running; `joined` says which. */
  rescan(reason: ScanReason = 'request'): { joined: boolean } {
    if (this.#stop.signal.aborted) return { joined: false };
    // While the index is being replaced, the scan that follows the replacement is the one to join.
    if (this.#scanning !== undefined || this.#replacing) return { joined: true };
    this.#scanning = this.#scan(reason);
    return { joined: false };
  }

  /** Resolves when no scan is running (the one running now and any queued after it have ended). */
  async idle(): Promise<void> {
    while (this.#scanning !== undefined) await this.#scanning;
  }

  status(): ScanStatus {
    const current = this.#current;
    return {
      state: current === undefined ? 'idle' : 'scanning',
      ...(current === undefined ? {} : { current: { reason: current.reason, startedAt: current.startedAt, progress: current.progress } }),
      ...(this.#last === undefined ? {} : { last: this.#last }),
      queued: this.#again,
      watchedFolders: this.#watcher?.watching ?? 0,
      rescanIntervalMinutes: this.#intervalMinutes,
    };
  }

  totals(): ShareTotals[] {
    return this.#library.totals();
  }

  browse(viewer: Viewer, page: { after?: string | undefined; limit: number }): ListedFolder[] {
    return this.#library.browsePage({ buddy: viewer === 'buddy', ...page });
  }

  /** What a peer's search would find: the same matcher, excluded phrases and visibility rules. */
  search(query: string, viewer: Viewer, maxResults: number): SearchResult {
    return this.#library.search(query, { locked: viewer === 'buddy' ? 'open' : 'locked', maxResults });
  }

  resolve(virtualPath: string, options: { buddy: boolean }): Promise<ResolvedFile | undefined> {
    return this.#library.resolve(virtualPath, options);
  }

  setRescanInterval(minutes: number): void {
    this.#intervalMinutes = minutes;
    if (this.#started) this.#schedule();
  }

  setWatch(watch: boolean): void {
    this.#watch = watch;
    if (this.#started) this.#watchFolders();
  }

  setUploadSlots(slots: number): void {
    this.#uploadSlots = slots;
    if (this.#served) this.#serve(true);
  }

  /**
   * Shares other folders (or ignores other names): the running scan is stopped, the index reopened for
   * the new folders (rows of shares no longer configured are dropped) and rescanned. When the new folders
   * cannot be opened the old ones are reopened, and the call rejects with why.
   */
  reconfigure(settings: SharesSettings): Promise<void> {
    const run = async (): Promise<void> => {
      const reopen = this.#options.reopen;
      if (reopen === undefined) throw new Error('the shared folders cannot change while running here');
      this.#watcher?.close();
      this.#watcher = undefined;
      this.#again = false;
      // The new index may not be opened on the same database while the old one still writes to it:
      // closing stops its scan, which ends as `failed` (its replacement follows at once).
      this.#replacing = true;
      let next: SharesLibrary;
      let failure: unknown;
      try {
        await this.#library.close();
        await this.#scanning;
        try {
          next = await reopen(settings);
          this.#settings = settings;
        } catch (error) {
          if (this.#settings === undefined) throw error;
          failure = error;
          next = await reopen(this.#settings);
        }
      } finally {
        this.#replacing = false;
      }
      this.#library = next;
      this.#listen(next);
      if (this.#served) this.#serve(true);
      if (this.#started) {
        this.rescan('reconfigure');
        this.#watchFolders();
      }
      if (failure !== undefined) throw failure;
    };
    const done = this.#reconfiguring.then(run);
    this.#reconfiguring = done.catch(() => {});
    return done;
  }

  /** Ends the rescans and the watcher, stops a scan in progress (what it read is kept) and waits for it to end. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#watcher?.close();
    this.#stop.abort();
    await this.#reconfiguring;
    await this.#scanning;
  }

  #schedule(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#intervalMinutes <= 0) return;
    this.#timer = setInterval(() => this.rescan('schedule'), this.#intervalMinutes * 60_000);
    this.#timer.unref();
  }

  #watchFolders(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (!this.#watch || this.#stop.signal.aborted) return;
    this.#watcher = new ShareWatcher({
      roots: this.#library.totals().map((share) => share.root),
      ...(this.#options.watchQuietMs === undefined ? {} : { quietMs: this.#options.watchQuietMs }),
      ignore: this.#options.watchIgnore ?? [],
      onChange: () => {
        if (this.rescan('change').joined) this.#again = true;
      },
      onError: (root, error) => this.#options.onWarning?.(`cannot watch the shared folder ${root} for changes (${error.message}); it is still rescanned every shares.rescanIntervalMinutes`),
    });
  }

  async #scan(reason: ScanReason): Promise<void> {
    const { client, hub } = this.#options;
    const library = this.#library;
    const startedAt = this.#now();
    this.#current = { reason, startedAt, progress: undefined };
    hub.publish('scanProgress', { state: 'scanning', folders: 0, files: 0 }, { coalesceKey: SCAN_COALESCE_KEY });
    try {
      const summary = await library.scan({ signal: this.#stop.signal });
      // The last held progress goes out before the end, so the stream never shows them out of order.
      hub.flush(SCAN_COALESCE_KEY);
      hub.publish('scanProgress', { state: 'done', folders: summary.folders, files: summary.files });
      this.#last = { reason, startedAt, finishedAt: this.#now(), outcome: 'done', summary };
      this.#serve();
      client.setSharedCounts(summary.folders, summary.files);
      this.#options.onScanned?.(summary);
    } catch (error) {
      const reason_ = error instanceof Error ? error : new Error(String(error));
      hub.flush(SCAN_COALESCE_KEY);
      const counts = library.counts();
      hub.publish('scanProgress', { state: 'failed', folders: counts.folders, files: counts.files, error: reason_.message });
      this.#last = { reason, startedAt, finishedAt: this.#now(), outcome: 'failed', error: reason_.message };
      if (!this.#stop.signal.aborted && !this.#replacing) this.#options.onScanFailed?.(reason_);
    } finally {
      this.#current = undefined;
      this.#scanning = undefined;
    }
    if (this.#again && !this.#stop.signal.aborted && library === this.#library) {
      this.#again = false;
      this.#scanning = this.#scan('change');
    }
  }

  /** Searches and browses are answered from the index: the stored one at start, else the first scan's. */
  #serve(again = false): void {
    if (this.#served && !again) return;
    this.#served = true;
    const { client, lists, manager } = this.#options;
    const library = this.#library;
    const uploadSlots = this.#uploadSlots;
    const uploads = (): { active: number; queued: number } => {
      let active = 0;
      let queued = 0;
      for (const transfer of manager.list({ direction: 'upload', finished: false })) {
        if (transfer.state === 'queued') queued++;
        else active++;
      }
      return { active, queued };
    };
    const responder = library.responder({
      isBuddy: lists.isBuddy,
      slotsFree: () => uploads().active < this.#uploadSlots,
      // No measured average yet: peers rank by free slots and queue first.
      avgSpeed: () => 0,
      queueLength: () => uploads().queued,
    });
    client.setSearchResponder(async (search) => {
      const answer = await responder(search);
      // The client sends an answer only when it has files (or locked ones): count the same.
      if (answer !== undefined && (answer.files.length > 0 || (answer.lockedFiles?.length ?? 0) > 0)) this.#options.onSearchAnswered?.();
      return answer;
    });
    client.setSharesProvider(library.sharesProvider(lists.isBuddy));
    client.setUserInfo({ uploadSlots, queueLength: uploads().queued, slotsFree: uploads().active < uploadSlots });
  }
}
