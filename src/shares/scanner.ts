// The share scanner: walks each share folder on disk, one directory at a time (streamed with
// opendir; only the stack of directories still to visit is kept), compares what it finds with the
// catalog, reads audio attributes of new and changed files, and writes the differences to SQLite in
// batched transactions.
//
// Symlinks: a symlink to a regular file whose real path is inside the same share root is indexed
// under the link's name; every other symlink is skipped — symlinks to directories are never followed
// (even inside the share: no loops, no duplicate subtrees), and nothing outside the share is ever
// indexed. A folder whose real path differs from its path below the share's real root (something
// swapped in a symlink while we walked) is skipped too.

import type { Dirent } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AudioInfo } from '../model/files.ts';
import type { Catalog } from './catalog.ts';
import type { SharesDatabase } from './database.ts';
import type { IgnoreMatcher } from './ignore.ts';
import { isAudioName, readAudioInfo } from './metadata.ts';
import { isInside, isRepresentableName } from './virtual-path.ts';

export interface ScanProgress {
  /** Files looked at so far in this scan. */
  scannedFiles: number;
  /** Audio files whose attributes were (re)read so far. */
  readMetadata: number;
  /** The virtual path of the folder being walked. */
  currentFolder: string;
}

export interface ScanSummary {
  /** Files found on disk (added + changed + unchanged). */
  files: number;
  /** Folders found on disk, share roots included. */
  folders: number;
  added: number;
  /** Size or modification time differed: attributes re-read. */
  changed: number;
  /** In the index but gone from disk (folders that vanished count with all their files). */
  removed: number;
  unchanged: number;
  /** Audio files whose attributes were read (new or changed ones only). */
  readMetadata: number;
  /** Entries left out: ignore patterns, symlinks, special files, names that cannot be shared. */
  skipped: number;
  /** Problems reported as `warning` events (unreadable folders, broken audio files, …). */
  warnings: number;
  durationMs: number;
}

export interface ScanShare {
  /** Index of the share in the catalog. */
  index: number;
  dbId: number;
  name: string;
  /** The configured folder, absolute. */
  root: string;
}

export interface ScanContext {
  catalog: Catalog;
  db: SharesDatabase;
  shares: readonly ScanShare[];
  ignore: IgnoreMatcher;
  generation: number;
  now: () => number;
  signal: AbortSignal | undefined;
  progressIntervalMs: number;
  progressEveryFiles: number;
  /** Entries stat'ed / parsed concurrently within a folder. */
  concurrency: number;
  onProgress: (progress: ScanProgress) => void;
  onWarning: (error: Error) => void;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export async function scanShares(context: ScanContext): Promise<ScanSummary> {
  const { catalog, db, now, signal } = context;
  const started = now();
  const summary: ScanSummary = { files: 0, folders: 0, added: 0, changed: 0, removed: 0, unchanged: 0, readMetadata: 0, skipped: 0, warnings: 0, durationMs: 0 };
  const gen = context.generation;
  let lastEmit = started;
  let lastEmitFiles = 0;
  let currentFolder = '';

  const warn = (message: string, cause?: unknown) => {
    summary.warnings++;
    context.onWarning(cause === undefined ? new Error(message) : new Error(`${message}: ${asError(cause).message}`, { cause }));
  };
  const progress = () => {
    const time = now();
    if (time - lastEmit < context.progressIntervalMs && summary.files - lastEmitFiles < context.progressEveryFiles) return;
    lastEmit = time;
    lastEmitFiles = summary.files;
    context.onProgress({ scannedFiles: summary.files, readMetadata: summary.readMetadata, currentFolder });
  };
  const readInfo = async (name: string, diskPath: string, virtualPath: string): Promise<AudioInfo> => {
    if (!isAudioName(name)) return {};
    summary.readMetadata++;
    try {
      return await readAudioInfo(diskPath);
    } catch (error) {
      warn(`could not read audio attributes of ${virtualPath}`, error);
      return {};
    }
  };

  for (const share of context.shares) {
    signal?.throwIfAborted();
    let rootReal: string;
    try {
      rootReal = await realpath(share.root);
      if (!(await stat(rootReal)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      // Keep what the index has: an unmounted disk should not cost a full rescan later.
      warn(`share ${share.name} (${share.root}) is not available, kept as it was`, error);
      continue;
    }

    const stack: string[] = [''];
    while (stack.length > 0) {
      signal?.throwIfAborted();
      const rel = stack.pop()!;
      const virtualFolder = rel === '' ? share.name : `${share.name}\\${rel}`;
      const diskFolder = rel === '' ? rootReal : join(rootReal, ...rel.split('\\'));
      currentFolder = virtualFolder;
      let dir;
      try {
        if (rel !== '' && (await realpath(diskFolder)) !== diskFolder) {
          summary.skipped++;
          continue;
        }
        dir = await opendir(diskFolder, { bufferSize: 64 });
      } catch (error) {
        warn(`could not read folder ${virtualFolder}`, error);
        continue;
      }

      let folder = catalog.folderSlot(virtualFolder);
      if (folder === undefined) folder = catalog.addFolder(share.index, virtualFolder, db.addFolder(share.dbId, rel));
      catalog.setFolderGen(folder, gen);
      summary.folders++;
      const known = new Map<string, number>();
      for (const file of catalog.filesOf(folder)) known.set(catalog.fileName(file), file);
      const folderSlot = folder;

      const handle = async (entry: Dirent): Promise<void> => {
        const name = entry.name;
        const relPath = rel === '' ? name : `${rel.replaceAll('\\', '/')}/${name}`;
        if (context.ignore(name, relPath)) {
          summary.skipped++;
          return;
        }
        if (!isRepresentableName(name)) {
          summary.skipped++;
          warn(`left out ${virtualFolder}\\${name}: the name cannot be part of a virtual path`);
          return;
        }
        const diskPath = join(diskFolder, name);
        if (entry.isDirectory()) {
          stack.push(rel === '' ? name : `${rel}\\${name}`);
          return;
        }
        let target = diskPath;
        let stats;
        try {
          if (entry.isSymbolicLink()) {
            target = await realpath(diskPath);
            if (!isInside(rootReal, target)) {
              summary.skipped++;
              return;
            }
            stats = await stat(target, { bigint: true });
          } else if (entry.isFile()) {
            stats = await lstat(diskPath, { bigint: true });
          } else {
            summary.skipped++;
            return;
          }
        } catch {
          // Dangling link, or gone since the folder was listed.
          summary.skipped++;
          return;
        }
        if (!stats.isFile()) {
          summary.skipped++;
          return;
        }
        const size = Number(stats.size);
        const mtime = Number(stats.mtimeNs / 1000n);
        const virtualPath = `${virtualFolder}\\${name}`;
        const existing = known.get(name);
        if (existing !== undefined) {
          catalog.setFileGen(existing, gen);
          if (catalog.fileSize(existing) === size && catalog.fileMtime(existing) === mtime) {
            summary.unchanged++;
          } else {
            const info = await readInfo(name, target, virtualPath);
            if (catalog.isAlive(existing)) {
              db.updateFile(catalog.folderRowId(folderSlot), name, size, mtime, info);
              catalog.setFile(existing, size, mtime, info);
            }
            summary.changed++;
          }
        } else {
          const info = await readInfo(name, target, virtualPath);
          if (catalog.folderShare(folderSlot) < 0) return;
          db.addFile(catalog.folderRowId(folderSlot), name, size, mtime, info);
          const slot = catalog.addFile(folderSlot, name, size, mtime, info);
          catalog.setFileGen(slot, gen);
          summary.added++;
        }
        summary.files++;
        progress();
      };

      let batch: Dirent[] = [];
      for await (const entry of dir) {
        batch.push(entry);
        if (batch.length < context.concurrency) continue;
        signal?.throwIfAborted();
        await Promise.all(batch.map(handle));
        batch = [];
      }
      signal?.throwIfAborted();
      await Promise.all(batch.map(handle));

      for (const [name, file] of known) {
        if (catalog.fileGen(file) === gen || !catalog.isAlive(file)) continue;
        db.removeFile(catalog.folderRowId(folder), name);
        catalog.removeFile(file);
        summary.removed++;
      }
      db.flush();
    }

    // Folders of this share not met in this walk are gone.
    for (const folder of catalog.folders()) {
      if (catalog.folderShare(folder) !== share.index || catalog.folderGen(folder) === gen) continue;
      db.removeFolder(catalog.folderRowId(folder));
      summary.removed += catalog.removeFolder(folder);
    }
    db.flush();
  }

  summary.durationMs = now() - started;
  return summary;
}
