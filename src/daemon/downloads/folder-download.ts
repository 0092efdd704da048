// A whole remote folder, subfolders included, downloaded as one group: the daemon lists the folder
// itself (folder-listing.ts), works out where each file lands (destinationFor with the folder, so
// the subfolders stay under the folder's name: Music\Album\CD1\01.flac → Album/CD1/01.flac) and
// hands every file to the transfer manager, which queues, retries and finishes each as usual. The
// group is a plain record the caller keeps (the daemon's routes, `slsk download USER 'Music\Album\'`);
// whenFolderDone waits for all its files and folderProgress summarizes them at any time.
//
// A file already downloaded is recognised and not fetched again. Soulseek gives no hash of a file,
// so "recognised" means a file of the very same size is on disk (no hashing, no content check):
//   - where a completed download of the same user and remote path put it (the transfer manager's
//     history: the file may have landed elsewhere, or as "name (1).ext"); or
//   - where this download would put it.
// A completed download whose file has since been deleted or changed size is fetched again: what
// counts is what is on disk. With the flat layout two remote files of the same name and size
// land on the same path, and the second is taken for the first; the other layouts keep them apart.
// The same remote path listed twice is downloaded once.

import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { DEFAULT_DESTINATION_LAYOUT, DestinationError, destinationFor, type DestinationLayout } from '../../transfers/destination.ts';
import type { TransferManager } from '../../transfers/manager.ts';
import type { Transfer, TransferState } from '../../transfers/types.ts';
import { FolderDownloadError, folderComponents, listRemoteFolder, type FolderListingClient, type ListedFile } from './folder-listing.ts';

/** The most files one folder download enqueues: a whole discography fits, a whole share does not. */
export const DEFAULT_MAX_FOLDER_FILES = 10_000;
/** The deepest subfolder (below the folder asked for) whose files are downloaded. */
export const DEFAULT_MAX_FOLDER_DEPTH = 16;

export type FolderTransfers = Pick<TransferManager, 'download' | 'get' | 'list' | 'whenDone'>;

export interface FolderDownloadDeps {
  client: FolderListingClient;
  transfers: FolderTransfers;
  /** The downloads folder every destination stays inside. */
  downloadsDir: string;
}

export interface FolderDownloadRequest {
  username: string;
  /** The remote folder, `\` or `/` separated, with or without a trailing separator. */
  folder: string;
  layout?: DestinationLayout;
  /** A folder under the downloads folder to put everything in; '' or absent for none. */
  subfolder?: string;
  maxFiles?: number;
  maxDepth?: number;
  signal?: AbortSignal;
}

export type FolderFileStatus = 'enqueued' | 'already-present';

export interface FolderFile {
  remotePath: string;
  size: bigint;
  /** Where it lands, relative to the downloads folder, `/` separated. */
  destination: string;
  status: FolderFileStatus;
  /** The transfer downloading it; undefined when it was already present. */
  transferId: string | undefined;
  /** The file found on disk, for an already-present one. */
  presentAt: string | undefined;
}

export type RefusalCode = 'not-in-folder' | 'too-deep' | 'outside-downloads';

/** A file the peer listed that is not downloaded, and why. */
export interface RefusedFile {
  remotePath: string;
  code: RefusalCode;
  reason: string;
}

export interface FolderDownload {
  id: string;
  username: string;
  /** The folder in the peer's spelling (`\` separated, no trailing separator). */
  folder: string;
  layout: DestinationLayout;
  subfolder: string;
  /** How the files were listed: the peer's shares (with subfolders) or its folder reply (without). */
  source: 'browse' | 'folder-request';
  files: FolderFile[];
  refused: RefusedFile[];
  createdAt: number;
}

/** A file's state in the group: its transfer's, already-present, or removed (its transfer is gone). */
export type FolderFileState = TransferState | 'already-present' | 'removed';

export interface FolderDownloadSummary {
  id: string;
  /** Every file is completed or already present. */
  complete: boolean;
  /** Every file is in a final state (completed, already present, cancelled, failed for good, removed). */
  finished: boolean;
  counts: Partial<Record<FolderFileState, number>>;
  /** Files that ended without the file: failed for good, cancelled or removed. */
  failed: { remotePath: string; state: FolderFileState; reason: string | undefined }[];
  files: { remotePath: string; destination: string; state: FolderFileState }[];
}

const DOT_COMPONENT = /^[. ]*\.[. ]*$/;

async function sizeOnDisk(path: string): Promise<bigint | undefined> {
  try {
    const info = await stat(path, { bigint: true });
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

interface Planned {
  file: ListedFile;
  destination: { folder: string; path: string; relativePath: string };
}

/** Checks each listed file: inside the folder, not too deep, once; and where it lands. */
function plan(listed: readonly ListedFile[], request: FolderDownloadRequest, downloadsDir: string, folder: string, layout: DestinationLayout, maxDepth: number): { planned: Planned[]; refused: RefusedFile[] } {
  const planned: Planned[] = [];
  const refused: RefusedFile[] = [];
  const seen = new Set<string>();
  const folderDepth = folderComponents(folder).length;
  for (const file of listed) {
    if (seen.has(file.remotePath)) continue;
    seen.add(file.remotePath);
    const components = folderComponents(file.remotePath);
    if (components.some((component) => DOT_COMPONENT.test(component))) {
      refused.push({ remotePath: file.remotePath, code: 'not-in-folder', reason: `a "." or ".." in the path would leave the folder ${JSON.stringify(folder)}` });
      continue;
    }
    try {
      const destination = destinationFor(downloadsDir, { layout, username: request.username, remotePath: file.remotePath, remoteFolder: folder, subfolder: request.subfolder ?? '' });
      const depth = components.length - 1 - folderDepth;
      if (depth > maxDepth) {
        refused.push({ remotePath: file.remotePath, code: 'too-deep', reason: `${depth} folders below ${JSON.stringify(folder)}, more than ${maxDepth}: download that subfolder on its own` });
        continue;
      }
      planned.push({ file, destination });
    } catch (error) {
      if (!(error instanceof DestinationError)) throw error;
      if (error.code === 'bad-subfolder' || error.code === 'bad-layout') throw error;
      refused.push({ remotePath: file.remotePath, code: error.code === 'not-in-folder' ? 'not-in-folder' : 'outside-downloads', reason: error.message });
    }
  }
  return { planned, refused };
}

/** Completed downloads from `username`, by remote path, that still have a local file. */
function completedFrom(transfers: FolderTransfers, username: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const t of transfers.list({ direction: 'download', finished: true })) {
    if (t.username === username && t.state === 'completed' && t.localPath !== undefined) found.set(t.filename, t.localPath);
  }
  return found;
}

/** Where a file of `size` already is: the history's copy first, then the destination. */
async function presentAt(size: bigint, candidates: readonly (string | undefined)[]): Promise<string | undefined> {
  for (const path of candidates) if (path !== undefined && (await sizeOnDisk(path)) === size) return path;
  return undefined;
}

/**
 * Lists `request.folder` on the peer and enqueues every file not already present. Rejects with
 * FolderDownloadError (nothing enqueued) when the folder cannot be listed or holds more than
 * maxFiles files, and with DestinationError for a bad subfolder or layout.
 */
export async function downloadFolder(deps: FolderDownloadDeps, request: FolderDownloadRequest): Promise<FolderDownload> {
  const layout = request.layout ?? DEFAULT_DESTINATION_LAYOUT;
  const maxFiles = request.maxFiles ?? DEFAULT_MAX_FOLDER_FILES;
  const maxDepth = request.maxDepth ?? DEFAULT_MAX_FOLDER_DEPTH;
  // A bad subfolder or layout is our user's mistake: say so before asking the peer anything.
  destinationFor(deps.downloadsDir, { layout, username: request.username, remotePath: 'a\\b', subfolder: request.subfolder ?? '' });
  const listing = await listRemoteFolder(deps.client, request.username, request.folder, request.signal === undefined ? {} : { signal: request.signal });
  const { planned, refused } = plan(listing.files, request, deps.downloadsDir, listing.folder, layout, maxDepth);
  if (planned.length > maxFiles) {
    throw new FolderDownloadError(
      'too-many-files',
      `${request.username}'s folder ${JSON.stringify(listing.folder)} holds ${planned.length} files, more than ${maxFiles} for one folder download: download its subfolders one by one, or raise the limit`,
    );
  }
  if (planned.length === 0) {
    throw new FolderDownloadError('not-shared', `nothing in ${request.username}'s folder ${JSON.stringify(listing.folder)} can be downloaded (${refused.length} files refused: ${refused[0]?.reason ?? 'none listed'})`);
  }

  const history = completedFrom(deps.transfers, request.username);
  const present = await Promise.all(planned.map(({ file, destination }) => presentAt(file.size, [history.get(file.remotePath), destination.path])));
  request.signal?.throwIfAborted();
  const files: FolderFile[] = planned.map(({ file, destination }, i) => {
    const found = present[i];
    const base = { remotePath: file.remotePath, size: file.size, destination: destination.relativePath };
    if (found !== undefined) return { ...base, status: 'already-present', transferId: undefined, presentAt: found };
    const transfer = deps.transfers.download(request.username, file.remotePath, { size: file.size, to: destination.folder });
    return { ...base, status: 'enqueued', transferId: transfer.id, presentAt: undefined };
  });
  return { id: randomUUID(), username: request.username, folder: listing.folder, layout, subfolder: request.subfolder ?? '', source: listing.source, files, refused, createdAt: Date.now() };
}

const isFinal = (t: Transfer): boolean => t.state === 'completed' || t.state === 'cancelled' || (t.state === 'failed' && t.retryAt === undefined);

/** The group's files as they are now. */
export function folderProgress(transfers: Pick<FolderTransfers, 'get'>, group: FolderDownload): FolderDownloadSummary {
  const counts: Partial<Record<FolderFileState, number>> = {};
  const failed: FolderDownloadSummary['failed'] = [];
  const files: FolderDownloadSummary['files'] = [];
  let complete = true;
  let finished = true;
  for (const file of group.files) {
    const transfer = file.transferId === undefined ? undefined : transfers.get(file.transferId);
    const state: FolderFileState = file.status === 'already-present' ? 'already-present' : (transfer?.state ?? 'removed');
    counts[state] = (counts[state] ?? 0) + 1;
    files.push({ remotePath: file.remotePath, destination: file.destination, state });
    if (state !== 'completed' && state !== 'already-present') complete = false;
    if (transfer !== undefined && !isFinal(transfer)) finished = false;
    else if (state === 'failed' || state === 'cancelled' || state === 'removed') failed.push({ remotePath: file.remotePath, state, reason: transfer?.reason });
  }
  return { id: group.id, complete, finished, counts, failed, files };
}

/**
 * Settles when every file of the group is final, with the summary. `signal` stops this caller's
 * wait only (the downloads go on); rejects when the transfer manager closes first.
 */
export async function whenFolderDone(transfers: FolderTransfers, group: FolderDownload, options: { signal?: AbortSignal } = {}): Promise<FolderDownloadSummary> {
  const waits = group.files.flatMap((file) => {
    const id = file.transferId;
    if (id === undefined) return [];
    // A transfer removed meanwhile counts as removed, not as an error of the whole group.
    return [transfers.whenDone(id, options).catch((error: unknown) => (transfers.get(id) === undefined && !options.signal?.aborted ? undefined : Promise.reject(error)))];
  });
  await Promise.all(waits);
  return folderProgress(transfers, group);
}
