// The handlers of the transfer routes: the service's answers as they are, and its typed errors (and
// the folder listing's and destination's) as HTTP statuses that say what to do next.

import type { Handlers } from './route.ts';
import { LAYOUT_NAMES, TRANSFER_STATE_NAMES, type transferRoutes } from './transfer-routes.ts';
import { HttpError, notFound, mappedBy } from './errors.ts';
import type { TransferService } from './services.ts';
import { TransferRequestError } from '../transfers/errors.ts';
import { FolderDownloadError } from '../downloads/index.ts';
import { DestinationError, type DestinationLayout } from '../../transfers/destination.ts';
import type { TransferState } from '../../transfers/index.ts';

// The route table spells the layouts and states out (it imports only typebox): these fail to compile
// when the library's lists and the table's drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const layoutsMatch: Same<(typeof LAYOUT_NAMES)[number], DestinationLayout> = true;
const statesMatch: Same<(typeof TRANSFER_STATE_NAMES)[number], TransferState> = true;
void layoutsMatch;
void statesMatch;

const FOLDER_ERRORS: Record<FolderDownloadError['code'], { status: number; code: string; field?: string }> = {
  'bad-folder': { status: 400, code: 'bad_folder', field: '/body/folder' },
  'too-many-files': { status: 400, code: 'too_many_files', field: '/body/folder' },
  'not-shared': { status: 404, code: 'not_shared', field: '/body/folder' },
  locked: { status: 409, code: 'folder_locked', field: '/body/folder' },
  'not-connected': { status: 409, code: 'not_connected' },
  'peer-offline': { status: 502, code: 'peer_unavailable', field: '/body/username' },
  'peer-unreachable': { status: 502, code: 'peer_unavailable', field: '/body/username' },
  timeout: { status: 504, code: 'peer_timeout', field: '/body/username' },
};

/** The service's errors as HTTP errors; anything else goes on as a 500. */
function httpError(error: unknown): unknown {
  if (error instanceof TransferRequestError) {
    const field = error.field === undefined ? {} : { field: error.field };
    switch (error.code) {
      case 'not-found':
        return notFound(error.message);
      case 'bad-input':
        return new HttpError(400, 'bad_destination', error.message, field);
      case 'not-queued':
        return new HttpError(409, 'not_queued', error.message);
      case 'busy':
        return new HttpError(429, 'too_many_folder_listings', error.message);
      case 'peer-timeout':
        return new HttpError(504, 'peer_timeout', error.message);
    }
  }
  if (error instanceof DestinationError) {
    const field = error.code === 'bad-layout' ? '/body/layout' : error.code === 'bad-subfolder' ? '/body/subfolder' : '/body/folder';
    return new HttpError(400, 'bad_destination', error.message, { field });
  }
  if (error instanceof FolderDownloadError) {
    const mapped = FOLDER_ERRORS[error.code];
    return new HttpError(mapped.status, mapped.code, error.message, mapped.field === undefined ? {} : { field: mapped.field });
  }
  return error;
}

const mapped = mappedBy(httpError);

export function transferHandlers(transfers: TransferService): Handlers<typeof transferRoutes> {
  return {
    transfers: async ({ query }) => ({ status: 200, body: await mapped(() => transfers.list(query)) }),
    transfer: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.get(params.id)) }),
    enqueueDownloads: async ({ body }) => ({ status: 201, body: { transfers: await mapped(() => transfers.enqueue(body)) } }),
    enqueueFolder: async ({ body }) => ({ status: 201, body: await mapped(() => transfers.enqueueFolder(body)) }),
    folderDownload: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.folder(params.id)) }),
    cancelFolder: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.cancelFolder(params.id)) }),
    removeFolder: async ({ params }) => {
      await mapped(() => transfers.removeFolder(params.id));
      return { status: 204, body: null };
    },
    cancelTransfer: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.cancel(params.id)) }),
    retryTransfer: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.retry(params.id)) }),
    transferPlace: async ({ params }) => ({ status: 200, body: await mapped(() => transfers.place(params.id)) }),
    removeTransfer: async ({ params }) => {
      await mapped(() => transfers.remove(params.id));
      return { status: 204, body: null };
    },
    clearTransfers: async ({ query }) => ({ status: 200, body: { removed: await mapped(() => transfers.clear(query)) } }),
  };
}
