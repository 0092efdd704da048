// The web login (username and password against auth.web), shared by POST /api/v1/session and slskd's
// POST /api/v0/session: a wrong username costs the same scrypt time as a wrong password, and password
// checks at once are capped (429 past the cap).

import { timingSafeEqual } from 'node:crypto';
import type { Authenticator } from './auth.ts';
import { HttpError, unauthorized } from './errors.ts';
import { sha256, verifyPassword, type Session } from './sessions.ts';

/** Used when no web login is configured, so a wrong username costs the same scrypt time as a wrong password. */
const DUMMY_HASH = { N: 16384, r: 8, p: 1, salt: Buffer.alloc(16), hash: Buffer.alloc(32) };

/** A new admin session for the right username and password; HttpError 401 (or 429) otherwise. */
export async function webLogin(auth: Authenticator, username: string, password: string): Promise<{ token: string; session: Session }> {
  const web = auth.web;
  const userMatches = web !== undefined && timingSafeEqual(sha256(username), sha256(web.username));
  const passwordMatches = await auth.logins.run(
    () => verifyPassword(password, web?.hash ?? DUMMY_HASH),
    () => new HttpError(429, 'too_many_logins', 'Too many logins at once; try again in a moment'),
  );
  if (web === undefined) throw unauthorized('No web login is configured (setting auth.web); use an API key instead');
  if (!userMatches || !passwordMatches) throw unauthorized('Wrong username or password');
  return auth.sessions.create(web.username, 'admin');
}
