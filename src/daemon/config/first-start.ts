// Auth that is on from the first start: with no web password and no API key configured, the daemon makes
// a password, keeps only its scrypt hash in <data>/daemon-auth.json and hands the password back once for
// the caller to print. It also keeps a local admin token in <data>/daemon.token for the one-shot `slsk`
// commands on this machine. Both files are the owner's alone (mode 0600) and written atomically.
//
// The token is stable across restarts: a `slsk` command started just before a restart, or a script that
// read it once, keeps working. Delete the file to get a new one on the next start.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword, parsePasswordHash } from '../http/sessions.ts';
import type { DaemonConfig } from './schema.ts';
import { TOKEN_FILE_NAME } from './daemon-file.ts';

export const AUTH_FILE_NAME = 'daemon-auth.json';
export { TOKEN_FILE_NAME };
/** The web login name when the daemon makes the password. */
export const DEFAULT_WEB_USERNAME = 'admin';
/** The name the local token goes by in logs and GET options. */
export const LOCAL_TOKEN_NAME = 'local';

const OWNER_ONLY = 0o600;

/** Writes `text` to `path` readable only by the owner; a crash leaves the old file or the new one, never half. */
export async function writeOwnerOnly(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', OWNER_ONLY);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // The mode given to open() is narrowed by the umask, never widened; chmod makes it exact.
    await chmod(temporary, OWNER_ONLY);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface StoredLogin {
  readonly username: string;
  readonly passwordHash: string;
}

function parseStored(text: string, path: string): StoredLogin {
  const fix = `delete ${path} to have a new password made on the next start`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; ${fix}`);
  }
  const { username, passwordHash } = (parsed ?? {}) as Partial<Record<string, unknown>>;
  if (typeof username !== 'string' || username === '' || typeof passwordHash !== 'string') {
    throw new Error(`${path} must hold {"username": …, "passwordHash": …}; ${fix}`);
  }
  parsePasswordHash(passwordHash, `${path} passwordHash`);
  return { username, passwordHash };
}

export interface WebPassword<T extends DaemonConfig> {
  /** The configuration with auth.web filled in from <data>/daemon-auth.json when the daemon made the login. */
  readonly config: T;
  /** The password made on this start, to print once; undefined on every later start. */
  readonly password: string | undefined;
}

/**
 * With auth enabled and neither auth.web nor auth.keys configured: on the first start makes a password
 * (24 characters of base64url, 144 random bits), stores its scrypt hash in <data>/daemon-auth.json and
 * returns it; on later starts reads the hash and returns no password.
 */
export async function ensureWebPassword<T extends DaemonConfig>(config: T, dataDir: string): Promise<WebPassword<T>> {
  if (!config.auth.enabled || config.auth.web !== undefined || config.auth.keys.length > 0) return { config, password: undefined };
  const path = join(dataDir, AUTH_FILE_NAME);
  const existing = await readIfPresent(path);
  let stored: StoredLogin;
  let password: string | undefined;
  if (existing !== undefined) {
    stored = parseStored(existing, path);
  } else {
    password = randomBytes(18).toString('base64url');
    stored = { username: DEFAULT_WEB_USERNAME, passwordHash: await hashPassword(password) };
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeOwnerOnly(path, `${JSON.stringify(stored, null, 2)}\n`);
  }
  return { config: { ...config, auth: { ...config.auth, web: stored } }, password };
}

/**
 * The local admin token in <data>/daemon.token: read if present (its mode tightened to 0600 if it was
 * looser), else made (32 random bytes, base64url). Register it with `withLocalToken`.
 */
export async function ensureLocalToken(dataDir: string): Promise<string> {
  const path = join(dataDir, TOKEN_FILE_NAME);
  const existing = (await readIfPresent(path))?.trim();
  if (existing !== undefined && existing.length >= 32) {
    await chmod(path, OWNER_ONLY);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeOwnerOnly(path, `${token}\n`);
  return token;
}

/** The configuration with the local token as an admin API key usable only from this machine. */
export function withLocalToken<T extends DaemonConfig>(config: T, token: string): T {
  const key = { name: LOCAL_TOKEN_NAME, key: token, role: 'admin' as const, cidr: ['127.0.0.0/8', '::1'] };
  return { ...config, auth: { ...config.auth, keys: [...config.auth.keys, key] } };
}
