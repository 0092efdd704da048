// What the transfer manager hands to applications: transfers as plain snapshots, its events, and
// its options.

import type { Client } from '../client/client.ts';
import type { TransferState } from './states.ts';

export type TransferDirection = 'download' | 'upload';

export { TRANSFER_STATES, TransferStates, type TransferState } from './states.ts';

/** A transfer as it was when the snapshot was taken. */
export interface Transfer {
  readonly id: string;
  readonly direction: TransferDirection;
  /** The peer: who we download from, or upload to. */
  readonly username: string;
  /** The virtual path, as the uploader shares it (`@@music\\Artist\\file.flac`). */
  readonly filename: string;
  /** Bytes; undefined for a download until the uploader tells it. */
  readonly size: bigint | undefined;
  /** Bytes the downloader has (offset included). */
  readonly bytes: bigint;
  /** Where the current (or last) file connection started: the downloader's resume offset. */
  readonly offset: bigint;
  /** Bytes per second, over the last progress interval (the average once finished). */
  readonly speed: number;
  /** Seconds left at the current speed. */
  readonly eta: number | undefined;
  readonly state: TransferState;
  /** Why it failed or was cancelled: the peer's refusal string (TransferRefusal) or our own. */
  readonly reason: string | undefined;
  /** Download: our place in the uploader's queue, from its last PeerPlaceInQueueReply. */
  readonly place: number | undefined;
  /** Failures since the last progress (connection problems, peer offline…). */
  readonly attempts: number;
  /** When a failed transfer is tried again (ms since the epoch); undefined when it will not be. */
  readonly retryAt: number | undefined;
  /** Upload: the local file being sent. Download: the finished file, once completed. */
  readonly localPath: string | undefined;
  /** Download: the folder the finished file is moved to, when one was asked for (absent: the downloads folder). */
  readonly destination?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | undefined;
}

export interface TransferEvents {
  transferAdded: [transfer: Transfer];
  /** The state changed; `previous` is the state before. */
  transferState: [transfer: Transfer, previous: TransferState];
  /** Bytes moved: at most every progressIntervalMs per transfer, and once more when it ends. */
  transferProgress: [transfer: Transfer];
  /** A download's place in the uploader's queue arrived. */
  transferPlace: [transfer: Transfer];
  /** The transfer reached a final state (completed, cancelled, or failed without a retry). */
  transferDone: [transfer: Transfer];
  /** The transfer was forgotten by remove() (its last snapshot, as it was before the removal). */
  transferRemoved: [transfer: Transfer];
  /** Something went wrong that is not the caller's to handle (a reply could not be sent…). */
  warning: [error: Error];
}

/** A shared file as the shares library resolves it: the only thing an upload ever opens. */
export interface UploadSource {
  path: string;
  size: number | bigint;
}

/** Maps a virtual path asked for by `requester` to a local file; undefined = not shared (to them). */
export type ResolveUpload = (virtualPath: string, requester: string) => UploadSource | undefined | Promise<UploadSource | undefined>;

export interface RetryOptions {
  /** Delay before the first retry; each later one doubles it (±25% jitter) up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Failures (peer offline, unreachable, connection lost…) before a transfer fails for good. */
  maxAttempts: number;
}

export interface TransferTimeouts {
  /** An upload offer (PeerTransferRequest) waiting for the downloader's PeerTransferReply. */
  replyMs: number;
  /** A download the uploader was allowed to start, waiting for its F connection. */
  fileConnectionMs: number;
  /** Reading the ticket / the offset at the start of an F connection. */
  handshakeMs: number;
  /** An F connection on which no byte moved for this long. */
  idleMs: number;
}

export interface TransferLimits {
  /** Files one user may have in our upload queue (queued and active); Infinity = no limit. */
  maxQueuedFilesPerUser: number;
  /** MiB one user may have in our upload queue (queued and active); Infinity = no limit. */
  maxQueuedMegabytesPerUser: number;
}

/**
 * Nicotine+'s defaults (100 files, 10,000 MiB per user): one user cannot fill our queue (memory,
 * the database, everyone else's wait) while a whole album or discography still fits. A request
 * over either limit is refused with "Too many files" / "Too many megabytes", the strings other
 * clients take to mean "still queued, ask again later".
 */
export const defaultTransferLimits: TransferLimits = { maxQueuedFilesPerUser: 100, maxQueuedMegabytesPerUser: 10_000 };

export interface SpeedLimits {
  /** Global upload limit, bytes/s; 0 or undefined = unlimited. */
  uploadBytesPerSecond?: number;
  /** Global download limit, bytes/s; 0 or undefined = unlimited. */
  downloadBytesPerSecond?: number;
}

/** What the manager uses of a Client. */
export type TransferClient = Pick<
  Client,
  'sendToPeer' | 'openFileConnection' | 'setFileConnectionHandler' | 'reportUploadSpeed' | 'on' | 'off' | 'loggedIn'
>;

export interface TransferManagerOptions {
  client: TransferClient;
  /** SQLite file holding the transfer list (created if missing); ':memory:' keeps nothing. */
  database: string;
  /** Finished downloads go here (unless download() names another folder). */
  downloadDir: string;
  /** Partial downloads live here until complete. Keep it on the same filesystem as downloadDir. */
  incompleteDir: string;
  resolveUpload: ResolveUpload;
  /** Uploads in progress at once (offer, connection and transfer), default 2. */
  uploadSlots?: number;
  /** Per-user upload queue limits; defaultTransferLimits for what is not given. */
  limits?: Partial<TransferLimits>;
  speedLimits?: SpeedLimits;
  /** Privileged users are served first. */
  isPrivileged?: (username: string) => boolean;
  isBanned?: (username: string) => boolean;
  /** Users on our ignore list: their queue, legacy and place-in-queue requests get no answer at all. */
  isIgnored?: (username: string) => boolean;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<TransferTimeouts>;
  /** How often queued downloads ask for their place in the uploader's queue (default 5 min, 0 = never). */
  placeInQueueIntervalMs?: number;
  /** Least time between two transferProgress events of one transfer (default 250 ms). */
  progressIntervalMs?: number;
  now?: () => number;
  random?: () => number;
}

export const defaultRetry: RetryOptions = { initialDelayMs: 15_000, maxDelayMs: 10 * 60_000, maxAttempts: 10 };

export const defaultTransferTimeouts: TransferTimeouts = {
  replyMs: 30_000,
  fileConnectionMs: 60_000,
  handshakeMs: 30_000,
  idleMs: 60_000,
};

export interface DownloadOptions {
  /** The size from the search result or listing; the uploader's offer overrides it. */
  size?: bigint | number;
  /** Folder for the finished file (absolute, or relative to downloadDir). */
  to?: string;
  /**
   * Ask with the legacy PeerTransferRequest (direction 0) instead of PeerTransferQueue, for old
   * clients. An `allowed` reply makes us open the F connection; `Queued` waits for their offer.
   */
  legacy?: boolean;
}
