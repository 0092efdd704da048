// The SQLite store's schema, as an ordered list of migrations. `PRAGMA user_version` records the
// last one applied; opening a database applies the missing ones, each in its own transaction.

import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  /** 1, 2, 3, … with no gaps: the value `user_version` holds once this migration is applied. */
  version: number;
  description: string;
  /** SQL run with `exec`, or a function for a migration that must look at the data first. */
  up: string | ((db: DatabaseSync) => void);
}

// Append only: a migration that has shipped is never edited, because databases in the field
// already hold its result. Later tables (private rooms, tickers, interests, privileges history)
// come as new entries that reference accounts(username) ON DELETE CASCADE, so deleteAccount keeps
// removing "everything stored for" a user without changing.
//
// Tables are STRICT so a value of the wrong type is refused instead of being stored as-is.
// Usernames compare with the default BINARY collation: Soulseek names are case-sensitive.
// A migration that has to rebuild a table must follow SQLite's 12-step ALTER TABLE procedure;
// `PRAGMA foreign_keys` cannot be switched off inside the transaction a migration runs in.
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, stats and offline private messages',
    up: `
      CREATE TABLE accounts (
        username         TEXT    NOT NULL PRIMARY KEY,
        password_hash    TEXT    NOT NULL,
        created_at       INTEGER NOT NULL CHECK (created_at >= 0),
        banned           INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
        admin            INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
        privileged_until INTEGER NOT NULL DEFAULT 0 CHECK (privileged_until >= 0)
      ) STRICT;

      CREATE TABLE stats (
        username       TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (username) ON DELETE CASCADE,
        avg_speed      INTEGER NOT NULL DEFAULT 0 CHECK (avg_speed BETWEEN 0 AND 4294967295),
        uploads        INTEGER NOT NULL DEFAULT 0 CHECK (uploads BETWEEN 0 AND 4294967295),
        shared_files   INTEGER NOT NULL DEFAULT 0 CHECK (shared_files BETWEEN 0 AND 4294967295),
        shared_folders INTEGER NOT NULL DEFAULT 0 CHECK (shared_folders BETWEEN 0 AND 4294967295)
      ) STRICT;

      -- AUTOINCREMENT, not a plain rowid: a plain rowid reuses the largest id after it is deleted,
      -- and a client that saw chat_id N acknowledged must never get a different message as N.
      -- The id travels as a uint32; the CHECK turns the (remote) 4-billionth message into an error
      -- instead of an id that wraps on the wire.
      -- The sender has no foreign key: a message stays deliverable after its sender is deleted.
      CREATE TABLE private_messages (
        id        INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id BETWEEN 1 AND 4294967295),
        timestamp INTEGER NOT NULL CHECK (timestamp >= 0),
        sender    TEXT    NOT NULL,
        recipient TEXT    NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        message   TEXT    NOT NULL
      ) STRICT;

      CREATE INDEX private_messages_by_recipient ON private_messages (recipient, id);
    `,
  },
  {
    version: 2,
    description: 'private rooms, their members and operators, room tickers, room invitation setting',
    up: `
      -- A private room lives as long as its owner keeps it (PrivateRoomDropOwnership disbands it)
      -- or the owner's account exists. Room names share one namespace with public rooms, which are
      -- not stored: they exist while someone is in them.
      CREATE TABLE private_rooms (
        name       TEXT    NOT NULL PRIMARY KEY,
        owner      TEXT    NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        created_at INTEGER NOT NULL CHECK (created_at >= 0)
      ) STRICT;

      -- The owner is not listed here; members are, operators being members with operator = 1.
      -- added_at keeps the order the lists are sent in.
      CREATE TABLE private_room_members (
        room     TEXT    NOT NULL REFERENCES private_rooms (name) ON DELETE CASCADE,
        username TEXT    NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        operator INTEGER NOT NULL DEFAULT 0 CHECK (operator IN (0, 1)),
        added_at INTEGER NOT NULL CHECK (added_at >= 0),
        PRIMARY KEY (room, username)
      ) STRICT;

      CREATE INDEX private_room_members_by_user ON private_room_members (username);

      -- One ticker per user per room, public or private; kept while the room is empty.
      CREATE TABLE room_tickers (
        room     TEXT    NOT NULL,
        username TEXT    NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        ticker   TEXT    NOT NULL,
        set_at   INTEGER NOT NULL CHECK (set_at >= 0),
        PRIMARY KEY (room, username)
      ) STRICT;

      -- TogglePrivateRoomInvites: whether others may add this user to private rooms.
      ALTER TABLE accounts ADD COLUMN private_room_invites INTEGER NOT NULL DEFAULT 1
        CHECK (private_room_invites IN (0, 1));
    `,
  },
  {
    version: 3,
    description: 'liked and hated interests',
    up: `
      -- An item is either liked or hated by a user, never both: adding it to one list moves it.
      CREATE TABLE interests (
        username TEXT    NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        item     TEXT    NOT NULL,
        hated    INTEGER NOT NULL CHECK (hated IN (0, 1)),
        added_at INTEGER NOT NULL CHECK (added_at >= 0),
        PRIMARY KEY (username, item)
      ) STRICT;

      CREATE INDEX interests_by_item ON interests (item, hated);
    `,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
  readonly schemaVersion: number;
  readonly knownVersion: number;
  constructor(schemaVersion: number, knownVersion: number) {
    super(
      `this database was written by a newer slsk-ts (schema ${schemaVersion}); upgrade slsk-ts ` +
        `(this version knows schemas up to ${knownVersion})`,
    );
    this.schemaVersion = schemaVersion;
    this.knownVersion = knownVersion;
  }
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  const version = row?.['user_version'];
  if (typeof version !== 'number') throw new Error('could not read PRAGMA user_version');
  return version;
}

/**
 * Brings `db` up to the last of `migrations` (the real list unless a test passes its own) and
 * returns the version it ended at. Throws NewerSchemaError, touching nothing, when the database is
 * ahead of this code: running old code on a newer schema could silently lose what it added.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const found = schemaVersion(db);
  if (found > latest) throw new NewerSchemaError(found, latest);

  for (const migration of migrations) {
    if (migration.version <= found) continue;
    // IMMEDIATE takes the write lock before reading the version again, so two processes opening
    // the same fresh file cannot both apply the same migration.
    db.exec('BEGIN IMMEDIATE');
    try {
      if (schemaVersion(db) < migration.version) {
        if (typeof migration.up === 'string') db.exec(migration.up);
        else migration.up(db);
        // user_version lives in the file header, which is written by this same transaction: a
        // crash leaves either the whole migration with its number, or neither.
        db.exec(`PRAGMA user_version = ${migration.version}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new Error(`schema migration ${migration.version} (${migration.description}) failed`, { cause: error });
    }
  }
  return schemaVersion(db);
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list is out of order: entry ${index} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
