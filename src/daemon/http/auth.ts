// Who is calling and may they: API keys (X-API-Key or Authorization: Bearer) with roles and address
// ranges, and web sessions (cookie or bearer token). Runs in Fastify's onRequest hook, before any body is
// read or validated, so an unauthenticated caller cannot even make the daemon parse its input.

import { BlockList, isIP } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ROLES, type Access, type AuthContext, type Role } from './route.ts';
import { forbidden, unauthorized, type HttpError } from './errors.ts';
import { ConcurrencyCap, parsePasswordHash, sha256, SessionStore, type ParsedHash } from './sessions.ts';
import type { DaemonConfig } from '../config/schema.ts';

/** One API key, as declared in the settings schema (auth.keys[]); `cidr` absent or empty = any address. */
export type ApiKeyConfig = Readonly<Omit<DaemonConfig['auth']['keys'][number], 'cidr'>> & { readonly cidr?: readonly string[] };

/**
 * The auth settings (declared once, in the settings schema): `enabled` is required, the rest default as
 * the schema says (sessionTtlSeconds 7 days, maxSessions 1000, maxConcurrentLogins 4, secureCookie false).
 * `enabled: false` is only allowed on loopback; `web.passwordHash` comes from hashPassword().
 */
export type AuthSettings = Readonly<Pick<DaemonConfig['auth'], 'enabled'>> &
  Readonly<Partial<Omit<DaemonConfig['auth'], 'enabled' | 'keys' | 'web'>>> & {
    readonly keys?: readonly ApiKeyConfig[];
    readonly web?: Readonly<NonNullable<DaemonConfig['auth']['web']>> | undefined;
  };

export const SESSION_COOKIE = 'slsk_session';
/** State-changing requests authenticated by cookie must carry this header: a cross-site form cannot set it. */
export const CSRF_HEADER = 'x-requested-with';

const rank = (role: Role): number => ROLES.indexOf(role);

interface Key {
  readonly name: string;
  readonly digest: Buffer;
  readonly role: Role;
  readonly cidr: readonly string[];
  readonly allowed: BlockList | null;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address; the error names the setting to fix. */
export function addressRange(list: BlockList, range: string, setting: string): void {
  const [address = '', bits, extra] = range.trim().split('/');
  const family = isIP(address);
  const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`${setting}: '${range}' is not an address range; write e.g. 192.168.1.0/24 or fd00::/8`);
  }
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
}

/** An IPv4 client seen through a dual-stack socket arrives as ::ffff:a.b.c.d; ranges are written in IPv4. */
export function normalizeAddress(ip: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null) return { address: mapped[1]!, family: 'ipv4' };
  return { address: ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

function parseCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Authenticator {
  readonly enabled: boolean;
  readonly sessions: SessionStore;
  readonly logins: ConcurrencyCap;
  readonly #keys: readonly Key[];
  readonly #web: { username: string; hash: ParsedHash } | undefined;
  readonly #ttlSeconds: number;
  readonly #secureCookie: boolean;

  constructor(settings: AuthSettings, now: () => number) {
    this.enabled = settings.enabled;
    this.#keys = (settings.keys ?? []).map((key, i) => {
      if (key.key.length < 16) throw new Error(`auth.keys[${i}].key is shorter than 16 characters; use a long random key`);
      if (!ROLES.includes(key.role)) throw new Error(`auth.keys[${i}].role must be one of ${ROLES.join(', ')}`);
      const cidr = key.cidr ?? [];
      let allowed: BlockList | null = null;
      if (cidr.length > 0) {
        allowed = new BlockList();
        for (const range of cidr) addressRange(allowed, range, `auth.keys[${i}].cidr`);
      }
      return { name: key.name, digest: sha256(key.key), role: key.role, cidr, allowed };
    });
    this.#web = settings.web === undefined ? undefined : { username: settings.web.username, hash: parsePasswordHash(settings.web.passwordHash, 'auth.web.passwordHash') };
    this.#ttlSeconds = settings.sessionTtlSeconds ?? 7 * 24 * 3600;
    this.#secureCookie = settings.secureCookie ?? false;
    this.logins = new ConcurrencyCap(settings.maxConcurrentLogins ?? 4);
    this.sessions = new SessionStore({ ttlMs: this.#ttlSeconds * 1000, max: settings.maxSessions ?? 1000, now });
  }

  get keys(): readonly { name: string; role: Role; cidr: string[] }[] {
    return this.#keys.map((key) => ({ name: key.name, role: key.role, cidr: [...key.cidr] }));
  }

  get web(): { username: string; hash: ParsedHash } | undefined {
    return this.#web;
  }

  /** Every key is compared (in constant time, by digest), so the time taken says nothing about which matched. */
  #findKey(presented: string): Key | undefined {
    const digest = sha256(presented);
    let found: Key | undefined;
    for (const key of this.#keys) if (timingSafeEqual(key.digest, digest)) found = key;
    return found;
  }

  /** Who the request's credentials name, or an HttpError (401/403) if the route needs more. */
  authenticate(request: FastifyRequest, access: Access): AuthContext | HttpError {
    if (!this.enabled) return { kind: 'disabled', role: 'admin', name: null, sessionId: null };
    const anonymous: AuthContext = { kind: 'anonymous', role: null, name: null, sessionId: null };
    const origin = request.headers.origin;
    if (!SAFE_METHODS.has(request.method) && origin !== undefined && !sameOrigin(origin, request.headers.host)) {
      return forbidden(`Cross-site request refused (Origin ${origin}); call the API from the daemon's own pages or without an Origin header`);
    }
    const found = this.#identify(request);
    if (access === 'public') return found instanceof Error || found === undefined ? anonymous : found;
    if (found === undefined) {
      return unauthorized('Credentials required: send X-API-Key, Authorization: Bearer <key or session token>, or log in at POST /api/v1/session');
    }
    if (found instanceof Error) return found;
    if (rank(found.role!) < rank(access)) {
      return forbidden(`This route needs the ${access} role; the credentials used have ${found.role}`);
    }
    return found;
  }

  #identify(request: FastifyRequest): AuthContext | HttpError | undefined {
    const header = request.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    const presented = apiKey ?? bearer;
    if (presented !== undefined) {
      const key = this.#findKey(presented);
      if (key !== undefined) {
        const { address, family } = normalizeAddress(request.ip);
        if (key.allowed !== null && !key.allowed.check(address, family)) {
          return forbidden(`API key '${key.name}' is not allowed from ${address}; its ranges are set in auth.keys[].cidr`);
        }
        return { kind: 'key', role: key.role, name: key.name, sessionId: null };
      }
      if (apiKey !== undefined) return unauthorized('The X-API-Key is not one of the daemon\'s keys');
      const session = this.sessions.find(presented);
      if (session === undefined) return unauthorized('The bearer token is neither an API key nor a live session; log in again');
      return { kind: 'session', role: session.session.role, name: session.session.name, sessionId: session.id };
    }
    const cookie = parseCookie(request.headers.cookie, SESSION_COOKIE);
    if (cookie === undefined) return undefined;
    const session = this.sessions.find(cookie);
    if (session === undefined) return unauthorized('The session has expired or was ended; log in again at POST /api/v1/session');
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] === undefined) {
      return forbidden(`A ${request.method} with a session cookie must carry the ${CSRF_HEADER} header (the daemon's client sends it)`);
    }
    return { kind: 'session', role: session.session.role, name: session.session.name, sessionId: session.id };
  }

  sessionCookie(token: string): string {
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${this.#ttlSeconds}${this.#secureCookie ? '; Secure' : ''}`;
  }

  clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.#secureCookie ? '; Secure' : ''}`;
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
