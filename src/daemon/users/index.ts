export { DaemonUsers, MAX_INTERESTS, MAX_WATCHED, type DaemonUsersOptions } from './daemon-users.ts';
export { BrowseCache, BROWSE_DEFAULTS, type BrowseCacheOptions, type BrowseProgress, type CachedListing } from './browse-cache.ts';
export { UserServiceError, type UserServiceErrorCode } from './errors.ts';
export type { BuddyView, InterestKind, UserService } from './user-service.ts';
