// What the server keeps across restarts, behind one interface: the session logic talks only to
// this, so a second backend (PostgreSQL, for a server spread over several machines) can be added
// without touching it. Every method is async for that reason, even where SQLite answers at once.
// A method that resolves has made its write durable: a server killed right after loses nothing.

export interface Account {
  username: string;
  /** When the account was created (ms since the epoch). */
  createdAt: number;
  /** Banned users get no Login reply (FLOWS.md §1.3). */
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

  /** Stores a message until the recipient acknowledges it; assigns id and keeps the timestamp. */
  storePrivateMessage(message: Omit<StoredPrivateMessage, 'id'>): Promise<StoredPrivateMessage>;
  /** Messages to `username` not yet acknowledged, oldest first. */
  pendingPrivateMessages(username: string): Promise<StoredPrivateMessage[]>;
  /** Deletes a message, but only if it was sent to `username` (a user acks only their own). */
  acknowledgePrivateMessage(username: string, id: number): Promise<boolean>;

  close(): Promise<void>;
}

export class AccountExistsError extends Error {
  override readonly name = 'AccountExistsError';
  readonly username: string;
  constructor(username: string) {
    super(`an account named ${JSON.stringify(username)} already exists`);
    this.username = username;
  }
}
