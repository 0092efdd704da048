// The daemon's typed client, as the page uses it: same origin, the session cookie sent by the
// browser (the client adds the header the daemon's CSRF check asks of cookie requests).

import { createDaemonClient, DaemonApiError, type DaemonClient } from '../daemon/client.ts';

export const api: DaemonClient = createDaemonClient({ baseUrl: window.location.origin });

/** 401: not logged in (or the session ended). */
export const isUnauthorized = (error: unknown): boolean => error instanceof DaemonApiError && error.status === 401;

/** What to show for a failed call: the daemon's own message when it gave one. */
export function messageOf(error: unknown): string {
  if (error instanceof DaemonApiError) return error.message;
  if (error instanceof Error) return `The daemon could not be reached (${error.message})`;
  return String(error);
}
