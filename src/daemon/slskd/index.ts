// slskd's /api/v0 for the daemon's HTTP server (ExtraRoutes): the route table and its handlers over the
// daemon's searches, transfers and client. Tools written for slskd (soularr, slskd-api, the Lidarr
// plugins) point at the daemon's URL with one of its API keys and work unchanged.

import type { ExtraRoutes } from '../http/server.ts';
import type { Handler, Handlers, RouteDef } from '../http/route.ts';
import { slskdRoutes, type SlskdRoutes } from './routes.ts';
import { appHandlers } from './app-handlers.ts';
import { searchHandlers } from './search-handlers.ts';
import { userHandlers } from './user-handlers.ts';
import { transferHandlers } from './transfer-handlers.ts';
import { chatHandlers } from './chat-handlers.ts';
import { fileHandlers } from './files-handlers.ts';
import type { SlskdDeps } from './deps.ts';

export { slskdRoutes, type SlskdRoutes, type SlskdRouteName } from './routes.ts';
export { SLSKD_COMPAT_VERSION } from './format.ts';
export type { SlskdDeps } from './deps.ts';

export function slskdApi(deps: SlskdDeps): ExtraRoutes {
  // Built once: the searches' and transfers' handlers keep a little state (file limits, removed transfers).
  const shared = { ...searchHandlers(deps), ...userHandlers(deps), ...transferHandlers(deps), ...chatHandlers(deps), ...fileHandlers(deps) };
  return {
    routes: slskdRoutes,
    handlers: (auth) => {
      const all: Handlers<SlskdRoutes> = { ...appHandlers(deps, auth), ...shared };
      return all as unknown as Readonly<Record<string, Handler<RouteDef>>>;
    },
  };
}
