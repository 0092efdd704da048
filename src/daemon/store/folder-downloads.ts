// Folder downloads kept in daemon.sqlite: which transfers make one folder group and where each file
// lands, so after a restart the folder still shows as one group with its progress. The transfers
// themselves (state, bytes) are in transfers.sqlite; a group's rows go when its last transfer does.

import type { FolderDownload, FolderFile, RefusedFile } from '../downloads/index.ts';
import type { DestinationLayout } from '../../transfers/destination.ts';
import { int, optionalInt, text, type Row, type StoreDatabase } from './database.ts';

function fileOf(row: Row): FolderFile {
  const transferId = row['transfer_id'];
  const presentAt = row['present_at'];
  return {
    remotePath: text(row['remote_path']),
    size: BigInt(int(row['size'])),
    destination: text(row['destination']),
    status: text(row['status']) === 'already-present' ? 'already-present' : 'enqueued',
    transferId: typeof transferId === 'string' ? transferId : undefined,
    presentAt: typeof presentAt === 'string' ? presentAt : undefined,
  };
}

function refusedOf(json: string): RefusedFile[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as RefusedFile[]) : [];
  } catch {
    return [];
  }
}

export class FolderDownloads {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Keeps the group and its files, in one transaction. */
  add(group: FolderDownload): void {
    this.#db.transaction(group.files.length + 1, () => {
      this.#db.run(
        'INSERT INTO folder_downloads (id, username, folder, layout, subfolder, source, refused, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        group.id,
        group.username,
        group.folder,
        group.layout,
        group.subfolder,
        group.source,
        JSON.stringify(group.refused),
        group.createdAt,
      );
      for (const file of group.files) {
        this.#db.run(
          'INSERT OR IGNORE INTO folder_download_files (folder_id, remote_path, size, destination, status, transfer_id, present_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          group.id,
          file.remotePath,
          file.size,
          file.destination,
          file.status,
          file.transferId ?? null,
          file.presentAt ?? null,
        );
      }
    });
  }

  /** Every group with its files, oldest first (read once, when the daemon starts). */
  all(): FolderDownload[] {
    const groups = new Map<string, FolderDownload>();
    for (const row of this.#db.all('SELECT * FROM folder_downloads ORDER BY created_at, id')) {
      groups.set(text(row['id']), {
        id: text(row['id']),
        username: text(row['username']),
        folder: text(row['folder']),
        layout: text(row['layout']) as DestinationLayout,
        subfolder: text(row['subfolder']),
        source: text(row['source']) === 'folder-request' ? 'folder-request' : 'browse',
        files: [],
        refused: refusedOf(text(row['refused'])),
        createdAt: optionalInt(row['created_at']) ?? 0,
      });
    }
    for (const row of this.#db.all('SELECT * FROM folder_download_files ORDER BY folder_id, rowid')) groups.get(text(row['folder_id']))?.files.push(fileOf(row));
    return [...groups.values()];
  }

  delete(id: string): boolean {
    return this.#db.transaction(1, () => this.#db.run('DELETE FROM folder_downloads WHERE id = ?', id).changes > 0);
  }
}
