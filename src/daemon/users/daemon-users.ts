// The daemon's users service over the Client and the user lists: other users (info, status, stats,
// address, shares, folders, interests), watching them, our buddies and ignore list, our interests.
// Status: buddies and watched users are watched on the server (AddUser), so their changes come as
// GetUserStatus and are published as userStatus events (publishChat does that for every status the
// client hears); the first status of each, in the AddUser reply, is published here. What we last
// heard is kept for the buddy list, only for users we watch, and forgotten when we disconnect.
// Browses publish browseProgress: requested, receiving (the client's byte counts, coalesced per
// user), then received or failed.

import { NotConnectedError, type Client, type IgnoredUser, type Presence, type UserLists, type UserListChange } from '../../client/index.ts';
import type { ServerResponse } from '../../protocol/index.ts';
import type { EventHub } from '../events/index.ts';
import { MAX_INTERESTS_PER_LIST, type InterestsStore } from '../store/index.ts';
import { BrowseCache, type BrowseCacheOptions, type CachedListing } from './browse-cache.ts';
import { UserServiceError } from './errors.ts';
import type { BuddyView, InterestKind, UserService } from './user-service.ts';

/** Users watched on request (buddies are watched too, bounded by the buddy list's own cap). */
export const MAX_WATCHED = 1000;
/** Items per interest list: what we send the server at every login stays small. */
export const MAX_INTERESTS = MAX_INTERESTS_PER_LIST;

/** Where our interests are kept (the store's InterestsStore), so a restart tells the server the same lists. */
export type InterestLists = Pick<InterestsStore, 'list' | 'add' | 'remove'>;

export interface DaemonUsersOptions {
  readonly client: Client;
  readonly lists: UserLists;
  readonly interests: InterestLists;
  readonly hub: EventHub;
  readonly browse?: Omit<BrowseCacheOptions, 'fetch' | 'onProgress'>;
  readonly maxWatched?: number;
  readonly maxInterests?: number;
}

const progressKey = (username: string): string => `browseProgress:${username}`;

interface Heard {
  status: Presence;
  privileged?: boolean;
}

export class DaemonUsers implements UserService {
  readonly #client: Client;
  readonly #lists: UserLists;
  readonly #interests: InterestLists;
  readonly #hub: EventHub;
  readonly #browses: BrowseCache;
  readonly #maxWatched: number;
  readonly #maxInterests: number;
  /** Watched on request through the API. */
  readonly #watched = new Set<string>();
  readonly #heard = new Map<string, Heard>();

  constructor(options: DaemonUsersOptions) {
    this.#client = options.client;
    this.#lists = options.lists;
    this.#interests = options.interests;
    // The client tells the server at login (and at once if logged in already).
    const kept = this.#interests.list();
    for (const item of kept.liked) this.#client.addInterest(item);
    for (const item of kept.hated) this.#client.addHatedInterest(item);
    this.#hub = options.hub;
    this.#maxWatched = options.maxWatched ?? MAX_WATCHED;
    this.#maxInterests = options.maxInterests ?? MAX_INTERESTS;
    this.#browses = new BrowseCache({
      ...options.browse,
      fetch: (username, signal) => this.#client.browse(username, { signal }),
      onProgress: (progress) => {
        // The last byte count goes out before the end it leads to.
        this.#hub.flush(progressKey(progress.username));
        this.#hub.publish('browseProgress', progress);
      },
    });
    this.#client.on('browseProgress', this.#onBrowseBytes);
    this.#client.on('userStatus', this.#onStatus);
    this.#client.on('serverMessage', this.#onServerMessage);
    this.#client.on('disconnected', this.#onDisconnected);
    this.#lists.on('change', this.#onListChange);
  }

  close(): void {
    this.#client.off('browseProgress', this.#onBrowseBytes);
    this.#client.off('userStatus', this.#onStatus);
    this.#client.off('serverMessage', this.#onServerMessage);
    this.#client.off('disconnected', this.#onDisconnected);
    this.#lists.off('change', this.#onListChange);
    this.#browses.close();
  }

  /** Listings kept and browses running (diagnostics, tests). */
  get browseCache(): BrowseCache['size'] {
    return this.#browses.size;
  }

  // ---- other users ------------------------------------------------------------------------------

  info(username: string): ReturnType<UserService['info']> {
    return this.#client.userInfo(username);
  }

  status(username: string): ReturnType<UserService['status']> {
    return this.#client.userStatus(username);
  }

  stats(username: string): ReturnType<UserService['stats']> {
    return this.#client.userStats(username);
  }

  async address(username: string): ReturnType<UserService['address']> {
    const address = await this.#client.peerAddress(username);
    if (address.ip === '0.0.0.0' && address.port === 0) throw new UserServiceError('USER_OFFLINE', `${username} is offline: the server has no address for it`);
    return address;
  }

  browse(username: string, options: { refresh?: boolean | undefined }): Promise<CachedListing> {
    // Checked first, so an offline daemon says so instead of starting a browse that cannot run.
    this.#requireLogin('browsing');
    return this.#browses.get(username, options);
  }

  folder(username: string, path: string): ReturnType<UserService['folder']> {
    return this.#client.folder(username, path);
  }

  userInterests(username: string): ReturnType<UserService['userInterests']> {
    return this.#client.userInterests(username);
  }

  async watch(username: string): ReturnType<UserService['watch']> {
    if (!this.#watched.has(username) && this.#watched.size >= this.#maxWatched) {
      throw new UserServiceError('LIMIT', `${this.#maxWatched} users are watched already; unwatch one first`);
    }
    const result = await this.#client.watch(username);
    if (!result.exists) throw new UserServiceError('NO_SUCH_USER', `the server knows no user ${JSON.stringify(username)}`);
    this.#watched.add(username);
    return { ...result, exists: true };
  }

  unwatch(username: string): void {
    if (this.#lists.isBuddy(username)) {
      throw new UserServiceError('IS_BUDDY', `${username} is a buddy, and buddies are always watched; remove the buddy to stop watching`);
    }
    this.#watched.delete(username);
    this.#heard.delete(username);
    this.#client.unwatch(username);
  }

  // ---- buddies and ignored users ------------------------------------------------------------------

  buddies(): BuddyView[] {
    return this.#lists.buddies().map((buddy) => this.#view(buddy.name)!);
  }

  addBuddy(username: string, note: string | undefined): BuddyView {
    this.#lists.addBuddy(username, note === undefined ? {} : { note });
    return this.#view(username)!;
  }

  setBuddyNote(username: string, note: string): BuddyView {
    if (!this.#lists.isBuddy(username)) throw new UserServiceError('NOT_FOUND', `${username} is not a buddy; add it with PUT /api/v1/buddies/${encodeURIComponent(username)}`);
    this.#lists.addBuddy(username, { note });
    return this.#view(username)!;
  }

  removeBuddy(username: string): boolean {
    return this.#lists.removeBuddy(username);
  }

  ignored(): IgnoredUser[] {
    return this.#lists.ignored();
  }

  ignore(username: string): IgnoredUser {
    this.#lists.ignore(username);
    this.#browses.forget(username);
    return this.#lists.ignored().find((user) => user.name === username)!;
  }

  unignore(username: string): boolean {
    return this.#lists.unignore(username);
  }

  // ---- interests ----------------------------------------------------------------------------------

  interests(): { liked: string[]; hated: string[] } {
    const { liked, hated } = this.#client.interests;
    return { liked: [...liked], hated: [...hated] };
  }

  addInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] } {
    const current = this.interests()[kind];
    if (!current.includes(item) && current.length >= this.#maxInterests) {
      throw new UserServiceError('LIMIT', `the ${kind} list holds ${this.#maxInterests} items already; remove one first`);
    }
    // Kept first: what the client tells the server is what a restart will tell it again.
    this.#interests.add(kind, item);
    if (kind === 'liked') this.#client.addInterest(item);
    else this.#client.addHatedInterest(item);
    return this.interests();
  }

  removeInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] } {
    if (!this.interests()[kind].includes(item)) throw new UserServiceError('NOT_FOUND', `${JSON.stringify(item)} is not in the ${kind} list; GET /api/v1/interests lists them`);
    this.#interests.remove(kind, item);
    if (kind === 'liked') this.#client.removeInterest(item);
    else this.#client.removeHatedInterest(item);
    return this.interests();
  }

  recommendations(): ReturnType<UserService['recommendations']> {
    return this.#client.recommendations();
  }

  globalRecommendations(): ReturnType<UserService['globalRecommendations']> {
    return this.#client.globalRecommendations();
  }

  similarUsers(): ReturnType<UserService['similarUsers']> {
    return this.#client.similarUsers();
  }

  itemRecommendations(item: string): ReturnType<UserService['itemRecommendations']> {
    return this.#client.itemRecommendations(item);
  }

  itemSimilarUsers(item: string): ReturnType<UserService['itemSimilarUsers']> {
    return this.#client.itemSimilarUsers(item);
  }

  // ---- status -------------------------------------------------------------------------------------

  #view(username: string): BuddyView | undefined {
    const buddy = this.#lists.buddy(username);
    if (buddy === undefined) return undefined;
    const heard = this.#heard.get(username);
    return { ...buddy, status: heard?.status ?? 'unknown', ...(heard?.privileged === undefined ? {} : { privileged: heard.privileged }) };
  }

  #tracked(username: string): boolean {
    return this.#watched.has(username) || this.#lists.isBuddy(username);
  }

  /** The client's own error, so the HTTP layer maps it as for every other call. */
  #requireLogin(what: string): void {
    if (!this.#client.loggedIn) throw new NotConnectedError(what);
  }

  readonly #onBrowseBytes = ({ username, bytesReceived, bytes }: { username: string; bytesReceived: number; bytes: number }): void => {
    this.#hub.publish('browseProgress', { username, state: 'receiving', bytesReceived, bytes }, { coalesceKey: progressKey(username) });
  };

  readonly #onStatus = (event: { username: string; status: Presence; privileged: boolean }): void => {
    if (this.#tracked(event.username)) this.#heard.set(event.username, { status: event.status, privileged: event.privileged });
  };

  /** The AddUser reply (to our watch, to a buddy added, to the watches sent at login) holds the user's status. */
  readonly #onServerMessage = (message: ServerResponse): void => {
    if (message.name !== 'AddUser' || !message.exist || message.status === undefined || !this.#tracked(message.username)) return;
    const status: Presence = message.status === 2 ? 'online' : message.status === 1 ? 'away' : 'offline';
    const privileged = this.#heard.get(message.username)?.privileged;
    this.#heard.set(message.username, privileged === undefined ? { status } : { status, privileged });
    this.#hub.publish('userStatus', privileged === undefined ? { username: message.username, status } : { username: message.username, status, privileged });
  };

  readonly #onDisconnected = (): void => {
    this.#heard.clear();
  };

  readonly #onListChange = (change: UserListChange): void => {
    if (change.list === 'buddies' && change.action === 'removed' && !this.#watched.has(change.name)) this.#heard.delete(change.name);
    if (change.list === 'ignored' && change.action === 'added') this.#browses.forget(change.name);
  };
}
