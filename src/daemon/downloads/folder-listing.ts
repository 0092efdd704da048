// The files of a remote folder and its subfolders, as the peer lists them.
//
// A folder request (PeerDirectoryContentsRequest) is answered with that one folder only, by
// Nicotine+ (its shares look the exact folder path up and send that folder's files) and by our own
// client (SharesLibrary.folder): the reply never names the subfolders. So the tree comes from the
// peer's shares listing (the browse reply), which every client sends whole: the folder asked for
// and every folder below it. Only when the listing does not hold the folder at all (a peer that
// answers browse with nothing, or hides the folder there) is the folder request asked too, and
// then without subfolders.
//
// Folders are compared by their components split on `\` and `/` (as destinationFor does), so
// `Music\Album`, `Music\Album\` and `Music/Album` are the same folder. A peer is untrusted: every
// file it lists goes through destinationFor with the requested folder, which refuses one outside
// it (a folder reply naming another folder, a name with `..` in it); those are returned as
// `refused`, never downloaded. The listing is bounded by the caller's file and depth limits.

import type { Client } from '../../client/client.ts';
import { ClientError } from '../../client/errors.ts';
import type { Folder } from '../../model/shares.ts';

export type FolderListingClient = Pick<Client, 'browse' | 'folder'>;

export type FolderDownloadErrorCode = 'bad-folder' | 'peer-offline' | 'peer-unreachable' | 'timeout' | 'not-connected' | 'not-shared' | 'locked' | 'too-many-files';

/** Why a folder download could not start; nothing was enqueued. */
export class FolderDownloadError extends Error {
  override readonly name = 'FolderDownloadError';
  readonly code: FolderDownloadErrorCode;
  constructor(code: FolderDownloadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** One file of the folder as the peer listed it. */
export interface ListedFile {
  /** Its full virtual path on the peer: the listed folder's name, `\`, the file name. */
  remotePath: string;
  size: bigint;
}

export interface FolderListing {
  /** The folder in the peer's own spelling (`\` separated, no trailing separator). */
  folder: string;
  files: ListedFile[];
  /** Where the files came from: the shares listing (subfolders included) or the folder request. */
  source: 'browse' | 'folder-request';
}

/** `\` or `/` separated components, empty ones left out. */
export function folderComponents(path: string): string[] {
  return path.split(/[\\/]/).filter((component) => component !== '');
}

function isAtOrBelow(folder: readonly string[], candidate: string): boolean {
  const components = folderComponents(candidate);
  return components.length >= folder.length && folder.every((component, i) => component === components[i]);
}

function filesOf(folders: readonly Folder[]): ListedFile[] {
  const files: ListedFile[] = [];
  for (const folder of folders) {
    const prefix = folder.name.endsWith('\\') ? folder.name : `${folder.name}\\`;
    for (const file of folder.files) files.push({ remotePath: prefix + file.filename, size: file.size });
  }
  return files;
}

/** A client failure as a FolderDownloadError that says what to do. */
function peerFailure(username: string, folder: string, error: unknown): unknown {
  if (!(error instanceof ClientError)) return error;
  switch (error.code) {
    case 'PEER_UNREACHABLE':
      return /offline/.test(error.message)
        ? new FolderDownloadError('peer-offline', `${username} is offline: try the folder ${JSON.stringify(folder)} again when they are online`, { cause: error })
        : new FolderDownloadError('peer-unreachable', `${error.message}: they may be behind a firewall; try again later`, { cause: error });
    case 'TIMEOUT':
      return new FolderDownloadError('timeout', `${username} did not list their shares in time (${error.message}): try again later, or download the files one by one`, { cause: error });
    case 'NOT_CONNECTED':
      return new FolderDownloadError('not-connected', `cannot ask ${username} for ${JSON.stringify(folder)}: not logged in to the server; wait for the login and try again`, { cause: error });
    default:
      return error;
  }
}

/**
 * Every file in `folder` and its subfolders on `username`'s shares. Rejects with FolderDownloadError
 * when the peer is offline, unreachable or slow, or does not share the folder (to us).
 */
export async function listRemoteFolder(client: FolderListingClient, username: string, folder: string, options: { signal?: AbortSignal } = {}): Promise<FolderListing> {
  const wanted = folderComponents(folder);
  if (wanted.length === 0) throw new FolderDownloadError('bad-folder', `${JSON.stringify(folder)} names no folder: give a remote folder such as "Music\\Album\\"`);
  const spelled = wanted.join('\\');
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let listing;
  try {
    listing = await client.browse(username, signal);
  } catch (error) {
    throw peerFailure(username, spelled, error);
  }
  const browsed = filesOf(listing.folders.filter((f) => isAtOrBelow(wanted, f.name)));
  if (browsed.length > 0) return { folder: spelled, files: browsed, source: 'browse' };

  let replied: Folder[];
  try {
    replied = await client.folder(username, spelled, signal);
  } catch (error) {
    throw peerFailure(username, spelled, error);
  }
  if (replied.some((f) => f.files.length > 0)) return { folder: spelled, files: filesOf(replied), source: 'folder-request' };
  if (listing.lockedFolders.some((f) => isAtOrBelow(wanted, f.name))) {
    throw new FolderDownloadError('locked', `${username} shares ${JSON.stringify(spelled)} with their buddies only: ask them to add you as a buddy`);
  }
  throw new FolderDownloadError('not-shared', `${username} does not share a folder ${JSON.stringify(spelled)} (or it is empty): browse their shares for the exact folder path`);
}
