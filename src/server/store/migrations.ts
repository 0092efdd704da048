// The SQLite store's schema, as an ordered list of migrations. `PRAGMA user_version` records the
// last one applied; opening a database applies the missing ones, each in its own transaction.

import type { DatabaseSync } from 'node:sqlite';
import { migrate as migrateTo, type Migration } from '../../storage/migrate.ts';

export { NewerSchemaError, schemaVersion, type Migration } from '../../storage/migrate.ts';

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
  {
    version: 4,
    description: "each sender's messages in an inbox, for the per-sender share",
    up: `
      CREATE INDEX private_messages_by_sender ON private_messages (recipient, sender, id);
    `,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/** Brings the server's database up to the latest schema (or to `migrations`, in tests). */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number {
  return migrateTo(db, migrations);
}
