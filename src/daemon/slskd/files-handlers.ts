// slskd's downloaded-files routes: the Lidarr plugins look a finished album's folder up (404 means
// "nothing to delete") and may ask to delete it. The path arrives base64-encoded, relative to the
// downloads folder; whatever it says, only folders inside the downloads folder are listed. Deleting is
// refused, as slskd does while remoteFileManagement (GET /options) is false.

import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep, basename } from 'node:path';
import type { Handlers } from '../http/route.ts';
import { forbidden, HttpError, notFound } from '../http/errors.ts';
import type { SlskdRoutes } from './routes.ts';
import type { FilesystemDirectoryJson } from './schemas.ts';
import { dotnetDate, queryBool } from './format.ts';
import type { SlskdDeps } from './deps.ts';

type FileRoutes = Pick<SlskdRoutes, 'v0DownloadedDirectory' | 'v0DeleteDownloadedDirectory'>;

/** Bounds of one listing: entries read in all, and folder depth below the one asked for. */
export const MAX_LISTED_ENTRIES = 10_000;
export const MAX_LISTED_DEPTH = 16;

/** The folder a base64 name points at, inside `root`; undefined when it would leave it. */
export function downloadedFolder(root: string, base64: string): string | undefined {
  // slskd-python-api's b64encode appends a newline (%0A): whitespace is not part of base64
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) throw new HttpError(400, 'bad_base64', 'The folder name is not base64');
  const name = Buffer.from(compact, 'base64').toString('utf8');
  const base = resolve(root);
  const path = resolve(base, name.replace(/\\/g, '/'));
  return path === base || path.startsWith(base + sep) ? path : undefined;
}

async function listFolder(path: string, root: string, recursive: boolean, depth: number, budget: { left: number }): Promise<FilesystemDirectoryJson> {
  const info = await lstat(path);
  const out: FilesystemDirectoryJson = {
    name: basename(path),
    fullName: path,
    attributes: 'Directory',
    createdAt: dotnetDate(info.birthtimeMs),
    modifiedAt: dotnetDate(info.mtimeMs),
    files: [],
    directories: [],
  };
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (budget.left-- <= 0) throw new HttpError(400, 'too_large', `The folder ${relative(root, path)} holds more than ${MAX_LISTED_ENTRIES} entries; ask for a subfolder`);
    const child = join(path, entry.name);
    // symbolic links are not followed: they could point out of the downloads folder
    if (entry.isFile()) {
      const stats = await lstat(child);
      out.files.push({ name: entry.name, fullName: child, length: stats.size, attributes: 'Normal', createdAt: dotnetDate(stats.birthtimeMs), modifiedAt: dotnetDate(stats.mtimeMs) });
    } else if (entry.isDirectory() && recursive && depth < MAX_LISTED_DEPTH) {
      out.directories.push(await listFolder(child, root, recursive, depth + 1, budget));
    }
  }
  return out;
}

export function fileHandlers(deps: SlskdDeps): Handlers<FileRoutes> {
  return {
    v0DownloadedDirectory: async ({ params, query }) => {
      const path = downloadedFolder(deps.downloadsDir, params.base64SubdirectoryName);
      if (path === undefined) throw forbidden('Only folders inside the downloads folder can be listed');
      const info = await lstat(path).catch(() => undefined);
      if (info === undefined || !info.isDirectory()) throw notFound('No such folder under the downloads folder');
      return { status: 200, body: await listFolder(path, deps.downloadsDir, queryBool(query.recursive, false), 0, { left: MAX_LISTED_ENTRIES }) };
    },
    v0DeleteDownloadedDirectory: async () => {
      throw forbidden('Remote file management is off (remoteFileManagement is false): delete downloaded files on the machine itself');
    },
  };
}
