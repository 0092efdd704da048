// The typed client of the daemon's API (`slsk-ts/daemon-client`): one method per route of the table,
// its input and output typed from the route's schemas. Runs in browsers too: it imports only the route
// table (which imports only typebox) and uses the global fetch.

import type { Static, TSchema } from 'typebox';
import { routes, type Routes, type RouteName } from './http/routes.ts';
import type { ErrorBody, RouteDef, StreamRouteName } from './http/route.ts';

export { routes, type RouteName, type Routes };

type Part<S, Key extends string> = S extends TSchema ? { readonly [K in Key]: Static<S> } : unknown;

/** What a call takes: `params`, `query` and `body` exactly when the route declares them. */
export type RouteInput<R extends RouteDef> = Part<R['params'], 'params'> & Part<R['query'], 'query'> & Part<R['body'], 'body'>;

/** What a call resolves with: the body of the route's success reply (null for 204). */
export type RouteOutput<R extends RouteDef> = Static<R['responses'][keyof R['responses'] & number]>;

export interface CallOptions {
  readonly signal?: AbortSignal;
}

type Method<R extends RouteDef> = {} extends RouteInput<R>
  ? (input?: RouteInput<R> & CallOptions) => Promise<RouteOutput<R>>
  : (input: RouteInput<R> & CallOptions) => Promise<RouteOutput<R>>;

/** One method per route; the event stream is read with EventSource (or fetch), not through a method that resolves once. */
export type DaemonClient = { readonly [K in Exclude<RouteName, StreamRouteName<Routes>>]: Method<Routes[K]> };

export interface DaemonClientOptions {
  /** e.g. http://127.0.0.1:5030 (no /api/v1: the routes carry their full path). */
  readonly baseUrl: string;
  /** Sent as X-API-Key. */
  readonly apiKey?: string;
  /** A session token from login(), sent as Authorization: Bearer. */
  readonly token?: string;
  readonly fetch?: typeof globalThis.fetch;
}

/** A non-2xx reply, with the daemon's error body. */
export class DaemonApiError extends Error {
  override readonly name = 'DaemonApiError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, body: Partial<ErrorBody>, route: string) {
    super(`${route}: ${status} ${body.message ?? body.error ?? 'request failed'}`);
    this.status = status;
    this.code = body.error ?? 'http_' + String(status);
    this.field = body.field;
  }
}

interface RawInput {
  readonly params?: Record<string, unknown>;
  readonly query?: Record<string, unknown>;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** `/users/:name` with {name: 'a b'} → `/users/a%20b`; a missing parameter is a caller bug, said plainly. */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new TypeError(`${path}: missing path parameter '${name}'`);
    return encodeURIComponent(String(value as string | number | boolean));
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item as string | number | boolean));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function createDaemonClient(options: DaemonClientOptions): DaemonClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const call = async (name: string, def: RouteDef, input: RawInput): Promise<unknown> => {
    const headers: Record<string, string> = {
      accept: def.produces ?? 'application/json',
      // Lets a browser's cookie session pass the daemon's CSRF check; a cross-site form cannot send it.
      'x-requested-with': 'slsk-ts',
    };
    if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (def.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchFn(`${base}${fillPath(def.path, input.params)}${queryString(input.query)}`, {
      method: def.method,
      headers,
      ...(def.body === undefined ? {} : { body: JSON.stringify(input.body) }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    if (!response.ok) {
      const text = await response.text();
      let body: Partial<ErrorBody> = {};
      try {
        body = JSON.parse(text) as Partial<ErrorBody>;
      } catch {
        body = { message: text.slice(0, 200) };
      }
      throw new DaemonApiError(response.status, body, name);
    }
    if (response.status === 204) return null;
    return def.produces === undefined || def.produces === 'application/json' ? response.json() : response.text();
  };
  const client: Record<string, (input?: RawInput) => Promise<unknown>> = {};
  for (const [name, def] of Object.entries(routes as Record<string, RouteDef>)) if (def.produces !== 'text/event-stream') client[name] = (input = {}) => call(name, def, input);
  return client as unknown as DaemonClient;
}
