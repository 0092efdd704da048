// SQLite persistence of the shares: one row per share, folder and file, so a restart loads the
// catalog without rescanning. Writes come in batches inside transactions.

import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AudioInfo } from '../model/files.ts';
import { StatementCache } from '../storage/statements.ts';
import { SNAPSHOT_FORMAT, snapshotFromParts, snapshotParts, type CatalogSnapshot } from './snapshot.ts';

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
-- The catalog as flat arrays (see snapshot.ts), each part in chunks; 'format' names the layout.
CREATE TABLE IF NOT EXISTS snapshot (
  part TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (part, chunk)
);
${['shares', 'folders', 'files']
  .flatMap((table) => ['INSERT', 'UPDATE', 'DELETE'].map((event) => `CREATE TRIGGER IF NOT EXISTS ${table}_${event.toLowerCase()}_drops_snapshot AFTER ${event} ON ${table} BEGIN DELETE FROM snapshot; END;`))
  .join('\n')}
`;

/**
 * Snapshot parts are stored in rows of at most this many bytes (SQLite refuses values over 1 GB).
 * Parts are read whole when they fit one row: reading in small rows was measured to cost more
 * resident memory (every row read is a separate buffer left for the garbage collector).
 */
const SNAPSHOT_CHUNK = 256 * 2 ** 20;

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

  readonly #snapshotChunk: number;

  constructor(path: string, options: { snapshotChunkBytes?: number } = {}) {
    this.#snapshotChunk = options.snapshotChunkBytes ?? SNAPSHOT_CHUNK;
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

  /** Is a snapshot stored (none once anything in shares, folders or files changed since it was written)? */
  hasSnapshot(): boolean {
    return this.#statement('SELECT 1 FROM snapshot LIMIT 1').get() !== undefined;
  }

  /** The stored snapshot; undefined when there is none or it is in another format. */
  loadSnapshot(): CatalogSnapshot | undefined {
    const chunks = new Map<string, Uint8Array[]>();
    const statement = this.#statement('SELECT part, data FROM snapshot ORDER BY part, chunk');
    statement.setReturnArrays(true);
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      if (!(row[1] instanceof Uint8Array)) return undefined;
      const part = String(row[0]);
      const list = chunks.get(part);
      if (list === undefined) chunks.set(part, [row[1]]);
      else list.push(row[1]);
    }
    const parts = new Map<string, Uint8Array>();
    for (const [part, list] of chunks) parts.set(part, list.length === 1 ? list[0]! : Buffer.concat(list));
    const format = parts.get('format');
    if (format === undefined || Buffer.from(format).toString('utf8') !== SNAPSHOT_FORMAT) return undefined;
    return snapshotFromParts(parts);
  }

  /** Replaces the stored snapshot (committing pending writes first: it must describe committed rows). */
  saveSnapshot(snapshot: CatalogSnapshot): void {
    this.flush(true);
    this.#db.exec('BEGIN');
    try {
      this.#statement('DELETE FROM snapshot').run();
      const insert = this.#statement('INSERT INTO snapshot (part, chunk, data) VALUES (?, ?, ?)');
      insert.run('format', 0, Buffer.from(SNAPSHOT_FORMAT, 'utf8'));
      for (const [part, data] of snapshotParts(snapshot)) {
        // An empty part still gets its (empty) row: a missing part makes the snapshot unreadable.
        const size = this.#snapshotChunk;
        for (let at = 0, chunk = 0; at < data.byteLength || chunk === 0; at += size, chunk++) insert.run(part, chunk, data.subarray(at, at + size));
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
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

  updateFile(id: number, size: number, mtime: number, info: AudioInfo): void {
    this.#write();
    this.#statement('UPDATE files SET size = ?, mtime = ?, bitrate = ?, duration = ?, vbr = ?, sample_rate = ?, bit_depth = ? WHERE id = ?').run(
      size,
      mtime,
      info.bitrate ?? null,
      info.duration ?? null,
      info.vbr === undefined ? null : info.vbr ? 1 : 0,
      info.sampleRate ?? null,
      info.bitDepth ?? null,
      id,
    );
  }

  removeFile(id: number): void {
    this.#write();
    this.#statement('DELETE FROM files WHERE id = ?').run(id);
  }

  close(): void {
    this.flush(true);
    this.#db.close();
  }
}
