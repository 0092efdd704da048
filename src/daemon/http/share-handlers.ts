// The handlers of the shares routes: the service's totals, scan state, browse pages and search results
// as the API's JSON.

import type { Handlers } from './route.ts';
import type { ScanStatusJson, shareRoutes } from './share-routes.ts';
import type { SharesService } from './services.ts';
import type { ScanStatus } from '../daemon-shares.ts';
import type { OfferedFile } from '../../model/shares.ts';
import { fileJson } from '../searches.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export function scanStatusJson(status: ScanStatus): ScanStatusJson {
  const { current, last } = status;
  return {
    state: status.state,
    ...(current === undefined
      ? {}
      : {
          current: {
            reason: current.reason,
            startedAt: iso(current.startedAt),
            scannedFiles: current.progress?.scannedFiles ?? 0,
            ...(current.progress === undefined || current.progress.currentFolder === '' ? {} : { currentFolder: current.progress.currentFolder }),
          },
        }),
    ...(last === undefined
      ? {}
      : {
          last: {
            reason: last.reason,
            startedAt: iso(last.startedAt),
            finishedAt: iso(last.finishedAt),
            outcome: last.outcome,
            ...(last.summary === undefined
              ? {}
              : {
                  summary: {
                    files: last.summary.files,
                    folders: last.summary.folders,
                    added: last.summary.added,
                    changed: last.summary.changed,
                    removed: last.summary.removed,
                    skipped: last.summary.skipped,
                    warnings: last.summary.warnings,
                    durationMs: last.summary.durationMs,
                  },
                }),
            ...(last.error === undefined ? {} : { error: last.error }),
          },
        }),
    queued: status.queued,
    watchedFolders: status.watchedFolders,
    rescanIntervalMinutes: status.rescanIntervalMinutes,
  };
}

/** A search result file (a full virtual path) in the search routes' file shape. */
const offeredJson = (file: OfferedFile, locked: boolean): ReturnType<typeof fileJson> =>
  fileJson({ ...file, extension: file.extension ?? '', locked, attributes: [] });

export function shareHandlers(shares: SharesService): Handlers<typeof shareRoutes> {
  return {
    shares: async () => {
      const folders = shares.totals().map((share) => ({ name: share.name, path: share.root, visibility: share.visibility, folders: share.folders, files: share.files, bytes: share.bytes }));
      const totals = folders.reduce((sum, share) => ({ folders: sum.folders + share.folders, files: sum.files + share.files, bytes: sum.bytes + share.bytes }), { folders: 0, files: 0, bytes: 0 });
      return { status: 200, body: { folders, totals, scan: scanStatusJson(shares.status()) } };
    },
    shareScan: async () => ({ status: 200, body: scanStatusJson(shares.status()) }),
    rescanShares: async () => {
      const { joined } = shares.rescan();
      return { status: 202, body: { joined, scan: scanStatusJson(shares.status()) } };
    },
    browseShares: async ({ query }) => {
      const page = shares.browse(query.as ?? 'everyone', { after: query.after, limit: query.limit ?? 100 });
      return { status: 200, body: page.map(({ folder, locked }) => ({ name: folder.name, locked, files: folder.files.map(fileJson) })) };
    },
    searchShares: async ({ query }) => {
      const result = shares.search(query.q, query.as ?? 'everyone', query.limit ?? 500);
      return { status: 200, body: { files: result.files.map((file) => offeredJson(file, false)), lockedFiles: result.lockedFiles.map((file) => offeredJson(file, true)) } };
    },
  };
}
