// Downloads the daemon runs on top of the transfer manager: whole remote folders as one group.

export {
  DEFAULT_MAX_FOLDER_DEPTH,
  DEFAULT_MAX_FOLDER_FILES,
  downloadFolder,
  folderProgress,
  whenFolderDone,
  type FolderDownload,
  type FolderDownloadDeps,
  type FolderDownloadRequest,
  type FolderDownloadSummary,
  type FolderFile,
  type FolderFileState,
  type FolderFileStatus,
  type FolderTransfers,
  type RefusalCode,
  type RefusedFile,
} from './folder-download.ts';
export { FolderDownloadError, listRemoteFolder, type FolderDownloadErrorCode, type FolderListing, type FolderListingClient, type ListedFile } from './folder-listing.ts';
