// `slsk browse` and `slsk info` through a running daemon: the daemon asks the server and the user's client
// (sharing one request with other callers, reusing a fresh listing), and the command prints what it got
// exactly as the direct command does.

import type { SharedFile, SharesListing } from '../client/index.ts';
import type { SearchResponseJson } from '../daemon/http/search-routes.ts';
import { DaemonApiError } from '../daemon/client.ts';
import { writeOut } from './command.ts';
import { ClientExit } from './client-options.ts';
import { CommandFailure } from './client-session.ts';
import type { ServerView } from './client-peer.ts';
import { daemonErrorMessage, type DaemonSession } from './daemon-link.ts';
import { sharesJson, sharesText } from './commands/browse.ts';
import { showInfo, type InfoShown } from './commands/info.ts';
import { formatJson } from './json.ts';

type FileJson = SearchResponseJson['files'][number];

const asFile = (file: FileJson): SharedFile => ({
  filename: file.filename,
  size: BigInt(Math.max(0, Math.trunc(file.size))),
  extension: file.extension,
  locked: file.locked,
  attributes: [],
  ...(file.bitrate === undefined ? {} : { bitrate: file.bitrate }),
  ...(file.duration === undefined ? {} : { duration: file.duration }),
  ...(file.sampleRate === undefined ? {} : { sampleRate: file.sampleRate }),
  ...(file.bitDepth === undefined ? {} : { bitDepth: file.bitDepth }),
  ...(file.vbr === undefined ? {} : { vbr: file.vbr }),
});

/** The session's signal plus --timeout (and a little for the daemon's own reply), as one. */
function deadline(session: DaemonSession, ms: number): { signal: AbortSignal; timedOut: () => boolean } {
  const timer = AbortSignal.timeout(ms + 2000);
  return { signal: AbortSignal.any([session.signal, timer]), timedOut: () => timer.aborted };
}

/** What the server knows of the user, from the daemon; a name it does not know is the command's failure. */
async function serverViewOf(session: DaemonSession, username: string, signal: AbortSignal): Promise<ServerView> {
  try {
    const [status, stats] = await Promise.all([
      session.api.userStatus({ params: { username }, signal }),
      session.api.userStats({ params: { username }, signal }),
    ]);
    return {
      username,
      status: status.status,
      privileged: status.privileged,
      stats: { avgSpeed: stats.avgSpeed, uploads: stats.uploads, files: stats.files, folders: stats.folders },
      country: undefined,
    };
  } catch (error) {
    if (error instanceof DaemonApiError && error.status === 404) throw new CommandFailure(`there is no user named ${JSON.stringify(username)} on the daemon's server`);
    throw error;
  }
}

export async function browseViaDaemon(session: DaemonSession, username: string, json: boolean, timeoutMs: number): Promise<number> {
  const { signal, timedOut } = deadline(session, timeoutMs);
  const view = await serverViewOf(session, username, signal);
  if (view.status === 'offline') throw new CommandFailure(`${username} is offline: only the user's own client can list its shares`);
  let listing;
  try {
    listing = await session.api.userBrowse({ params: { username }, query: {}, signal });
  } catch (error) {
    if (timedOut()) throw new CommandFailure(`${username} did not send the listing within ${timeoutMs / 1000} s (--timeout); the daemon keeps asking, and keeps it a few minutes once it comes`);
    if (error instanceof DaemonApiError && (error.status === 409 || error.status === 504)) throw new CommandFailure(daemonErrorMessage(error));
    throw error;
  }
  const shares: SharesListing = {
    username: listing.username,
    folders: listing.folders.map((folder) => ({ name: folder.name, files: folder.files.map(asFile) })),
    lockedFolders: listing.lockedFolders.map((folder) => ({ name: folder.name, files: folder.files.map(asFile) })),
  } as SharesListing;
  await writeOut(session.io.stdout, json ? formatJson(sharesJson(shares), false) + '\n' : sharesText(shares, session.io));
  return ClientExit.ok;
}

export async function infoViaDaemon(session: DaemonSession, username: string, json: boolean, timeoutMs: number): Promise<number> {
  const { signal, timedOut } = deadline(session, timeoutMs);
  const view = await serverViewOf(session, username, signal);
  let info: InfoShown | undefined;
  let problem: string | undefined;
  if (view.status === 'offline') {
    problem = `${username} is offline: only the user's own client can give its user info`;
  } else {
    try {
      const reply = await session.api.user({ params: { username }, signal });
      info = {
        description: reply.description,
        uploadSlots: reply.uploadSlots,
        slotsFree: reply.slotsFree,
        queueLength: reply.queueLength,
        uploadPermissions: reply.uploadPermissions,
        pictureBytes: reply.hasPicture ? reply.pictureBytes : undefined,
      };
    } catch (error) {
      // What the server said is still worth printing, as the direct command does.
      if (timedOut()) problem = `${username} did not answer within ${timeoutMs / 1000} s (--timeout)`;
      else if (error instanceof DaemonApiError && (error.status === 409 || error.status === 504)) problem = daemonErrorMessage(error);
      else throw error;
    }
  }
  return showInfo(session.io, json, view, info, problem);
}
