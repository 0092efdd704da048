// The buddy list and the ignore list a client keeps, in SQLite. Buddies may open folders shared with
// buddies only; an ignored user's private messages, searches, browses and transfer requests are
// dropped (Client.setUserLists, TransferManager's isIgnored). Lookups are answered from memory —
// they run for every search that reaches us — and writes go to the file first, then to memory.

import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { migrate, type Migration } from '../storage/migrate.ts';
import { ClientError } from './errors.ts';
import { StatementCache } from '../storage/statements.ts';

/** The longest name a list takes: what servers accept as a username (the official server, ours). */
export const MAX_LIST_NAME_LENGTH = 30;
/** Most entries in each list, so a list (and every lookup set) stays bounded. */
export const DEFAULT_MAX_LIST_ENTRIES = 10_000;
export const MAX_BUDDY_NOTE_LENGTH = 1000;

// Append only: a migration that has shipped is never edited.
export const USER_LIST_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'buddies and ignored users',
    up: `
      -- Names compare with BINARY collation: Soulseek usernames are case-sensitive.
      CREATE TABLE buddies (
        name     TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND ${MAX_LIST_NAME_LENGTH}),
        note     TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= ${MAX_BUDDY_NOTE_LENGTH}),
        added_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE ignored_users (
        name     TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND ${MAX_LIST_NAME_LENGTH}),
        added_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];

export interface Buddy {
  name: string;
  /** The user's own words about the buddy; '' for none. */
  note: string;
  /** When it was added, ms since the epoch. */
  addedAt: number;
}

export interface IgnoredUser {
  name: string;
  addedAt: number;
}

export type UserListName = 'buddies' | 'ignored';

/** One change to a list, made here or (seen by refresh) by another process using the same file. */
export interface UserListChange {
  list: UserListName;
  /** `updated`: a buddy's note changed. */
  action: 'added' | 'updated' | 'removed';
  name: string;
}

export interface UserListsEvents {
  change: [change: UserListChange];
}

export interface UserListsOptions {
  /** Most entries per list (default 10,000). */
  maxEntries?: number;
  /**
   * Look for changes other processes made to the file (`slsk buddy add` while `slsk share` runs)
   * this often, in ms; 0 (default) only when refresh() is called or before a write.
   */
  refreshIntervalMs?: number;
  /** Clock for added_at (default Date.now). */
  now?: () => number;
}

/** A name or note the lists refuse, or a full list; `code` says which. */
export class UserListError extends ClientError {
  override readonly name: string = 'UserListError';
}

/** Why `name` cannot be in a list, or undefined when it can: the rules servers apply to usernames. */
export function listNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'the name is empty';
  if (name.length > MAX_LIST_NAME_LENGTH) return `the name is longer than ${MAX_LIST_NAME_LENGTH} characters`;
  if (name !== name.trim()) return 'the name has leading or trailing spaces';
  if (/[\p{C}\p{Zl}\p{Zp}]/u.test(name)) return 'the name contains control or invisible characters';
  // Its messages are the server's notices (a refused room…), not a user's.
  if (name.toLowerCase() === 'server') return '"server" is the server itself, not a user';
  return undefined;
}

function checkName(name: string): void {
  const problem = listNameProblem(name);
  if (problem !== undefined) throw new UserListError('BAD_NAME', `${JSON.stringify(String(name))} cannot be a Soulseek username: ${problem}`);
}

/** What the Client consults: a UserLists, or anything with the same lookups. */
export type UserListsView = Pick<UserLists, 'isBuddy' | 'isIgnored' | 'buddyNames' | 'on' | 'off'>;

export class UserLists extends EventEmitter<UserListsEvents> {
  readonly path: string;
  readonly maxEntries: number;
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #statements: StatementCache;
  #buddies = new Map<string, Buddy>();
  #ignored = new Map<string, IgnoredUser>();
  /** PRAGMA data_version when memory was last loaded: it changes when another connection commits. */
  #dataVersion = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(path: string, db: DatabaseSync, options: UserListsOptions) {
    super();
    this.path = path;
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_LIST_ENTRIES));
    this.#now = options.now ?? Date.now;
    this.#load();
    const interval = options.refreshIntervalMs ?? 0;
    if (interval > 0) {
      this.#timer = setInterval(() => this.refresh(), interval);
      this.#timer.unref();
    }
  }

  /** Opens (or creates, folder included) the lists file; ':memory:' keeps nothing. */
  static open(path: string, options: UserListsOptions = {}): UserLists {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: 5000 });
    try {
      if (path !== ':memory:') db.prepare('PRAGMA journal_mode = WAL').get();
      db.exec('PRAGMA synchronous = NORMAL');
      migrate(db, USER_LIST_MIGRATIONS);
      return new UserLists(path, db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // ---- lookups (memory only) --------------------------------------------------------------------

  /** Arrow functions, so they can be handed over as they are: `responder({ isBuddy: lists.isBuddy })`. */
  readonly isBuddy = (name: string): boolean => this.#buddies.has(name);
  readonly isIgnored = (name: string): boolean => this.#ignored.has(name);

  buddy(name: string): Buddy | undefined {
    const buddy = this.#buddies.get(name);
    return buddy === undefined ? undefined : { ...buddy };
  }

  /** Buddies by name. */
  buddies(): Buddy[] {
    return [...this.#buddies.values()].map((buddy) => ({ ...buddy })).sort((a, b) => compareNames(a.name, b.name));
  }

  buddyNames(): string[] {
    return [...this.#buddies.keys()];
  }

  /** Ignored users by name. */
  ignored(): IgnoredUser[] {
    return [...this.#ignored.values()].map((user) => ({ ...user })).sort((a, b) => compareNames(a.name, b.name));
  }

  // ---- writes -----------------------------------------------------------------------------------

  /**
   * Adds a buddy, or changes the note of one (`note` undefined keeps it). Returns what happened;
   * a `change` event follows unless nothing did. Throws UserListError for a bad name or note, or a
   * full list.
   */
  addBuddy(name: string, options: { note?: string } = {}): 'added' | 'updated' | 'unchanged' {
    checkName(name);
    const note = options.note;
    if (note !== undefined && (typeof note !== 'string' || note.length > MAX_BUDDY_NOTE_LENGTH)) {
      throw new UserListError('BAD_NOTE', `a buddy note is at most ${MAX_BUDDY_NOTE_LENGTH} characters`);
    }
    return this.#write(() => {
      const existing = this.#row('SELECT note FROM buddies WHERE name = ?', name);
      if (existing !== undefined) {
        if (note === undefined || note === existing['note']) return 'unchanged';
        this.#statement('UPDATE buddies SET note = ? WHERE name = ?').run(note, name);
        return { change: { list: 'buddies', action: 'updated', name }, result: 'updated' };
      }
      this.#checkRoom('buddies', 'buddy list');
      this.#statement('INSERT INTO buddies (name, note, added_at) VALUES (?, ?, ?)').run(name, note ?? '', this.#now());
      return { change: { list: 'buddies', action: 'added', name }, result: 'added' };
    });
  }

  /** False when `name` was not a buddy. */
  removeBuddy(name: string): boolean {
    return this.#remove('buddies', name);
  }

  /** Adds `name` to the ignore list; false when it was there already. */
  ignore(name: string): boolean {
    checkName(name);
    const result = this.#write(() => {
      if (this.#row('SELECT 1 AS found FROM ignored_users WHERE name = ?', name) !== undefined) return 'unchanged';
      this.#checkRoom('ignored_users', 'ignore list');
      this.#statement('INSERT INTO ignored_users (name, added_at) VALUES (?, ?)').run(name, this.#now());
      return { change: { list: 'ignored', action: 'added', name }, result: 'added' };
    });
    return result === 'added';
  }

  /** False when `name` was not ignored. */
  unignore(name: string): boolean {
    return this.#remove('ignored_users', name);
  }

  /**
   * Reloads the lists if another process changed the file since they were read, and emits a
   * `change` for each difference. Cheap when nothing changed (one PRAGMA). Returns the changes.
   */
  refresh(): UserListChange[] {
    if (!this.#db.isOpen || this.#readDataVersion() === this.#dataVersion) return [];
    const before = { buddies: this.#buddies, ignored: this.#ignored };
    this.#load();
    const changes: UserListChange[] = [];
    const diff = (list: UserListName, old: Map<string, { name: string; note?: string }>, now: Map<string, { name: string; note?: string }>): void => {
      for (const [name, entry] of now) {
        const was = old.get(name);
        if (was === undefined) changes.push({ list, action: 'added', name });
        else if (was.note !== entry.note) changes.push({ list, action: 'updated', name });
      }
      for (const name of old.keys()) if (!now.has(name)) changes.push({ list, action: 'removed', name });
    };
    diff('buddies', before.buddies, this.#buddies);
    diff('ignored', before.ignored, this.#ignored);
    for (const change of changes) this.emit('change', change);
    return changes;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#db.isOpen) this.#db.close();
  }

  // ---- internals --------------------------------------------------------------------------------

  #statement(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  #row(sql: string, name: string): Record<string, unknown> | undefined {
    return this.#statement(sql).get(name);
  }

  #readDataVersion(): number {
    return Number(this.#statement('PRAGMA data_version').get()?.['data_version'] ?? 0);
  }

  /** Memory from the file. At most maxEntries per list, oldest first, even if the file holds more. */
  #load(): void {
    // Read first: a commit landing while the rows are read then shows as a change at the next refresh.
    const version = this.#readDataVersion();
    const buddies = new Map<string, Buddy>();
    for (const row of this.#statement('SELECT name, note, added_at FROM buddies ORDER BY added_at, name LIMIT ?').all(this.maxEntries)) {
      const name = String(row['name']);
      buddies.set(name, { name, note: String(row['note']), addedAt: Number(row['added_at']) });
    }
    const ignored = new Map<string, IgnoredUser>();
    for (const row of this.#statement('SELECT name, added_at FROM ignored_users ORDER BY added_at, name LIMIT ?').all(this.maxEntries)) {
      const name = String(row['name']);
      ignored.set(name, { name, addedAt: Number(row['added_at']) });
    }
    this.#buddies = buddies;
    this.#ignored = ignored;
    this.#dataVersion = version;
  }

  #checkRoom(table: 'buddies' | 'ignored_users', what: string): void {
    const count = Number(this.#statement(`SELECT count(*) AS n FROM ${table}`).get()?.['n'] ?? 0);
    if (count >= this.maxEntries) throw new UserListError('LIST_FULL', `the ${what} is full (${this.maxEntries} names): remove someone first`);
  }

  #remove(table: 'buddies' | 'ignored_users', name: string): boolean {
    if (typeof name !== 'string') return false;
    const list: UserListName = table === 'buddies' ? 'buddies' : 'ignored';
    const result = this.#write(() => {
      const { changes } = this.#statement(`DELETE FROM ${table} WHERE name = ?`).run(name);
      return Number(changes) === 0 ? 'unchanged' : { change: { list, action: 'removed', name }, result: 'removed' };
    });
    return result === 'removed';
  }

  /**
   * One write in its own IMMEDIATE transaction (the write lock first, so two processes adding at
   * once cannot both pass the size check), memory brought up to date with the file first, so that
   * what the write returns and the event it emits are true; the change is applied to memory only
   * after the commit.
   */
  #write<R extends string>(body: () => 'unchanged' | { change: UserListChange; result: R }): R | 'unchanged' {
    this.refresh();
    this.#db.exec('BEGIN IMMEDIATE');
    let outcome: ReturnType<typeof body>;
    try {
      outcome = body();
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
    if (outcome === 'unchanged') return 'unchanged';
    // Our own commits do not move data_version; reloading keeps memory exactly the file's.
    this.#load();
    this.emit('change', outcome.change);
    return outcome.result;
  }
}

/** Case-insensitive first, so "alice" and "Alice" sit together; exact order breaks ties. */
function compareNames(a: string, b: string): number {
  const folded = a.toLowerCase().localeCompare(b.toLowerCase());
  return folded !== 0 ? folded : a < b ? -1 : a > b ? 1 : 0;
}
