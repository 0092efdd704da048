// The handlers of the routes in routes.ts. Typed by the table: a missing handler, or a reply that does
// not match its route's response schema, does not compile.

import type { Handlers } from './route.ts';
import { routes, type Routes } from './routes.ts';
import { HttpError, notFound, unauthorized } from './errors.ts';
import { webLogin } from './web-login.ts';
import { redactSecrets } from './redact.ts';
import { openApiDocument } from './openapi.ts';
import { docsPage } from './docs-page.ts';
import type { Authenticator } from './auth.ts';
import type { DaemonServices } from './services.ts';
import { searchHandlers } from './search-handlers.ts';
import { shareHandlers } from './share-handlers.ts';
import { optionsHandlers } from './options-handlers.ts';
import { roomHandlers } from './room-handlers.ts';
import { conversationHandlers } from './conversation-handlers.ts';
import { transferHandlers } from './transfer-handlers.ts';
import { userHandlers } from './user-handlers.ts';
import { wishlistHandlers } from './wishlist-handlers.ts';

export interface HandlerContext {
  readonly services: DaemonServices;
  readonly auth: Authenticator;
  readonly now: () => number;
  readonly startedAt: number;
  readonly secretKeys?: readonly string[];
}

export function createHandlers(context: HandlerContext): Handlers<Routes> {
  const { services, auth, now } = context;
  const document = openApiDocument(routes, { title: 'slsk-ts daemon API', version: services.version });
  const page = docsPage(document);

  return {
    health: async () => ({ status: 200, body: { status: 'ok' } }),
    metrics: async () => ({ status: 200, body: services.metrics() }),
    openapi: async () => ({ status: 200, body: document }),
    docs: async () => ({ status: 200, body: page }),

    login: async ({ body }) => {
      const { token, session } = await webLogin(auth, body.username, body.password);
      return {
        status: 200,
        headers: { 'set-cookie': auth.sessionCookie(token) },
        body: {
          name: session.name,
          token,
          tokenType: 'Bearer',
          issued: Math.floor(session.issuedAt / 1000),
          expires: Math.floor(session.expiresAt / 1000),
        },
      };
    },
    session: async ({ auth: who }) => {
      if (who.kind === 'anonymous' || who.role === null) throw unauthorized('Not logged in');
      return { status: 200, body: { kind: who.kind, name: who.name, role: who.role } };
    },
    logout: async ({ auth: who }) => {
      if (who.sessionId === null) throw new HttpError(400, 'no_session', 'These credentials are not a session (an API key, or auth is disabled); nothing to log out');
      auth.sessions.delete(who.sessionId);
      return { status: 204, body: null, headers: { 'set-cookie': auth.clearedCookie() } };
    },

    application: async () => {
      const uptimeMs = Math.max(0, now() - context.startedAt);
      return {
        status: 200,
        body: {
          version: services.version,
          startedAt: new Date(context.startedAt).toISOString(),
          uptimeSeconds: Math.floor(uptimeMs / 1000),
          server: services.server(),
        },
      };
    },
    connect: async () => ({ status: 200, body: await services.connect() }),
    disconnect: async () => ({ status: 200, body: await services.disconnect() }),
    options: async () => ({ status: 200, body: redactSecrets(services.options(), context.secretKeys) as Record<string, unknown> }),
    keys: async () => ({ status: 200, body: [...auth.keys] }),
    key: async ({ params }) => {
      const key = auth.keys.find((k) => k.name === params.name);
      if (key === undefined) throw notFound(`No API key named '${params.name}'; GET /api/v1/keys lists them`);
      return { status: 200, body: key };
    },
    ...searchHandlers(services.searches),
    ...shareHandlers(services.shares),
    ...optionsHandlers(services, context.secretKeys),
    ...roomHandlers(services.rooms),
    ...conversationHandlers(services.conversations),
    ...transferHandlers(services.transfers),
    ...userHandlers(services.users),
    ...wishlistHandlers(services.wishlist),
  };
}
