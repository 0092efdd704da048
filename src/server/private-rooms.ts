// Private rooms and room tickers in memory, and the rules of who may do what in a private room.
// Loaded from the store at start; handlers change this first (so two sessions never race on it)
// and then write the store.

import type { ServerStore, StoredPrivateRoom, StoredRoomTicker } from './store/store.ts';

/** Members of one private room besides its owner. */
export const MAX_PRIVATE_ROOM_MEMBERS = 1000;
/** Private rooms one user may own. */
export const MAX_OWNED_PRIVATE_ROOMS = 20;
/** Longest ticker, in UTF-16 units (docs/flows.md §7: 1024 characters). */
export const MAX_TICKER_LENGTH = 1024;
/**
 * Tickers kept per room. Tickers outlive their authors' visits, so a busy public room would
 * otherwise collect one per passer-by forever and send them all to every joiner; past this the
 * oldest goes.
 */
export const MAX_TICKERS_PER_ROOM = 200;
/** Tickers one user keeps across rooms (joining room after room must not grow the store forever). */
export const MAX_TICKERS_PER_USER = 100;

export class PrivateRoom {
  readonly name: string;
  readonly owner: string;
  /** Everyone but the owner, in the order added; the value is the operator flag. */
  readonly members = new Map<string, boolean>();

  constructor(name: string, owner: string) {
    this.name = name;
    this.owner = owner;
  }

  /** The owner or a member: may join, read and search the room. */
  admits(username: string): boolean {
    return username === this.owner || this.members.has(username);
  }

  isOperator(username: string): boolean {
    return this.members.get(username) === true;
  }

  /** The owner and operators: may add and remove plain members. */
  manages(username: string): boolean {
    return username === this.owner || this.isOperator(username);
  }

  /** Owner first, then members in the order added. */
  everyone(): string[] {
    return [this.owner, ...this.members.keys()];
  }

  memberNames(): string[] {
    return [...this.members.keys()];
  }

  operatorNames(): string[] {
    return [...this.members].filter(([, operator]) => operator).map(([name]) => name);
  }
}

/** Every private room, with an index from each user to the rooms they own or belong to. */
export class PrivateRooms {
  private readonly rooms = new Map<string, PrivateRoom>();
  private readonly byUser = new Map<string, Set<PrivateRoom>>();

  get(name: string): PrivateRoom | undefined {
    return this.rooms.get(name);
  }

  get size(): number {
    return this.rooms.size;
  }

  values(): IterableIterator<PrivateRoom> {
    return this.rooms.values();
  }

  /** The rooms the user owns or belongs to, in the order they were joined to this user. */
  of(username: string): PrivateRoom[] {
    return [...(this.byUser.get(username) ?? [])];
  }

  ownedBy(username: string): number {
    let owned = 0;
    for (const room of this.byUser.get(username) ?? []) if (room.owner === username) owned++;
    return owned;
  }

  create(name: string, owner: string): PrivateRoom {
    const room = new PrivateRoom(name, owner);
    this.rooms.set(name, room);
    this.index(owner, room);
    return room;
  }

  /** Forgets the room and who was in it. */
  delete(room: PrivateRoom): void {
    if (this.rooms.get(room.name) !== room) return;
    this.rooms.delete(room.name);
    for (const name of room.everyone()) this.unindex(name, room);
  }

  addMember(room: PrivateRoom, username: string): void {
    room.members.set(username, false);
    this.index(username, room);
  }

  /** Takes a member (operator or not) out; the owner cannot be. */
  removeMember(room: PrivateRoom, username: string): boolean {
    if (!room.members.delete(username)) return false;
    this.unindex(username, room);
    return true;
  }

  setOperator(room: PrivateRoom, username: string, operator: boolean): void {
    if (room.members.has(username)) room.members.set(username, operator);
  }

  /** Replaces everything with the stored rooms. */
  load(stored: readonly StoredPrivateRoom[]): void {
    this.rooms.clear();
    this.byUser.clear();
    for (const entry of stored) {
      const room = this.create(entry.name, entry.owner);
      for (const member of entry.members) {
        this.addMember(room, member.username);
        if (member.operator) this.setOperator(room, member.username, true);
      }
    }
  }

  private index(username: string, room: PrivateRoom): void {
    let set = this.byUser.get(username);
    if (set === undefined) {
      set = new Set();
      this.byUser.set(username, set);
    }
    set.add(room);
  }

  private unindex(username: string, room: PrivateRoom): void {
    const set = this.byUser.get(username);
    if (set === undefined) return;
    set.delete(room);
    if (set.size === 0) this.byUser.delete(username);
  }
}

/** A ticker dropped to make room for a newer one. */
export interface EvictedTicker {
  room: string;
  username: string;
}

/** Every room's tickers (public and private), one per user per room, oldest first. */
export class RoomTickers {
  private readonly byRoom = new Map<string, Map<string, string>>();
  /** For each user, the rooms holding one of its tickers, oldest first. */
  private readonly byUser = new Map<string, Set<string>>();

  /** [username, ticker] pairs, oldest first. */
  of(room: string): [string, string][] {
    return [...(this.byRoom.get(room) ?? [])];
  }

  has(room: string, username: string): boolean {
    return this.byRoom.get(room)?.has(username) ?? false;
  }

  /**
   * Sets the user's ticker in the room as the room's newest. Returns the tickers dropped to stay
   * within MAX_TICKERS_PER_ROOM and MAX_TICKERS_PER_USER: the room's oldest, the user's oldest.
   */
  set(room: string, username: string, ticker: string): EvictedTicker[] {
    this.clear(room, username);
    const evicted: EvictedTicker[] = [];
    const tickers = this.byRoom.get(room);
    if (tickers !== undefined && tickers.size >= MAX_TICKERS_PER_ROOM) {
      const oldest = tickers.keys().next().value;
      if (oldest !== undefined && this.clear(room, oldest)) evicted.push({ room, username: oldest });
    }
    const rooms = this.byUser.get(username);
    if (rooms !== undefined && rooms.size >= MAX_TICKERS_PER_USER) {
      const oldest = rooms.values().next().value;
      if (oldest !== undefined && this.clear(oldest, username)) evicted.push({ room: oldest, username });
    }
    let roomTickers = this.byRoom.get(room);
    if (roomTickers === undefined) {
      roomTickers = new Map();
      this.byRoom.set(room, roomTickers);
    }
    roomTickers.set(username, ticker);
    let userRooms = this.byUser.get(username);
    if (userRooms === undefined) {
      userRooms = new Set();
      this.byUser.set(username, userRooms);
    }
    userRooms.add(room);
    return evicted;
  }

  clear(room: string, username: string): boolean {
    const tickers = this.byRoom.get(room);
    if (tickers === undefined || !tickers.delete(username)) return false;
    if (tickers.size === 0) this.byRoom.delete(room);
    const rooms = this.byUser.get(username);
    rooms?.delete(room);
    if (rooms?.size === 0) this.byUser.delete(username);
    return true;
  }

  /** Drops a room's tickers; returns whose they were. */
  clearRoom(room: string): string[] {
    const users = [...(this.byRoom.get(room)?.keys() ?? [])];
    for (const username of users) this.clear(room, username);
    return users;
  }

  load(stored: readonly StoredRoomTicker[]): void {
    this.byRoom.clear();
    this.byUser.clear();
    // Oldest first, so were the bounds lowered since, the newest are the ones kept.
    for (const entry of stored) this.set(entry.room, entry.username, entry.ticker);
  }
}

/** Reads the private rooms and tickers the store kept into the network's memory (server start). */
export async function loadRoomState(target: { privateRooms: PrivateRooms; tickers: RoomTickers }, store: ServerStore): Promise<void> {
  target.privateRooms.load(await store.listPrivateRooms());
  target.tickers.load(await store.listRoomTickers());
}

// ---- the rules: each returns the refusal to tell the actor, or undefined when allowed ----

export function notPrivate(name: string): string {
  return `Room ${name} is not a private room.`;
}

/** Adding `target` (online, accepting invitations: checked by the caller) to `room` by `actor`. */
export function grantMembershipProblem(room: PrivateRoom, actor: string, target: string): string | undefined {
  if (!room.manages(actor)) return `Only the owner and operators of room ${room.name} can add members.`;
  if (target === room.owner) return `User ${target} is the owner of room ${room.name}.`;
  if (room.members.has(target)) return `User ${target} is already a member of room ${room.name}.`;
  if (room.members.size >= MAX_PRIVATE_ROOM_MEMBERS) {
    return `Room ${room.name} already has ${MAX_PRIVATE_ROOM_MEMBERS} members, the most this server allows.`;
  }
  return undefined;
}

/** Removing `target` from `room` by `actor` (not by themselves: see PrivateRoomDropMembership). */
export function revokeMembershipProblem(room: PrivateRoom, actor: string, target: string): string | undefined {
  if (!room.manages(actor)) return `Only the owner and operators of room ${room.name} can remove members.`;
  if (target === room.owner) return `User ${target} is the owner of room ${room.name} and cannot be removed.`;
  if (target === actor) return `To leave room ${room.name}, drop your membership instead.`;
  if (!room.members.has(target)) return `User ${target} is not a member of room ${room.name}.`;
  if (actor !== room.owner && room.isOperator(target)) return `Operators cannot remove other operators of room ${room.name}.`;
  return undefined;
}

export function grantOperatorProblem(room: PrivateRoom, actor: string, target: string): string | undefined {
  if (actor !== room.owner) return `Only the owner of room ${room.name} can grant operator rights.`;
  if (!room.members.has(target)) return `User ${target} is not a member of room ${room.name}.`;
  if (room.isOperator(target)) return `User ${target} is already an operator of room ${room.name}.`;
  return undefined;
}

export function revokeOperatorProblem(room: PrivateRoom, actor: string, target: string): string | undefined {
  if (actor !== room.owner) return `Only the owner of room ${room.name} can revoke operator rights.`;
  if (!room.isOperator(target)) return `User ${target} is not an operator of room ${room.name}.`;
  return undefined;
}
