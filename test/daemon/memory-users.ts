// An in-memory UserService for the HTTP tests: a few known users held in a Map, the buddy and ignore
// lists in a real UserLists on ':memory:', and the same typed errors as DaemonUsers and the client
// (offline, unreachable, no answer, not logged in). Tests change `known` and `loggedIn` to steer it.

import { NotConnectedError, PeerUnreachableError, TimeoutError, UserLists, type Folder, type IgnoredUser, type Presence, type SharesListing, type UserInfo } from '../../src/client/index.ts';
import { UserServiceError, type BuddyView, type CachedListing, type InterestKind, type UserService } from '../../src/daemon/users/index.ts';

export interface KnownUser {
  info: UserInfo;
  status: Presence;
  privileged: boolean;
  stats: { avgSpeed: number; uploads: number; files: number; folders: number };
  address: { ip: string; port: number; obfuscatedPort: number };
  listing: SharesListing;
  liked: string[];
  hated: string[];
}

const song = (filename: string, size: bigint, bitrate?: number) => ({ filename, size, extension: filename.split('.').pop()!, locked: false, attributes: [], ...(bitrate === undefined ? {} : { bitrate }) });

export const ALICE: KnownUser = {
  info: { username: 'alice', description: 'hi, I share jazz', picture: new Uint8Array(1234), uploadSlots: 2, queueLength: 5, slotsFree: false, uploadPermissions: 1 },
  status: 'online',
  privileged: true,
  stats: { avgSpeed: 250_000, uploads: 42, files: 3, folders: 2 },
  address: { ip: '10.0.0.7', port: 2234, obfuscatedPort: 2235 },
  listing: {
    username: 'alice',
    folders: [{ name: '@@jazz\\Coltrane', files: [song('01 Giant Steps.flac', 31_000_000n), song('02 Cousin Mary.mp3', 6_000_000n, 320)] }],
    lockedFolders: [{ name: '@@jazz\\Private', files: [{ ...song('demo.flac', 1000n), locked: true }] }],
  },
  liked: ['jazz', 'coltrane'],
  hated: ['noise'],
};

export class MemoryUsers implements UserService {
  readonly known = new Map<string, KnownUser>([['alice', structuredClone(ALICE)]]);
  /** Users that exist but are offline: no address, no peer connection. */
  readonly offline = new Set<string>(['bob']);
  /** Users whose peer never answers. */
  readonly silent = new Set<string>(['slowpoke']);
  readonly lists = UserLists.open(':memory:');
  readonly heard = new Map<string, Presence>();
  readonly watched = new Set<string>();
  loggedIn = true;
  browseCalls = 0;
  liked: string[] = [];
  hated: string[] = [];
  readonly #cache = new Map<string, CachedListing>();

  #user(username: string): KnownUser {
    if (!this.loggedIn) throw new NotConnectedError('user lookup');
    if (this.silent.has(username)) throw new TimeoutError(`user info of ${username}`, 60_000);
    const user = this.known.get(username);
    if (user === undefined || this.offline.has(username)) throw new PeerUnreachableError(username, 'the user is offline');
    return user;
  }

  #server(): void {
    if (!this.loggedIn) throw new NotConnectedError('server lookup');
  }

  async info(username: string): Promise<UserInfo> {
    return this.#user(username).info;
  }
  async status(username: string): Promise<{ status: Presence; privileged: boolean }> {
    this.#server();
    const user = this.known.get(username);
    return user === undefined || this.offline.has(username) ? { status: 'offline', privileged: false } : { status: user.status, privileged: user.privileged };
  }
  async stats(username: string): Promise<KnownUser['stats']> {
    this.#server();
    return this.known.get(username)?.stats ?? { avgSpeed: 0, uploads: 0, files: 0, folders: 0 };
  }
  async address(username: string): Promise<KnownUser['address']> {
    this.#server();
    const user = this.known.get(username);
    if (user === undefined || this.offline.has(username)) throw new UserServiceError('USER_OFFLINE', `${username} is offline: the server has no address for it`);
    return user.address;
  }
  async browse(username: string, options: { refresh?: boolean | undefined }): Promise<CachedListing> {
    const kept = this.#cache.get(username);
    if (kept !== undefined && options.refresh !== true) return kept;
    const user = this.#user(username);
    this.browseCalls++;
    const files = [...user.listing.folders, ...user.listing.lockedFolders].reduce((n, f) => n + f.files.length, 0);
    const entry = { listing: user.listing, fetchedAt: Date.UTC(2026, 0, 1) + this.browseCalls * 1000, folders: user.listing.folders.length + user.listing.lockedFolders.length, files };
    this.#cache.set(username, entry);
    return entry;
  }
  async folder(username: string, path: string): Promise<Folder[]> {
    const user = this.#user(username);
    return [...user.listing.folders, ...user.listing.lockedFolders].filter((f) => f.name === path);
  }
  async userInterests(username: string): Promise<{ username: string; liked: string[]; hated: string[] }> {
    this.#server();
    const user = this.known.get(username);
    return { username, liked: user?.liked ?? [], hated: user?.hated ?? [] };
  }
  async watch(username: string): Promise<{ username: string; exists: true; status: Presence; stats: KnownUser['stats'] }> {
    this.#server();
    const user = this.known.get(username);
    if (user === undefined && !this.offline.has(username)) throw new UserServiceError('NO_SUCH_USER', `the server knows no user ${JSON.stringify(username)}`);
    this.watched.add(username);
    const status = user === undefined || this.offline.has(username) ? 'offline' : user.status;
    return { username, exists: true, status, stats: user?.stats ?? { avgSpeed: 0, uploads: 0, files: 0, folders: 0 } };
  }
  unwatch(username: string): void {
    if (this.lists.isBuddy(username)) throw new UserServiceError('IS_BUDDY', `${username} is a buddy, and buddies are always watched; remove the buddy to stop watching`);
    this.watched.delete(username);
  }

  #view(username: string): BuddyView {
    const buddy = this.lists.buddy(username)!;
    return { ...buddy, status: this.heard.get(username) ?? 'unknown' };
  }
  buddies(): BuddyView[] {
    return this.lists.buddies().map((b) => this.#view(b.name));
  }
  addBuddy(username: string, note: string | undefined): BuddyView {
    this.lists.addBuddy(username, note === undefined ? {} : { note });
    return this.#view(username);
  }
  setBuddyNote(username: string, note: string): BuddyView {
    if (!this.lists.isBuddy(username)) throw new UserServiceError('NOT_FOUND', `${username} is not a buddy`);
    this.lists.addBuddy(username, { note });
    return this.#view(username);
  }
  removeBuddy(username: string): boolean {
    return this.lists.removeBuddy(username);
  }
  ignored(): IgnoredUser[] {
    return this.lists.ignored();
  }
  ignore(username: string): IgnoredUser {
    this.lists.ignore(username);
    return this.lists.ignored().find((u) => u.name === username)!;
  }
  unignore(username: string): boolean {
    return this.lists.unignore(username);
  }

  interests(): { liked: string[]; hated: string[] } {
    return { liked: [...this.liked], hated: [...this.hated] };
  }
  addInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] } {
    const [into, other] = kind === 'liked' ? [this.liked, this.hated] : [this.hated, this.liked];
    if (other.includes(item)) other.splice(other.indexOf(item), 1);
    if (!into.includes(item)) into.push(item);
    return this.interests();
  }
  removeInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] } {
    const list = kind === 'liked' ? this.liked : this.hated;
    if (!list.includes(item)) throw new UserServiceError('NOT_FOUND', `${JSON.stringify(item)} is not in the ${kind} list`);
    list.splice(list.indexOf(item), 1);
    return this.interests();
  }
  async recommendations(): Promise<{ recommendations: { item: string; score: number }[]; unrecommendations: { item: string; score: number }[] }> {
    this.#server();
    // Items other known users like that we do not, scored by how many like them.
    const scores = new Map<string, number>();
    for (const user of this.known.values()) for (const item of user.liked) if (!this.liked.includes(item) && !this.hated.includes(item)) scores.set(item, (scores.get(item) ?? 0) + 1);
    return { recommendations: [...scores].map(([item, score]) => ({ item, score })), unrecommendations: [] };
  }
  async globalRecommendations(): Promise<{ recommendations: { item: string; score: number }[]; unrecommendations: { item: string; score: number }[] }> {
    this.#server();
    const scores = new Map<string, number>();
    for (const user of this.known.values()) {
      for (const item of user.liked) scores.set(item, (scores.get(item) ?? 0) + 1);
      for (const item of user.hated) scores.set(item, (scores.get(item) ?? 0) - 1);
    }
    const all = [...scores].map(([item, score]) => ({ item, score }));
    return { recommendations: all.filter((r) => r.score > 0), unrecommendations: all.filter((r) => r.score < 0) };
  }
  async itemRecommendations(item: string): Promise<{ recommendations: { item: string; score: number }[]; unrecommendations: { item: string; score: number }[] }> {
    this.#server();
    // What users who like `item` also like.
    const scores = new Map<string, number>();
    for (const user of this.known.values()) if (user.liked.includes(item)) for (const other of user.liked) if (other !== item) scores.set(other, (scores.get(other) ?? 0) + 1);
    return { recommendations: [...scores].map(([name, score]) => ({ item: name, score })), unrecommendations: [] };
  }
  async itemSimilarUsers(item: string): Promise<string[]> {
    this.#server();
    return [...this.known.values()].filter((user) => user.liked.includes(item)).map((user) => user.info.username);
  }
  async similarUsers(): Promise<{ username: string; rating: number }[]> {
    this.#server();
    return [...this.known.values()]
      .map((user) => ({ username: user.info.username, rating: user.liked.filter((item) => this.liked.includes(item)).length }))
      .filter((user) => user.rating > 0);
  }
}
