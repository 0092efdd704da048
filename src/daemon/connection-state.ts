// The daemon's link to the Soulseek server as one explicit state machine. The client library logs in
// and reconnects on its own; this records what the daemon tells the API and the event stream, and
// refuses moves that would mean two logins (or a disconnect) racing each other.

export const ConnectionStates = {
  /** Offline and staying so: never connected, or DELETE /application/connection. */
  disconnected: 'disconnected',
  /** A login is in progress (at start, PUT /application/connection, or a retry after a failed start). */
  connecting: 'connecting',
  loggedIn: 'loggedIn',
  /** The server went away; the client (or our start-up retry) tries again after a delay. */
  reconnecting: 'reconnecting',
  /** Closing the client on request; ends in disconnected. */
  disconnecting: 'disconnecting',
} as const;

export type ConnectionState = (typeof ConnectionStates)[keyof typeof ConnectionStates];

const MOVES: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  disconnected: ['connecting'],
  connecting: ['loggedIn', 'reconnecting', 'disconnected', 'disconnecting'],
  loggedIn: ['reconnecting', 'disconnected', 'disconnecting'],
  // A reconnect succeeds (loggedIn), is retried by us (connecting), or is given up (disconnected).
  reconnecting: ['loggedIn', 'connecting', 'disconnected', 'disconnecting'],
  disconnecting: ['disconnected'],
};

export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

/** The next state, or a ConnectionStateError for a move the table does not list. */
export function connectionTransition(from: ConnectionState, to: ConnectionState): ConnectionState {
  if (!MOVES[from].includes(to)) throw new ConnectionStateError(`the server connection cannot go from ${from} to ${to}`);
  return to;
}
