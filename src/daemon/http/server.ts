// The daemon's HTTP server: the route table registered on Fastify (validation by its AJV from the
// TypeBox schemas, replies serialized by the response schemas), auth in onRequest before any body is read,
// JSON errors everywhere.

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { BlockList } from 'node:net';
import { ErrorBody, type AuthContext, type Handler, type RouteDef, type RouteTable } from './route.ts';
import { routes, type RouteName } from './routes.ts';
import { Authenticator, addressRange, type AuthSettings } from './auth.ts';
import { errorHandler, notFoundHandler, HttpError } from './errors.ts';
import { createHandlers } from './handlers.ts';
import { DOCS_CSP } from './docs-page.ts';
import { loadWebUi, registerWebUi } from './web-ui.ts';
import type { DaemonServices } from './services.ts';
import { serveEventStream } from '../events/index.ts';

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 5030;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_PARAM_LENGTH = 2048;
/** How long requests still running when the server closes may take before their connections are cut. */
const CLOSE_GRACE_MS = 3000;

/** Content types of the routes that send a string as is (see RouteDef.produces). */
const TEXT_CONTENT_TYPES = {
  'text/html': 'text/html; charset=utf-8',
  // Prometheus's text exposition format (the only plain-text route is /metrics).
  'text/plain': 'text/plain; version=0.0.4; charset=utf-8',
} as const;

/** Told about every answered request (DaemonMetrics implements it); `route` is undefined when none matched. */
export interface HttpRequestObserver {
  httpRequest(route: string | undefined, statusCode: number, seconds: number): void;
}

export interface DaemonHttpOptions {
  /** Setting http.host; default 127.0.0.1. */
  readonly host?: string;
  /** Setting http.port; default 5030; 0 picks a free port. */
  readonly port?: number;
  readonly services: DaemonServices;
  readonly auth: AuthSettings;
  /** Setting http.trustedProxies: only requests from these addresses may name the client in X-Forwarded-For. */
  readonly trustedProxies?: readonly string[];
  /** Setting http.bodyLimit, in bytes; larger bodies get 413. */
  readonly bodyLimit?: number;
  /** Property names redacted from GET /api/v1/options (default SECRET_OPTION_KEYS). */
  readonly secretKeys?: readonly string[];
  readonly now?: () => number;
  /** The daemon's pino logger; without one the HTTP layer logs nothing. Handler failures (500) are logged here. */
  readonly logger?: FastifyBaseLogger;
  /** Counts requests by route name and status class, and their latency (the daemon's metrics). */
  readonly metrics?: HttpRequestObserver;
  /** More route tables served beside /api/v1 (the slskd-compatible /api/v0): see ExtraRoutes. */
  readonly extraRoutes?: readonly ExtraRoutes[];
  /** Serve the web UI built into this folder at `/` (web-ui.ts); without it, only the API answers. */
  readonly webUiFolder?: string;
}

/**
 * Another route table on the same server: the same auth hook and roles, validation and error bodies as
 * the API's own routes. It is not part of the OpenAPI document or the typed client, which describe
 * /api/v1 only. Its route names must not clash with the table's (they label the metrics).
 */
export interface ExtraRoutes {
  readonly routes: RouteTable;
  /** One handler per route name; given the server's authenticator for routes that log in. */
  readonly handlers: (auth: Authenticator) => Readonly<Record<string, Handler<RouteDef>>>;
}

export interface DaemonHttp {
  readonly address: string;
  readonly port: number;
  /** The base URL clients use, e.g. http://127.0.0.1:5030. */
  readonly url: string;
  close(): Promise<void>;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Builds the Fastify app without listening (the server and tests share it). */
export function buildDaemonHttp(options: DaemonHttpOptions): FastifyInstance {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  if (!options.auth.enabled && !isLoopback(host)) {
    throw new Error(
      `Refusing to listen on ${host} with auth disabled (auth.enabled: false): anyone who can reach it could control the daemon. ` +
        'Enable auth, or set http.host to 127.0.0.1.',
    );
  }
  const trusted = [...(options.trustedProxies ?? [])];
  trusted.forEach((range, i) => addressRange(new BlockList(), range, `http.trustedProxies[${i}]`));
  const now = options.now ?? Date.now;
  const auth = new Authenticator(options.auth, now);
  const handlers = createHandlers({ services: options.services, auth, now, startedAt: now(), ...(options.secretKeys === undefined ? {} : { secretKeys: options.secretKeys }) });

  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: trusted.length > 0 ? trusted : false,
    // Path parameters are bounded by their schemas (400 naming the field); the router's cap only stops
    // absurd URLs (414) before they are matched.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Errors Fastify raises before routing (a malformed URL, a bad Content-Type) get our JSON body too.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
    // A body field a route does not declare (additionalProperties: false) is a 400 naming it, not
    // silently dropped: a typo in a setting or an option must not look like success.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  const observer = options.metrics;
  if (observer !== undefined) {
    app.addHook('onResponse', async (request, reply) => {
      const route = (request.routeOptions.config as { routeName?: RouteName }).routeName;
      observer.httpRequest(route, reply.statusCode, reply.elapsedTime / 1000);
    });
  }

  const authOf = new WeakMap<FastifyRequest, AuthContext>();
  app.addHook('onRequest', async (request) => {
    const access = (request.routeOptions.config as { access?: RouteDef['access'] }).access;
    if (access === undefined) return; // no such route: the 404 handler answers
    const result = auth.authenticate(request, access);
    if (result instanceof HttpError) throw result;
    authOf.set(request, result);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    // The web UI's files say how long they may be kept; nothing else may be.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  const tables: { routes: RouteTable; handlers: Readonly<Record<string, unknown>> }[] = [
    { routes, handlers },
    ...(options.extraRoutes ?? []).map((extra) => ({ routes: extra.routes, handlers: extra.handlers(auth) })),
  ];
  for (const table of tables) registerTable(app, table.routes, table.handlers, options.services, authOf);
  if (options.webUiFolder !== undefined) registerWebUi(app, loadWebUi(options.webUiFolder));
  return app;
}

function registerTable(app: FastifyInstance, table: RouteTable, handlers: Readonly<Record<string, unknown>>, services: DaemonServices, authOf: WeakMap<FastifyRequest, AuthContext>): void {
  for (const [name, def] of Object.entries(table)) {
    if (def.produces === 'text/event-stream') {
      app.route({
        method: def.method,
        url: def.path,
        config: { access: def.access, routeName: name },
        schema: def.query === undefined ? {} : { querystring: def.query },
        // Authenticated and validated like any route; then the connection is the event stream's.
        handler: (request, reply) => {
          reply.hijack();
          serveEventStream(request.raw, reply.raw, services.events);
        },
      });
      continue;
    }
    const handler = (handlers as Record<string, unknown>)[name] as Handler<RouteDef>;
    const text = def.produces === 'text/html' || def.produces === 'text/plain' ? def.produces : undefined;
    const response: Record<string, unknown> = { '4xx': ErrorBody, '5xx': ErrorBody };
    if (text === undefined) for (const [status, schema] of Object.entries(def.responses)) if (status !== '204') response[status] = schema;
    app.route({
      method: def.method,
      url: def.path,
      config: { access: def.access, routeName: name },
      schema: {
        ...(def.params === undefined ? {} : { params: def.params }),
        ...(def.query === undefined ? {} : { querystring: def.query }),
        ...(def.body === undefined ? {} : { body: def.body }),
        response,
      },
      handler: async (request, reply) => {
        const result = await handler({
          params: request.params as never,
          query: request.query as never,
          body: request.body as never,
          auth: authOf.get(request) ?? { kind: 'anonymous', role: null, name: null, sessionId: null },
          ip: request.ip,
        });
        for (const [header, value] of Object.entries(result.headers ?? {})) reply.header(header, value);
        reply.status(result.status);
        if (text !== undefined) reply.type(TEXT_CONTENT_TYPES[text]);
        if (text === 'text/html') reply.header('content-security-policy', DOCS_CSP);
        if (result.status === 204 || result.body === undefined) return reply.send();
        // Fastify sends a string as text unless told it is JSON: a route whose JSON is a string (slskd's
        // version route) is encoded here.
        if (text === undefined && typeof result.body === 'string') return reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body));
        return reply.send(result.body);
      },
    });
  }
}

export async function startDaemonHttp(options: DaemonHttpOptions): Promise<DaemonHttp> {
  const app = buildDaemonHttp(options);
  try {
    await app.listen({ host: options.host ?? DEFAULT_HTTP_HOST, port: options.port ?? DEFAULT_HTTP_PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const bound = app.server.address();
  if (bound === null || typeof bound === 'string') throw new Error('The HTTP server is not listening on a TCP port');
  const hostPart = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const close = async (): Promise<void> => {
    const closing = app.close();
    // Keep-alive connections that go idle while closing would hold close() until their timeout
    // (72 s); requests still running get a grace period, then their connections are cut.
    app.server.closeIdleConnections();
    const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
    try {
      await closing;
    } finally {
      clearTimeout(cut);
    }
  };
  return { address: bound.address, port: bound.port, url: `http://${hostPart}:${bound.port}`, close };
}
