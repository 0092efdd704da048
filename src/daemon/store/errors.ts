// What the daemon store refuses, typed: the HTTP layer maps `code` to a status.

export type DaemonStoreErrorCode =
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'BAD_INPUT'
  | 'BAD_TRANSITION'
  | 'FULL'
  | 'CLOSED';

export class DaemonStoreError extends Error {
  override readonly name = 'DaemonStoreError';
  readonly code: DaemonStoreErrorCode;
  constructor(code: DaemonStoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Refuses an empty or too long text field with a message naming the field and the limit. */
export function checkText(field: string, value: string, max: number, options: { allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw new DaemonStoreError('BAD_INPUT', `${field} must be text`);
  if (value.length === 0 && options.allowEmpty !== true) throw new DaemonStoreError('BAD_INPUT', `${field} is empty; give one`);
  if (value.length > max) throw new DaemonStoreError('BAD_INPUT', `${field} is ${value.length} characters long; the limit is ${max}`);
  return value;
}

export function checkLimit(limit: number, max: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new DaemonStoreError('BAD_INPUT', `limit must be a whole number from 1 to ${max}`);
  return Math.min(limit, max);
}
