// Where each file of a download request lands, checked before anything is enqueued: one file or a
// selection of one user's files goes through the same layout as a folder download (the request's,
// or the setting downloads.layout). The remote paths here come from our own HTTP caller (copied from
// a search or a browse); a path with a NUL or control character, a "." or ".." component, or no file
// name at the end is refused with the field named, and whatever else it holds (a drive letter, a
// leading slash) is cleaned by destinationFor, which never returns a folder outside the downloads
// folder. One bad file refuses the whole request: nothing is half-enqueued.

import { DestinationError, destinationFor, type DestinationLayout } from '../../transfers/destination.ts';
import { safeName } from '../../transfers/paths.ts';
import { TransferRequestError } from './errors.ts';

export interface DownloadRequest {
  username: string;
  files: readonly { filename: string; size?: number | undefined }[];
  layout?: DestinationLayout | undefined;
  subfolder?: string | undefined;
}

export interface PlannedDownload {
  filename: string;
  size: number | undefined;
  /** The absolute folder for download(…, { to }). */
  folder: string;
  /** Where it lands, relative to the downloads folder. */
  destination: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const DOTS = /^[. ]*\.[. ]*$/;

/** Refuses a remote folder our caller could not have got from a peer's listing (NUL, control characters, "." or ".."). */
export function checkRemoteFolder(path: string, field: string): void {
  if (CONTROL.test(path)) throw new TransferRequestError('bad-input', `${field}: a remote path cannot hold NUL or control characters`, { field });
  if (path.split(/[\\/]/).some((component) => DOTS.test(component))) {
    throw new TransferRequestError('bad-input', `${field}: a "." or ".." in the path is not a shared path; copy it from a search result or a browse`, { field });
  }
}

/** Refuses a remote file path our caller could not have got from a peer's listing. */
function checkRemotePath(filename: string, field: string): void {
  checkRemoteFolder(filename, field);
  if (safeName(filename.slice(filename.lastIndexOf('\\') + 1), '') === undefined) {
    throw new TransferRequestError('bad-input', `${field}: the path names a folder, not a file; download a folder with POST /api/v1/transfers/folders`, { field });
  }
}

export function planDownloads(downloadsDir: string, request: DownloadRequest, defaultLayout: DestinationLayout): PlannedDownload[] {
  const layout = request.layout ?? defaultLayout;
  return request.files.map((file, i) => {
    const field = `/body/files/${i}/filename`;
    checkRemotePath(file.filename, field);
    try {
      const destination = destinationFor(downloadsDir, { layout, username: request.username, remotePath: file.filename, subfolder: request.subfolder ?? '' });
      return { filename: file.filename, size: file.size, folder: destination.folder, destination: destination.relativePath };
    } catch (error) {
      if (!(error instanceof DestinationError)) throw error;
      const at = error.code === 'bad-subfolder' ? '/body/subfolder' : error.code === 'bad-layout' ? '/body/layout' : field;
      throw new TransferRequestError('bad-input', error.message, { field: at, cause: error });
    }
  });
}
