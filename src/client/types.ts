// What the client library hands to applications: plain objects with names that explain themselves.

import type { Folder, IncomingSearch } from '../model/shares.ts';
import type { DistributedStatus } from './distributed.ts';
import type { SearchResponse } from './search.ts';
import type { PrivilegesGiven } from './privileges.ts';
import type { RoomTicker } from './private-rooms.ts';
import type { PeerMessage, ServerResponse } from '../protocol/index.ts';

export type Presence = 'offline' | 'away' | 'online';

export interface UserStatsInfo {
  /** Average upload speed, bytes/s. */
  avgSpeed: number;
  uploads: number;
  files: number;
  folders: number;
}

export interface LoginInfo {
  username: string;
  greeting: string;
  /** Our address as the server sees it. */
  ip: string;
  privileged: boolean;
  listenPort: number;
  obfuscatedPort: number;
}

export interface PrivateMessage {
  id: number;
  /** When the server received it. */
  time: Date;
  from: string;
  text: string;
  /** False for a message stored while we were offline (or not acknowledged before). */
  isNew: boolean;
}

export interface RoomMessage {
  room: string;
  username: string;
  text: string;
}

export interface RoomMember {
  username: string;
  status: Presence;
  stats: UserStatsInfo;
  slotsFree: number;
  country: string;
}

export interface RoomState {
  room: string;
  /** Who is in the room now. */
  members: RoomMember[];
  /** Private rooms only. */
  owner?: string;
  /** Private rooms' operators; empty for public rooms. */
  operators: string[];
  /** The room's tickers (the RoomTickers that follow the join). */
  tickers: RoomTicker[];
}

export interface RoomListing {
  name: string;
  users: number;
  /** Private rooms: one we own, or one we are a member of. Absent for public rooms. */
  private?: 'owned' | 'member';
  /** Private rooms: whether we are one of its operators. */
  operator?: boolean;
}

export interface SharesListing {
  username: string;
  folders: Folder[];
  /** Folders only the user's buddies may open. */
  lockedFolders: Folder[];
}

export interface UserInfo {
  username: string;
  description: string;
  picture?: Uint8Array;
  uploadSlots: number;
  queueLength: number;
  slotsFree: boolean;
  /** 0 no one, 1 everyone, 2 user list, 3 permitted list (who may send us files). */
  uploadPermissions?: number;
}

export interface WatchResult {
  username: string;
  exists: boolean;
  status?: Presence;
  stats?: UserStatsInfo;
  country?: string;
}

export interface ClientEvents {
  loggedIn: [info: LoginInfo];
  disconnected: [info: { reason: string; willReconnect: boolean }];
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** Logged in elsewhere with the same name: the client stops and will not reconnect. */
  kicked: [];
  privateMessage: [message: PrivateMessage];
  roomMessage: [message: RoomMessage];
  roomJoined: [state: RoomState];
  roomLeft: [room: string];
  userJoinedRoom: [event: { room: string; member: RoomMember }];
  userLeftRoom: [event: { room: string; username: string }];
  publicChatMessage: [message: RoomMessage];
  userStatus: [event: { username: string; status: Presence; privileged: boolean }];
  userStats: [event: { username: string; stats: UserStatsInfo }];
  /** Part of a user's shares listing we asked for has arrived (bytes of the compressed reply): for progress bars. */
  browseProgress: [event: { username: string; bytesReceived: number; bytes: number }];
  searchRequest: [search: IncomingSearch];
  wishlistResponse: [event: { query: string; response: SearchResponse }];
  distributed: [status: DistributedStatus];
  /** An announcement from the server's administrators (AdminMessage). */
  adminMessage: [text: string];
  /** Someone added us to a private room, or made us an operator of one, or took either back. */
  roomMembershipGranted: [room: string];
  roomMembershipRevoked: [room: string];
  roomOperatorGranted: [room: string];
  roomOperatorRevoked: [room: string];
  /** What we know of a private room changed; empty lists and no owner when we are no longer in it. */
  privateRoomChanged: [event: { room: string; owner?: string; members: string[]; operators: string[] }];
  roomTickerSet: [event: { room: string; username: string; ticker: string }];
  roomTickerCleared: [event: { room: string; username: string }];
  /** A room's whole ticker list, sent after we join it. */
  roomTickers: [event: { room: string; tickers: RoomTicker[] }];
  /** The server would not let us create or enter a room (CannotCreateRoom), with its notice if one came. */
  roomCreateRefused: [event: { room: string; reason?: string }];
  /** The server announced a newly privileged user (AddPrivilegedUser). */
  privilegedUserAdded: [username: string];
  /** Someone gave us privileges; the client acknowledged the server's notification. */
  privilegesGiven: [event: PrivilegesGiven];
  /** Every message from the server, decoded, for what the typed events do not cover. */
  serverMessage: [message: ServerResponse];
  /** A P connection to a peer opened (incoming or outgoing) or closed. */
  peerConnected: [event: { username: string; address: string; obfuscated: boolean }];
  peerDisconnected: [event: { username: string; address: string; reason: string }];
  /** Every message from a peer over a P connection. */
  peerMessage: [event: { username: string; message: PeerMessage }];
  /** Something went wrong that is not the caller's to handle (a peer sent garbage, a reply could not be sent). */
  warning: [error: Error];
}

export type { Folder, IncomingSearch } from '../model/shares.ts';

export const presenceOf = (status: number): Presence => (status === 2 ? 'online' : status === 1 ? 'away' : 'offline');
