// The daemon's HTTP API, as the rest of the daemon uses it: start the server, describe its services and
// auth, hash the web password. Routes are declared in routes.ts; the typed client is ../client.ts.

export { startDaemonHttp, buildDaemonHttp, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, DEFAULT_BODY_LIMIT, type DaemonHttp, type DaemonHttpOptions } from './server.ts';
export type { DaemonServices } from './services.ts';
export type { ApiKeyConfig, AuthSettings } from './auth.ts';
export { hashPassword } from './sessions.ts';
export { HttpError } from './errors.ts';
export { redactSecrets, SECRET_OPTION_KEYS, REDACTED } from './redact.ts';
export { openApiDocument, type OpenApiDocument } from './openapi.ts';
export { route, ROLES, type Role, type Access, type RouteDef, type Handlers, type AuthContext } from './route.ts';
export { routes, type Routes, type RouteName } from './routes.ts';
