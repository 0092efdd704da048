// The daemon's API routes (`/api/v1`, plus `/health`), each declared once. Server, handlers' types,
// OpenAPI document and typed client all come from this table. Imports only typebox: the browser client
// imports it too.

import { Type, type Static } from 'typebox';
import { route } from './route.ts';
import { searchRoutes } from './search-routes.ts';
import { shareRoutes } from './share-routes.ts';
import { optionsRoutes } from './options-routes.ts';
import { roomRoutes } from './room-routes.ts';
import { conversationRoutes } from './conversation-routes.ts';
import { transferRoutes } from './transfer-routes.ts';
import { userRoutes } from './user-routes.ts';
import { socialRoutes } from './social-routes.ts';
import { wishlistRoutes } from './wishlist-routes.ts';

export const ServerConnection = Type.Object(
  {
    state: Type.Union([Type.Literal('disconnected'), Type.Literal('connecting'), Type.Literal('loggedIn'), Type.Literal('disconnecting')]),
    address: Type.Optional(Type.String({ description: 'host:port of the Soulseek server' })),
    username: Type.Optional(Type.String()),
  },
  { title: 'ServerConnection' },
);
export type ServerConnection = Static<typeof ServerConnection>;

export const ApplicationState = Type.Object(
  {
    version: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    uptimeSeconds: Type.Integer({ minimum: 0 }),
    server: ServerConnection,
  },
  { title: 'ApplicationState' },
);

export const SessionInfo = Type.Object(
  {
    kind: Type.Union([Type.Literal('key'), Type.Literal('session'), Type.Literal('disabled')]),
    name: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]),
  },
  { title: 'SessionInfo' },
);

export const LoginRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 256 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { title: 'LoginRequest' },
);

export const LoginReply = Type.Object(
  {
    name: Type.String(),
    token: Type.String({ description: 'The session token, also usable as `Authorization: Bearer <token>`' }),
    tokenType: Type.Literal('Bearer'),
    issued: Type.Integer({ description: 'Unix seconds' }),
    expires: Type.Integer({ description: 'Unix seconds' }),
  },
  { title: 'LoginReply' },
);

export const ApiKeyInfo = Type.Object(
  {
    name: Type.String(),
    role: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]),
    cidr: Type.Array(Type.String(), { description: 'Address ranges the key is limited to; empty means any' }),
  },
  { title: 'ApiKeyInfo' },
);

/** The options object as configured, with every secret replaced (see redactSecrets). */
export const OptionsObject = Type.Record(Type.String(), Type.Unknown(), { title: 'Options' });

export const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Record(Type.String(), Type.Unknown()), paths: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: true },
);

export const routes = {
  health: route({
    method: 'GET',
    path: '/health',
    access: 'public',
    summary: 'Liveness: 200 while the HTTP server answers',
    responses: { 200: Type.Object({ status: Type.Literal('ok') }) },
  }),
  metrics: route({
    method: 'GET',
    path: '/metrics',
    access: 'read',
    summary: 'Prometheus metrics (text format 0.0.4): transfers, searches, server connection, distributed tree, shares, HTTP, event loop, memory',
    produces: 'text/plain',
    responses: { 200: Type.String() },
  }),
  openapi: route({
    method: 'GET',
    path: '/api/v1/openapi.json',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    responses: { 200: OpenApiDocument },
  }),
  docs: route({
    method: 'GET',
    path: '/api/v1/docs',
    access: 'public',
    summary: 'This API as a readable HTML page',
    produces: 'text/html',
    responses: { 200: Type.String() },
  }),
  login: route({
    method: 'POST',
    path: '/api/v1/session',
    access: 'public',
    summary: 'Log in with the web username and password: sets an HttpOnly session cookie and returns the token',
    body: LoginRequest,
    responses: { 200: LoginReply },
  }),
  session: route({
    method: 'GET',
    path: '/api/v1/session',
    access: 'read',
    summary: 'Who the credentials of this request belong to',
    responses: { 200: SessionInfo },
  }),
  logout: route({
    method: 'DELETE',
    path: '/api/v1/session',
    access: 'read',
    summary: 'End the session of this request (cookie or bearer token)',
    responses: { 204: Type.Null() },
  }),
  application: route({
    method: 'GET',
    path: '/api/v1/application',
    access: 'read',
    summary: 'Version, uptime and the server connection',
    responses: { 200: ApplicationState },
  }),
  connect: route({
    method: 'PUT',
    path: '/api/v1/application/connection',
    access: 'write',
    summary: 'Connect and log in to the Soulseek server',
    responses: { 200: ServerConnection },
  }),
  disconnect: route({
    method: 'DELETE',
    path: '/api/v1/application/connection',
    access: 'write',
    summary: 'Disconnect from the Soulseek server (stays offline until connected again)',
    responses: { 200: ServerConnection },
  }),
  options: route({
    method: 'GET',
    path: '/api/v1/options',
    access: 'read',
    summary: 'The options in effect, with secrets redacted',
    responses: { 200: OptionsObject },
  }),
  keys: route({
    method: 'GET',
    path: '/api/v1/keys',
    access: 'admin',
    summary: 'The API keys (names, roles, address ranges; never the secrets)',
    responses: { 200: Type.Array(ApiKeyInfo) },
  }),
  events: route({
    method: 'GET',
    path: '/api/v1/events',
    access: 'read',
    summary:
      'The live events as Server-Sent Events (serverConnection, scanProgress, transferState, transferProgress, privateMessage, roomMessage, userStatus…); ' +
      'resume with Last-Event-ID (or lastEventId=); a `resync` event means events were missed: reload the state',
    produces: 'text/event-stream',
    query: Type.Object({
      types: Type.Optional(Type.String({ maxLength: 1024, description: 'Only these event types, comma-separated, e.g. transferState,transferProgress' })),
      lastEventId: Type.Optional(Type.String({ pattern: '^\\d{1,16}$', description: 'Resume after this event id (the Last-Event-ID header wins when both are sent)' })),
    }),
    responses: { 200: Type.String({ description: 'text/event-stream: `id:`, `event:` and JSON `data:` lines per event; comment lines as heartbeats' }) },
  }),
  key: route({
    method: 'GET',
    path: '/api/v1/keys/:name',
    access: 'admin',
    summary: 'One API key by name (never its secret)',
    params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }),
    responses: { 200: ApiKeyInfo },
  }),
  ...searchRoutes,
  ...shareRoutes,
  ...optionsRoutes,
  ...roomRoutes,
  ...conversationRoutes,
  ...transferRoutes,
  ...userRoutes,
  ...socialRoutes,
  ...wishlistRoutes,
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
