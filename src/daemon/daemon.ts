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
import { CONFIG_FILE_NAME, httpOptionsFromConfig, secretSettingNames } from './config/index.ts';
import { DaemonOptions as RuntimeOptions } from './daemon-options.ts';
import { runtimeAppliers, sharesSettings } from './runtime-appliers.ts';
import { LogRing, noteLogLine } from './logs.ts';
import { publishTransfers, publishUserStatus } from './daemon-events.ts';
import { DaemonConversations, DaemonRooms } from './chat/index.ts';
import { feedClientHooks, feedTransferHooks, folderCompleteEvent, hookLogger } from './daemon-hooks.ts';
import { collectDaemonMetrics } from './daemon-metrics.ts';
import { HookDispatcher } from './hooks/index.ts';
import { DaemonWishlist, type WishlistTransfers } from './wishlist.ts';
import { DaemonShares, type SharesSettings } from './daemon-shares.ts';
import { DaemonSearches } from './searches.ts';
import { DaemonTransfers } from './transfers/index.ts';
import { DaemonUsers } from './users/index.ts';
import { EventHub } from './events/index.ts';
import { routes } from './http/routes.ts';
import { DaemonMetrics } from './metrics/index.ts';
import { SECRET_OPTION_KEYS, startDaemonHttp, type DaemonHttp, type DaemonServices } from './http/index.ts';
import { WEB_UI_FOLDER } from './http/web-ui.ts';
import { DaemonServerLink, type ConnectionEvent } from './server-link.ts';
import { DaemonStore } from './store/index.ts';
import { slskdApi, slskdRoutes } from './slskd/index.ts';

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
  /** The built web UI served at `/` (default: web/ at the package root, made by `npm run build:web`). */
  readonly webUiFolder?: string;
  /** The config file read at start: settings changed through the API are written there (default <data>/daemon.yaml). */
  readonly configFile?: string | undefined;
  /** The shares watcher's quiet time before a rescan (tests shorten it). */
  readonly watchQuietMs?: number;
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
    this.#note = parts.note;
  }

  /** The shares: their index, scans and watcher. */
  get shares(): DaemonShares {
    return this.#parts.shares;
  }

  /** The API's base URL, e.g. http://127.0.0.1:5030. */
  get url(): string {
    return this.#parts.http.url;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config } = options;
    const hub = new EventHub();
    // Every note is a log line (kept in the ring, a `log` event) before the command prints it.
    const logs = new LogRing({
      level: config.logging.level,
      publish: (line) => hub.publish('log', { level: line.level, time: new Date(line.time).toISOString(), message: line.message }),
    });
    const note = (n: DaemonNote): void => {
      const line = noteLogLine(n);
      logs.add(line.level, line.message);
      options.onNote?.(n);
    };
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
      undo.push(() => hub.close());
      const metrics = new DaemonMetrics([...Object.keys(routes), ...Object.keys(slskdRoutes)]);
      undo.push(() => metrics.stop());

      const openShares = (settings: SharesSettings): Promise<SharesLibrary> =>
        SharesLibrary.open({ database: join(dataDir, SHARES_DATABASE_FILE), folders: settings.folders, ignore: settings.ignore });
      const initialShares = sharesSettings(config);
      const library = await openShares(initialShares);
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
      // Made once the transfer manager it counts uploads with exists; no upload is asked for before.
      let shares: DaemonShares | undefined;
      const manager = new TransferManager({
        client,
        database: store.transfersDatabase,
        downloadDir: config.downloads.folder,
        incompleteDir: config.downloads.incompleteFolder,
        // Through the shares: the index is replaced when the shared folders change.
        resolveUpload: async (virtualPath, username) => shares?.resolve(virtualPath, { buddy: store.userLists.isBuddy(username) }),
        uploadSlots: transfers.uploadSlots,
        limits: { maxQueuedFilesPerUser: transfers.maxQueuedFilesPerUser, maxQueuedMegabytesPerUser: transfers.maxQueuedMegabytesPerUser },
        speedLimits: { uploadBytesPerSecond: transfers.uploadBytesPerSecond, downloadBytesPerSecond: transfers.downloadBytesPerSecond },
        retry: { initialDelayMs: config.downloads.retryInitialDelayMs, maxDelayMs: config.downloads.retryMaxDelayMs, maxAttempts: config.downloads.retryMaxAttempts },
        isPrivileged: (username) => client.isPrivileged(username),
        isIgnored: store.userLists.isIgnored,
        progressIntervalMs: 1000,
      });
      publishTransfers(manager, hub);
      manager.on('transferDone', (transfer) => note({ kind: 'transferDone', transfer }));
      // Subscribed before start(): what start() resumes is seen; load() then reads the rest once.
      // Throws for a webhook URL that is not http(s): the daemon refuses to start with it.
      const hooks = new HookDispatcher({ webhooks: config.webhooks, scripts: config.scripts, logger: hookLogger((message) => note({ kind: 'warning', message })) });
      undo.push(() => hooks.close());
      // Read at each request: PATCH /api/v1/options changes it live.
      let downloadsLayout = config.downloads.layout;
      const daemonTransfers = new DaemonTransfers({
        manager,
        client,
        folders: store.folders,
        hub,
        downloadsDir: config.downloads.folder,
        layout: () => downloadsLayout,
        onFolderDone: (folder, summary) => {
          const done = folderCompleteEvent(folder, summary, config.downloads.folder);
          if (done !== undefined) hooks.dispatch(done);
        },
      });
      undo.push(() => daemonTransfers.close());
      await manager.start();
      undo.push(() => manager.close());
      daemonTransfers.load();
      publishUserStatus(client, hub);
      // Listening for private messages from here on is what makes the client acknowledge them to the server.
      const chatWarning = (message: string): void => note({ kind: 'warning', message });
      const rooms = new DaemonRooms({ client, history: store.chat, hub, onWarning: chatWarning });
      undo.push(() => rooms.close());
      const conversations = new DaemonConversations({ client, history: store.chat, hub, onWarning: chatWarning });
      undo.push(() => conversations.close());

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

      shares = new DaemonShares({
        library,
        reopen: openShares,
        settings: initialShares,
        client,
        lists: store.userLists,
        manager,
        hub,
        uploadSlots: transfers.uploadSlots,
        rescanIntervalMinutes: config.shares.rescanIntervalMinutes,
        watch: config.shares.watch,
        watchIgnore: [dataDir, config.downloads.incompleteFolder],
        ...(options.watchQuietMs === undefined ? {} : { watchQuietMs: options.watchQuietMs }),
        onScanned: (summary) => note({ kind: 'scanned', summary }),
        onScanFailed: (error) => note({ kind: 'scanFailed', message: error.message }),
        onWarning: (message) => note({ kind: 'warning', message }),
        onSearchAnswered: () => metrics.incomingSearchAnswered(),
      });
      const daemonShares = shares;
      undo.push(() => daemonShares.close());

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
      const users = new DaemonUsers({ client, lists: store.userLists, interests: store.interests, hub });
      undo.push(() => users.close());

      // What the wishlist finds lands where downloads.layout says and shows in the transfer list like any download.
      const wishlistTransfers: WishlistTransfers = {
        list: (filter) => manager.list(filter),
        download: (username, filename, downloadOptions) => {
          const size = downloadOptions?.size;
          const [queued] = daemonTransfers.enqueue({ username, files: [{ filename, ...(size === undefined ? {} : { size: Number(size) }) }] });
          return manager.get(queued!.id)!;
        },
      };
      const wishlist = new DaemonWishlist({ items: store.wishlist, searches, transfers: wishlistTransfers, client, hub, warn: (message) => note({ kind: 'warning', message }) });
      undo.push(() => wishlist.close());
      collectDaemonMetrics(metrics, { client, manager, hooks });

      const settings = new RuntimeOptions({
        config,
        file: options.configFile ?? join(dataDir, CONFIG_FILE_NAME),
        appliers: runtimeAppliers({ manager, shares: daemonShares, searches, logs, setLayout: (layout) => (downloadsLayout = layout) }),
      });

      const services: DaemonServices = {
        searches,
        transfers: daemonTransfers,
        users,
        wishlist,
        rooms,
        conversations,
        metrics: () => metrics.scrape(),
        version: options.version,
        events: hub,
        server: () => link.snapshot(),
        connect: () => link.connect(),
        disconnect: () => link.disconnect(),
        options: () => settings.current(),
        shares: daemonShares,
        settings,
        logs,
      };
      // slskd's /api/v0, so tools built for slskd (soularr, slskd-api, the Lidarr plugins) work unchanged.
      const slskd = slskdApi({
        searches,
        transfers: manager,
        client,
        chat: store.chat,
        server: () => link.snapshot(),
        downloadsDir: config.downloads.folder,
        incompleteDir: config.downloads.incompleteFolder,
        username: soulseek.username,
      });
      const http = await startDaemonHttp({
        ...httpOptionsFromConfig(config),
        services,
        metrics,
        secretKeys: [...SECRET_OPTION_KEYS, ...secretSettingNames()],
        extraRoutes: [slskd],
        webUiFolder: options.webUiFolder ?? WEB_UI_FOLDER,
      });

      const sweep = (): void => {
        store.sweep().catch((error: unknown) => note({ kind: 'warning', message: `the retention sweep failed: ${error instanceof Error ? error.message : String(error)}` }));
      };
      sweep();
      const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
      sweepTimer.unref();

      daemonShares.start();
      wishlist.start();
      if (soulseek.username !== undefined && soulseek.password !== undefined) {
        // Not awaited: the API is up while it logs in, and a failure is retried and reported as events.
        link.connect().catch(() => {});
      } else {
        note({ kind: 'warning', message: 'no Soulseek account configured (soulseek.username, soulseek.password): staying offline' });
      }
      return new Daemon({ hub, store, client, link, manager, shares: daemonShares, searches, users, wishlist, hooks, rooms, conversations, http, sweepTimer, metrics, logs, note }, options);
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
    parts.users.close();
    parts.rooms.close();
    parts.conversations.close();
    await bounded('stopping the shares scan', () => parts.shares.close(), STOP_STEP_MS, warn);
    await bounded('closing the transfers', () => parts.manager.close(), STOP_STEP_MS, warn);
    // After the transfers: a download completing as they stop still reaches its hooks.
    await bounded('finishing the hooks', () => parts.hooks.close(), STOP_STEP_MS, warn);
    parts.link.close();
    await bounded('logging out', () => parts.client.close(), STOP_STEP_MS, warn);
    await bounded('closing the shares index', () => parts.shares.library.close(), STOP_STEP_MS, warn);
    await bounded('closing the store', () => parts.store.close(), STOP_STEP_MS, warn);
    parts.metrics.stop();
  }
}

interface Parts {
  readonly hub: EventHub;
  readonly store: DaemonStore;
  readonly client: Client;
  readonly link: DaemonServerLink;
  readonly manager: TransferManager;
  readonly shares: DaemonShares;
  readonly searches: DaemonSearches;
  readonly users: DaemonUsers;
  readonly wishlist: DaemonWishlist;
  readonly hooks: HookDispatcher;
  readonly rooms: DaemonRooms;
  readonly conversations: DaemonConversations;
  readonly http: DaemonHttp;
  readonly sweepTimer: NodeJS.Timeout;
  readonly metrics: DaemonMetrics;
  readonly logs: LogRing;
  readonly note: (note: DaemonNote) => void;
}
