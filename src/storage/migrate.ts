// Versioned SQLite schemas: an ordered list of migrations, `PRAGMA user_version` recording the last
// one applied. Every SQLite file of the project (server store, transfer list, user lists) uses it.

import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  /** 1, 2, 3, … with no gaps: the value `user_version` holds once this migration is applied. */
  version: number;
  description: string;
  /** SQL run with `exec`, or a function for a migration that must look at the data first. */
  up: string | ((db: DatabaseSync) => void);
}

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
 * Brings `db` up to the last of `migrations` and
 * returns the version it ended at. Throws NewerSchemaError, touching nothing, when the database is
 * ahead of this code: running old code on a newer schema could silently lose what it added.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[]): number {
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
