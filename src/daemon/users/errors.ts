// The users service's own refusals, each with a stable code the HTTP layer maps to a status; the
// message says what to do next.

export type UserServiceErrorCode =
  /** The server says there is no such user. */
  | 'NO_SUCH_USER'
  /** The user is offline (no address to reach it at). */
  | 'USER_OFFLINE'
  /** Not in the list the request names (an interest, a buddy). */
  | 'NOT_FOUND'
  /** Buddies are always watched: unwatching one is refused. */
  | 'IS_BUDDY'
  /** A bound was reached: watched users, interests. */
  | 'LIMIT'
  /** Too many browses run at once. */
  | 'BUSY';

export class UserServiceError extends Error {
  override readonly name = 'UserServiceError';
  readonly code: UserServiceErrorCode;

  constructor(code: UserServiceErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
