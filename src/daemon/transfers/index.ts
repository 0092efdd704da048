// The daemon's transfer service: the grouped list, enqueueing with the destination layout, folder
// groups kept across restarts, and the actions on transfers.

export { DaemonTransfers, folderJson, MAX_FOLDER_LISTINGS, PLACE_TIMEOUT_MS, type DaemonTransfersOptions, type ManagedTransfers } from './daemon-transfers.ts';
export { checkRemoteFolder, planDownloads, type DownloadRequest, type PlannedDownload } from './enqueue.ts';
export { noTransfer, TransferRequestError, type TransferRequestErrorCode } from './errors.ts';
export { DEFAULT_LIST_LIMIT, isFinal, remoteFolderOf, TransferIndex, transferJson, type FolderRef, type IndexCosts, type TransferGroup } from './transfer-index.ts';
