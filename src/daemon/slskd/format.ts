// slskd's JSON conventions (System.Text.Json web defaults over .NET types), which its tools parse
// strictly: dates as ISO-8601 with 7 fractional digits and `Z` (Go's time.Time needs the zone),
// durations as .NET TimeSpan text ("hh:mm:ss.fffffff", "d.hh:mm:ss.fffffff" past a day), [Flags]
// enums as their names joined with ", " lowest bit first, and the state names mapped from ours.
// Only names of slskd's enums may appear: the Lidarr plugins Enum.Parse every part and throw on others.

import type { SearchState } from '../store/search-state.ts';
import type { Transfer } from '../../transfers/types.ts';
import { TransferRefusal } from '../../protocol/index.ts';
import type { ServerConnection } from '../http/routes.ts';

/** The slskd version reported: N.N.N (soularr parses it as ints), above 0.22.2 (its directory reply is an array from then on), below 0.26.0 (the Lidarr plugin would use the batch routes, not built). */
export const SLSKD_COMPAT_VERSION = '0.24.5';

/** `2025-05-01T12:34:56.1230000Z`: milliseconds padded to .NET's 7 digits. */
export function dotnetDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A .NET TimeSpan in its constant format: `00:00:03.4560000`, `1.02:03:04.0000000`. */
export function timeSpan(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const days = Math.floor(total / 86_400_000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const hh = pad(Math.floor(total / 3_600_000) % 24);
  const mm = pad(Math.floor(total / 60_000) % 60);
  const ss = pad(Math.floor(total / 1000) % 60);
  const fraction = `${pad(total % 1000, 3)}0000`;
  return `${days > 0 ? `${days}.` : ''}${hh}:${mm}:${ss}.${fraction}`;
}

/** A stable int for a search id: slskd's searches carry the network ticket as `token`, ours are keyed by the UUID. */
export function tokenOf(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 8), 16) & 0x7fff_ffff;
}

/** slskd's SearchStates names; why a completed search ended is known only while the daemon runs. */
export type SearchEnd = 'TimedOut' | 'ResponseLimitReached' | 'FileLimitReached';

export function searchStateText(state: SearchState, end: SearchEnd = 'TimedOut'): string {
  switch (state) {
    case 'requested':
      return 'Requested';
    case 'in-progress':
      // soularr polls while the state is exactly "InProgress": ours goes there at once.
      return 'InProgress';
    case 'completed':
      return `Completed, ${end}`;
    case 'cancelled':
      return 'Completed, Cancelled';
    case 'errored':
      return 'Completed, Errored';
  }
}

/** Refusal strings an uploader sends for good: the transfer ends as Rejected, with the string as `exception`. */
const REJECTIONS = new Set<string>([
  TransferRefusal.fileNotShared,
  TransferRefusal.banned,
  TransferRefusal.disallowedExtension,
  TransferRefusal.tooManyFiles,
  TransferRefusal.tooManyMegabytes,
  TransferRefusal.complete,
]);

/**
 * Our transfer states as slskd's TransferStates text. A failed transfer that will be tried again is
 * still on its way in slskd's terms: queued remotely when the uploader said "still queued", else
 * queued locally (waiting for its next attempt), never "Completed, Errored", which soularr and the
 * plugins take as final.
 */
export function transferStateText(transfer: Pick<Transfer, 'state' | 'reason' | 'retryAt' | 'direction'>): string {
  const { state, reason } = transfer;
  switch (state) {
    case 'queued':
      return transfer.direction === 'upload' || reason === 'Not connected' ? 'Queued, Locally' : 'Queued, Remotely';
    case 'requesting':
      return 'Requested';
    case 'connecting':
      return 'Initializing';
    case 'transferring':
      return 'InProgress';
    case 'completed':
      return 'Completed, Succeeded';
    case 'cancelled':
      return 'Completed, Cancelled';
    case 'failed':
      if (transfer.retryAt !== undefined) {
        return reason === TransferRefusal.tooManyFiles || reason === TransferRefusal.tooManyMegabytes || reason?.startsWith('User limit of') === true ? 'Queued, Remotely' : 'Queued, Locally';
      }
      if (reason !== undefined && REJECTIONS.has(reason)) return 'Completed, Rejected';
      if (reason !== undefined && /timed? ?out/i.test(reason)) return 'Completed, TimedOut';
      return 'Completed, Errored';
  }
}

/** Our connection state as slskd's SoulseekClientStates text. */
export function serverStateText(state: ServerConnection['state']): string {
  switch (state) {
    case 'loggedIn':
      return 'Connected, LoggedIn';
    case 'connecting':
      return 'Connecting';
    case 'disconnecting':
      return 'Disconnecting';
    case 'disconnected':
      return 'Disconnected';
  }
}

/** The transfer's directory as slskd groups it: the filename minus its last segment, `/` if it has one, else `\`. */
export function directoryOf(filename: string): string {
  const separator = filename.includes('/') ? '/' : '\\';
  const cut = filename.lastIndexOf(separator);
  return cut < 0 ? '' : filename.slice(0, cut);
}

/** `True`/`true`/`FALSE`… (Python sends True, C# True, Go true) as a boolean; absent → `fallback`. */
export function queryBool(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value.toLowerCase() === 'true';
}
