// The server's ServerStore on one SQLite file (node:sqlite): accounts with scrypt-hashed passwords,
// user statistics and private messages waiting for an offline recipient.

import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import {
  AccountExistsError,
  type Account,
  type ServerStore,
  type StoredPrivateMessage,
  type StoredStats,
} from './store.ts';
import {
  INTEREST_LIST_LIMIT,
  interestTooLong,
  type InterestAddResult,
  type InterestLists,
  type StoredInterest,
} from './store.ts';
import type { StoredPrivateRoom, StoredRoomTicker } from './store.ts';
import { LATEST_SCHEMA_VERSION, NewerSchemaError, migrate, schemaVersion } from './migrations.ts';
import { DEFAULT_PASSWORD_COST, hashPassword, validatePasswordCost, verifyPasswordHash } from './passwords.ts';
import { StatementCache } from '../../storage/statements.ts';
import { BusyRetryQueue, DEFAULT_BUSY_RETRY_LIMIT_MS, DEFAULT_BUSY_TIMEOUT_MS, isSqliteError } from './busy-retry.ts';

export { DEFAULT_BUSY_RETRY_LIMIT_MS, DEFAULT_BUSY_TIMEOUT_MS, StoreBusyError } from './busy-retry.ts';

export interface SqliteStoreOptions {
  /** scrypt's N for new hashes (a power of two ≥ 1024); existing hashes keep the cost they were made with. */
  passwordCost?: number;
  /** Unacknowledged private messages kept per recipient (default 1000); past it the biggest sender's oldest go. */
  pendingMessagesPerRecipient?: number;
  /** Of those, how many one sender may hold (default 100, at most the inbox): past it that sender's own oldest go. */
  pendingMessagesPerSender?: number;
  /** How long one synchronous attempt may wait for another process's lock (ms, default 5): it blocks the event loop. */
  busyTimeoutMs?: number;
  /** How long a call keeps retrying, asynchronously, while another process holds the lock (ms, default 30 s). */
  busyRetryLimitMs?: number;
  /** Told of every retry after SQLITE_BUSY (1, 2, … per call that met the lock): for tests and figures. */
  onBusyRetry?: (attempt: number) => void;
}

/** Opening (and migrating) happens before anything is served, so it may wait as long as it takes. */
const OPEN_BUSY_TIMEOUT_MS = 5000;
const UINT32_MAX = 0xffff_ffff;
export const DEFAULT_PENDING_MESSAGES_PER_RECIPIENT = 1000;
export const DEFAULT_PENDING_MESSAGES_PER_SENDER = 100;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;

/** Every call on a store after close() rejects with this. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the SQLite store is closed');
  }
}

/**
 * Stats and messages belong to an account (they are deleted with it), so writing them for a name
 * with no account is refused rather than creating rows nothing would ever clean up.
 */
export class UnknownAccountError extends Error {
  override readonly name = 'UnknownAccountError';
  readonly username: string;
  constructor(username: string) {
    super(`there is no account named ${JSON.stringify(username)}`);
    this.username = username;
  }
}

export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return SqliteStore.open(path, options);
}

/**
 * DatabaseSync answers synchronously; the methods are async only because the interface is. Private
 * message ids come from AUTOINCREMENT and are capped at 2^32 − 1 by the schema, since the wire
 * carries them as uint32: past that, storing a message fails loudly instead of wrapping.
 */
export class SqliteStore implements ServerStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #passwordCost: number;
  readonly #pendingPerRecipient: number;
  readonly #pendingPerSender: number;
  readonly #statements: StatementCache;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Database work in the order it was asked for; retried from a timer while another process holds the lock. */
  readonly #queue: BusyRetryQueue;
  #closing: Promise<void> | undefined;

  private constructor(path: string, db: DatabaseSync, passwordCost: number, pendingPerRecipient: number, options: SqliteStoreOptions) {
    this.path = path;
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.#passwordCost = passwordCost;
    this.#pendingPerRecipient = pendingPerRecipient;
    this.#pendingPerSender = Math.min(pendingPerRecipient, options.pendingMessagesPerSender ?? DEFAULT_PENDING_MESSAGES_PER_SENDER);
    this.#queue = new BusyRetryQueue(path, options.busyRetryLimitMs ?? DEFAULT_BUSY_RETRY_LIMIT_MS, options.onBusyRetry);
  }

  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    if (typeof path !== 'string' || path === '') throw new TypeError('the database path must be a non-empty string');
    const passwordCost = validatePasswordCost(options.passwordCost ?? DEFAULT_PASSWORD_COST);
    const pendingPerRecipient = options.pendingMessagesPerRecipient ?? DEFAULT_PENDING_MESSAGES_PER_RECIPIENT;
    if (!Number.isInteger(pendingPerRecipient) || pendingPerRecipient < 1) {
      throw new RangeError(`pendingMessagesPerRecipient must be a whole number of at least 1, got ${String(pendingPerRecipient)}`);
    }
    const perSender = options.pendingMessagesPerSender ?? DEFAULT_PENDING_MESSAGES_PER_SENDER;
    if (!Number.isInteger(perSender) || perSender < 1) {
      throw new RangeError(`pendingMessagesPerSender must be a whole number of at least 1, got ${String(perSender)}`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new RangeError(`busyTimeoutMs must be a whole number ≥ 0, got ${String(busyTimeoutMs)}`);
    const retryLimit = options.busyRetryLimitMs ?? DEFAULT_BUSY_RETRY_LIMIT_MS;
    if (!Number.isInteger(retryLimit) || retryLimit < 0) throw new RangeError(`busyRetryLimitMs must be a whole number ≥ 0, got ${String(retryLimit)}`);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { timeout: OPEN_BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    } catch (error) {
      throw new Error(`cannot open the SQLite database ${path}`, { cause: error });
    }
    try {
      // Refuse a newer schema before anything else writes to the file (switching it to WAL included).
      const found = schemaVersion(db);
      if (found > LATEST_SCHEMA_VERSION) throw new NewerSchemaError(found, LATEST_SCHEMA_VERSION);

      // WAL + synchronous=NORMAL: a commit appends its pages to the -wal file with write() and
      // returns without fsync. Those bytes are in the OS page cache the moment write() returns,
      // so a process that dies afterwards — even by SIGKILL — loses nothing: the next open
      // replays the WAL. Only an OS crash or power cut before the next checkpoint can drop the
      // last commits (never corrupting the file); synchronous=FULL would close that window at
      // the price of an fsync per write, too slow for a server recording every upload.
      const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
      if (mode !== 'wal' && mode !== 'memory') throw new Error(`could not switch ${path} to WAL journal mode (got ${String(mode)})`);
      db.exec('PRAGMA synchronous = NORMAL');
      // Also set by the constructor option; said again because the cascades that delete an
      // account's stats and messages depend on it.
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db);
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(path, db, passwordCost, pendingPerRecipient, options);
  }

  /** The busy timeout in force on the connection (ms): the longest one synchronous attempt waits for a lock. */
  busyTimeoutMs(): number {
    return integer(this.#db.prepare('PRAGMA busy_timeout').get()?.['timeout']);
  }

  getAccount(username: string): Promise<Account | undefined> {
    return this.#run(() => {
      checkText('username', username);
      const row = this.#statement('SELECT * FROM accounts WHERE username = ?').get(username);
      return row === undefined ? undefined : toAccount(row);
    });
  }

  createAccount(username: string, password: string, options: { admin?: boolean } = {}): Promise<Account> {
    return this.#runAsync(async () => {
      checkName('username', username);
      checkText('password', password);
      if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
      const admin = options.admin ?? false;
      checkBoolean('admin', admin);
      // Cheap early answer so a taken name costs no scrypt; the INSERT below still decides when two
      // creations of one name race.
      if ((await this.#step(() => this.#statement('SELECT 1 FROM accounts WHERE username = ?').get(username))) !== undefined) {
        throw new AccountExistsError(username);
      }
      const hash = await hashPassword(password, this.#passwordCost);
      const row = await this.#step(() =>
        this.#statement(
          `INSERT INTO accounts (username, password_hash, created_at, admin) VALUES (?, ?, ?, ?)
           ON CONFLICT (username) DO NOTHING RETURNING *`,
        ).get(username, hash, Date.now(), admin ? 1 : 0),
      );
      if (row === undefined) throw new AccountExistsError(username);
      return toAccount(row);
    });
  }

  verifyPassword(username: string, password: string): Promise<boolean> {
    return this.#runAsync(async () => {
      checkText('username', username);
      checkText('password', password);
      const row = await this.#step(() => this.#statement('SELECT password_hash FROM accounts WHERE username = ?').get(username));
      // No dummy hash for unknown names: on Soulseek whether a name exists is public anyway
      // (GetUserStatus), so equalising the timing would only burn CPU.
      if (row === undefined) return false;
      return verifyPasswordHash(password, text(row['password_hash']));
    });
  }

  setPassword(username: string, password: string): Promise<boolean> {
    return this.#runAsync(async () => {
      checkText('username', username);
      checkText('password', password);
      if ((await this.#step(() => this.#statement('SELECT 1 FROM accounts WHERE username = ?').get(username))) === undefined) return false;
      const hash = await hashPassword(password, this.#passwordCost);
      return this.#step(() => changed(this.#statement('UPDATE accounts SET password_hash = ? WHERE username = ?').run(hash, username)));
    });
  }

  deleteAccount(username: string): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      // The ON DELETE CASCADE foreign keys remove stats, messages, interests, the private rooms the
      // user owns with their members, and the user's tickers. Other users' tickers in those rooms
      // have no key to follow (tickers of public rooms are stored too), so they go here: left,
      // a private room's wall would show in a public room of the same name.
      return this.#transaction(() => {
        this.#statement('DELETE FROM room_tickers WHERE room IN (SELECT name FROM private_rooms WHERE owner = ?)').run(username);
        return changed(this.#statement('DELETE FROM accounts WHERE username = ?').run(username));
      });
    });
  }

  listAccounts(): Promise<Account[]> {
    return this.#run(() => this.#statement('SELECT * FROM accounts ORDER BY username').all().map(toAccount));
  }

  setBanned(username: string, banned: boolean): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      checkBoolean('banned', banned);
      return changed(this.#statement('UPDATE accounts SET banned = ? WHERE username = ?').run(banned ? 1 : 0, username));
    });
  }

  setAdmin(username: string, admin: boolean): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      checkBoolean('admin', admin);
      return changed(this.#statement('UPDATE accounts SET admin = ? WHERE username = ?').run(admin ? 1 : 0, username));
    });
  }

  setPrivilegedUntil(username: string, until: number): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      checkTime('until', until);
      return changed(this.#statement('UPDATE accounts SET privileged_until = ? WHERE username = ?').run(until, username));
    });
  }

  getStats(username: string): Promise<StoredStats> {
    return this.#run(() => {
      checkText('username', username);
      const row = this.#statement(`SELECT ${STATS_COLUMNS} FROM stats WHERE username = ?`).get(username);
      return row === undefined ? { avgSpeed: 0, uploads: 0, sharedFiles: 0, sharedFolders: 0 } : toStats(row);
    });
  }

  setShared(username: string, files: number, folders: number): Promise<StoredStats> {
    return this.#run(() => {
      checkText('username', username);
      const fileCount = clampCount('files', files);
      const folderCount = clampCount('folders', folders);
      return this.#forAccount(username, () =>
        toStats(
          this.#statement(
            `INSERT INTO stats (username, shared_files, shared_folders) VALUES (?, ?, ?)
             ON CONFLICT (username) DO UPDATE
               SET shared_files = excluded.shared_files, shared_folders = excluded.shared_folders
             RETURNING ${STATS_COLUMNS}`,
          ).get(username, fileCount, folderCount) ?? missingRow('stats'),
        ),
      );
    });
  }

  recordUpload(username: string, speed: number): Promise<StoredStats> {
    return this.#run(() => {
      checkText('username', username);
      const sample = clampCount('speed', speed);
      return this.#forAccount(username, () =>
        // Read and write in one transaction so another process's upload cannot slip between them.
        this.#transaction(() => {
          const row = this.#statement('SELECT avg_speed, uploads FROM stats WHERE username = ?').get(username);
          const oldAvg = row === undefined ? 0 : integer(row['avg_speed']);
          const oldUploads = row === undefined ? 0 : integer(row['uploads']);
          // Doubles are exact up to 2^53 and avg·uploads < 2^64, so the error is far below the rounding.
          const avgSpeed = Math.min(UINT32_MAX, Math.round((oldAvg * oldUploads + sample) / (oldUploads + 1)));
          const uploads = Math.min(UINT32_MAX, oldUploads + 1);
          const updated = this.#statement(
            `INSERT INTO stats (username, avg_speed, uploads) VALUES (?, ?, ?)
             ON CONFLICT (username) DO UPDATE SET avg_speed = excluded.avg_speed, uploads = excluded.uploads
             RETURNING ${STATS_COLUMNS}`,
          ).get(username, avgSpeed, uploads);
          return toStats(updated ?? missingRow('stats'));
        }),
      );
    });
  }

  storePrivateMessage(message: Omit<StoredPrivateMessage, 'id'>): Promise<StoredPrivateMessage> {
    return this.#run(() => {
      if (typeof message !== 'object' || message === null) throw new TypeError('message must be an object');
      const { timestamp, from, to, message: body } = message;
      if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > UINT32_MAX) {
        throw new RangeError(`timestamp must be a uint32 count of seconds, got ${String(timestamp)}`);
      }
      checkName('from', from);
      checkName('to', to);
      checkText('message', body);
      return this.#forAccount(to, () =>
        this.#transaction(() => {
          const row = this.#statement(
            'INSERT INTO private_messages (timestamp, sender, recipient, message) VALUES (?, ?, ?, ?) RETURNING id',
          ).get(timestamp, from, to, body);
          // A bounded inbox, so a client that never acknowledges cannot grow the file forever. A
          // sender past its share loses its own oldest messages: a flood evicts only the flood.
          this.#statement(
            `DELETE FROM private_messages WHERE recipient = ? AND sender = ? AND id <= (
               SELECT id FROM private_messages WHERE recipient = ? AND sender = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
          ).run(to, from, to, from, this.#pendingPerSender);
          // Many senders within their shares can still fill it: then the one holding the most
          // (the oldest of them on a tie) gives up its oldest message.
          const count = integer(this.#statement('SELECT count(*) AS n FROM private_messages WHERE recipient = ?').get(to)?.['n']);
          for (let over = count - this.#pendingPerRecipient; over > 0; over--) {
            this.#statement(
              `DELETE FROM private_messages WHERE id = (
                 SELECT min(id) FROM private_messages WHERE recipient = ?1 AND sender = (
                   SELECT sender FROM private_messages WHERE recipient = ?1 GROUP BY sender ORDER BY count(*) DESC, min(id) LIMIT 1))`,
            ).run(to);
          }
          return { id: integer(row?.['id']), timestamp, from, to, message: body };
        }),
      );
    });
  }

  pendingPrivateMessages(username: string): Promise<StoredPrivateMessage[]> {
    return this.#run(() => {
      checkText('username', username);
      return this.#statement(
        'SELECT id, timestamp, sender, recipient, message FROM private_messages WHERE recipient = ? ORDER BY id',
      )
        .all(username)
        .map((row) => ({
          id: integer(row['id']),
          timestamp: integer(row['timestamp']),
          from: text(row['sender']),
          to: text(row['recipient']),
          message: text(row['message']),
        }));
    });
  }

  acknowledgePrivateMessage(username: string, id: number): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`id must be a non-negative integer, got ${String(id)}`);
      return changed(this.#statement('DELETE FROM private_messages WHERE id = ? AND recipient = ?').run(id, username));
    });
  }

  /** Waits for the calls already started (a createAccount may be hashing), then closes the file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled(this.#inFlight);
      this.#statements.clear();
      this.#db.close();
    })();
    return this.#closing;
  }

  /** Runs one call whose database work is synchronous, as one step of the queue (see #step). */
  #run<T>(work: () => T): Promise<T> {
    return this.#runAsync(() => this.#step(work));
  }

  /**
   * Runs one call, refusing it after close() and keeping it in #inFlight so close() does not pull
   * the database out from under an await. Argument checks happen inside, so they reject rather
   * than throw, like every other failure of an async method.
   */
  #runAsync<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new StoreClosedError());
    const call = (async () => work())();
    this.#inFlight.add(call);
    const forget = (): void => {
      this.#inFlight.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  /** Synchronous database work, in turn (see BusyRetryQueue). */
  #step<T>(work: () => T): Promise<T> {
    return this.#queue.run(work);
  }

  #statement(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  /** Synchronous on purpose: nothing may await between BEGIN and COMMIT on the shared connection. */
  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Turns the foreign key violation of a write for a name with no account into UnknownAccountError. */
  #forAccount<T>(username: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isSqliteError(error, SQLITE_CONSTRAINT_FOREIGNKEY)) throw new UnknownAccountError(username);
      throw error;
    }
  }

  // ---- privileges ----
  movePrivileges(from: string, fromUntil: number, to: string, toUntil: number): Promise<boolean> {
    return this.#run(() => {
      checkText('from', from);
      checkText('to', to);
      checkTime('fromUntil', fromUntil);
      checkTime('toUntil', toUntil);
      const update = this.#statement('UPDATE accounts SET privileged_until = ? WHERE username = ?');
      try {
        return this.#transaction(() => {
          if (!changed(update.run(fromUntil, from)) || !changed(update.run(toUntil, to))) throw new MissingAccount();
          return true;
        });
      } catch (error) {
        if (error instanceof MissingAccount) return false;
        throw error;
      }
    });
  }
  // ---- end of privileges ----

  // ---- interests ----
  addInterest(username: string, item: string, hated: boolean): Promise<InterestAddResult> {
    return this.#run(() => {
      checkText('username', username);
      checkName('item', item);
      checkBoolean('hated', hated);
      if (interestTooLong(item)) return 'too-long';
      return this.#forAccount(username, () =>
        // Count and write in one transaction so two writers cannot both take the last place.
        this.#transaction((): InterestAddResult => {
          const row = this.#statement('SELECT hated FROM interests WHERE username = ? AND item = ?').get(username, item);
          if (row !== undefined && (integer(row['hated']) === 1) === hated) return 'unchanged';
          const count = this.#statement('SELECT count(*) AS n FROM interests WHERE username = ? AND hated = ?').get(username, hated ? 1 : 0);
          if (integer(count?.['n']) >= INTEREST_LIST_LIMIT) return 'list-full';
          // A moved item counts as added now: it goes to the end of its new list. Deleted and inserted
          // again, not updated in place, so its rowid (the tie-break within one millisecond) is new too.
          if (row !== undefined) this.#statement('DELETE FROM interests WHERE username = ? AND item = ?').run(username, item);
          this.#statement('INSERT INTO interests (username, item, hated, added_at) VALUES (?, ?, ?, ?)').run(username, item, hated ? 1 : 0, Date.now());
          return row === undefined ? 'added' : 'moved';
        }),
      );
    });
  }

  removeInterest(username: string, item: string, hated: boolean): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      checkText('item', item);
      checkBoolean('hated', hated);
      return changed(
        this.#statement('DELETE FROM interests WHERE username = ? AND item = ? AND hated = ?').run(username, item, hated ? 1 : 0),
      );
    });
  }

  getInterests(username: string): Promise<InterestLists> {
    return this.#run(() => {
      checkText('username', username);
      const lists: InterestLists = { liked: [], hated: [] };
      const rows = this.#statement(`SELECT item, hated FROM interests WHERE username = ? ORDER BY ${INTEREST_ORDER}`).all(username);
      for (const row of rows) (integer(row['hated']) === 1 ? lists.hated : lists.liked).push(text(row['item']));
      return lists;
    });
  }

  allInterests(): Promise<StoredInterest[]> {
    return this.#run(() =>
      this.#statement(`SELECT username, item, hated FROM interests ORDER BY username, ${INTEREST_ORDER}`)
        .all()
        .map((row) => ({ username: text(row['username']), item: text(row['item']), hated: integer(row['hated']) === 1 })),
    );
  }
  // ---- end of interests ----

  // ---- private rooms and tickers ----
  listPrivateRooms(): Promise<StoredPrivateRoom[]> {
    return this.#run(() => {
      const rooms = new Map<string, StoredPrivateRoom>();
      for (const row of this.#statement(`SELECT name, owner, created_at FROM private_rooms ORDER BY ${ADDED_ORDER('created_at')}`).all()) {
        const name = text(row['name']);
        rooms.set(name, { name, owner: text(row['owner']), createdAt: integer(row['created_at']), members: [] });
      }
      const members = this.#statement(`SELECT room, username, operator FROM private_room_members ORDER BY ${ADDED_ORDER('added_at')}`).all();
      for (const row of members) {
        rooms.get(text(row['room']))?.members.push({ username: text(row['username']), operator: integer(row['operator']) === 1 });
      }
      return [...rooms.values()];
    });
  }

  createPrivateRoom(name: string, owner: string): Promise<boolean> {
    return this.#run(() => {
      checkName('name', name);
      checkName('owner', owner);
      return this.#forAccount(
        owner,
        () =>
          this.#statement(
            'INSERT INTO private_rooms (name, owner, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name',
          ).get(name, owner, Date.now()) !== undefined,
      );
    });
  }

  addPrivateRoomMember(room: string, username: string): Promise<boolean> {
    return this.#run(() => {
      checkName('room', room);
      checkName('username', username);
      // Checked in the transaction that inserts, so the foreign key error left can only be the user's.
      return this.#forAccount(username, () =>
        this.#transaction(() => {
          const row = this.#statement('SELECT owner FROM private_rooms WHERE name = ?').get(room);
          if (row === undefined || text(row['owner']) === username) return false;
          return changed(
            this.#statement(
              `INSERT INTO private_room_members (room, username, added_at) VALUES (?, ?, ?)
               ON CONFLICT (room, username) DO NOTHING`,
            ).run(room, username, Date.now()),
          );
        }),
      );
    });
  }

  removePrivateRoomMember(room: string, username: string): Promise<boolean> {
    return this.#run(() => {
      checkText('room', room);
      checkText('username', username);
      return changed(this.#statement('DELETE FROM private_room_members WHERE room = ? AND username = ?').run(room, username));
    });
  }

  setPrivateRoomOperator(room: string, username: string, operator: boolean): Promise<boolean> {
    return this.#run(() => {
      checkText('room', room);
      checkText('username', username);
      checkBoolean('operator', operator);
      return changed(
        this.#statement('UPDATE private_room_members SET operator = ? WHERE room = ? AND username = ?').run(operator ? 1 : 0, room, username),
      );
    });
  }

  deletePrivateRoom(name: string): Promise<boolean> {
    return this.#run(() => {
      checkText('name', name);
      return this.#transaction(() => {
        // Members go by the cascade. Tickers have no foreign key (public rooms are not stored), so
        // they are deleted here, and only when the name was a private room.
        if (!changed(this.#statement('DELETE FROM private_rooms WHERE name = ?').run(name))) return false;
        this.#statement('DELETE FROM room_tickers WHERE room = ?').run(name);
        return true;
      });
    });
  }

  setRoomTicker(room: string, username: string, ticker: string): Promise<void> {
    return this.#run(() => {
      checkName('room', room);
      checkName('username', username);
      checkName('ticker', ticker);
      // Delete and insert rather than update, so a replaced ticker gets a new rowid and sorts as the newest.
      this.#forAccount(username, () =>
        this.#transaction(() => {
          this.#statement('DELETE FROM room_tickers WHERE room = ? AND username = ?').run(room, username);
          this.#statement('INSERT INTO room_tickers (room, username, ticker, set_at) VALUES (?, ?, ?, ?)').run(room, username, ticker, Date.now());
        }),
      );
    });
  }

  clearRoomTicker(room: string, username: string): Promise<boolean> {
    return this.#run(() => {
      checkText('room', room);
      checkText('username', username);
      return changed(this.#statement('DELETE FROM room_tickers WHERE room = ? AND username = ?').run(room, username));
    });
  }

  listRoomTickers(): Promise<StoredRoomTicker[]> {
    return this.#run(() =>
      this.#statement(`SELECT room, username, ticker, set_at FROM room_tickers ORDER BY ${ADDED_ORDER('set_at')}`)
        .all()
        .map((row) => ({
          room: text(row['room']),
          username: text(row['username']),
          ticker: text(row['ticker']),
          setAt: integer(row['set_at']),
        })),
    );
  }

  getPrivateRoomInvites(username: string): Promise<boolean | undefined> {
    return this.#run(() => {
      checkText('username', username);
      const row = this.#statement('SELECT private_room_invites FROM accounts WHERE username = ?').get(username);
      return row === undefined ? undefined : integer(row['private_room_invites']) === 1;
    });
  }

  setPrivateRoomInvites(username: string, enabled: boolean): Promise<boolean> {
    return this.#run(() => {
      checkText('username', username);
      checkBoolean('enabled', enabled);
      return changed(this.#statement('UPDATE accounts SET private_room_invites = ? WHERE username = ?').run(enabled ? 1 : 0, username));
    });
  }
  // ---- end of private rooms and tickers ----
}

/** Rows in the order they were added: by their time column, rowid breaking ties within one millisecond. */
const ADDED_ORDER = (column: string): string => `${column}, rowid`;

/** Interests in the order added; rowid breaks ties within one millisecond. */
const INTEREST_ORDER = 'added_at, rowid';

/** Rolls back a privilege move when one of its accounts is gone. */
class MissingAccount extends Error {}

const STATS_COLUMNS = 'avg_speed, uploads, shared_files, shared_folders';

type Row = Record<string, SQLOutputValue>;

function toAccount(row: Row): Account {
  return {
    username: text(row['username']),
    createdAt: integer(row['created_at']),
    banned: integer(row['banned']) === 1,
    admin: integer(row['admin']) === 1,
    privilegedUntil: integer(row['privileged_until']),
  };
}

function toStats(row: Row): StoredStats {
  return {
    avgSpeed: integer(row['avg_speed']),
    uploads: integer(row['uploads']),
    sharedFiles: integer(row['shared_files']),
    sharedFolders: integer(row['shared_folders']),
  };
}

function integer(value: SQLOutputValue | undefined): number {
  if (typeof value !== 'number') throw new Error(`expected an integer column, got ${typeof value}`);
  return value;
}

function text(value: SQLOutputValue | undefined): string {
  if (typeof value !== 'string') throw new Error(`expected a text column, got ${typeof value}`);
  return value;
}

function missingRow(table: string): never {
  throw new Error(`an upsert into ${table} returned no row`);
}

function changed(result: { changes: number | bigint }): boolean {
  return Number(result.changes) > 0;
}


// SQLite stores text as UTF-8, where a lone surrogate becomes U+FFFD: two different JavaScript
// strings would then name the same row. Refusing them keeps what is stored what was asked for.
function checkText(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${typeof value}`);
  if (!value.isWellFormed()) throw new TypeError(`${what} contains a lone UTF-16 surrogate`);
}

function checkName(what: string, value: unknown): asserts value is string {
  checkText(what, value);
  if (value === '') throw new RangeError(`${what} must not be empty`);
}

function checkBoolean(what: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${typeof value}`);
}

function checkTime(what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer of milliseconds, got ${String(value)}`);
  }
}

/** Counts travel as uint32, so larger ones are stored as the largest the wire can say. */
function clampCount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return Math.min(value, UINT32_MAX);
}
