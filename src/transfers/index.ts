// slsk-ts transfers: downloads and uploads over a Client (docs/flows.md §6).

export { TransferManager } from './manager.ts';
export { TokenBucket } from './rate-limit.ts';
export { serveOrder } from './queue.ts';
export { incompletePathFor, localFileName, moveWithoutOverwrite, safeName } from './paths.ts';
export {
  DEFAULT_DESTINATION_LAYOUT,
  DESTINATION_LAYOUTS,
  DestinationError,
  destinationFor,
  insideDownloads,
  type Destination,
  type DestinationErrorCode,
  type DestinationLayout,
  type DestinationRequest,
} from './destination.ts';
export { TRANSFER_MIGRATIONS, TransferStore, type TransferRow } from './store.ts';
export { ACTIVE_STATES, TRANSITIONS, TransferStateError, TransferStates, canMove, transition } from './states.ts';
export { TRANSFER_STATES, defaultRetry, defaultTransferLimits, defaultTransferTimeouts } from './types.ts';
export type {
  DownloadOptions,
  ResolveUpload,
  RetryOptions,
  SpeedLimits,
  Transfer,
  TransferClient,
  TransferDirection,
  TransferEvents,
  TransferLimits,
  TransferManagerOptions,
  TransferState,
  TransferTimeouts,
  UploadSource,
} from './types.ts';
