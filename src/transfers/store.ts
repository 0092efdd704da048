// The transfer list in SQLite: one row per transfer, both directions. The schema is a list of
// migrations recorded in PRAGMA user_version (the same mechanism as the server's store).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { migrate, type Migration } from '../storage/migrate.ts';
import { TRANSFER_STATES, type TransferState } from './states.ts';
import type { TransferDirection } from './types.ts';

/** Not completed, not cancelled, and not failed for good (failed with a retry planned is unfinished). */
const UNFINISHED = `state NOT IN ('completed', 'cancelled') AND NOT (state = 'failed' AND retry_at IS NULL)`;

// Append only: a migration that has shipped is never edited.
export const TRANSFER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'transfers',
    up: `
      CREATE TABLE transfers (
        id              TEXT    NOT NULL PRIMARY KEY,
        direction       TEXT    NOT NULL CHECK (direction IN ('download', 'upload')),
        username        TEXT    NOT NULL,
        filename        TEXT    NOT NULL,
        size            INTEGER CHECK (size IS NULL OR size >= 0),
        bytes           INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
        state           TEXT    NOT NULL CHECK (state IN (${TRANSFER_STATES.map((s) => `'${s}'`).join(', ')})),
        reason          TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        retry_at        INTEGER,
        -- upload: the file being sent; download: the finished file
        local_path      TEXT,
        -- download: the folder asked for, and the partial file
        destination     TEXT,
        incomplete_path TEXT,
        legacy          INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1)),
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        finished_at     INTEGER
      ) STRICT;

      CREATE INDEX transfers_by_peer ON transfers (direction, username, filename);
    `,
  },
  {
    version: 2,
    description: 'unfinished transfers',
    // start() loads only these; the history stays on disk.
    up: `CREATE INDEX transfers_unfinished ON transfers (created_at) WHERE ${UNFINISHED};`,
  },
];

export interface TransferRow {
  id: string;
  direction: TransferDirection;
  username: string;
  filename: string;
  size: bigint | undefined;
  bytes: bigint;
  state: TransferState;
  reason: string | undefined;
  attempts: number;
  retryAt: number | undefined;
  localPath: string | undefined;
  destination: string | undefined;
  incompletePath: string | undefined;
  legacy: boolean;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | undefined;
}

const optionalText = (value: SQLOutputValue): string | undefined => (typeof value === 'string' ? value : undefined);
const optionalInt = (value: SQLOutputValue): number | undefined =>
  typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : undefined;

function toRow(row: Record<string, SQLOutputValue>): TransferRow {
  const size = row['size'];
  return {
    id: String(row['id']),
    direction: row['direction'] as TransferDirection,
    username: String(row['username']),
    filename: String(row['filename']),
    size: size === null || size === undefined ? undefined : BigInt(size as bigint),
    bytes: BigInt(row['bytes'] as bigint),
    state: row['state'] as TransferState,
    reason: optionalText(row['reason']!),
    attempts: optionalInt(row['attempts']!) ?? 0,
    retryAt: optionalInt(row['retry_at']!),
    localPath: optionalText(row['local_path']!),
    destination: optionalText(row['destination']!),
    incompletePath: optionalText(row['incomplete_path']!),
    legacy: optionalInt(row['legacy']!) === 1,
    createdAt: optionalInt(row['created_at']!) ?? 0,
    updatedAt: optionalInt(row['updated_at']!) ?? 0,
    finishedAt: optionalInt(row['finished_at']!),
  };
}

export class TransferStore {
  private readonly db: DatabaseSync;
  private readonly upsertStatement: StatementSync;
  private readonly deleteStatement: StatementSync;
  private readonly byIdStatement: StatementSync;
  private readonly latestStatement: StatementSync;
  /** Rows returned by every SELECT so far: tests and benchmarks read it to bound what a step costs. */
  rowsRead = 0;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    try {
      this.db.prepare('PRAGMA journal_mode = WAL').get();
      this.db.exec('PRAGMA synchronous = NORMAL');
      migrate(this.db, TRANSFER_MIGRATIONS);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.upsertStatement = this.db.prepare(`
      INSERT INTO transfers (id, direction, username, filename, size, bytes, state, reason, attempts, retry_at,
                             local_path, destination, incomplete_path, legacy, created_at, updated_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        size = excluded.size, bytes = excluded.bytes, state = excluded.state, reason = excluded.reason,
        attempts = excluded.attempts, retry_at = excluded.retry_at, local_path = excluded.local_path,
        destination = excluded.destination, incomplete_path = excluded.incomplete_path, legacy = excluded.legacy,
        updated_at = excluded.updated_at, finished_at = excluded.finished_at`);
    this.deleteStatement = this.db.prepare('DELETE FROM transfers WHERE id = ?');
    this.byIdStatement = this.db.prepare('SELECT * FROM transfers WHERE id = ?');
    this.byIdStatement.setReadBigInts(true);
    this.latestStatement = this.db.prepare(
      'SELECT * FROM transfers WHERE direction = ? AND username = ? AND filename = ? AND state = ? ORDER BY updated_at DESC, rowid DESC LIMIT 1',
    );
    this.latestStatement.setReadBigInts(true);
  }

  private rows(statement: StatementSync, ...params: (string | number)[]): TransferRow[] {
    const rows = statement.all(...params).map(toRow);
    this.rowsRead += rows.length;
    return rows;
  }

  /** Every transfer, oldest first: the history included. */
  all(): TransferRow[] {
    const statement = this.db.prepare('SELECT * FROM transfers ORDER BY created_at, rowid');
    statement.setReadBigInts(true);
    return this.rows(statement);
  }

  /** The transfers still to do (what start() loads), oldest first. */
  unfinished(): TransferRow[] {
    const statement = this.db.prepare(`SELECT * FROM transfers WHERE ${UNFINISHED} ORDER BY created_at, rowid`);
    statement.setReadBigInts(true);
    return this.rows(statement);
  }

  get(id: string): TransferRow | undefined {
    return this.rows(this.byIdStatement, id)[0];
  }

  /** The most recent transfer of this file with this peer in `state` (the history included). */
  latest(direction: TransferDirection, username: string, filename: string, state: TransferState): TransferRow | undefined {
    return this.rows(this.latestStatement, direction, username, filename, state)[0];
  }

  save(row: TransferRow): void {
    this.upsertStatement.run(
      row.id,
      row.direction,
      row.username,
      row.filename,
      row.size ?? null,
      row.bytes,
      row.state,
      row.reason ?? null,
      row.attempts,
      row.retryAt ?? null,
      row.localPath ?? null,
      row.destination ?? null,
      row.incompletePath ?? null,
      row.legacy ? 1 : 0,
      row.createdAt,
      row.updatedAt,
      row.finishedAt ?? null,
    );
  }

  delete(id: string): void {
    this.deleteStatement.run(id);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
