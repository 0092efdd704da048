// The handlers of the wishlist routes: the service's items as the API's JSON, and its typed errors as
// HTTP statuses that say what to do next.

import type { Handlers } from './route.ts';
import type { wishlistRoutes, WishlistItemJson } from './wishlist-routes.ts';
import { HttpError, notFound } from './errors.ts';
import type { WishlistService } from './services.ts';
import type { WishlistItem } from '../store/index.ts';
import { DaemonStoreError } from '../store/errors.ts';
import { FilterParseError } from '../search-filter.ts';
import { SearchBusyError } from '../searches.ts';
import { ClientError } from '../../client/errors.ts';
import { searchJson } from './search-handlers.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export function wishlistItemJson(item: WishlistItem): WishlistItemJson {
  return {
    id: item.id,
    query: item.query,
    filter: item.filter,
    enabled: item.enabled,
    autoDownload: item.autoDownload,
    ...(item.lastRunAt === undefined ? {} : { lastRunAt: iso(item.lastRunAt) }),
    addedAt: iso(item.addedAt),
  };
}

/** The service's errors as HTTP errors; anything else goes on as a 500. */
function httpError(error: unknown): unknown {
  if (error instanceof FilterParseError) return new HttpError(400, 'bad_filter', `filter: ${error.message}`, { field: '/body/filter' });
  if (error instanceof SearchBusyError) return new HttpError(429, 'too_many_searches', error.message);
  if (error instanceof DaemonStoreError) {
    if (error.code === 'NOT_FOUND') return notFound(error.message);
    if (error.code === 'FULL') return new HttpError(409, 'wishlist_full', error.message);
    if (error.code === 'BAD_INPUT') return new HttpError(400, 'bad_wishlist_item', error.message);
  }
  if (error instanceof ClientError && error.code === 'NOT_CONNECTED') {
    return new HttpError(409, 'not_connected', 'Not logged in to the Soulseek server; connect first (PUT /api/v1/application/connection)');
  }
  return error;
}

function mapped<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw httpError(error);
  }
}

export function wishlistHandlers(wishlist: WishlistService): Handlers<typeof wishlistRoutes> {
  return {
    wishlist: async () => ({ status: 200, body: mapped(() => wishlist.list()).map(wishlistItemJson) }),
    addWishlistItem: async ({ body }) => ({ status: 201, body: wishlistItemJson(mapped(() => wishlist.add(body))) }),
    updateWishlistItem: async ({ params, body }) => ({ status: 200, body: wishlistItemJson(mapped(() => wishlist.update(params.id, body))) }),
    deleteWishlistItem: async ({ params }) => {
      if (!mapped(() => wishlist.remove(params.id))) throw notFound(`There is no wishlist item ${params.id}; GET /api/v1/wishlist lists them`);
      return { status: 204, body: null };
    },
    runWishlistItem: async ({ params }) => {
      const run = mapped(() => wishlist.runNow(params.id));
      return { status: 200, body: { item: wishlistItemJson(run.item), search: searchJson(run.search) } };
    },
  };
}
