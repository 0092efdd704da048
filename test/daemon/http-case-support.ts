// What every area's route cases (test/daemon/http-routes-*-cases.ts) share: the shape of a case and
// the fetches that return the status and the parsed JSON, for the cases written by hand.

import type { Fixture } from './http-fixture.ts';

export interface RouteTestCase {
  /** Calls the route with the typed client and checks what comes back. */
  readonly client: (f: Fixture) => Promise<void>;
  /** Calls it with fetch, JSON written by hand, and checks the raw reply. */
  readonly raw: (f: Fixture) => Promise<void>;
}

/** The status, the parsed JSON and the headers of a request made with fetch. */
export async function rawReply(f: Fixture, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(f.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown), headers: response.headers };
}

/** The status and the parsed JSON (an empty body is undefined), for cases that compare them whole. */
export async function rawJson(f: Fixture, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown }> {
  const { status, json } = await rawReply(f, method, path, headers, body);
  return { status, json };
}
