// The states of a transfer and the moves between them. Every state change goes through
// transition(), which refuses a move the table does not list: a bug that would, say, bring a
// completed transfer back to life fails loudly instead of corrupting the transfer list.

/**
 * queued: downloads wait in the peer's queue, uploads in ours. requesting: a download is being
 * queued with the peer / an upload offer (PeerTransferRequest) waits for the downloader's reply.
 * connecting: the F connection is being made. transferring: bytes flow. completed, cancelled: final.
 * failed: final unless `retryAt` is set (the transfer is tried again then).
 */
export const TransferStates = {
  queued: 'queued',
  requesting: 'requesting',
  connecting: 'connecting',
  transferring: 'transferring',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

export type TransferState = (typeof TransferStates)[keyof typeof TransferStates];

export const TRANSFER_STATES: readonly TransferState[] = Object.values(TransferStates);

/** States in which an attempt is on its way (an offer, a connection, bytes): they hold an upload slot. */
export const ACTIVE_STATES: ReadonlySet<TransferState> = new Set(['requesting', 'connecting', 'transferring']);

/**
 * The moves each state allows. A state may move to itself only where the reason or the retry time
 * changes without anything else happening (queued again with a new reason, a new failure while a
 * retry waits, a new offer replacing one whose connection never came).
 */
export const TRANSITIONS: Readonly<Record<TransferState, readonly TransferState[]>> = {
  // Asked (again), offered by the uploader, refused, cancelled; queued again while waiting for login.
  queued: ['queued', 'requesting', 'connecting', 'failed', 'cancelled'],
  // Queued with the peer / the reply arrived (allowed: connecting), refused, given up, cancelled.
  requesting: ['queued', 'connecting', 'failed', 'cancelled'],
  // Bytes start, or the connection failed (an upload goes back to the queue), a newer offer, cancelled.
  connecting: ['connecting', 'transferring', 'queued', 'failed', 'cancelled'],
  transferring: ['completed', 'failed', 'cancelled'],
  completed: [],
  // A retry: asked again (requesting, or queued while offline), offered, failed again, cancelled.
  failed: ['failed', 'queued', 'requesting', 'connecting', 'cancelled'],
  // Only retry() brings a cancelled transfer back.
  cancelled: ['queued', 'requesting'],
};

/** A move the state machine does not allow: a bug in the caller, never a peer's doing. */
export class TransferStateError extends Error {
  override readonly name = 'TransferStateError';
  readonly code = 'TRANSFER_STATE';
  readonly from: TransferState;
  readonly to: TransferState;
  constructor(from: TransferState, to: TransferState) {
    super(`a transfer cannot go from ${from} to ${to} (allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'nothing, it is final'})`);
    this.from = from;
    this.to = to;
  }
}

export function canMove(from: TransferState, to: TransferState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** `to`, when the table allows moving there from `from`; throws TransferStateError otherwise. */
export function transition(from: TransferState, to: TransferState): TransferState {
  if (!canMove(from, to)) throw new TransferStateError(from, to);
  return to;
}
