// Where a downloaded file lands under the downloads folder, by layout:
//
//   remote-parent  downloads/<remote parent folder>/<file>   slskd's rule and the default: tools
//                  that move files afterwards (soularr, the Lidarr plugins) look exactly there.
//                  @@abcde\Music\Artist\Album\01.flac → Album/01.flac. A file with no folder in
//                  its path lands in downloads/ itself.
//   flat           downloads/<file>
//   by-user        downloads/<user>/<remote parent folder>/<file>
//   album          like remote-parent, but a disc folder (CD1, Disc 2, disk03 - bonus) stays under
//                  its album: Music\Album\CD1\01.flac → Album/CD1/01.flac.
//   mirror         the whole remote folder path minus its first component (the share's root:
//                  "@@abcde", "C:", a share name): @@abcde\Music\Artist\Album\01.flac →
//                  Music/Artist/Album/01.flac.
//
// A folder download (the remote folder the user asked for, with its subfolders) keeps the
// subfolders under the folder's name: downloading Music\Album\ brings Music\Album\CD1\01.flac to
// Album/CD1/01.flac (remote-parent, album), <user>/Album/CD1/01.flac (by-user); flat and mirror do
// what they say. A requested subfolder (slskd's batch "destination") goes in front of all that.
//
// The remote path comes from an untrusted peer, so every component goes through safeName (the
// same rules as the file name the transfer manager gives the finished file). The file name is
// what follows the last `\`, exactly as the transfer manager names it (a `/` in it is dropped); in
// the folders before it `\` and `/` both separate, empty components, `.`, `..` and names of only dots and spaces are dropped, characters
// names may not hold become `_`, reserved device names get a `_` in front, and each name is cut to
// 255 UTF-8 bytes. Deep paths are cut to the components nearest the file (at most 32 folders and
// 1,024 bytes). Last, the resolved path is checked to be inside the downloads folder, or
// DestinationError is thrown. The requested subfolder comes from our own user, so instead of
// cleaning it silently it is refused when it tries to leave (absolute, a drive, `..`).
//
// This lives in the transfers library rather than the daemon: it names the folder handed to
// `download(…, { to })`, shares its sanitizer with the finished file's name (localFileName), and
// the one-shot `slsk download` must put files where the daemon would.

import { resolve, sep } from 'node:path';
import { localFileName, safeName } from './paths.ts';

export const DESTINATION_LAYOUTS = ['remote-parent', 'flat', 'by-user', 'album', 'mirror'] as const;
export type DestinationLayout = (typeof DESTINATION_LAYOUTS)[number];
export const DEFAULT_DESTINATION_LAYOUT: DestinationLayout = 'remote-parent';

export const MAX_DESTINATION_FOLDERS = 32;
export const MAX_DESTINATION_FOLDER_BYTES = 1_024;

export interface DestinationRequest {
  layout: DestinationLayout;
  username: string;
  /** The file's full virtual path as the peer sent it. */
  remotePath: string;
  /** For a folder download: the remote folder asked for, with or without a trailing separator. */
  remoteFolder?: string | undefined;
  /** A folder under the downloads folder our user asked for, `/` or `\` separated; '' for none. */
  subfolder?: string | undefined;
}

export interface Destination {
  /** Safe folder names under the downloads folder, outermost first. */
  folders: string[];
  /** The finished file's name (the transfer manager's localFileName). */
  fileName: string;
  /** The absolute folder to hand to `download(…, { to })`; checked inside the downloads folder. */
  folder: string;
  /** The absolute file path, before any " (1)" the move adds when the name is taken. */
  path: string;
  /** `folders/fileName` joined with `/`, for display and the API. */
  relativePath: string;
}

export type DestinationErrorCode = 'outside-downloads' | 'bad-subfolder' | 'not-in-folder' | 'bad-layout';

export class DestinationError extends Error {
  readonly code: DestinationErrorCode;

  constructor(code: DestinationErrorCode, message: string) {
    super(message);
    this.name = 'DestinationError';
    this.code = code;
  }
}

/** Raw components of a remote path: `\` or `/` separated, empty ones (doubled or edge separators, UNC) left out. */
function rawComponents(path: string): string[] {
  return path.split(/[\\/]/).filter((component) => component !== '');
}

/**
 * The folders of a remote file: what comes before its last `\` (the file name, after it, is the
 * transfer manager's localFileName, which takes `\` only), split on `\` and `/`.
 */
function rawDirectories(remotePath: string): string[] {
  const lastBackslash = remotePath.lastIndexOf('\\');
  return lastBackslash < 0 ? [] : rawComponents(remotePath.slice(0, lastBackslash));
}

/** Components made safe; the ones with nothing left (`.`, `..`, dots and spaces) are dropped. */
function safeComponents(components: readonly string[]): string[] {
  const out: string[] = [];
  for (const component of components) {
    const name = safeName(component, '_');
    if (name !== undefined) out.push(name);
  }
  return out;
}

const DISC_FOLDER = /^(?:cd|disc|disk)[\s._-]*\d{1,3}(?:\D.*)?$/i;

function isDiscFolder(name: string | undefined): boolean {
  return name !== undefined && DISC_FOLDER.test(name);
}

/** The folder our user asked for, as safe components; refused when it would leave the downloads folder. */
function subfolderComponents(subfolder: string): string[] {
  if (subfolder === '') return [];
  const refuse = () =>
    new DestinationError(
      'bad-subfolder',
      `subfolder ${JSON.stringify(subfolder)}: give a folder relative to the downloads folder, without "..", a drive or a leading / or \\ (e.g. "soularr/123")`,
    );
  if (/^[\\/]/.test(subfolder) || /^[a-z]:/i.test(subfolder)) throw refuse();
  const raw = rawComponents(subfolder);
  if (raw.some((component) => /^[. ]*$/.test(component) && component.includes('.'))) throw refuse();
  const safe = safeComponents(raw);
  if (safe.length > MAX_DESTINATION_FOLDERS / 2 || joinedBytes(safe) > MAX_DESTINATION_FOLDER_BYTES / 2) {
    throw new DestinationError(
      'bad-subfolder',
      `subfolder ${JSON.stringify(subfolder.slice(0, 64))}…: too deep or too long; at most ${MAX_DESTINATION_FOLDERS / 2} folders and ${MAX_DESTINATION_FOLDER_BYTES / 2} bytes`,
    );
  }
  return safe;
}

function joinedBytes(components: readonly string[]): number {
  let bytes = 0;
  for (const component of components) bytes += Buffer.byteLength(component) + 1;
  return bytes;
}

/** `head` then as much of the end of `tail` as fits the depth and byte limits. */
function fitFolders(head: readonly string[], tail: readonly string[]): string[] {
  const kept = [...tail];
  while (kept.length > 0 && (head.length + kept.length > MAX_DESTINATION_FOLDERS || joinedBytes(head) + joinedBytes(kept) > MAX_DESTINATION_FOLDER_BYTES)) kept.shift();
  return [...head, ...kept];
}

/** The layout's folders for one file, before the subfolder: [anchor components, variable tail]. */
function layoutFolders(request: DestinationRequest, directories: readonly string[]): { head: string[]; tail: string[] } {
  const user = safeName(request.username, '_') ?? '_';
  const parent = directories.at(-1);
  const grandparent = directories.at(-2);
  if (request.remoteFolder !== undefined) return folderLayout(request, directories, user);
  switch (request.layout) {
    case 'remote-parent':
      return { head: [], tail: parent === undefined ? [] : [parent] };
    case 'flat':
      return { head: [], tail: [] };
    case 'by-user':
      return { head: [user], tail: parent === undefined ? [] : [parent] };
    case 'album':
      if (isDiscFolder(parent) && grandparent !== undefined) return { head: [], tail: [grandparent, parent!] };
      return { head: [], tail: parent === undefined ? [] : [parent] };
    case 'mirror':
      return { head: [], tail: directories.slice(1) };
  }
}

function folderLayout(request: DestinationRequest, directories: readonly string[], user: string): { head: string[]; tail: string[] } {
  const folderRaw = rawComponents(request.remoteFolder!);
  const fileRaw = rawDirectories(request.remotePath);
  const inside = folderRaw.length > 0 && folderRaw.length <= fileRaw.length && folderRaw.every((component, i) => component === fileRaw[i]);
  if (!inside) {
    throw new DestinationError(
      'not-in-folder',
      `${JSON.stringify(request.remotePath)} is not inside the folder being downloaded, ${JSON.stringify(request.remoteFolder)}: ask for files of that folder only`,
    );
  }
  const folder = safeComponents(folderRaw);
  const below = safeComponents(fileRaw.slice(folderRaw.length));
  const name = folder.at(-1);
  const top = name === undefined ? [] : [name];
  switch (request.layout) {
    case 'remote-parent':
      return { head: top, tail: below };
    case 'flat':
      return { head: [], tail: [] };
    case 'by-user':
      return { head: [user, ...top], tail: below };
    case 'album':
      if (isDiscFolder(name) && folder.length >= 2) return { head: [folder.at(-2)!, ...top], tail: below };
      return { head: top, tail: below };
    case 'mirror':
      return { head: [], tail: directories.slice(1) };
  }
}

/** The absolute path of `components` under `root`, refusing anything that does not stay strictly inside it. */
export function insideDownloads(root: string, components: readonly string[]): string {
  const base = resolve(root);
  const path = resolve(base, ...components);
  const prefix = base.endsWith(sep) ? base : base + sep;
  if (path !== base && !path.startsWith(prefix)) {
    throw new DestinationError('outside-downloads', `refusing a destination outside the downloads folder ${base}: ${JSON.stringify(components.join('/'))}`);
  }
  return path;
}

/** Where `request`'s file lands under `downloadsDir`. Throws DestinationError, never a path outside. */
export function destinationFor(downloadsDir: string, request: DestinationRequest): Destination {
  if (!(DESTINATION_LAYOUTS as readonly string[]).includes(request.layout)) {
    throw new DestinationError('bad-layout', `unknown destination layout ${JSON.stringify(request.layout)}: use one of ${DESTINATION_LAYOUTS.join(', ')}`);
  }
  const directories = safeComponents(rawDirectories(request.remotePath));
  const { head, tail } = layoutFolders(request, directories);
  const folders = fitFolders([...subfolderComponents(request.subfolder ?? ''), ...head], tail);
  const fileName = localFileName(request.remotePath);
  const folder = insideDownloads(downloadsDir, folders);
  const path = insideDownloads(downloadsDir, [...folders, fileName]);
  if (path === resolve(downloadsDir)) throw new DestinationError('outside-downloads', `refusing a destination that is the downloads folder itself`);
  return { folders, fileName, folder, path, relativePath: [...folders, fileName].join('/') };
}
