// The chat services' errors as HTTP errors that say what to do next (shared by the room and
// conversation handlers); anything else goes on as a 500.

import { HttpError } from './errors.ts';
import { ClientError } from '../../client/errors.ts';
import { DaemonStoreError } from '../store/errors.ts';

const path = (room: string): string => encodeURIComponent(room);

/** `room` names the room the request was about, for the sentences that say how to get into it. */
export function chatHttpError(error: unknown, room?: string): unknown {
  if (error instanceof ClientError) {
    switch (error.code) {
      case 'NOT_CONNECTED':
        return new HttpError(409, 'not_connected', 'Not logged in to the Soulseek server; connect first (PUT /api/v1/application/connection)');
      case 'NOT_IN_ROOM':
        return new HttpError(409, 'not_in_room', room === undefined
          ? `${error.message}; join it first (PUT /api/v1/joined-rooms/{room})`
          : `The daemon is not in room ${JSON.stringify(room)}; join it first (PUT /api/v1/joined-rooms/${path(room)})`);
      case 'ROOM_REFUSED':
        return new HttpError(409, 'room_refused', `${capitalized(error.message)}`);
      case 'TOO_MANY_ROOMS':
        return new HttpError(409, 'too_many_rooms', `${capitalized(error.message)} (DELETE /api/v1/joined-rooms/{room})`);
      case 'BUSY':
        return new HttpError(429, 'busy', capitalized(error.message));
      case 'INVALID_ARGUMENT':
        return new HttpError(400, 'validation', capitalized(error.message));
      case 'TIMEOUT':
        return new HttpError(504, 'server_timeout', `${capitalized(error.message)}: the Soulseek server did not answer; try again`);
      default:
        break;
    }
  }
  if (error instanceof DaemonStoreError && error.code === 'BAD_INPUT') return new HttpError(400, 'validation', capitalized(error.message));
  return error;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Runs a service call, turning its errors into HTTP errors. */
export async function chatCall<T>(work: () => T | Promise<T>, room?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw chatHttpError(error, room);
  }
}
