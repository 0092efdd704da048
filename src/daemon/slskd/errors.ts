// The daemon's typed errors as the statuses slskd answers with: a user who is offline or does not
// answer is 404, not being logged in is 409, too many searches 429. Tools only look at the status.

import { ClientError } from '../../client/errors.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { DaemonStoreError } from '../store/errors.ts';
import { FilterParseError } from '../search-filter.ts';
import { SearchBusyError } from '../searches.ts';

const UNREACHABLE = new Set(['PEER_UNREACHABLE', 'PEER_CLOSED', 'TIMEOUT', 'CONNECT_FAILED']);

export function slskdError(error: unknown, what: string): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof SearchBusyError) return new HttpError(429, 'too_many_searches', error.message);
  if (error instanceof FilterParseError) return new HttpError(400, 'bad_filter', error.message);
  if (error instanceof DaemonStoreError) {
    if (error.code === 'NOT_FOUND') return notFound(`${what}: ${error.message}`);
    if (error.code === 'EXISTS') return new HttpError(409, 'exists', error.message);
    if (error.code === 'BAD_INPUT') return new HttpError(400, 'bad_input', error.message);
  }
  if (error instanceof ClientError) {
    if (error.code === 'NOT_CONNECTED') return new HttpError(409, 'not_connected', `${what}: not logged in to the Soulseek server; wait for the daemon to log in`);
    if (UNREACHABLE.has(error.code)) return notFound(`${what}: the user is offline or did not answer (${error.message})`);
  }
  return error;
}

/** Runs `work`, turning the daemon's errors into slskd's statuses. */
export async function asSlskd<T>(what: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw slskdError(error, what);
  }
}
