// SQLite persistence of the shares: one row per share, folder and file, so a restart loads the
// catalog without rescanning. Writes come in batches inside transactions. Beside it, the catalog
// snapshot (snapshot.ts) a warm start loads instead of the rows, valid while its stamp row is there.

import { randomUUID } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AudioInfo } from '../model/files.ts';
import { StatementCache } from '../storage/statements.ts';
import type { DetailsFile } from './details-file.ts';
import { openSnapshotDetails, readSnapshotFile, snapshotFromParts, writeSnapshotFile, type CatalogSnapshot, type SnapshotLayout } from './snapshot.ts';

const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shares (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  root TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  share_id INTEGER NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
  -- Path below the share root, segments joined with '\\'; '' for the root itself.
  rel TEXT NOT NULL,
  UNIQUE (share_id, rel)
);
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  -- Modification time, microseconds since the epoch.
  mtime INTEGER NOT NULL,
  bitrate INTEGER,
  duration INTEGER,
  vbr INTEGER,
  sample_rate INTEGER,
  bit_depth INTEGER,
  UNIQUE (folder_id, name)
);
-- The catalog snapshot file beside the database (see snapshot.ts): at most one row, the stamp the
-- file must begin with and where its parts lie. Triggers delete it with any change to the rows.
CREATE TABLE IF NOT EXISTS snapshot (
  stamp TEXT NOT NULL,
  layout TEXT NOT NULL
);
${['shares', 'folders', 'files']
  .flatMap((table) => ['INSERT', 'UPDATE', 'DELETE'].map((event) => `CREATE TRIGGER IF NOT EXISTS ${table}_${event.toLowerCase()}_drops_snapshot AFTER ${event} ON ${table} BEGIN DELETE FROM snapshot; END;`))
  .join('\n')}
`;

export interface StoredFolder {
  id: number;
  shareId: number;
  rel: string;
}

export interface StoredFile {
  id: number;
  folderId: number;
  name: string;
  size: number;
  mtime: number;
  info: AudioInfo;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined);

function infoOf(bitrate: unknown, duration: unknown, vbr: unknown, sampleRate: unknown, bitDepth: unknown): AudioInfo {
  const info: AudioInfo = {};
  const b = num(bitrate);
  const d = num(duration);
  const v = num(vbr);
  const s = num(sampleRate);
  const depth = num(bitDepth);
  if (b !== undefined) info.bitrate = b;
  if (d !== undefined) info.duration = d;
  if (v !== undefined) info.vbr = v !== 0;
  if (s !== undefined) info.sampleRate = s;
  if (depth !== undefined) info.bitDepth = depth;
  return info;
}

export class SharesDatabase {
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;
  #pending = 0;
  #batchStarted = 0;

  /** The snapshot file; none for an in-memory database. */
  readonly #snapshotPath: string | undefined;

  constructor(path: string) {
    this.#snapshotPath = path === ':memory:' ? undefined : `${path}.snapshot`;
    const db = new DatabaseSync(path, { timeout: 5000, enableForeignKeyConstraints: true });
    try {
      if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
      const version = Number(db.prepare('PRAGMA user_version').get()?.['user_version'] ?? 0);
      if (version > SCHEMA_VERSION) throw new Error(`shares database ${path} has schema version ${version}; this version knows ${SCHEMA_VERSION}`);
      if (version < SCHEMA_VERSION) {
        db.exec('BEGIN');
        db.exec(SCHEMA);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
        db.exec('COMMIT');
      }
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#statements = new StatementCache(db);
  }

  #statement(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  // ---- shares ---------------------------------------------------------------------------------------

  shares(): { id: number; name: string; root: string }[] {
    return this.#statement('SELECT id, name, root FROM shares ORDER BY id')
      .all()
      .map((row) => ({ id: Number(row['id']), name: String(row['name']), root: String(row['root']) }));
  }

  addShare(name: string, root: string): number {
    this.#write();
    return Number(this.#statement('INSERT INTO shares (name, root) VALUES (?, ?)').run(name, root).lastInsertRowid);
  }

  removeShare(id: number): void {
    this.#write();
    this.#statement('DELETE FROM shares WHERE id = ?').run(id);
  }

  // ---- loading ------------------------------------------------------------------------------------

  *folders(): Generator<StoredFolder> {
    const statement = this.#statement('SELECT id, share_id, rel FROM folders ORDER BY id');
    statement.setReturnArrays(true);
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      yield { id: Number(row[0]), shareId: Number(row[1]), rel: String(row[2]) };
    }
  }

  *files(): Generator<StoredFile> {
    const statement = this.#statement('SELECT id, folder_id, name, size, mtime, bitrate, duration, vbr, sample_rate, bit_depth FROM files ORDER BY id');
    statement.setReturnArrays(true);
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      yield {
        id: Number(row[0]),
        folderId: Number(row[1]),
        name: String(row[2]),
        size: Number(row[3]),
        mtime: Number(row[4]),
        info: infoOf(row[5], row[6], row[7], row[8], row[9]),
      };
    }
  }

  // ---- snapshot -----------------------------------------------------------------------------------

  /** Can this database keep a snapshot (not in memory)? */
  get keepsSnapshots(): boolean {
    return this.#snapshotPath !== undefined;
  }

  /** Is a snapshot stored (none once anything in shares, folders or files changed since it was written)? */
  hasSnapshot(): boolean {
    return this.#statement('SELECT 1 FROM snapshot LIMIT 1').get() !== undefined;
  }

  /**
   * The stored snapshot; undefined when there is none, or its file is missing, another one, or in
   * another format. Its postings are left in the file (`postingsFile`, open: close it when done).
   */
  loadSnapshot(): CatalogSnapshot | undefined {
    const row = this.#statement('SELECT stamp, layout FROM snapshot LIMIT 1').get();
    if (row === undefined || this.#snapshotPath === undefined) return undefined;
    let layout: SnapshotLayout;
    try {
      layout = JSON.parse(String(row['layout'])) as SnapshotLayout;
    } catch {
      return undefined;
    }
    // The postings and file details stay in the file (read when needed): the catalog closes it.
    const read = readSnapshotFile(this.#snapshotPath, String(row['stamp']), layout, { leavePostings: true, leaveDetails: true });
    if (read === undefined) return undefined;
    const snapshot = snapshotFromParts(read.parts, read.postingsFile, read.detailsFile);
    if (snapshot === undefined) {
      read.postingsFile?.close();
      read.detailsFile?.close();
    }
    return snapshot;
  }

  /** The file details of the stored snapshot, read from its file (see details-file.ts); undefined without one. */
  snapshotDetails(): DetailsFile | undefined {
    const row = this.#statement('SELECT stamp, layout FROM snapshot LIMIT 1').get();
    if (row === undefined || this.#snapshotPath === undefined) return undefined;
    try {
      return openSnapshotDetails(this.#snapshotPath, String(row['stamp']), JSON.parse(String(row['layout'])) as SnapshotLayout);
    } catch {
      return undefined;
    }
  }

  /**
   * Replaces the stored snapshot (committing pending writes first: it must describe committed
   * rows). The file is written and synced before the row naming it is committed.
   */
  saveSnapshot(snapshot: CatalogSnapshot): void {
    if (this.#snapshotPath === undefined) return;
    this.flush(true);
    this.#statement('DELETE FROM snapshot').run();
    const stamp = randomUUID();
    const layout = writeSnapshotFile(this.#snapshotPath, stamp, snapshot);
    this.#statement('INSERT INTO snapshot (stamp, layout) VALUES (?, ?)').run(stamp, JSON.stringify(layout));
  }

  // ---- writes (batched) -----------------------------------------------------------------------------

  /** Opens the batch's transaction if none is open and counts one more write. */
  #write(): void {
    if (!this.#db.isTransaction) {
      this.#db.exec('BEGIN');
      this.#batchStarted = Date.now();
      this.#pending = 0;
    }
    this.#pending++;
  }

  /** Commits when the batch is big or old enough (`force`: always). */
  flush(force = false, maxWrites = 2000, maxAgeMs = 1000): void {
    if (!this.#db.isTransaction) return;
    if (!force && this.#pending < maxWrites && Date.now() - this.#batchStarted < maxAgeMs) return;
    this.#db.exec('COMMIT');
    this.#pending = 0;
  }

  addFolder(shareId: number, rel: string): number {
    this.#write();
    return Number(this.#statement('INSERT INTO folders (share_id, rel) VALUES (?, ?)').run(shareId, rel).lastInsertRowid);
  }

  removeFolder(id: number): void {
    this.#write();
    this.#statement('DELETE FROM folders WHERE id = ?').run(id);
  }

  addFile(folderId: number, name: string, size: number, mtime: number, info: AudioInfo): number {
    this.#write();
    return Number(
      this.#statement(
        'INSERT INTO files (folder_id, name, size, mtime, bitrate, duration, vbr, sample_rate, bit_depth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(folderId, name, size, mtime, info.bitrate ?? null, info.duration ?? null, info.vbr === undefined ? null : info.vbr ? 1 : 0, info.sampleRate ?? null, info.bitDepth ?? null).lastInsertRowid,
    );
  }

  /** Files are addressed by folder and name (UNIQUE, indexed): the catalog keeps no row id per file. */
  updateFile(folderId: number, name: string, size: number, mtime: number, info: AudioInfo): void {
    this.#write();
    this.#statement('UPDATE files SET size = ?, mtime = ?, bitrate = ?, duration = ?, vbr = ?, sample_rate = ?, bit_depth = ? WHERE folder_id = ? AND name = ?').run(
      size,
      mtime,
      info.bitrate ?? null,
      info.duration ?? null,
      info.vbr === undefined ? null : info.vbr ? 1 : 0,
      info.sampleRate ?? null,
      info.bitDepth ?? null,
      folderId,
      name,
    );
  }

  removeFile(folderId: number, name: string): void {
    this.#write();
    this.#statement('DELETE FROM files WHERE folder_id = ? AND name = ?').run(folderId, name);
  }

  close(): void {
    this.flush(true);
    this.#db.close();
  }
}
