// slsk-ts/client: a Soulseek client to embed in an app.

export { Client } from './client.ts';
export type { FileConnectionHandler, LoginOptions, OfferedFile, OwnUserInfo, SearchAnswer, SearchResponder, SharesProvider } from './client.ts';
export { Search } from './search.ts';
export type { SearchEnd, SearchOptions, SearchResponse, SearchScope } from './search.ts';
export type { Recommendation, Recommendations, SimilarUser, UserInterests } from './interests.ts';
export { MAX_GIFT_DAYS, type PrivilegesGiven } from './privileges.ts';
export { MAX_TICKER_LENGTH, type PrivateRoomInfo, type RoomTicker } from './private-rooms.ts';
export { SERVER_USER } from './notices.ts';
export { UserLists, UserListError, listNameProblem, DEFAULT_MAX_LIST_ENTRIES, MAX_LIST_NAME_LENGTH } from './user-lists.ts';
export type { Buddy, IgnoredUser, UserListChange, UserListName, UserListsOptions, UserListsView } from './user-lists.ts';
export type { AudioInfo, SharedFile } from '../model/files.ts';
export { decodeAttributes, encodeAttributes } from '../model/files.ts';
export type { DistributedStatus } from './distributed.ts';
export type { EstablishedSocket } from './peers.ts';
export { CLIENT_VERSION, defaultLimits, defaultReconnect, defaultTimeouts } from './options.ts';
export type { ClientLimits, ClientLogger, ClientOptions, ClientTimeouts, ReconnectOptions } from './options.ts';
export { AbortError, ClientError, LoginError, NotConnectedError, PeerUnreachableError, ServerDisconnectedError, TimeoutError } from './errors.ts';
export type {
  ClientEvents,
  Folder,
  IncomingSearch,
  LoginInfo,
  Presence,
  PrivateMessage,
  RoomListing,
  RoomMember,
  RoomMessage,
  RoomState,
  SharesListing,
  UserInfo,
  UserStatsInfo,
  WatchResult,
} from './types.ts';
