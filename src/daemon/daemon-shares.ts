// The daemon's shares: the index scanned at start and again every shares.rescanIntervalMinutes, each
// scan reported on the event stream (`scanProgress`: scanning…, then done or failed), and the client
// answering searches and browses from it once the first scan is in.

import type { Client } from '../client/index.ts';
import type { UserLists } from '../client/user-lists.ts';
import type { ScanSummary, SharesLibrary } from '../shares/index.ts';
import type { TransferManager } from '../transfers/index.ts';
import type { EventHub } from './events/index.ts';

/** Progress events of one scan supersede each other on the stream. */
export const SCAN_COALESCE_KEY = 'scanProgress';

export interface DaemonSharesOptions {
  readonly library: SharesLibrary;
  readonly client: Client;
  readonly lists: UserLists;
  readonly manager: TransferManager;
  readonly hub: EventHub;
  readonly uploadSlots: number;
  readonly rescanIntervalMinutes: number;
  /** Told of each finished scan (the command prints a line for it). */
  readonly onScanned?: (summary: ScanSummary) => void;
  readonly onScanFailed?: (error: Error) => void;
  /** Told of each incoming search we answered with files (the metrics). */
  readonly onSearchAnswered?: () => void;
}

export class DaemonShares {
  readonly #options: DaemonSharesOptions;
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #served = false;

  constructor(options: DaemonSharesOptions) {
    this.#options = options;
    const { library, hub } = options;
    library.on('scanProgress', (progress) => {
      hub.publish('scanProgress', { state: 'scanning', folders: 0, files: progress.scannedFiles }, { coalesceKey: SCAN_COALESCE_KEY });
    });
    // A file that cannot be read is the scan's business, not the daemon's: it is left out.
    library.on('warning', () => {});
  }

  /** Starts the first scan (not awaited: the API answers while it runs) and the rescan timer. */
  start(): void {
    this.#scanning = this.#scan();
    const minutes = this.#options.rescanIntervalMinutes;
    if (minutes > 0) {
      this.#timer = setInterval(() => {
        this.#scanning ??= this.#scan();
      }, minutes * 60_000);
      this.#timer.unref();
    }
  }

  /** Ends the rescans, stops a scan in progress (what it read is kept) and waits for it to end. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#stop.abort();
    await this.#scanning;
  }

  async #scan(): Promise<void> {
    const { library, client, hub } = this.#options;
    hub.publish('scanProgress', { state: 'scanning', folders: 0, files: 0 }, { coalesceKey: SCAN_COALESCE_KEY });
    try {
      const summary = await library.scan({ signal: this.#stop.signal });
      // The last held progress goes out before the end, so the stream never shows them out of order.
      hub.flush(SCAN_COALESCE_KEY);
      hub.publish('scanProgress', { state: 'done', folders: summary.folders, files: summary.files });
      this.#serve();
      client.setSharedCounts(summary.folders, summary.files);
      this.#options.onScanned?.(summary);
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      hub.flush(SCAN_COALESCE_KEY);
      const counts = library.counts();
      hub.publish('scanProgress', { state: 'failed', folders: counts.folders, files: counts.files, error: reason.message });
      if (!this.#stop.signal.aborted) this.#options.onScanFailed?.(reason);
    } finally {
      this.#scanning = undefined;
    }
  }

  /** Searches and browses are answered from the index from the first finished scan on. */
  #serve(): void {
    if (this.#served) return;
    this.#served = true;
    const { library, client, lists, manager, uploadSlots } = this.#options;
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
      slotsFree: () => uploads().active < uploadSlots,
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
