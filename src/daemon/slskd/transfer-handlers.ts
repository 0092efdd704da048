// slskd's transfer routes over the transfer manager. Enqueued files land where slskd puts them,
// downloads/<remote parent folder>/<file> (soularr moves them from exactly there), whatever the
// daemon's own downloads.layout. Lists group by user and remote folder, the folder being the
// filename minus its last segment, byte for byte (tools match it against the search results).
//
// "Removed" (DELETE …?remove=true, all/completed) forgets the transfer in the manager (the file on
// disk stays; an unfinished download's partial file goes). slskd still finds a removed transfer by id,
// so the last REMEMBERED_REMOVED removed ones are kept here, in memory, marked `removed`.

import type { Handlers } from '../http/route.ts';
import { notFound } from '../http/errors.ts';
import { destinationFor } from '../../transfers/destination.ts';
import type { Transfer } from '../../transfers/types.ts';
import type { SlskdRoutes } from './routes.ts';
import type { Transfer as TransferJson, UserTransfers } from './schemas.ts';
import { directoryOf, dotnetDate, queryBool, timeSpan, transferStateText } from './format.ts';
import type { SlskdDeps } from './deps.ts';

type TransferRoutes = Pick<
  SlskdRoutes,
  'v0Enqueue' | 'v0Downloads' | 'v0UserDownloads' | 'v0Download' | 'v0DownloadPosition' | 'v0CancelDownload' | 'v0ClearCompletedDownloads' | 'v0Uploads'
>;

export const REMEMBERED_REMOVED = 1000;
/** How long GET …/position waits for the uploader's answer. */
const POSITION_TIMEOUT_MS = 15_000;

const isFinal = (t: Transfer): boolean => t.state === 'completed' || t.state === 'cancelled' || (t.state === 'failed' && t.retryAt === undefined);

export function transferJson(t: Transfer, removed: boolean): TransferJson {
  const size = Number(t.size ?? 0n);
  const bytes = Number(t.bytes);
  const remaining = Math.max(0, size - bytes);
  const final = isFinal(t);
  return {
    id: t.id,
    username: t.username,
    direction: t.direction === 'download' ? 'Download' : 'Upload',
    filename: t.filename,
    size,
    startOffset: 0,
    state: transferStateText(t),
    requestedAt: dotnetDate(t.createdAt),
    ...(t.state === 'requesting' ? {} : { enqueuedAt: dotnetDate(t.createdAt) }),
    ...(final && t.finishedAt !== undefined ? { endedAt: dotnetDate(t.finishedAt) } : {}),
    bytesTransferred: bytes,
    averageSpeed: t.speed,
    ...(t.place === undefined || final ? {} : { placeInQueue: t.place }),
    ...((t.state === 'failed' || t.state === 'cancelled') && t.reason !== undefined ? { exception: t.reason } : {}),
    bytesRemaining: remaining,
    percentComplete: size === 0 ? (t.state === 'completed' ? 100 : 0) : Math.min(100, (bytes / size) * 100),
    ...(t.speed > 0 && !final ? { remainingTime: timeSpan((remaining / t.speed) * 1000) } : {}),
    attempts: t.attempts,
    removed,
  };
}

/** Transfers by user, then by remote folder, in the order they were made. */
export function groupTransfers(transfers: readonly TransferJson[]): UserTransfers[] {
  const users = new Map<string, Map<string, TransferJson[]>>();
  for (const t of transfers) {
    let folders = users.get(t.username);
    if (folders === undefined) users.set(t.username, (folders = new Map()));
    const directory = directoryOf(t.filename);
    const files = folders.get(directory);
    if (files === undefined) folders.set(directory, [t]);
    else files.push(t);
  }
  return [...users].map(([username, folders]) => ({
    username,
    directories: [...folders].map(([directory, files]) => ({ directory, fileCount: files.length, files })),
  }));
}

export function transferHandlers(deps: SlskdDeps): Handlers<TransferRoutes> {
  const { transfers } = deps;
  const removed = new Map<string, Transfer>();

  const forget = async (id: string): Promise<void> => {
    transfers.cancel(id);
    const last = transfers.get(id);
    await transfers.remove(id);
    if (last === undefined) return;
    removed.set(id, last);
    if (removed.size > REMEMBERED_REMOVED) removed.delete(removed.keys().next().value!);
  };

  const listed = (direction: 'download' | 'upload', includeRemoved: boolean): TransferJson[] => {
    const kept = transfers.list({ direction }).map((t) => transferJson(t, false));
    if (!includeRemoved) return kept;
    return [...kept, ...[...removed.values()].filter((t) => t.direction === direction).map((t) => transferJson(t, true))];
  };

  const find = (id: string): TransferJson => {
    const live = transfers.get(id);
    if (live !== undefined) return transferJson(live, false);
    const gone = removed.get(id);
    if (gone !== undefined) return transferJson(gone, true);
    throw notFound(`There is no transfer ${id}`);
  };

  return {
    v0Enqueue: async ({ params, body }) => {
      const { username } = params;
      // slskd skips a file already queued or on its way from the same user (it is in `failed`, the reply still 201)
      const busy = new Set(transfers.list({ direction: 'download', finished: false }).filter((t) => t.username === username).map((t) => t.filename));
      const enqueued: TransferJson[] = [];
      const failed: { filename: string; message: string }[] = [];
      for (const file of body) {
        if (busy.has(file.filename)) {
          failed.push({ filename: file.filename, message: 'already queued or in progress' });
          continue;
        }
        try {
          const destination = destinationFor(deps.downloadsDir, { layout: 'remote-parent', username, remotePath: file.filename });
          const transfer = transfers.download(username, file.filename, { ...(file.size === undefined ? {} : { size: Math.floor(file.size) }), to: destination.folder });
          busy.add(file.filename);
          enqueued.push(transferJson(transfer, false));
        } catch (error) {
          failed.push({ filename: file.filename, message: error instanceof Error ? error.message : String(error) });
        }
      }
      return { status: 201, body: { enqueued, failed } };
    },
    v0Downloads: async ({ query }) => ({ status: 200, body: groupTransfers(listed('download', queryBool(query.includeRemoved, false))) }),
    v0UserDownloads: async ({ params }) => {
      const mine = listed('download', false).filter((t) => t.username === params.username);
      if (mine.length === 0) throw notFound(`No downloads from ${params.username}`);
      return { status: 200, body: groupTransfers(mine)[0]! };
    },
    // slskd looks the transfer up by id alone; the username in the path is not checked.
    v0Download: async ({ params }) => ({ status: 200, body: find(params.id.toLowerCase()) }),
    v0DownloadPosition: async ({ params }) => {
      const id = params.id.toLowerCase();
      find(id);
      try {
        return { status: 200, body: await transfers.placeInQueue(id, { timeoutMs: POSITION_TIMEOUT_MS }) };
      } catch (error) {
        throw notFound(`No place in the queue for ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    v0CancelDownload: async ({ params, query }) => {
      const id = params.id.toLowerCase();
      if (transfers.get(id) === undefined) {
        if (removed.has(id)) return { status: 204, body: null };
        throw notFound(`There is no transfer ${id}`);
      }
      if (queryBool(query.remove, false)) await forget(id);
      else transfers.cancel(id);
      return { status: 204, body: null };
    },
    v0ClearCompletedDownloads: async () => {
      for (const t of transfers.list({ direction: 'download' })) if (isFinal(t)) await forget(t.id);
      return { status: 204, body: null };
    },
    v0Uploads: async ({ query }) => ({ status: 200, body: groupTransfers(listed('upload', queryBool(query.includeRemoved, false))) }),
  };
}

