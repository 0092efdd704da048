// Every metric the daemon exposes, declared once here (names prefixed `slsk_`). The daemon calls the
// update methods as things happen and registers collect callbacks for values it reads at scrape time.
// No label ever carries data from the network: label values come from the fixed sets below, and a value
// outside its set is refused (a bug in the caller, reported as such) rather than exposed.

import { Registry } from './registry.ts';
import { exposition } from './exposition.ts';
import { registerProcessMetrics, type ProcessMetrics } from './process.ts';
import { TRANSFER_STATES, type TransferState } from '../../transfers/states.ts';
import type { ServerConnection } from '../http/routes.ts';
import type { TransferDirection } from '../../transfers/types.ts';

export type Direction = TransferDirection;
export const DIRECTIONS: readonly Direction[] = ['download', 'upload'];
export type ServerState = ServerConnection['state'];
// A Record so that a state added to ServerConnection without a metric value does not compile.
const SERVER_STATE_KEYS: Record<ServerState, true> = { disconnected: true, connecting: true, loggedIn: true, disconnecting: true };
export const SERVER_STATES = Object.keys(SERVER_STATE_KEYS) as readonly ServerState[];
export const SEARCH_SCOPES = ['network', 'room', 'user', 'buddies', 'wishlist'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];
export const PEER_CONNECTION_TYPES = ['P', 'F', 'D'] as const;
export type PeerConnectionType = (typeof PEER_CONNECTION_TYPES)[number];
export const HOOK_KINDS = ['webhook', 'script'] as const;
export const HOOK_OUTCOMES = ['delivered', 'failed', 'retried', 'dropped'] as const;
/** One hook's running totals (HookDispatcher.stats() gives these). */
export interface HookTotals {
  readonly kind: (typeof HOOK_KINDS)[number];
  readonly delivered: number;
  readonly failed: number;
  readonly retried: number;
  readonly dropped: number;
  readonly queued: number;
}
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** The route label of requests that matched no route (404s for unknown paths). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request latency buckets in seconds: from a cached read to a slow search. */
export const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

function checked<T extends string>(set: readonly T[], value: T, what: string): T {
  if (!set.includes(value)) throw new RangeError(`${what} '${value}' is not one of ${set.join(', ')}`);
  return value;
}

export interface TransferCount {
  readonly direction: Direction;
  readonly state: TransferState;
  readonly count: number;
}

export interface DistributedState {
  /** Our level in the distributed tree (0 when we are a branch root). */
  readonly level: number;
  readonly branchRoot: boolean;
  readonly children: number;
  readonly parentConnected: boolean;
}

export interface SharesState {
  readonly files: number;
  readonly folders: number;
  readonly scanning: boolean;
  /** Duration of the last finished scan, in seconds; undefined before the first. */
  readonly lastScanSeconds: number | undefined;
}

export class DaemonMetrics {
  readonly registry = new Registry({ overflowMetric: 'slsk_metrics_label_sets_dropped_total' });
  readonly #process: ProcessMetrics;
  readonly #routeNames: readonly string[];

  readonly #serverConnected = this.registry.gauge({ name: 'slsk_server_connected', help: 'Whether we are logged in to the Soulseek server (1) or not (0)' });
  readonly #serverState = this.registry.gauge({ name: 'slsk_server_state', help: 'The server connection state: 1 for the current state, 0 for the others', labels: ['state'] });
  readonly #logins = this.registry.counter({ name: 'slsk_server_logins_total', help: 'Successful logins to the Soulseek server' });
  readonly #reconnects = this.registry.counter({ name: 'slsk_server_reconnects_total', help: 'Reconnection attempts after the server connection was lost' });

  readonly #searchesStarted = this.registry.counter({ name: 'slsk_searches_started_total', help: 'Searches we sent, by scope (network, room, user, wishlist)', labels: ['scope'] });
  readonly #searchResponses = this.registry.counter({ name: 'slsk_search_responses_received_total', help: 'Search responses received from peers for our searches' });
  readonly #searchesAnswered = this.registry.counter({ name: 'slsk_incoming_searches_answered_total', help: "Other users' searches we answered with results" });

  readonly #transfers = this.registry.gauge({ name: 'slsk_transfers', help: 'Transfers in the transfer list, by direction and state', labels: ['direction', 'state'] });
  readonly #bytes = this.registry.counter({ name: 'slsk_transfer_bytes_total', help: 'Bytes of file data transferred, by direction', labels: ['direction'] });
  readonly #speed = this.registry.gauge({ name: 'slsk_transfer_speed_bytes_per_second', help: 'Current total transfer speed in bytes per second, by direction', labels: ['direction'] });
  readonly #uploadQueue = this.registry.gauge({ name: 'slsk_upload_queue_length', help: 'Uploads waiting in our queue' });
  readonly #downloadQueue = this.registry.gauge({ name: 'slsk_download_queue_length', help: "Our downloads waiting (queued here or in peers' queues)" });
  readonly #placeInQueue = this.registry.gauge({ name: 'slsk_download_best_place_in_queue', help: "Best (lowest) place our queued downloads hold in peers' queues; 0 when none is known" });

  readonly #distributed = this.registry.gauge({ name: 'slsk_distributed_level', help: 'Our level in the distributed search tree (0 for a branch root)' });
  readonly #branchRoot = this.registry.gauge({ name: 'slsk_distributed_branch_root', help: 'Whether we are a branch root of the distributed tree (1) or not (0)' });
  readonly #children = this.registry.gauge({ name: 'slsk_distributed_children', help: 'Distributed children connected to us' });
  readonly #parent = this.registry.gauge({ name: 'slsk_distributed_parent_connected', help: 'Whether we have a distributed parent (1) or not (0)' });

  readonly #sharedFiles = this.registry.gauge({ name: 'slsk_shared_files', help: 'Files we share' });
  readonly #sharedFolders = this.registry.gauge({ name: 'slsk_shared_folders', help: 'Folders we share' });
  readonly #scanning = this.registry.gauge({ name: 'slsk_shares_scan_in_progress', help: 'Whether a share scan is running (1) or not (0)' });
  readonly #lastScan = this.registry.gauge({ name: 'slsk_shares_last_scan_duration_seconds', help: 'Duration of the last finished share scan in seconds (absent before the first)' });

  readonly #peerConnections = this.registry.gauge({ name: 'slsk_peer_connections', help: 'Open peer connections by type (P messages, F file transfer, D distributed)', labels: ['type'] });

  readonly #subscribers = this.registry.gauge({ name: 'slsk_event_subscribers', help: 'Clients subscribed to the event stream' });
  readonly #resyncs = this.registry.counter({ name: 'slsk_event_resyncs_total', help: 'Event-stream subscribers told to resynchronize (they fell too far behind or asked for an event no longer kept)' });

  readonly #hookDeliveries = this.registry.counter({ name: 'slsk_hook_deliveries_total', help: 'Hook deliveries by kind (webhook, script) and outcome (delivered, failed, retried: an attempt tried again, dropped: never tried)', labels: ['kind', 'outcome'] });
  readonly #hookQueue = this.registry.gauge({ name: 'slsk_hook_queue_length', help: 'Events waiting for a hook, by kind', labels: ['kind'] });
  /** What the hook counters showed at the last scrape, so each scrape adds only the difference. */
  readonly #hookSeen = new Map<string, number>();

  readonly #httpRequests;
  readonly #httpLatency;

  /** `routeNames`: the route table's names; requests are labelled with these (or `unmatched`) only. */
  constructor(routeNames: readonly string[]) {
    this.#routeNames = [...routeNames, UNMATCHED_ROUTE];
    const bound = this.#routeNames.length;
    this.#httpRequests = this.registry.counter({
      name: 'slsk_http_requests_total',
      help: 'HTTP API requests answered, by route name and status class',
      labels: ['route', 'status'],
      maxSeries: bound * STATUS_CLASSES.length,
    });
    this.#httpLatency = this.registry.histogram({
      name: 'slsk_http_request_duration_seconds',
      help: 'Time from receiving an HTTP API request to sending the reply, in seconds, by route name',
      labels: ['route'],
      buckets: HTTP_LATENCY_BUCKETS,
      maxSeries: bound,
    });
    this.#process = registerProcessMetrics(this.registry);
    this.serverState('disconnected');
  }

  serverState(state: ServerState): void {
    checked(SERVER_STATES, state, 'Server state');
    for (const s of SERVER_STATES) this.#serverState.set({ state: s }, s === state ? 1 : 0);
    this.#serverConnected.set({}, state === 'loggedIn' ? 1 : 0);
  }
  loggedIn(): void {
    this.#logins.inc();
  }
  reconnecting(): void {
    this.#reconnects.inc();
  }

  searchStarted(scope: SearchScope): void {
    this.#searchesStarted.inc({ scope: checked(SEARCH_SCOPES, scope, 'Search scope') });
  }
  searchResponse(): void {
    this.#searchResponses.inc();
  }
  incomingSearchAnswered(): void {
    this.#searchesAnswered.inc();
  }

  transferBytes(direction: Direction, bytes: number): void {
    this.#bytes.inc({ direction: checked(DIRECTIONS, direction, 'Direction') }, bytes);
  }
  /** Read at each scrape: the transfer list's counts by direction and state (states not given are 0). */
  collectTransfers(read: () => readonly TransferCount[]): void {
    this.#transfers.collectWith((set) => {
      for (const d of DIRECTIONS) for (const s of TRANSFER_STATES) set({ direction: d, state: s }, 0);
      for (const { direction, state, count } of read()) set({ direction: checked(DIRECTIONS, direction, 'Direction'), state: checked(TRANSFER_STATES, state, 'Transfer state') }, count);
    });
  }
  collectSpeed(read: () => Readonly<Record<Direction, number>>): void {
    this.#speed.collectWith((set) => {
      const speeds = read();
      for (const d of DIRECTIONS) set({ direction: d }, speeds[d]);
    });
  }
  collectQueue(read: () => { readonly uploadQueueLength: number; readonly downloadQueueLength: number; readonly bestPlaceInQueue: number | undefined }): void {
    this.registry.beforeCollect(() => {
      const queue = read();
      this.#uploadQueue.set({}, queue.uploadQueueLength);
      this.#downloadQueue.set({}, queue.downloadQueueLength);
      this.#placeInQueue.set({}, queue.bestPlaceInQueue ?? 0);
    });
  }

  collectDistributed(read: () => DistributedState): void {
    this.registry.beforeCollect(() => {
      const tree = read();
      this.#distributed.set({}, tree.level);
      this.#branchRoot.set({}, tree.branchRoot ? 1 : 0);
      this.#children.set({}, tree.children);
      this.#parent.set({}, tree.parentConnected ? 1 : 0);
    });
  }

  collectShares(read: () => SharesState): void {
    this.registry.beforeCollect(() => {
      const shares = read();
      this.#sharedFiles.set({}, shares.files);
      this.#sharedFolders.set({}, shares.folders);
      this.#scanning.set({}, shares.scanning ? 1 : 0);
    });
    this.#lastScan.collectWith((set) => {
      const seconds = read().lastScanSeconds;
      if (seconds !== undefined) set({}, seconds);
    });
  }

  collectPeerConnections(read: () => Readonly<Record<PeerConnectionType, number>>): void {
    this.#peerConnections.collectWith((set) => {
      const open = read();
      for (const type of PEER_CONNECTION_TYPES) set({ type }, open[type]);
    });
  }

  collectEventSubscribers(read: () => number): void {
    this.#subscribers.collectWith((set) => set({}, read()));
  }
  eventResync(): void {
    this.#resyncs.inc();
  }

  /** Read at each scrape: every hook's totals, summed by kind (no hook names: they come from the config and may hold tokens). */
  collectHooks(read: () => readonly HookTotals[]): void {
    this.registry.beforeCollect(() => {
      const sums = new Map<string, number>();
      const queued: Record<string, number> = { webhook: 0, script: 0 };
      for (const hook of read()) {
        const kind = checked(HOOK_KINDS, hook.kind, 'Hook kind');
        for (const outcome of HOOK_OUTCOMES) sums.set(`${kind} ${outcome}`, (sums.get(`${kind} ${outcome}`) ?? 0) + hook[outcome]);
        queued[kind] = (queued[kind] ?? 0) + hook.queued;
      }
      for (const kind of HOOK_KINDS) {
        this.#hookQueue.set({ kind }, queued[kind] ?? 0);
        for (const outcome of HOOK_OUTCOMES) {
          const key = `${kind} ${outcome}`;
          const total = sums.get(key) ?? 0;
          this.#hookDeliveries.inc({ kind, outcome }, Math.max(0, total - (this.#hookSeen.get(key) ?? 0)));
          this.#hookSeen.set(key, Math.max(total, this.#hookSeen.get(key) ?? 0));
        }
      }
    });
  }

  /** One answered HTTP request. `route` is a route table name, or undefined when no route matched. */
  httpRequest(route: string | undefined, statusCode: number, seconds: number): void {
    const name = route !== undefined && this.#routeNames.includes(route) ? route : UNMATCHED_ROUTE;
    const status = STATUS_CLASSES[Math.min(5, Math.max(1, Math.floor(statusCode / 100))) - 1] as string;
    this.#httpRequests.inc({ route: name, status });
    this.#httpLatency.observe({ route: name }, seconds);
  }

  /** The scrape: every metric in the text exposition format 0.0.4. */
  scrape(): string {
    return exposition(this.registry.collect());
  }

  /** Stops the event-loop delay monitor. */
  stop(): void {
    this.#process.stop();
  }
}
