// One route of the daemon's API, declared once: method, path, role and TypeBox schemas. The Fastify
// registration, the handler types, the OpenAPI document and the typed client are all derived from it.
// This module (and the table) import only typebox, so the browser-safe client can import them too.

import { Type, type Static, type TSchema } from 'typebox';

/** Who may call a route: `public` needs no credentials; the rest are ordered read < write < admin. */
export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Access = Role | 'public';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Success responses by status. Error statuses share one body ({@link ErrorBody}) and are not declared per route. */
export type Responses = Readonly<Record<number, TSchema>>;

export interface RouteDef {
  readonly method: HttpMethod;
  /** Fastify syntax: `/api/v1/users/:username`. */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  readonly responses: Responses;
  /**
   * `text/html` and `text/plain` routes send a string as is (the only `text/plain` route is /metrics,
   * sent as the Prometheus text format 0.0.4); `text/event-stream` routes hand the connection to the
   * event stream (no handler: the server serves them from DaemonServices.events); everything else is
   * JSON serialized by the response schema.
   */
  readonly produces?: 'application/json' | 'text/html' | 'text/plain' | 'text/event-stream';
}

/** Keeps the literal types of a declaration (for the handler and client types) while checking its shape. */
export const route = <const R extends RouteDef>(def: R): R => def;

export type RouteTable = Readonly<Record<string, RouteDef>>;

/** The body of every error reply: a stable code, a sentence saying what to do, and the field at fault if any. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, e.g. validation, unauthorized, forbidden, not_found' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'JSON pointer of the offending input, e.g. /body/query' })),
  },
  { title: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** The error statuses every route may answer (documented once, in the OpenAPI document). */
export const ERROR_STATUSES = {
  400: 'Invalid input: the body names the field',
  401: 'Missing or invalid credentials',
  403: 'The credentials lack the role, or the address is not allowed for this key',
  404: 'Not found',
  413: 'Request body too large',
  409: 'Not possible now: not logged in to the Soulseek server, the user cannot be reached, a list is full…; the message says what to do',
  415: 'The body is not JSON (send Content-Type: application/json)',
  429: 'Too many requests of this kind at once; try again in a moment',
  500: 'Internal error (details are in the daemon log, never in the reply)',
  504: 'A user or the Soulseek server did not answer in time; try again later',
} as const;

type StaticOr<S, Else> = S extends TSchema ? Static<S> : Else;

/** Who made the request, as the auth hook found it. */
export interface AuthContext {
  readonly kind: 'key' | 'session' | 'anonymous' | 'disabled';
  /** null for anonymous callers of public routes. */
  readonly role: Role | null;
  /** The key's name or the logged-in user's name. */
  readonly name: string | null;
  readonly sessionId: string | null;
}

export interface HandlerRequest<R extends RouteDef> {
  readonly params: StaticOr<R['params'], Record<string, never>>;
  readonly query: StaticOr<R['query'], Record<string, never>>;
  readonly body: StaticOr<R['body'], undefined>;
  readonly auth: AuthContext;
  /** The client's address (forwarded-for only when the peer is a trusted proxy). */
  readonly ip: string;
}

/** What a handler returns: one of the declared success statuses with the body its schema describes. */
export type HandlerReply<R extends RouteDef> = {
  [S in keyof R['responses'] & number]: {
    readonly status: S;
    readonly body: Static<R['responses'][S]>;
    readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  };
}[keyof R['responses'] & number];

export type Handler<R extends RouteDef> = (request: HandlerRequest<R>) => Promise<HandlerReply<R>>;

/** Routes that stream events rather than answer once: served by the server itself, they have no handler. */
export type StreamRouteName<T extends RouteTable> = { [K in keyof T]: T[K]['produces'] extends 'text/event-stream' ? K : never }[keyof T];

/** One handler per route name: a missing handler, or one returning the wrong shape, does not compile. */
export type Handlers<T extends RouteTable> = { readonly [K in keyof T as K extends StreamRouteName<T> ? never : K]: Handler<T[K]> };

/** Fastify path `/a/:b` → OpenAPI/URI template `/a/{b}`. */
export const templatePath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
