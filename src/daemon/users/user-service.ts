// What the HTTP layer needs from the users service (DaemonUsers; MemoryUsers in the route tests).
// Errors: UserServiceError (codes in errors.ts), UserListError (a bad name or note, a full list), the
// client's NotConnectedError, PeerUnreachableError and TimeoutError, ClientError INVALID_INTEREST.

import type {
  Buddy,
  Folder,
  IgnoredUser,
  Presence,
  Recommendations,
  SimilarUser,
  UserInfo,
  UserInterests,
  UserStatsInfo,
  WatchResult,
} from '../../client/index.ts';
import type { CachedListing } from './browse-cache.ts';

export type InterestKind = 'liked' | 'hated';

/** A buddy with its status as the server last told us ('unknown' before it has). */
export interface BuddyView extends Buddy {
  status: Presence | 'unknown';
  privileged?: boolean;
}

export interface UserService {
  info(username: string): Promise<UserInfo>;
  status(username: string): Promise<{ status: Presence; privileged: boolean }>;
  stats(username: string): Promise<UserStatsInfo>;
  /** Rejects with USER_OFFLINE when the server has no address for the user. */
  address(username: string): Promise<{ ip: string; port: number; obfuscatedPort: number }>;
  browse(username: string, options: { refresh?: boolean | undefined }): Promise<CachedListing>;
  folder(username: string, path: string): Promise<Folder[]>;
  userInterests(username: string): Promise<UserInterests>;
  /** Rejects with NO_SUCH_USER when the server knows no such user. */
  watch(username: string): Promise<WatchResult & { exists: true }>;
  unwatch(username: string): void;

  buddies(): BuddyView[];
  /** Adds a buddy, or sets the note of one (`note` undefined keeps it). */
  addBuddy(username: string, note: string | undefined): BuddyView;
  /** NOT_FOUND when not a buddy. */
  setBuddyNote(username: string, note: string): BuddyView;
  /** False when not a buddy. */
  removeBuddy(username: string): boolean;
  ignored(): IgnoredUser[];
  ignore(username: string): IgnoredUser;
  /** False when not ignored. */
  unignore(username: string): boolean;

  interests(): { liked: string[]; hated: string[] };
  addInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] };
  /** NOT_FOUND when the item is not in that list. */
  removeInterest(kind: InterestKind, item: string): { liked: string[]; hated: string[] };
  recommendations(): Promise<Recommendations>;
  globalRecommendations(): Promise<Recommendations>;
  similarUsers(): Promise<SimilarUser[]>;
  itemRecommendations(item: string): Promise<Recommendations>;
  /** Usernames. */
  itemSimilarUsers(item: string): Promise<string[]>;
}
