// The daemon's transfer service (issue 12): the download queue that outlives one command. It sits on
// the TransferManager (which queues, retries, resumes and keeps transfers.sqlite) and the folder
// downloads (src/daemon/downloads), and adds what an always-on client's API needs:
//   - a list grouped by user and remote folder with running totals, kept in memory from the
//     manager's events (transfer-index.ts), so neither a read nor a progress event scans every transfer;
//   - the destination layout applied to one file and a selection too (enqueue.ts), not only to folders;
//   - folder downloads kept as groups in daemon.sqlite, so a folder is still one group after a restart,
//     and a `folderDone` event when every file of one is final;
//   - the actions: cancel, retry, remove, clear by state, and asking the uploader for our place.

import { statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { DestinationLayout } from '../../transfers/destination.ts';
import { localFileName } from '../../transfers/paths.ts';
import type { Transfer, TransferManager, TransferState } from '../../transfers/index.ts';
import { downloadFolder, folderProgress, type FolderDownload, type FolderDownloadSummary, type FolderListingClient } from '../downloads/index.ts';
import type { EventHub } from '../events/index.ts';
import type { ClearTransfersQuery, EnqueueDownloads, EnqueueFolder, FolderDownloadJson, TransferJson, TransferList, TransferListQuery } from '../http/transfer-routes.ts';
import type { TransferService } from '../http/services.ts';
import type { FolderDownloads } from '../store/folder-downloads.ts';
import { noTransfer, TransferRequestError } from './errors.ts';
import { checkRemoteFolder, planDownloads } from './enqueue.ts';
import { isFinal, TransferIndex, type TransferGroup } from './transfer-index.ts';

/** Folder listings (browse round trips) running at once; more get 429 until one ends. */
export const MAX_FOLDER_LISTINGS = 4;
/** How long asking the uploader for our place waits for its answer. */
export const PLACE_TIMEOUT_MS = 30_000;

export type ManagedTransfers = Pick<TransferManager, 'download' | 'get' | 'list' | 'whenDone' | 'cancel' | 'retry' | 'remove' | 'placeInQueue' | 'on' | 'off'>;

export interface DaemonTransfersOptions {
  manager: ManagedTransfers;
  /** Lists remote folders (browse, folder requests). */
  client: FolderListingClient;
  folders: FolderDownloads;
  /** Publishes folderDone; transferState/transferProgress are published by daemon-events.ts. */
  hub: Pick<EventHub, 'publish'>;
  downloadsDir: string;
  /** The setting downloads.layout, read at each request. */
  layout: () => DestinationLayout;
  /** Told once each time every file of a folder download is final (the daemon's folderComplete hook). */
  onFolderDone?: (folder: FolderDownload, summary: FolderDownloadSummary) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const COMPLETED: ReadonlySet<TransferState> = new Set(['completed']);

/** A completed download's file is where it was put, at the size it was downloaded with. */
function stillOnDisk(transfer: Transfer): boolean {
  if (transfer.localPath === undefined) return false;
  try {
    const found = statSync(transfer.localPath);
    return found.isFile() && (transfer.size === undefined || BigInt(found.size) === transfer.size);
  } catch {
    return false;
  }
}
const transferIds = (group: FolderDownload): string[] => group.files.flatMap((f) => (f.transferId === undefined ? [] : [f.transferId]));

/**
 * Where a download lands, relative to the downloads folder, as its transfer says: the finished file
 * (a " (1)" the move added included), or the folder it was asked to go to. A file planned for a
 * folder download may have been queued earlier with another destination (the transfer is shared);
 * undefined when the transfer's place is outside the downloads folder or unknown.
 */
function landsAt(transfer: Transfer | undefined, downloadsDir: string): string | undefined {
  if (transfer === undefined || transfer.direction !== 'download') return undefined;
  const path = transfer.localPath ?? join(transfer.destination ?? downloadsDir, localFileName(transfer.filename));
  const inside = relative(downloadsDir, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
  return inside.split(sep).join('/');
}

/** A folder download and its files' states as the API shows them. */
export function folderJson(group: FolderDownload, get: (id: string) => Transfer | undefined, downloadsDir: string): FolderDownloadJson {
  const summary = folderProgress({ get }, group);
  return {
    id: group.id,
    username: group.username,
    folder: group.folder,
    layout: group.layout,
    subfolder: group.subfolder,
    source: group.source,
    createdAt: iso(group.createdAt),
    complete: summary.complete,
    finished: summary.finished,
    counts: { ...summary.counts },
    files: group.files.map((file, i) => ({
      remotePath: file.remotePath,
      size: Number(file.size),
      destination: (file.transferId === undefined ? undefined : landsAt(get(file.transferId), downloadsDir)) ?? file.destination,
      state: summary.files[i]!.state,
      ...(file.transferId === undefined ? {} : { transferId: file.transferId }),
    })),
    refused: group.refused.map((r) => ({ remotePath: r.remotePath, code: r.code, reason: r.reason })),
  };
}

export class DaemonTransfers implements TransferService {
  readonly index = new TransferIndex();
  readonly #options: DaemonTransfersOptions;
  readonly #groups = new Map<string, FolderDownload>();
  #listings = 0;
  readonly #onChange = (transfer: Transfer): void => this.index.put(transfer);
  readonly #onRemoved = (transfer: Transfer): void => {
    this.index.delete(transfer.id);
  };

  /** Subscribes to the manager at once: create it before manager.start(), then call load() after. */
  constructor(options: DaemonTransfersOptions) {
    this.#options = options;
    const { manager } = options;
    for (const event of ['transferAdded', 'transferProgress', 'transferPlace', 'transferDone'] as const) manager.on(event, this.#onChange);
    manager.on('transferState', this.#onChange);
    manager.on('transferRemoved', this.#onRemoved);
    this.index.onFolderFinished = (group) => this.#folderFinished(group);
    this.index.onFolderEmptied = (folderId) => this.#forgetFolder(folderId);
  }

  /**
   * Reads the transfer list (history included) and the folder groups once. Transfers already seen
   * through events keep their newer snapshot.
   */
  load(): void {
    for (const group of this.#options.folders.all()) {
      this.#groups.set(group.id, group);
      this.index.assignFolder(group, transferIds(group));
    }
    for (const transfer of this.#options.manager.list()) this.index.seed(transfer);
    // A group whose transfers were all removed while we were not looking has nothing left to show.
    for (const id of [...this.#groups.keys()]) if (!this.index.hasFolder(id)) this.#forgetFolder(id);
  }

  close(): void {
    const { manager } = this.#options;
    for (const event of ['transferAdded', 'transferProgress', 'transferPlace', 'transferDone'] as const) manager.off(event, this.#onChange);
    manager.off('transferState', this.#onChange);
    manager.off('transferRemoved', this.#onRemoved);
  }

  list(query: TransferListQuery): TransferList {
    return this.index.list(query);
  }

  get(id: string): TransferJson {
    const json = this.index.json(id);
    if (json === undefined) throw noTransfer(id);
    return json;
  }

  /**
   * Files already downloaded are recognised and not fetched again: a completed download of the same
   * user and path whose file is still on disk at its size answers for it (the folder downloads' rule).
   */
  enqueue(request: EnqueueDownloads): TransferJson[] {
    const planned = planDownloads(this.#options.downloadsDir, request, this.#options.layout());
    const completed = new Map<string, Transfer>();
    for (const done of this.index.select({ direction: 'download', username: request.username, states: COMPLETED })) completed.set(done.filename, done);
    return planned.map((file) => {
      const done = completed.get(file.filename);
      if (done !== undefined && stillOnDisk(done)) return this.index.json(done.id) ?? this.#json(done);
      const transfer = this.#options.manager.download(request.username, file.filename, { ...(file.size === undefined ? {} : { size: file.size }), to: file.folder });
      return this.index.json(transfer.id) ?? this.#json(transfer);
    });
  }

  async enqueueFolder(request: EnqueueFolder): Promise<FolderDownloadJson> {
    checkRemoteFolder(request.folder, '/body/folder');
    if (this.#listings >= MAX_FOLDER_LISTINGS) {
      throw new TransferRequestError('busy', `${MAX_FOLDER_LISTINGS} folders are being listed already; try again when one is enqueued`);
    }
    this.#listings += 1;
    let group: FolderDownload;
    try {
      group = await downloadFolder(
        { client: this.#options.client, transfers: this.#options.manager, downloadsDir: this.#options.downloadsDir },
        { username: request.username, folder: request.folder, layout: request.layout ?? this.#options.layout(), subfolder: request.subfolder ?? '' },
      );
    } finally {
      this.#listings -= 1;
    }
    const ids = transferIds(group);
    // Every file already on disk: nothing to follow, nothing to keep.
    if (ids.length > 0) {
      this.#options.folders.add(group);
      this.#groups.set(group.id, group);
      this.index.assignFolder(group, ids);
    }
    return folderJson(group, (id) => this.index.get(id), this.#options.downloadsDir);
  }

  #group(id: string): FolderDownload {
    const group = this.#groups.get(id);
    if (group === undefined) throw new TransferRequestError('not-found', `There is no folder download ${id}; GET /api/v1/transfers lists the folder groups (folderId)`);
    return group;
  }

  folder(id: string): FolderDownloadJson {
    return folderJson(this.#group(id), (transferId) => this.index.get(transferId), this.#options.downloadsDir);
  }

  cancelFolder(id: string): FolderDownloadJson {
    const group = this.#group(id);
    for (const transferId of transferIds(group)) {
      const transfer = this.index.get(transferId);
      if (transfer !== undefined && !isFinal(transfer)) this.#options.manager.cancel(transferId);
    }
    return this.folder(id);
  }

  async removeFolder(id: string): Promise<void> {
    const group = this.#group(id);
    for (const transferId of transferIds(group)) if (this.index.get(transferId) !== undefined) await this.remove(transferId);
    // Its last transfer going forgot it already, unless none was left.
    this.#forgetFolder(id);
  }

  cancel(id: string): TransferJson {
    const transfer = this.#options.manager.cancel(id);
    if (transfer === undefined) throw noTransfer(id);
    return this.#json(transfer);
  }

  retry(id: string): TransferJson {
    const transfer = this.#options.manager.retry(id);
    if (transfer === undefined) throw noTransfer(id);
    return this.#json(transfer);
  }

  async place(id: string): Promise<TransferJson> {
    const known = this.index.get(id);
    if (known === undefined) throw noTransfer(id);
    if (known.direction !== 'download' || known.state !== 'queued') {
      throw new TransferRequestError('not-queued', `Transfer ${id} is ${known.direction === 'upload' ? 'an upload' : known.state}: only a queued download has a place in the uploader's queue`);
    }
    try {
      await this.#options.manager.placeInQueue(id, { timeoutMs: PLACE_TIMEOUT_MS });
    } catch (error) {
      if (this.index.get(id)?.state !== 'queued') throw new TransferRequestError('not-queued', `Transfer ${id} left the queue while we asked; GET it to see where it is`, { cause: error });
      throw new TransferRequestError('peer-timeout', `${known.username} did not say our place within ${PLACE_TIMEOUT_MS / 1000} s; try again later`, { cause: error });
    }
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (this.index.get(id) === undefined && this.#options.manager.get(id) === undefined) throw noTransfer(id);
    await this.#options.manager.remove(id);
    // The manager's transferRemoved took it out; one it never had in its store goes too.
    this.index.delete(id);
  }

  async clear(query: ClearTransfersQuery): Promise<number> {
    const states: ReadonlySet<TransferState> = new Set(query.state === 'finished' ? ['completed', 'failed', 'cancelled'] : [query.state]);
    const chosen = this.index.select({ direction: query.direction, username: query.username, states, final: true });
    for (const transfer of chosen) await this.remove(transfer.id);
    return chosen.length;
  }

  #json(transfer: Transfer): TransferJson {
    this.index.put(transfer);
    return this.index.json(transfer.id)!;
  }

  #folderFinished(group: TransferGroup): void {
    const folder = group.folderId === undefined ? undefined : this.#groups.get(group.folderId);
    if (folder === undefined) return;
    const summary = folderProgress({ get: (id) => this.index.get(id) }, folder);
    this.#options.hub.publish('folderDone', { id: folder.id, username: folder.username, folder: folder.folder, complete: summary.complete, counts: { ...summary.counts } });
    this.#options.onFolderDone?.(folder, summary);
  }

  #forgetFolder(id: string): void {
    if (!this.#groups.delete(id)) return;
    this.#options.folders.delete(id);
  }
}
