// The live state of the network: who is online, who watches whom, which rooms exist and who is in
// them. Everything here is in memory; what must survive a restart goes through the store.

import { UserStatus, serverResponse, type UserStats } from '../protocol/index.ts';
import { PrivateRooms, RoomTickers } from './private-rooms.ts';
import type { StoredStats } from './store/store.ts';
import type { TokenBucket } from './rate-limit.ts';

/** What a session can do for the network: send it a frame, or close it. */
export interface SessionLink {
  send(frame: Uint8Array): boolean;
  close(detail: string): void;
}

/** A user's place in the distributed search tree, as the user reports it. */
export interface DistributedState {
  /** The user has spoken about the distributed network at all (ToggleParentSearch, BranchLevel, …). */
  participates: boolean;
  /** The user wants PotentialParents lists. */
  parentSearch: boolean;
  acceptChildren: boolean;
  /** 0 = branch root (no parent). */
  branchLevel: number;
  branchRoot: string;
  childDepth: number;
  /** When the last PotentialParents list went out (ms). */
  parentsSentAt: number;
  /** The names in that list: one of them is the parent it adopts (tree.ts infers parents from it). */
  offeredParents: string[];
  /** What the debug log last said of this user's place (tree.ts), to log changes only. */
  loggedAsRoot: boolean;
  loggedParent: string | undefined;
}

export class OnlineUser {
  readonly username: string;
  readonly link: SessionLink;
  readonly ip: string;
  port = 0;
  obfuscationType = 0;
  obfuscatedPort = 0;
  status: number = UserStatus.online;
  privileged: boolean;
  stats: StoredStats;
  /** Users this user watches (AddUser); always includes the user's own name. */
  readonly watching = new Set<string>();
  readonly rooms = new Set<Room>();
  readonly distributed: DistributedState;
  /** Receives PublicChatMessage copies of every public room message. */
  publicChat = false;
  wishlistSearchedAt = Number.NEGATIVE_INFINITY;
  readonly searches: TokenBucket;
  readonly privateMessages: TokenBucket;
  /** Told once that its private messages go too fast, until one gets through again. */
  privateMessageLimitNoticed = false;
  /** Bytes this connection has added to the database (limits.storedBytesPerConnection). */
  storedBytes = 0;
  readonly loggedInAt: number;

  constructor(init: {
    username: string;
    link: SessionLink;
    ip: string;
    privileged: boolean;
    stats: StoredStats;
    searches: TokenBucket;
    privateMessages: TokenBucket;
    now: number;
  }) {
    this.username = init.username;
    this.link = init.link;
    this.ip = init.ip;
    this.privileged = init.privileged;
    this.stats = init.stats;
    this.searches = init.searches;
    this.privateMessages = init.privateMessages;
    this.loggedInAt = init.now;
    this.distributed = {
      participates: false,
      parentSearch: false,
      acceptChildren: false,
      branchLevel: 0,
      branchRoot: init.username,
      childDepth: 0,
      parentsSentAt: 0,
      offeredParents: [],
      loggedAsRoot: false,
      loggedParent: undefined,
    };
  }

  send(frame: Uint8Array): boolean {
    return this.link.send(frame);
  }

  get wireStats(): UserStats {
    return toWireStats(this.stats);
  }
}

export function toWireStats(stats: StoredStats): UserStats {
  return {
    avgSpeed: stats.avgSpeed,
    uploads: BigInt(stats.uploads),
    sharedFileCount: stats.sharedFiles,
    sharedFolderCount: stats.sharedFolders,
  };
}

/** A room someone is in, public or private (core.network.privateRooms says which). */
export class Room {
  readonly name: string;
  /** Users in the room (joined, not private room membership), in join order, which is the order JoinRoom lists them. */
  readonly members = new Set<OnlineUser>();

  constructor(name: string) {
    this.name = name;
  }
}

export class Network {
  readonly online = new Map<string, OnlineUser>();
  /** For each watched name, the online users watching it. */
  private readonly watchers = new Map<string, Set<OnlineUser>>();
  /** Rooms someone is in; a room goes once empty. */
  readonly rooms = new Map<string, Room>();
  /** Private rooms with their owners, members and operators, whether anyone is in them or not. */
  readonly privateRooms = new PrivateRooms();
  /** Every room's tickers, kept while the room is empty. */
  readonly tickers = new RoomTickers();

  add(user: OnlineUser): void {
    this.online.set(user.username, user);
    this.watch(user, user.username);
  }

  /** Forgets an online user: leaves its rooms, drops its watches. Returns the rooms it was in. */
  remove(user: OnlineUser): Room[] {
    if (this.online.get(user.username) === user) this.online.delete(user.username);
    for (const name of user.watching) this.unwatch(user, name);
    const rooms = [...user.rooms];
    for (const room of rooms) this.leaveRoom(user, room);
    return rooms;
  }

  watch(user: OnlineUser, name: string): void {
    user.watching.add(name);
    let set = this.watchers.get(name);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(name, set);
    }
    set.add(user);
  }

  unwatch(user: OnlineUser, name: string): void {
    user.watching.delete(name);
    const set = this.watchers.get(name);
    if (set === undefined) return;
    set.delete(user);
    if (set.size === 0) this.watchers.delete(name);
  }

  isWatching(watcher: OnlineUser, name: string): boolean {
    return this.watchers.get(name)?.has(watcher) ?? false;
  }

  /** Everyone who hears about `name`: its watchers and the members of rooms it is in. */
  audienceOf(name: string, user?: OnlineUser): Set<OnlineUser> {
    const audience = new Set<OnlineUser>(this.watchers.get(name) ?? []);
    if (user !== undefined) for (const room of user.rooms) for (const member of room.members) audience.add(member);
    return audience;
  }

  /** Tells the audience of `user` its status (GetUserStatus). */
  pushStatus(username: string, status: number, privileged: boolean, user?: OnlineUser): void {
    const frame = serverResponse.GetUserStatus({ username, status, privileged });
    for (const member of this.audienceOf(username, user)) member.send(frame);
  }

  /** Tells the audience of `user` its stats (GetUserStats). */
  pushStats(user: OnlineUser): void {
    const frame = serverResponse.GetUserStats({ username: user.username, userStats: user.wireStats });
    for (const member of this.audienceOf(user.username, user)) member.send(frame);
  }

  joinRoom(user: OnlineUser, name: string): Room {
    let room = this.rooms.get(name);
    if (room === undefined) {
      room = new Room(name);
      this.rooms.set(name, room);
    }
    room.members.add(user);
    user.rooms.add(room);
    return room;
  }

  /** Removes the user from the room, tells the others, and drops the room once empty (a private room lives on in privateRooms). */
  leaveRoom(user: OnlineUser, room: Room): void {
    if (!room.members.delete(user)) return;
    user.rooms.delete(room);
    const frame = serverResponse.UserLeftRoom({ roomName: room.name, username: user.username });
    for (const member of room.members) member.send(frame);
    if (room.members.size === 0) this.rooms.delete(room.name);
  }
}
