// What browse and info share: finding out from the server whether a user exists and is online
// before asking the user's client anything, so "no such user" and "offline" come back at once
// with a clear message instead of a connection attempt that times out.

import { UsageError } from './command.ts';
import type { Client, Presence, UserStatsInfo } from '../client/index.ts';
import { secondsOption } from './client-options.ts';
import { CommandFailure } from './client-session.ts';

export const DEFAULT_PEER_SECONDS = 30;

export const peerTimeoutHelp = `  --timeout SECONDS   give up on the user's client after this long (default ${DEFAULT_PEER_SECONDS})`;

/** Client timeouts for a command that asks a peer: the whole request (connecting included) within --timeout. */
export function peerTimeouts(timeout: string | undefined): { peerReplyMs: number; peerIndirectMs: number } {
  const ms = secondsOption('--timeout', timeout, DEFAULT_PEER_SECONDS);
  return { peerReplyMs: ms, peerIndirectMs: Math.min(ms, 20_000) };
}

export interface ServerView {
  username: string;
  status: Presence;
  privileged: boolean;
  stats: UserStatsInfo;
  country: string | undefined;
}

/** What the server knows of a user; throws CommandFailure (exit 1) for a name it does not know. */
export async function serverView(client: Client, username: string, serverText: string, signal: AbortSignal): Promise<ServerView> {
  const watched = await client.watch(username, { signal });
  if (!watched.exists) throw new CommandFailure(`there is no user named ${JSON.stringify(username)} on ${serverText}`);
  const status = await client.userStatus(username, { signal });
  const stats = watched.stats ?? (await client.userStats(username, { signal }));
  return {
    username,
    status: status.status,
    privileged: status.privileged,
    stats,
    country: watched.country === undefined || watched.country === '' ? undefined : watched.country,
  };
}

/** The single USER argument of `slsk browse` / `slsk info`. */
export function oneUser(positionals: readonly string[], command: string): string {
  const [username, ...extra] = positionals;
  if (username === undefined || username === '') throw new UsageError(`missing USER: slsk ${command} USER (for example slsk ${command} bob)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: slsk ${command} takes one USER`);
  return username;
}
