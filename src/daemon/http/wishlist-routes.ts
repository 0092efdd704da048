// The wishlist routes and their schemas (spread into the route table in routes.ts). Imports only
// typebox: the browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { SearchRecordJson } from './search-routes.ts';

const ItemId = Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F-]{36}$', description: 'The wishlist item id (a UUID)' }) });

export const WishlistItemJson = Type.Object(
  {
    id: Type.String(),
    query: Type.String(),
    filter: Type.String({ description: "Result filter (the search filter syntax); '' for none" }),
    enabled: Type.Boolean({ description: 'Run by the timer' }),
    autoDownload: Type.Boolean({ description: 'Download the best new match of each run' }),
    lastRunAt: Type.Optional(Type.String({ format: 'date-time' })),
    addedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'WishlistItem' },
);
export type WishlistItemJson = Static<typeof WishlistItemJson>;

const Query = Type.String({ minLength: 1, maxLength: 1000 });
const Filter = Type.String({ maxLength: 1000, description: 'Result filter (see the filter syntax): files not passing it are not kept nor downloaded' });
const Enabled = Type.Boolean({ description: 'Run by the timer (default true)' });
const AutoDownload = Type.Boolean({ description: 'Download the best new match of each run (default false)' });

export const AddWishlistItem = Type.Object(
  { query: Query, filter: Type.Optional(Filter), enabled: Type.Optional(Enabled), autoDownload: Type.Optional(AutoDownload) },
  { title: 'AddWishlistItem', additionalProperties: false },
);

export const UpdateWishlistItem = Type.Object(
  { query: Type.Optional(Query), filter: Type.Optional(Filter), enabled: Type.Optional(Enabled), autoDownload: Type.Optional(AutoDownload) },
  { title: 'UpdateWishlistItem', additionalProperties: false, minProperties: 1 },
);

export const WishlistRunJson = Type.Object({ item: WishlistItemJson, search: SearchRecordJson }, { title: 'WishlistRun' });

export const wishlistRoutes = {
  wishlist: route({
    method: 'GET',
    path: '/api/v1/wishlist',
    access: 'read',
    summary: 'The wishlist items, oldest first',
    responses: { 200: Type.Array(WishlistItemJson) },
  }),
  addWishlistItem: route({
    method: 'POST',
    path: '/api/v1/wishlist',
    access: 'write',
    summary: "Add a wishlist item: searched again at the server's wishlist interval, one item per tick",
    body: AddWishlistItem,
    responses: { 201: WishlistItemJson },
  }),
  updateWishlistItem: route({
    method: 'PATCH',
    path: '/api/v1/wishlist/:id',
    access: 'write',
    summary: 'Change a wishlist item (query, filter, enabled, autoDownload)',
    params: ItemId,
    body: UpdateWishlistItem,
    responses: { 200: WishlistItemJson },
  }),
  deleteWishlistItem: route({
    method: 'DELETE',
    path: '/api/v1/wishlist/:id',
    access: 'write',
    summary: 'Remove a wishlist item (searches it ran stay)',
    params: ItemId,
    responses: { 204: Type.Null() },
  }),
  runWishlistItem: route({
    method: 'POST',
    path: '/api/v1/wishlist/:id/run',
    access: 'write',
    summary: 'Run a wishlist item now as a network search (while it runs already, that run is returned)',
    params: ItemId,
    responses: { 200: WishlistRunJson },
  }),
} as const;
