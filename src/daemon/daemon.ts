// The daemon: one long-running process composing the store, the client (logged in, reconnecting, a
// node of the distributed network), the shares, the transfers, the event hub and the HTTP API.
// start() brings them up in dependency order and undoes what it did if one fails; stop() takes them
// down in the reverse order — HTTP first (no new requests), then transfers (unfinished ones are kept
// for the next start), the client, the store — each step bounded so a stuck part cannot hold the
// process.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '../client/index.ts';
import { SharesLibrary, type ScanSummary } from '../shares/index.ts';
import { TransferManager, type Transfer } from '../transfers/index.ts';
import type { ResolvedDaemonConfig } from './config/index.ts';
import { httpOptionsFromConfig, secretSettingNames } from './config/index.ts';
import { publishChat, publishTransfers } from './daemon-events.ts';
import { feedClientHooks, feedTransferHooks, hookLogger } from './daemon-hooks.ts';
import { collectDaemonMetrics } from './daemon-metrics.ts';
import { HookDispatcher } from './hooks/index.ts';
import { DaemonWishlist } from './wishlist.ts';
import { DaemonShares } from './daemon-shares.ts';
import { DaemonSearches } from './searches.ts';
import { EventHub } from './events/index.ts';
import { routes } from './http/routes.ts';
import { DaemonMetrics, type TransferCount } from './metrics/index.ts';
import { SECRET_OPTION_KEYS, startDaemonHttp, type DaemonHttp, type DaemonServices } from './http/index.ts';
import { DaemonServerLink, type ConnectionEvent } from './server-link.ts';
import { DaemonStore } from './store/index.ts';

export const SHARES_DATABASE_FILE = 'shares.sqlite';
/** The retention sweep of searches and chat history runs at start and then this often. */
const SWEEP_INTERVAL_MS = 60 * 60_000;
/** The longest each part may take to stop before the next one is stopped anyway. */
export const STOP_STEP_MS = 10_000;

/** Notable moments, for the command's log lines. */
export type DaemonNote =
  | { kind: 'connection'; event: ConnectionEvent }
  | { kind: 'scanned'; summary: ScanSummary }
  | { kind: 'scanFailed'; message: string }
  | { kind: 'transferDone'; transfer: Transfer }
  | { kind: 'warning'; message: string };

export interface DaemonOptions {
  /** The settings after ensureWebPassword and withLocalToken. */
  readonly config: ResolvedDaemonConfig;
  readonly version: string;
  readonly onNote?: (note: DaemonNote) => void;
}

/** Resolves with `work`'s outcome, or after `ms` with a note that it was left behind. */
async function bounded(what: string, work: () => Promise<void> | void, ms: number, note: (message: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      note(`${what} did not finish within ${ms / 1000} s; stopping the rest anyway`);
      resolve();
    }, ms);
  });
  try {
    await Promise.race([Promise.resolve().then(work), deadline]);
  } catch (error) {
    note(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

export class Daemon {
  readonly config: ResolvedDaemonConfig;
  readonly hub: EventHub;
  readonly store: DaemonStore;
  readonly client: Client;
  readonly link: DaemonServerLink;
  readonly #parts: Parts;
  readonly #note: (note: DaemonNote) => void;
  #stopping: Promise<void> | undefined;

  private constructor(parts: Parts, options: DaemonOptions) {
    this.config = options.config;
    this.hub = parts.hub;
    this.store = parts.store;
    this.client = parts.client;
    this.link = parts.link;
    this.#parts = parts;
    this.#note = options.onNote ?? (() => {});
  }

  /** The API's base URL, e.g. http://127.0.0.1:5030. */
  get url(): string {
    return this.#parts.http.url;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config } = options;
    const note = options.onNote ?? (() => {});
    const undo: (() => Promise<void> | void)[] = [];
    try {
      const dataDir = config.data.folder;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await mkdir(config.downloads.folder, { recursive: true });
      await mkdir(config.downloads.incompleteFolder, { recursive: true });

      const store = DaemonStore.open(dataDir, {
        settings: {
          searchRetentionDays: config.searches.retentionDays,
          maxSearches: config.searches.maxKept,
          chatRetentionDays: config.history.chatRetentionDays,
          maxMessagesPerRoom: config.history.maxMessagesPerConversation,
          maxMessagesPerConversation: config.history.maxMessagesPerConversation,
        },
      });
      undo.push(() => store.close());
      const hub = new EventHub();
      undo.push(() => hub.close());
      const metrics = new DaemonMetrics(Object.keys(routes));
      undo.push(() => metrics.stop());

      const library = await SharesLibrary.open({
        database: join(dataDir, SHARES_DATABASE_FILE),
        folders: config.shares.folders.map((folder) => ({ path: folder.path, visibility: folder.visibility, ...(folder.name === undefined ? {} : { name: folder.name }) })),
        ignore: config.shares.ignore,
      });
      undo.push(() => library.close());

      const soulseek = config.soulseek;
      const client = new Client({
        listenPort: soulseek.listenPort,
        ...(soulseek.obfuscatedListenPort === undefined ? {} : { obfuscatedListenPort: soulseek.obfuscatedListenPort }),
        reconnect: { enabled: true, initialDelayMs: soulseek.reconnectInitialDelayMs, maxDelayMs: soulseek.reconnectMaxDelayMs },
        distributed: true,
      });
      undo.push(() => client.close());
      // Peers may send garbage; it costs them their connection, not the daemon anything.
      client.on('warning', () => {});
      client.setUserLists(store.userLists);

      const transfers = config.transfers;
      const manager = new TransferManager({
        client,
        database: store.transfersDatabase,
        downloadDir: config.downloads.folder,
        incompleteDir: config.downloads.incompleteFolder,
        resolveUpload: (virtualPath, username) => library.resolve(virtualPath, { buddy: store.userLists.isBuddy(username) }),
        uploadSlots: transfers.uploadSlots,
        limits: { maxQueuedFilesPerUser: transfers.maxQueuedFilesPerUser, maxQueuedMegabytesPerUser: transfers.maxQueuedMegabytesPerUser },
        speedLimits: { uploadBytesPerSecond: transfers.uploadBytesPerSecond, downloadBytesPerSecond: transfers.downloadBytesPerSecond },
        retry: { initialDelayMs: config.downloads.retryInitialDelayMs, maxDelayMs: config.downloads.retryMaxDelayMs, maxAttempts: config.downloads.retryMaxAttempts },
        isPrivileged: (username) => client.isPrivileged(username),
        isIgnored: store.userLists.isIgnored,
        progressIntervalMs: 1000,
      });
      publishTransfers(manager, hub);
      metrics.collectTransfers(() => countTransfers(manager.list({ finished: false })));
      manager.on('transferDone', (transfer) => note({ kind: 'transferDone', transfer }));
      await manager.start();
      undo.push(() => manager.close());
      publishChat(client, store, hub);

      // Throws for a webhook URL that is not http(s): the daemon refuses to start with it.
      const hooks = new HookDispatcher({ webhooks: config.webhooks, scripts: config.scripts, logger: hookLogger((message) => note({ kind: 'warning', message })) });
      undo.push(() => hooks.close());
      feedClientHooks(client, hooks);
      feedTransferHooks(manager, hooks);

      const link = new DaemonServerLink(
        client,
        { server: soulseek.server, username: soulseek.username, password: soulseek.password, retryInitialMs: soulseek.reconnectInitialDelayMs, retryMaxMs: soulseek.reconnectMaxDelayMs },
        (event) => {
          hub.publish('serverConnection', event);
          note({ kind: 'connection', event });
          if (event.state === 'loggedIn') metrics.loggedIn();
          if (event.state === 'reconnecting') metrics.reconnecting();
          metrics.serverState(event.state === 'reconnecting' ? 'connecting' : event.state);
        },
      );
      undo.push(() => link.close());

      const shares = new DaemonShares({
        library,
        client,
        lists: store.userLists,
        manager,
        hub,
        uploadSlots: transfers.uploadSlots,
        rescanIntervalMinutes: config.shares.rescanIntervalMinutes,
        onScanned: (summary) => note({ kind: 'scanned', summary }),
        onScanFailed: (error) => note({ kind: 'scanFailed', message: error.message }),
        onSearchAnswered: () => metrics.incomingSearchAnswered(),
      });
      undo.push(() => shares.close());

      const searches = new DaemonSearches({
        client,
        searches: store.searches,
        hub,
        buddies: () => store.userLists.buddyNames(),
        defaultTimeoutMs: config.searches.timeoutSeconds * 1000,
        defaultMaxResults: config.searches.maxResults,
        observer: { started: (scope) => metrics.searchStarted(scope), response: () => metrics.searchResponse() },
      });
      undo.push(() => searches.close());

      const wishlist = new DaemonWishlist({ items: store.wishlist, searches, transfers: manager, client, hub, warn: (message) => note({ kind: 'warning', message }) });
      undo.push(() => wishlist.close());
      collectDaemonMetrics(metrics, { client, manager, hooks });

      const services: DaemonServices = {
        searches,
        wishlist,
        metrics: () => metrics.scrape(),
        version: options.version,
        events: hub,
        server: () => link.snapshot(),
        connect: () => link.connect(),
        disconnect: () => link.disconnect(),
        options: () => config,
      };
      const http = await startDaemonHttp({ ...httpOptionsFromConfig(config), services, metrics, secretKeys: [...SECRET_OPTION_KEYS, ...secretSettingNames()] });

      const sweep = (): void => {
        store.sweep().catch((error: unknown) => note({ kind: 'warning', message: `the retention sweep failed: ${error instanceof Error ? error.message : String(error)}` }));
      };
      sweep();
      const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
      sweepTimer.unref();

      shares.start();
      wishlist.start();
      if (soulseek.username !== undefined && soulseek.password !== undefined) {
        // Not awaited: the API is up while it logs in, and a failure is retried and reported as events.
        link.connect().catch(() => {});
      } else {
        note({ kind: 'warning', message: 'no Soulseek account configured (soulseek.username, soulseek.password): staying offline' });
      }
      return new Daemon({ hub, store, client, link, library, manager, shares, searches, wishlist, hooks, http, sweepTimer, metrics }, options);
    } catch (error) {
      for (const step of undo.reverse()) await bounded('cleaning up', step, STOP_STEP_MS, (message) => note({ kind: 'warning', message }));
      throw error;
    }
  }

  /** Stops everything, in order; a second call waits for the first. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const parts = this.#parts;
    const warn = (message: string): void => this.#note({ kind: 'warning', message });
    clearInterval(parts.sweepTimer);
    // Open event streams would keep the HTTP server from closing: end them first.
    parts.hub.close();
    await bounded('closing the HTTP server', () => parts.http.close(), STOP_STEP_MS, warn);
    parts.wishlist.close();
    parts.searches.close();
    await bounded('stopping the shares scan', () => parts.shares.close(), STOP_STEP_MS, warn);
    await bounded('closing the transfers', () => parts.manager.close(), STOP_STEP_MS, warn);
    // After the transfers: a download completing as they stop still reaches its hooks.
    await bounded('finishing the hooks', () => parts.hooks.close(), STOP_STEP_MS, warn);
    parts.link.close();
    await bounded('logging out', () => parts.client.close(), STOP_STEP_MS, warn);
    await bounded('closing the shares index', () => parts.library.close(), STOP_STEP_MS, warn);
    await bounded('closing the store', () => parts.store.close(), STOP_STEP_MS, warn);
    parts.metrics.stop();
  }
}

interface Parts {
  readonly hub: EventHub;
  readonly store: DaemonStore;
  readonly client: Client;
  readonly link: DaemonServerLink;
  readonly library: SharesLibrary;
  readonly manager: TransferManager;
  readonly shares: DaemonShares;
  readonly searches: DaemonSearches;
  readonly wishlist: DaemonWishlist;
  readonly hooks: HookDispatcher;
  readonly http: DaemonHttp;
  readonly sweepTimer: NodeJS.Timeout;
  readonly metrics: DaemonMetrics;
}

/** Live transfers counted by direction and state, for the transfers gauge. */
function countTransfers(transfers: readonly Transfer[]): TransferCount[] {
  const counts = new Map<string, TransferCount>();
  for (const { direction, state } of transfers) {
    const key = `${direction} ${state}`;
    counts.set(key, { direction, state, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}
