// slskd's application, server, options and session routes over the daemon's state. The version is
// slskd's (SLSK_COMPAT_VERSION), not ours: tools decide what to call by it.

import type { Static } from 'typebox';
import type { Handlers } from '../http/route.ts';
import type { Authenticator } from '../http/auth.ts';
import type { ServerConnection } from '../http/routes.ts';
import { webLogin } from '../http/web-login.ts';
import type { SlskdRoutes } from './routes.ts';
import type { ServerState } from './schemas.ts';
import { serverStateText, SLSKD_COMPAT_VERSION } from './format.ts';
import type { SlskdDeps } from './deps.ts';

type AppRoutes = Pick<SlskdRoutes, 'v0Version' | 'v0Application' | 'v0Server' | 'v0Options' | 'v0Login' | 'v0Session' | 'v0SessionEnabled'>;

export function serverJson(connection: ServerConnection): Static<typeof ServerState> {
  const { state } = connection;
  return {
    ...(connection.address === undefined ? {} : { address: connection.address }),
    state: serverStateText(state),
    isConnected: state === 'loggedIn',
    isConnecting: state === 'connecting',
    isLoggedIn: state === 'loggedIn',
    // our link logs in as part of connecting: no separate phase to report
    isLoggingIn: false,
    isTransitioning: state === 'connecting' || state === 'disconnecting',
  };
}

export function appHandlers(deps: SlskdDeps, auth: Authenticator): Handlers<AppRoutes> {
  return {
    v0Version: async () => ({ status: 200, body: SLSKD_COMPAT_VERSION }),
    v0Application: async () => ({
      status: 200,
      body: {
        version: { full: `${SLSKD_COMPAT_VERSION} (${SLSKD_COMPAT_VERSION})`, current: SLSKD_COMPAT_VERSION, isCanary: false, isDevelopment: false },
        pendingReconnect: false,
        pendingRestart: false,
        server: serverJson(deps.server()),
        user: deps.username === undefined ? {} : { username: deps.username },
        rooms: [],
        users: [],
      },
    }),
    v0Server: async () => ({ status: 200, body: serverJson(deps.server()) }),
    v0Options: async () => ({
      status: 200,
      body: {
        directories: { downloads: deps.downloadsDir, incomplete: deps.incompleteDir },
        soulseek: deps.username === undefined ? {} : { username: deps.username },
        // the Lidarr plugins delete downloaded folders through /files only when this is true
        remoteFileManagement: false,
        transfers: { download: { destination: { permissions: { mode: '' } } } },
      },
    }),
    v0Login: async ({ body }) => {
      const { token, session } = await webLogin(auth, body.username, body.password);
      const issued = Math.floor(session.issuedAt / 1000);
      return { status: 200, body: { expires: Math.floor(session.expiresAt / 1000), issued, name: session.name, notBefore: issued, token, tokenType: 'Bearer' } };
    },
    // The auth hook already answered 401 to a caller without good credentials.
    v0Session: async () => ({ status: 200, body: undefined }),
    v0SessionEnabled: async () => ({ status: 200, body: auth.enabled }),
  };
}
