// The handlers of the user routes (user-routes.ts) and of our social lists (social-routes.ts): the
// service's values as the API's JSON, and its typed errors — and the client's — as HTTP statuses with
// a sentence saying what to try next.

import type { Handlers } from './route.ts';
import type { userRoutes, FolderJson, SharesListingJson, UserInfoJson } from './user-routes.ts';
import type { socialRoutes, BuddyJson } from './social-routes.ts';
import { HttpError, notFound } from './errors.ts';
import { fileJson } from '../searches.ts';
import { UserServiceError, type BuddyView, type CachedListing, type UserService } from '../users/index.ts';
import { ClientError, NotConnectedError, PeerUnreachableError, TimeoutError, UserListError, type Folder, type IgnoredUser, type UserInfo } from '../../client/index.ts';
import { InFlightTimeoutError } from '../../net/in-flight.ts';
import { DaemonStoreError } from '../store/errors.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const statusPath = (username: string): string => `GET /api/v1/users/${encodeURIComponent(username)}/status`;

export const folderJson = (folder: Folder): FolderJson => ({ name: folder.name, files: folder.files.map(fileJson) });

export function userInfoJson(info: UserInfo): UserInfoJson {
  return {
    username: info.username,
    description: info.description,
    hasPicture: info.picture !== undefined,
    pictureBytes: info.picture?.length ?? 0,
    uploadSlots: info.uploadSlots,
    queueLength: info.queueLength,
    slotsFree: info.slotsFree,
    ...(info.uploadPermissions === undefined ? {} : { uploadPermissions: info.uploadPermissions }),
  };
}

export function listingJson({ listing, fetchedAt, folders, files }: CachedListing): SharesListingJson {
  return {
    username: listing.username,
    folders: listing.folders.map(folderJson),
    lockedFolders: listing.lockedFolders.map(folderJson),
    folderCount: folders,
    fileCount: files,
    fetchedAt: iso(fetchedAt),
  };
}

export function buddyJson(buddy: BuddyView): BuddyJson {
  return {
    username: buddy.name,
    note: buddy.note,
    addedAt: iso(buddy.addedAt),
    status: buddy.status,
    ...(buddy.privileged === undefined ? {} : { privileged: buddy.privileged }),
  };
}

const ignoredJson = (user: IgnoredUser): { username: string; addedAt: string } => ({ username: user.name, addedAt: iso(user.addedAt) });

/** The errors of the service and the client as HTTP errors; anything else goes on as a 500. `username` is the user the request is about. */
function httpError(error: unknown, username: string | undefined): unknown {
  const who = username ?? 'the user';
  if (error instanceof UserServiceError) {
    switch (error.code) {
      case 'NO_SUCH_USER':
        return new HttpError(404, 'no_such_user', `${error.message}; check the spelling (names are case-sensitive)`);
      case 'USER_OFFLINE':
        return new HttpError(404, 'user_offline', `${error.message}; watch it (PUT /api/v1/users/${encodeURIComponent(who)}/watch) to hear when it comes back`);
      case 'NOT_FOUND':
        return notFound(error.message);
      case 'IS_BUDDY':
        return new HttpError(409, 'is_buddy', error.message);
      case 'LIMIT':
        return new HttpError(409, 'limit_reached', error.message);
      case 'BUSY':
        return new HttpError(429, 'too_many_browses', error.message);
    }
  }
  if (error instanceof UserListError) {
    if (error.code === 'BAD_NAME') return new HttpError(400, 'bad_username', error.message, { field: '/params/username' });
    if (error.code === 'BAD_NOTE') return new HttpError(400, 'validation', error.message, { field: '/body/note' });
    if (error.code === 'LIST_FULL') return new HttpError(409, 'list_full', error.message);
  }
  if (error instanceof DaemonStoreError) {
    if (error.code === 'FULL') return new HttpError(409, 'limit_reached', error.message);
    if (error.code === 'BAD_INPUT') return new HttpError(400, 'validation', error.message);
  }
  if (error instanceof NotConnectedError) {
    return new HttpError(409, 'not_connected', 'Not logged in to the Soulseek server; connect first (PUT /api/v1/application/connection) or wait for the reconnect');
  }
  if (error instanceof PeerUnreachableError) {
    return new HttpError(409, 'user_unreachable', `Cannot reach ${error.username}: ${error.message.replace(/^cannot reach [^:]*: /, '')}. It may be offline or unable to take connections; check ${statusPath(error.username)}, or try later`);
  }
  if (error instanceof TimeoutError || error instanceof InFlightTimeoutError) {
    return new HttpError(504, 'timeout', `${error.message}: ${who} (or the server) did not answer in time; it may be busy or sending a big listing. Try again later`);
  }
  if (error instanceof ClientError && error.code === 'INVALID_INTEREST') return new HttpError(400, 'validation', error.message, { field: '/params/item' });
  if (error instanceof ClientError && error.code === 'CLOSED') return new HttpError(503, 'stopping', 'The daemon is stopping; try again once it is back');
  return error;
}

async function mapped<T>(username: string | undefined, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw httpError(error, username);
  }
}

export function userHandlers(users: UserService): Handlers<typeof userRoutes & typeof socialRoutes> {
  return {
    user: async ({ params: { username } }) => ({ status: 200, body: userInfoJson(await mapped(username, () => users.info(username))) }),
    userStatus: async ({ params: { username } }) => ({ status: 200, body: { username, ...(await mapped(username, () => users.status(username))) } }),
    userStats: async ({ params: { username } }) => ({ status: 200, body: { username, ...(await mapped(username, () => users.stats(username))) } }),
    userAddress: async ({ params: { username } }) => ({ status: 200, body: { username, ...(await mapped(username, () => users.address(username))) } }),
    userBrowse: async ({ params: { username }, query }) => ({ status: 200, body: listingJson(await mapped(username, () => users.browse(username, { refresh: query.refresh }))) }),
    userFolder: async ({ params: { username }, query }) => ({ status: 200, body: (await mapped(username, () => users.folder(username, query.path))).map(folderJson) }),
    userInterests: async ({ params: { username } }) => {
      const { liked, hated } = await mapped(username, () => users.userInterests(username));
      return { status: 200, body: { username, liked, hated } };
    },
    watchUser: async ({ params: { username } }) => {
      const result = await mapped(username, () => users.watch(username));
      return {
        status: 200,
        body: {
          username,
          status: result.status ?? 'offline',
          ...(result.stats === undefined ? {} : { stats: result.stats }),
          ...(result.country === undefined || result.country === '' ? {} : { country: result.country }),
        },
      };
    },
    unwatchUser: async ({ params: { username } }) => {
      await mapped(username, () => users.unwatch(username));
      return { status: 204, body: null };
    },

    buddies: async () => ({ status: 200, body: users.buddies().map(buddyJson) }),
    addBuddy: async ({ params: { username }, body }) => ({ status: 200, body: buddyJson(await mapped(username, () => users.addBuddy(username, body.note))) }),
    setBuddyNote: async ({ params: { username }, body }) => ({ status: 200, body: buddyJson(await mapped(username, () => users.setBuddyNote(username, body.note))) }),
    removeBuddy: async ({ params: { username } }) => {
      if (!(await mapped(username, () => users.removeBuddy(username)))) throw notFound(`${username} is not a buddy; GET /api/v1/buddies lists them`);
      return { status: 204, body: null };
    },
    ignoredUsers: async () => ({ status: 200, body: users.ignored().map(ignoredJson) }),
    ignoreUser: async ({ params: { username } }) => ({ status: 200, body: ignoredJson(await mapped(username, () => users.ignore(username))) }),
    unignoreUser: async ({ params: { username } }) => {
      if (!(await mapped(username, () => users.unignore(username)))) throw notFound(`${username} is not ignored; GET /api/v1/ignored lists who is`);
      return { status: 204, body: null };
    },

    interests: async () => ({ status: 200, body: users.interests() }),
    addInterest: async ({ params }) => ({ status: 200, body: await mapped(undefined, () => users.addInterest(params.kind, params.item)) }),
    removeInterest: async ({ params }) => ({ status: 200, body: await mapped(undefined, () => users.removeInterest(params.kind, params.item)) }),
    recommendations: async () => ({ status: 200, body: await mapped(undefined, () => users.recommendations()) }),
    globalRecommendations: async () => ({ status: 200, body: await mapped(undefined, () => users.globalRecommendations()) }),
    similarUsers: async () => ({ status: 200, body: await mapped(undefined, () => users.similarUsers()) }),
    itemRecommendations: async ({ params }) => ({ status: 200, body: await mapped(undefined, () => users.itemRecommendations(params.item)) }),
    itemSimilarUsers: async ({ params }) => ({ status: 200, body: await mapped(undefined, () => users.itemSimilarUsers(params.item)) }),
  };
}
