// Web login: scrypt password hashes and the in-memory session store (bounded, with expiry). Tokens are
// kept only as their SHA-256, so the store never holds a usable credential.

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Role } from './route.ts';

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url): what the config file stores as the web password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Parses a stored hash, refusing parameters that would let a config file make each login cost a fortune. */
export function parsePasswordHash(encoded: string, setting: string): ParsedHash {
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (
    parts.length !== 6 || scheme !== 'scrypt' || !Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 ||
    !Number.isInteger(R) || R < 1 || R > 32 || !Number.isInteger(P) || P < 1 || P > 16 || salt === undefined || hash === undefined
  ) {
    throw new Error(`${setting} is not a scrypt hash (scrypt$N$r$p$salt$hash); make one with hashPassword()`);
  }
  return { N, r: R, p: P, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export async function verifyPassword(password: string, stored: ParsedHash): Promise<boolean> {
  const maxmem = 128 * stored.N * stored.r * stored.p + 32 * 1024 * 1024;
  const candidate = await scryptAsync(password, stored.salt, stored.hash.length, { N: stored.N, r: stored.r, p: stored.p, maxmem });
  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}

/**
 * At most `max` password checks at once: each costs ~16 MiB and tens of milliseconds of scrypt, so a flood
 * of logins is refused (429) instead of queueing without bound.
 */
export class ConcurrencyCap {
  #active = 0;
  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>, refuse: () => Error): Promise<T> {
    if (this.#active >= this.max) throw refuse();
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
    }
  }
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export interface Session {
  readonly name: string;
  readonly role: Role;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Live sessions, at most `max`: past that the oldest is dropped (its holder logs in again). */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; max: number; now: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#max = options.max;
    this.#now = options.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  create(name: string, role: Role): { token: string; session: Session } {
    this.#sweep();
    while (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done === true) break;
      this.#sessions.delete(oldest.value);
    }
    const token = randomBytes(32).toString('base64url');
    const issuedAt = this.#now();
    const session: Session = { name, role, issuedAt, expiresAt: issuedAt + this.#ttlMs };
    this.#sessions.set(sha256(token).toString('hex'), session);
    return { token, session };
  }

  /** The session a token opens, or undefined if unknown or expired (an expired one is forgotten). */
  find(token: string): { id: string; session: Session } | undefined {
    const id = sha256(token).toString('hex');
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return { id, session };
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
  }
}
