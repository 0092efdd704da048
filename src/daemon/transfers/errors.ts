// What the daemon's transfer service refuses, typed: the HTTP handlers map `code` to a status, and
// `field` (a JSON pointer such as /body/files/0/filename) names the input at fault.

export type TransferRequestErrorCode = 'not-found' | 'bad-input' | 'not-queued' | 'busy' | 'peer-timeout';

export class TransferRequestError extends Error {
  override readonly name = 'TransferRequestError';
  readonly code: TransferRequestErrorCode;
  readonly field: string | undefined;
  constructor(code: TransferRequestErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}

export const noTransfer = (id: string): TransferRequestError =>
  new TransferRequestError('not-found', `There is no transfer ${id}; GET /api/v1/transfers lists them`);
