// The daemon's server-connection state machine refuses moves that would mean two logins at once or a
// disconnect reported twice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionTransition, ConnectionStateError, ConnectionStates, type ConnectionState } from '../../src/daemon/connection-state.ts';

test('the connection moves only along the table', () => {
  const { disconnected, connecting, loggedIn, reconnecting, disconnecting } = ConnectionStates;
  // A whole life: start, lose the server, come back, disconnect on request, connect again.
  const path: ConnectionState[] = [disconnected, connecting, loggedIn, reconnecting, loggedIn, disconnecting, disconnected, connecting, reconnecting, connecting, loggedIn];
  for (let i = 1; i < path.length; i++) assert.equal(connectionTransition(path[i - 1]!, path[i]!), path[i]);
  for (const [from, to] of [
    [disconnected, loggedIn],
    [loggedIn, connecting],
    [disconnecting, loggedIn],
    [disconnecting, connecting],
    [disconnected, disconnecting],
  ] as const) {
    assert.throws(() => connectionTransition(from, to), (error: unknown) => error instanceof ConnectionStateError && error.message.includes(`from ${from} to ${to}`));
  }
});
