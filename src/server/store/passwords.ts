// Password hashing for the server's accounts: scrypt from node:crypto, stored as a self-describing
// string `scrypt$N$r$p$salt$hash` so the cost can be raised later and old hashes still verify.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's CPU/memory cost N when the caller names none (OWASP's floor for interactive logins). */
export const DEFAULT_PASSWORD_COST = 16384;
export const MIN_PASSWORD_COST = 1024;
/** At r = 8 this already needs 1 GiB per hash; anything above is a typo or an attack. */
export const MAX_PASSWORD_COST = 1 << 20;

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';

/** Checks a cost N given by the operator and returns it; throws a RangeError saying what is allowed. */
export function validatePasswordCost(cost: unknown): number {
  if (
    typeof cost !== 'number' ||
    !Number.isInteger(cost) ||
    cost < MIN_PASSWORD_COST ||
    cost > MAX_PASSWORD_COST ||
    (cost & (cost - 1)) !== 0
  ) {
    throw new RangeError(
      `passwordCost must be a power of two from ${MIN_PASSWORD_COST} to ${MAX_PASSWORD_COST}, got ${String(cost)}`,
    );
  }
  return cost;
}

/** Hashes on libuv's threadpool (async scrypt), so a login never stalls the event loop. */
export async function hashPassword(password: string, cost: number = DEFAULT_PASSWORD_COST): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const n = validatePasswordCost(cost);
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, n, BLOCK_SIZE, PARALLELISM);
  return [PREFIX, n, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * True when `password` matches `stored`. A malformed or unknown-format hash gives false rather
 * than an exception: the caller's answer is "wrong password" either way, and it must not leak why.
 */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const key = await deriveKey(password, parsed.salt, parsed.hash.length, parsed.n, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.hash);
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const n = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  // Bounds on what is read back, too: a damaged row must not make one login allocate gigabytes.
  if (!Number.isInteger(n) || n < 2 || n > MAX_PASSWORD_COST || (n & (n - 1)) !== 0) return undefined;
  if (!Number.isInteger(r) || r < 1 || r > 32) return undefined;
  if (!Number.isInteger(p) || p < 1 || p > 16) return undefined;
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return undefined;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { n, r, p, salt, hash };
}

function deriveKey(password: string, salt: Buffer, keyLength: number, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs about 128·N·r bytes; the default maxmem (32 MiB) would refuse costs above 2^15.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
