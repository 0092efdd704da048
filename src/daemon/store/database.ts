// The one connection every part of the daemon store shares: its prepared statements, and the only
// way to write several rows at once (`transaction`), which counts what each transaction wrote so
// tests can bound batch sizes without timing anything.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { migrate } from '../../storage/migrate.ts';
import { StatementCache } from '../../storage/statements.ts';
import { DaemonStoreError } from './errors.ts';
import { DAEMON_MIGRATIONS } from './migrations.ts';

/**
 * `process` (default): WAL with synchronous=NORMAL. A write that returned is in the WAL file, in the
 * operating system's cache: the daemon being killed (SIGKILL, a crash, the OOM killer) loses nothing
 * it acknowledged, and no fsync per chat line or search response slows it down. A power cut may lose
 * the last moments (never corrupts the file).
 * `power`: synchronous=FULL, an fsync per commit, for machines that lose power and need the last
 * seconds of history anyway.
 */
export type Durability = 'process' | 'power';

export interface TransactionStats {
  /** Transactions committed through `transaction`. */
  transactions: number;
  /** Most rows (as counted by the caller) any one of them wrote. */
  maxRowsPerTransaction: number;
}

export type Row = Record<string, SQLOutputValue>;

export class StoreDatabase {
  readonly db: DatabaseSync;
  readonly stats: TransactionStats = { transactions: 0, maxRowsPerTransaction: 0 };
  /** Every SQL text prepared so far: a test asks SQLite for the plan of each (no full scans). */
  readonly preparedSql = new Set<string>();
  readonly #statements: StatementCache;

  constructor(path: string, durability: Durability) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    try {
      this.db.prepare('PRAGMA journal_mode = WAL').get();
      this.db.exec(`PRAGMA synchronous = ${durability === 'power' ? 'FULL' : 'NORMAL'}`);
      // Responses go with their search: the cascade needs foreign keys on, per connection.
      this.db.exec('PRAGMA foreign_keys = ON');
      migrate(this.db, DAEMON_MIGRATIONS);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.#statements = new StatementCache(this.db);
  }

  statement(sql: string): StatementSync {
    if (!this.db.isOpen) throw new DaemonStoreError('CLOSED', 'the daemon store is closed; open it again');
    this.preparedSql.add(sql);
    return this.#statements.get(sql);
  }

  run(sql: string, ...params: (string | number | bigint | null)[]): { changes: number; lastId: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes), lastId: Number(result.lastInsertRowid) };
  }

  get(sql: string, ...params: (string | number | null)[]): Row | undefined {
    return this.statement(sql).get(...params);
  }

  all(sql: string, ...params: (string | number | null)[]): Row[] {
    return this.statement(sql).all(...params);
  }

  /**
   * Runs `body` in one IMMEDIATE transaction. `rows` is what it writes (files, for search responses),
   * or a function of its result when only the body knows, for the stats.
   */
  transaction<T>(rows: number | ((result: T) => number), body: () => T): T {
    if (!this.db.isOpen) throw new DaemonStoreError('CLOSED', 'the daemon store is closed; open it again');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.db.exec('COMMIT');
      this.stats.transactions += 1;
      this.stats.maxRowsPerTransaction = Math.max(this.stats.maxRowsPerTransaction, typeof rows === 'number' ? rows : rows(result));
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Repeats `step` (one transaction deleting at most `batch` rows, returning how many) until it
   * deletes fewer than `batch`, yielding to the event loop between steps; returns the total.
   */
  async inBatches(batch: number, step: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      const done = this.transaction((changes: number) => changes, step);
      total += done;
      if (done < batch) return total;
      await yieldToLoop();
    }
  }

  close(): void {
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}

export const int = (value: SQLOutputValue | undefined): number =>
  typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : 0;
export const optionalInt = (value: SQLOutputValue | undefined): number | undefined =>
  value === null || value === undefined ? undefined : int(value);
export const text = (value: SQLOutputValue | undefined): string => (typeof value === 'string' ? value : '');
