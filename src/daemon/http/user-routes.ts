// The routes about other users: what a user shows (info, status, stats, address, shares, one folder,
// interests) and watching them. Spread into the route table in routes.ts. Imports only typebox: the
// browser client imports the table.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { SearchFileJson } from './search-routes.ts';

/** What servers accept as a username (the official server and ours): at most 30 characters. */
export const MAX_USERNAME_LENGTH = 30;
export const Username = Type.String({ minLength: 1, maxLength: MAX_USERNAME_LENGTH, description: 'A Soulseek username (case-sensitive)' });
const UserParams = Type.Object({ username: Username });

export const Presence = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]);

export const UserInfoJson = Type.Object(
  {
    username: Type.String(),
    description: Type.String(),
    hasPicture: Type.Boolean(),
    pictureBytes: Type.Integer({ minimum: 0, description: 'Size of the picture the user shows (0 for none)' }),
    uploadSlots: Type.Integer({ minimum: 0 }),
    queueLength: Type.Integer({ minimum: 0 }),
    slotsFree: Type.Boolean({ description: 'An upload slot is free now' }),
    uploadPermissions: Type.Optional(Type.Integer({ description: '0 no one, 1 everyone, 2 user list, 3 permitted list' })),
  },
  { title: 'UserInfo' },
);
export type UserInfoJson = Static<typeof UserInfoJson>;

export const UserStatusJson = Type.Object({ username: Type.String(), status: Presence, privileged: Type.Boolean() }, { title: 'UserStatus' });

const statsFields = {
  avgSpeed: Type.Number({ minimum: 0, description: 'Average upload speed, bytes/s' }),
  uploads: Type.Number({ minimum: 0 }),
  files: Type.Number({ minimum: 0, description: 'Files shared' }),
  folders: Type.Number({ minimum: 0, description: 'Folders shared' }),
};
export const UserStatsJson = Type.Object({ username: Type.String(), ...statsFields }, { title: 'UserStats' });

export const UserAddressJson = Type.Object(
  { username: Type.String(), ip: Type.String(), port: Type.Integer({ minimum: 0 }), obfuscatedPort: Type.Integer({ minimum: 0, description: '0 when the user has none' }) },
  { title: 'UserAddress' },
);

export const FolderJson = Type.Object({ name: Type.String({ description: 'The full virtual path of the folder' }), files: Type.Array(SearchFileJson) }, { title: 'SharedFolder' });
export type FolderJson = Static<typeof FolderJson>;

export const SharesListingJson = Type.Object(
  {
    username: Type.String(),
    folders: Type.Array(FolderJson),
    lockedFolders: Type.Array(FolderJson, { description: "Folders only the user's buddies may open" }),
    folderCount: Type.Integer({ minimum: 0 }),
    fileCount: Type.Integer({ minimum: 0 }),
    fetchedAt: Type.String({ format: 'date-time', description: 'When the listing arrived (a cached one is reused for a few minutes)' }),
  },
  { title: 'SharesListing' },
);
export type SharesListingJson = Static<typeof SharesListingJson>;

export const UserInterestsJson = Type.Object({ username: Type.String(), liked: Type.Array(Type.String()), hated: Type.Array(Type.String()) }, { title: 'UserInterests' });

export const WatchJson = Type.Object(
  {
    username: Type.String(),
    status: Presence,
    stats: Type.Optional(Type.Object(statsFields)),
    country: Type.Optional(Type.String()),
  },
  { title: 'Watch' },
);

export const userRoutes = {
  user: route({
    method: 'GET',
    path: '/api/v1/users/:username',
    access: 'read',
    summary: "A user's info, asked of the user: description, picture size, upload slots and queue (409 when unreachable, 504 when it does not answer)",
    params: UserParams,
    responses: { 200: UserInfoJson },
  }),
  userStatus: route({
    method: 'GET',
    path: '/api/v1/users/:username/status',
    access: 'read',
    summary: "A user's status (online, away, offline) and whether it is privileged, from the server",
    params: UserParams,
    responses: { 200: UserStatusJson },
  }),
  userStats: route({
    method: 'GET',
    path: '/api/v1/users/:username/stats',
    access: 'read',
    summary: "A user's upload speed, uploads and shared files and folders, from the server",
    params: UserParams,
    responses: { 200: UserStatsJson },
  }),
  userAddress: route({
    method: 'GET',
    path: '/api/v1/users/:username/address',
    access: 'read',
    summary: "Where a user listens for peers, from the server (404 when it is offline)",
    params: UserParams,
    responses: { 200: UserAddressJson },
  }),
  userBrowse: route({
    method: 'GET',
    path: '/api/v1/users/:username/browse',
    access: 'read',
    summary:
      "A user's whole share listing; browseProgress events follow the request. Callers asking at once share one request, and the listing is kept a few minutes (refresh=true asks again)",
    params: UserParams,
    query: Type.Object({ refresh: Type.Optional(Type.Boolean({ description: 'Ask the user again instead of using a listing fetched in the last minutes' })) }),
    responses: { 200: SharesListingJson },
  }),
  userFolder: route({
    method: 'GET',
    path: '/api/v1/users/:username/folder',
    access: 'read',
    summary: 'The files of one folder of a user (the folder as named in its listing)',
    params: UserParams,
    query: Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096, description: 'The folder, e.g. @@music\\Artist\\Album' }) }),
    responses: { 200: Type.Array(FolderJson) },
  }),
  userInterests: route({
    method: 'GET',
    path: '/api/v1/users/:username/interests',
    access: 'read',
    summary: "A user's liked and hated items, from the server",
    params: UserParams,
    responses: { 200: UserInterestsJson },
  }),
  watchUser: route({
    method: 'PUT',
    path: '/api/v1/users/:username/watch',
    access: 'write',
    summary: "Watch a user: its status changes arrive as userStatus events (404 when there is no such user)",
    params: UserParams,
    responses: { 200: WatchJson },
  }),
  unwatchUser: route({
    method: 'DELETE',
    path: '/api/v1/users/:username/watch',
    access: 'write',
    summary: 'Stop watching a user (buddies stay watched: remove the buddy instead)',
    params: UserParams,
    responses: { 204: Type.Null() },
  }),
} as const;
