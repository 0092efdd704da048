// An in-memory TransferService for the HTTP tests: the daemon's own index, destination planning and
// folder JSON (src/daemon/transfers) over transfers kept in a Map instead of a TransferManager, and
// remote folders seeded by the test instead of a peer's listing. A real implementation of the
// interface, not a mock: the HTTP layer (validation, statuses, JSON) is what these tests exercise.

import { randomUUID } from 'node:crypto';
import { FolderDownloadError, type FolderDownload, type FolderFile } from '../../src/daemon/downloads/index.ts';
import type { ClearTransfersQuery, EnqueueDownloads, EnqueueFolder, FolderDownloadJson, TransferJson, TransferList, TransferListQuery } from '../../src/daemon/http/transfer-routes.ts';
import type { TransferService } from '../../src/daemon/http/services.ts';
import { checkRemoteFolder, folderJson, isFinal, noTransfer, planDownloads, TransferIndex, TransferRequestError } from '../../src/daemon/transfers/index.ts';
import { destinationFor } from '../../src/transfers/destination.ts';
import type { Transfer } from '../../src/transfers/index.ts';

export const MEMORY_DOWNLOADS = '/srv/downloads';
const START = Date.parse('2026-01-01T00:00:00.000Z');

export class MemoryTransfers implements TransferService {
  readonly index = new TransferIndex();
  /** username → remote folder → its files, for enqueueFolder. */
  readonly remoteFolders = new Map<string, Map<string, { remotePath: string; size: bigint }[]>>();
  /** Where each enqueued download lands (absolute folder), by transfer id. */
  readonly destinations = new Map<string, string>();
  readonly #groups = new Map<string, FolderDownload>();
  #clock = START;

  #now(): number {
    return this.#clock++;
  }

  /** A transfer as the manager would have it, put in the list. */
  add(fields: Partial<Transfer> & Pick<Transfer, 'username' | 'filename'>): Transfer {
    const now = this.#now();
    const transfer: Transfer = {
      id: randomUUID(),
      direction: 'download',
      size: undefined,
      bytes: 0n,
      offset: 0n,
      speed: 0,
      eta: undefined,
      state: 'queued',
      reason: undefined,
      place: undefined,
      attempts: 0,
      retryAt: undefined,
      localPath: undefined,
      createdAt: now,
      updatedAt: now,
      finishedAt: undefined,
      ...fields,
    };
    this.index.put(transfer);
    return transfer;
  }

  #change(id: string, fields: Partial<Transfer>): TransferJson {
    const transfer = this.index.get(id);
    if (transfer === undefined) throw noTransfer(id);
    this.index.put({ ...transfer, ...fields, updatedAt: this.#now() });
    return this.get(id);
  }

  list(query: TransferListQuery): TransferList {
    return this.index.list(query);
  }

  get(id: string): TransferJson {
    const json = this.index.json(id);
    if (json === undefined) throw noTransfer(id);
    return json;
  }

  enqueue(request: EnqueueDownloads): TransferJson[] {
    return planDownloads(MEMORY_DOWNLOADS, request, 'remote-parent').map((file) => {
      const transfer = this.add({ username: request.username, filename: file.filename, size: file.size === undefined ? undefined : BigInt(file.size), destination: file.folder });
      this.destinations.set(transfer.id, file.folder);
      return this.get(transfer.id);
    });
  }

  async enqueueFolder(request: EnqueueFolder): Promise<FolderDownloadJson> {
    checkRemoteFolder(request.folder, '/body/folder');
    const folder = request.folder.replace(/[\\/]+$/, '').replaceAll('/', '\\');
    const listed = this.remoteFolders.get(request.username)?.get(folder);
    if (listed === undefined) throw new FolderDownloadError('not-shared', `${request.username} shares no folder ${JSON.stringify(folder)}`);
    const layout = request.layout ?? 'remote-parent';
    const files: FolderFile[] = listed.map((file) => {
      const destination = destinationFor(MEMORY_DOWNLOADS, { layout, username: request.username, remotePath: file.remotePath, remoteFolder: folder, subfolder: request.subfolder ?? '' });
      const transfer = this.add({ username: request.username, filename: file.remotePath, size: file.size, destination: destination.folder });
      return { remotePath: file.remotePath, size: file.size, destination: destination.relativePath, status: 'enqueued', transferId: transfer.id, presentAt: undefined };
    });
    const group: FolderDownload = { id: randomUUID(), username: request.username, folder, layout, subfolder: request.subfolder ?? '', source: 'browse', files, refused: [], createdAt: this.#now() };
    this.#groups.set(group.id, group);
    this.index.assignFolder(group, files.map((f) => f.transferId!));
    return folderJson(group, (id) => this.index.get(id), MEMORY_DOWNLOADS);
  }

  folder(id: string): FolderDownloadJson {
    const group = this.#groups.get(id);
    if (group === undefined) throw new TransferRequestError('not-found', `There is no folder download ${id}`);
    return folderJson(group, (transferId) => this.index.get(transferId), MEMORY_DOWNLOADS);
  }

  cancelFolder(id: string): FolderDownloadJson {
    const group = this.#groups.get(id);
    if (group === undefined) throw new TransferRequestError('not-found', `There is no folder download ${id}`);
    for (const file of group.files) if (file.transferId !== undefined && this.index.get(file.transferId) !== undefined) this.cancel(file.transferId);
    return this.folder(id);
  }

  async removeFolder(id: string): Promise<void> {
    const group = this.#groups.get(id);
    if (group === undefined) throw new TransferRequestError('not-found', `There is no folder download ${id}`);
    for (const file of group.files) if (file.transferId !== undefined && this.index.get(file.transferId) !== undefined) await this.remove(file.transferId);
    this.#groups.delete(id);
  }

  cancel(id: string): TransferJson {
    const transfer = this.index.get(id);
    if (transfer === undefined) throw noTransfer(id);
    return isFinal(transfer) ? this.get(id) : this.#change(id, { state: 'cancelled', reason: 'Cancelled', speed: 0, finishedAt: this.#clock });
  }

  retry(id: string): TransferJson {
    const transfer = this.index.get(id);
    if (transfer === undefined) throw noTransfer(id);
    if (transfer.state !== 'failed' && transfer.state !== 'cancelled') return this.get(id);
    return this.#change(id, { state: 'queued', reason: undefined, attempts: 0, retryAt: undefined, finishedAt: undefined });
  }

  async place(id: string): Promise<TransferJson> {
    const transfer = this.index.get(id);
    if (transfer === undefined) throw noTransfer(id);
    if (transfer.direction !== 'download' || transfer.state !== 'queued') throw new TransferRequestError('not-queued', `Transfer ${id} is ${transfer.state}: only a queued download has a place`);
    // The uploader's answer: behind everything queued before it with the same user.
    const ahead = this.index.select({ direction: 'download', username: transfer.username, states: new Set(['queued']) }).filter((t) => t.createdAt < transfer.createdAt).length;
    return this.#change(id, { place: ahead + 1 });
  }

  async remove(id: string): Promise<void> {
    if (this.index.delete(id) === undefined) throw noTransfer(id);
    this.destinations.delete(id);
  }

  async clear(query: ClearTransfersQuery): Promise<number> {
    const states = new Set(query.state === 'finished' ? (['completed', 'failed', 'cancelled'] as const) : [query.state]);
    const chosen = this.index.select({ direction: query.direction, username: query.username, states, final: true });
    for (const transfer of chosen) await this.remove(transfer.id);
    return chosen.length;
  }
}
