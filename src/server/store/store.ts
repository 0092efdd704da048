// What the server keeps across restarts, behind one interface: the session logic talks only to
// this, so a second backend (PostgreSQL, for a server spread over several machines) can be added
// without touching it. Every method is async for that reason, even where SQLite answers at once.
// A method that resolves has made its write durable: a server killed right after loses nothing.

export interface Account {
  username: string;
  /** When the account was created (ms since the epoch). */
  createdAt: number;
  /** Banned users get no Login reply (docs/flows.md §1.3). */
  banned: boolean;
  /** Administrators may use the admin commands (a later issue adds them). */
  admin: boolean;
  /** Privileges run out at this time (ms since the epoch); 0 = never privileged. */
  privilegedUntil: number;
}

/** Per-user statistics other users see (UserStats on the wire). */
export interface StoredStats {
  /** Average upload speed, bytes/second: the running mean of SendUploadSpeed samples. */
  avgSpeed: number;
  /** Completed uploads counted through SendUploadSpeed. */
  uploads: number;
  sharedFiles: number;
  sharedFolders: number;
}

export interface StoredPrivateMessage {
  /** Unique, increasing; the chat_id of PrivateChatMessage. */
  id: number;
  /** Seconds since the epoch, as the wire carries it. */
  timestamp: number;
  from: string;
  to: string;
  message: string;
}

export interface ServerStore {
  getAccount(username: string): Promise<Account | undefined>;
  /** Creates an account with the password hashed (scrypt); rejects with AccountExistsError if taken. */
  createAccount(username: string, password: string, options?: { admin?: boolean }): Promise<Account>;
  /** True when `password` is the account's password. False for an unknown user. */
  verifyPassword(username: string, password: string): Promise<boolean>;
  setPassword(username: string, password: string): Promise<boolean>;
  /** Removes the account and everything stored for it; false when there was none. */
  deleteAccount(username: string): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  /** False when there is no such account. */
  setBanned(username: string, banned: boolean): Promise<boolean>;
  setAdmin(username: string, admin: boolean): Promise<boolean>;
  setPrivilegedUntil(username: string, until: number): Promise<boolean>;

  /** Zeros for a user with nothing stored. */
  getStats(username: string): Promise<StoredStats>;
  setShared(username: string, files: number, folders: number): Promise<StoredStats>;
  /** Adds one upload and folds `speed` into the running mean of the average speed. */
  recordUpload(username: string, speed: number): Promise<StoredStats>;

  /**
   * Stores a message until the recipient acknowledges it; assigns id and keeps the timestamp. Each
   * recipient keeps a bounded number of unacknowledged messages: past it, the oldest are dropped.
   */
  storePrivateMessage(message: Omit<StoredPrivateMessage, 'id'>): Promise<StoredPrivateMessage>;
  /** Messages to `username` not yet acknowledged, oldest first. */
  pendingPrivateMessages(username: string): Promise<StoredPrivateMessage[]>;
  /** Deletes a message, but only if it was sent to `username` (a user acks only their own). */
  acknowledgePrivateMessage(username: string, id: number): Promise<boolean>;

  close(): Promise<void>;

  // ---- interests: liked and hated items, from which recommendations are computed ----
  /**
   * Puts `item` on the user's liked list (`hated` false) or hated list, taking it off the other one:
   * an item is never on both. Refused, with nothing written, when the item is longer than
   * INTEREST_MAX_LENGTH characters or the list already holds INTEREST_LIST_LIMIT items. Items are
   * stored as given; normalising them (case, spaces) is the caller's policy.
   */
  addInterest(username: string, item: string, hated: boolean): Promise<InterestAddResult>;
  /** Takes `item` off that one list; false when it was not on it. */
  removeInterest(username: string, item: string, hated: boolean): Promise<boolean>;
  /** The user's two lists, each in the order the items were added; empty for an unknown user. */
  getInterests(username: string): Promise<InterestLists>;
  /** Every stored interest of every user, per user in the order added: loads the server's index at start. */
  allInterests(): Promise<StoredInterest[]>;
  // ---- end of interests ----

  // ---- privileges ----
  /**
   * Sets both accounts' privilege ends in one transaction (a gift moves days from `from` to `to`):
   * either both are written or neither. False, with nothing written, when either account is missing.
   */
  movePrivileges(from: string, fromUntil: number, to: string, toUntil: number): Promise<boolean>;
  // ---- end of privileges ----

  // ---- private rooms and tickers ----
  /** Every private room with its owner and members, members in the order they were added. */
  listPrivateRooms(): Promise<StoredPrivateRoom[]>;
  /**
   * Creates a private room owned by `owner`. False, with nothing written, when a private room of
   * that name exists; rejects with UnknownAccountError when the owner has no account.
   */
  createPrivateRoom(name: string, owner: string): Promise<boolean>;
  /**
   * Adds a plain member (not an operator). False, with nothing written, when there is no such room,
   * the user already is a member, or the user is the owner; UnknownAccountError for a name with no account.
   */
  addPrivateRoomMember(room: string, username: string): Promise<boolean>;
  /** False when the user was not a member. */
  removePrivateRoomMember(room: string, username: string): Promise<boolean>;
  /** Sets or clears a member's operator flag; false when the user is not a member. */
  setPrivateRoomOperator(room: string, username: string, operator: boolean): Promise<boolean>;
  /** Disbands a private room: the room, its members and its tickers go in one transaction. */
  deletePrivateRoom(name: string): Promise<boolean>;
  /** The user's ticker in a room (public or private), replacing the previous one; `ticker` is not empty. */
  setRoomTicker(room: string, username: string, ticker: string): Promise<void>;
  /** False when the user had no ticker in that room. */
  clearRoomTicker(room: string, username: string): Promise<boolean>;
  /** Every ticker of every room, oldest first. */
  listRoomTickers(): Promise<StoredRoomTicker[]>;
  /** Whether others may add the user to private rooms (TogglePrivateRoomInvites); undefined for an unknown user. */
  getPrivateRoomInvites(username: string): Promise<boolean | undefined>;
  /** False when there is no such account. */
  setPrivateRoomInvites(username: string, enabled: boolean): Promise<boolean>;
  // ---- end of private rooms and tickers ----
}

export class AccountExistsError extends Error {
  override readonly name = 'AccountExistsError';
  readonly username: string;
  constructor(username: string) {
    super(`an account named ${JSON.stringify(username)} already exists`);
    this.username = username;
  }
}

// ---- interests ----
/** Longest interest, in characters (soulfind's max_interest_length). */
export const INTEREST_MAX_LENGTH = 64;
/** Most items on one list, liked or hated (soulfind's max_user_interests, applied to each list). */
export const INTEREST_LIST_LIMIT = 30;

/** Counted in code points, so an emoji is one character as a person would count it. */
export function interestTooLong(item: string): boolean {
  if (item.length <= INTEREST_MAX_LENGTH) return false;
  let count = 0;
  for (const _ of item) if (++count > INTEREST_MAX_LENGTH) return true;
  return false;
}

/** 'moved': it was on the other list. 'unchanged': it was already on this one. The rest are refusals. */
export type InterestAddResult = 'added' | 'moved' | 'unchanged' | 'too-long' | 'list-full';

export interface InterestLists {
  liked: string[];
  hated: string[];
}

export interface StoredInterest {
  username: string;
  item: string;
  hated: boolean;
}
// ---- end of interests ----

// ---- private rooms and tickers ----
export interface StoredPrivateRoom {
  name: string;
  owner: string;
  /** When the room was created (ms since the epoch). */
  createdAt: number;
  /** Everyone but the owner, in the order they were added; operators are members with `operator`. */
  members: { username: string; operator: boolean }[];
}

export interface StoredRoomTicker {
  room: string;
  username: string;
  ticker: string;
  /** When it was set (ms since the epoch). */
  setAt: number;
}
// ---- end of private rooms and tickers ----
