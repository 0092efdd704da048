// `slsk download USER PATH`: asks the user's client for one shared file and waits until it is here,
// with a progress bar (speed, ETA) on a terminal; --json streams the transfer's events.

import { parseCommandArgs, UsageError, type CliIo, type Command } from '../command.ts';
import { CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import type { DaemonSession } from '../daemon-link.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { serverView } from '../client-peer.ts';
import { quoted, remotePath } from '../format.ts';
import { DEFAULT_WAIT_SECONDS, downloadFolders, FOLDER_OPTIONS, folderHelp, runDownload, userOffline } from '../transfer-run.ts';

/** The download's JSON Lines, for download's and get's help. */
export const downloadEventsHelp = `Each line of the download has "event", "user", "filename", "bytes" and "size" (decimal
strings; size null until known):
  {"event": "state", "state", "previous", "reason", "retryAt", "offset"}   state is queued,
      requesting, connecting, transferring (offset: where it resumes), failed (retryAt: ms since
      the epoch when it is tried again, else null: then a "done" line follows), completed, cancelled
  {"event": "place", "place"}                 our place in the user's upload queue
  {"event": "progress", "percent", "speed" (bytes/s), "eta" (seconds or null)}
  {"event": "done", "state", "reason", "path", "speed"}   the last line when the transfer ended:
      state "completed" with the file's path, or "failed"/"cancelled" with the user's reason
  {"event": "stopped", "why": "timeout" | "interrupted", "state"}   the last line otherwise`;

// Loaded with folder-run.ts only when a folder is downloaded: the help stays here.
const folderDownloadHelp = `A PATH ending in \\ or / (or --folder) downloads the whole folder with its subfolders: the
files land under the folder's name in --to (Music\\Album\\CD1\\01.flac → Album/CD1/01.flac), one
"downloaded" line each on stderr and its path on stdout. Files already there with the same size are
not fetched again, so the same command after an interruption gets only what is missing.
With --json: {"event": "folder", "files", "alreadyPresent", "refused"}, then one
{"event": "file", "filename", "destination", "state", "reason", "path"} per file (state
"already-present" for those not fetched), then {"event": "summary", "complete", "counts", "stopped"}.`;

const help = `Download one file, or a whole folder, from a user.

Usage: slsk download USER PATH [--folder] [--to DIR] [--incomplete DIR] [--timeout SECONDS] [--no-wait] [options]

Arguments:
  USER        the user who shares the file; must be online
  PATH        the file's full shared path, as search and browse show it. Soulseek separates
              folders with backslashes: 'Music\\Aphex Twin\\01 - Xtal.mp3' (in single quotes for
              the shell); / works too: 'Music/Aphex Twin/01 - Xtal.mp3'

Options:
  --folder            PATH is a folder: download it with its subfolders (as a PATH ending in \\ or /)
${folderHelp}
  --timeout SECONDS   give up after this long in all, waiting in the user's upload queue included
                      (default ${DEFAULT_WAIT_SECONDS}; at most 86400). The partial file stays
  --no-wait           through a daemon only: enqueue and return at once, printing the transfer's id
                      (a folder: the folder download's id); 'slsk transfers watch' follows it
${connectionHelp}
${daemonHelp}
  Through a daemon the file lands in the daemon's downloads folder (its downloads.folder and
  downloads.layout settings), not --to; giving up or Ctrl-C leaves it queued with the daemon.

While it runs: on a terminal, stderr shows the file with a progress bar, percentage, bytes,
speed and time left, or what it waits for (the user's queue and our place in it, a retry);
otherwise stderr gets a line for each step and one for progress every 5 seconds.
The file is written as PATH's last part to --to; when that name is taken it becomes "name (1).ext".
Problems connecting are tried again a few times. Ctrl-C stops it and keeps the partial file: run
the same command again (same --to or --incomplete) to resume where it stopped.

Output: the path of the finished file on stdout.
--json prints JSON Lines on stdout instead, one per event of the transfer.
${downloadEventsHelp}

${folderDownloadHelp}

${exitHelp('the user is offline or refused the file (its reason is printed), or --timeout ran out', ['130  interrupted with Ctrl-C (the partial file stays, to resume)'])}

Examples:
  slsk download bob 'Music\\Aphex Twin\\01 - Xtal.mp3'                into the current folder
  slsk download bob 'Music\\Aphex Twin\\01 - Xtal.mp3' --to ~/Music   into ~/Music
  slsk download bob 'Music/big.flac' --timeout 3600                  wait up to an hour in bob's queue
  slsk download bob 'Music\\Aphex Twin\\' --to ~/Music               the whole folder, into ~/Music/Aphex Twin
  slsk download bob 'Music\\x.mp3' --json | jq -c 'select(.event == "progress") | .percent'
  slsk download bob 'Music\\Aphex Twin\\' --no-wait          queue the folder with the running daemon
`;

export const downloadCommand: Command = {
  usage: 'slsk download USER PATH [--folder] [--to DIR] [--incomplete DIR] [--timeout SECONDS] [--no-wait] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, ...FOLDER_OPTIONS, timeout: { type: 'string' }, folder: { type: 'boolean' }, 'no-wait': { type: 'boolean' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [username, typedPath, ...extra] = positionals;
  const filename = typedPath === undefined ? undefined : remotePath(typedPath);
  if (username === undefined || username === '') {
    throw new UsageError("missing USER and PATH: slsk download USER PATH (for example slsk download bob 'Music\\Artist\\song.mp3')");
  }
  if (filename === undefined || filename === '') {
    throw new UsageError(`missing PATH: slsk download ${username} PATH, the file's full shared path as search and browse show it`);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument ${quoted(extra[0]!)}: slsk download takes one USER and one PATH (quote a PATH with spaces)`);
  }
  // A trailing separator names a folder, as Soulseek clients show folders ('Music\\Album\\').
  const wholeFolder = values.folder === true || /[\\/]$/.test(typedPath ?? '');
  const folders = downloadFolders(values);
  const waitMs = secondsOption('--timeout', values.timeout, DEFAULT_WAIT_SECONDS);
  const noWait = values['no-wait'] === true;
  const viaDaemon = async (session: DaemonSession): Promise<number> => {
    if (values.to !== undefined || values.incomplete !== undefined) {
      io.stderr.write("slsk download: --to and --incomplete are not used through the daemon: it saves in its downloads folder (--no-daemon downloads here)\n");
    }
    const run = await import('../daemon-download.ts');
    // As the direct download does: an offline user is said at once, not after --timeout.
    if ((await session.api.userStatus({ params: { username }, signal: session.signal })).status === 'offline') throw userOffline(username);
    const common = { username, waitMs, waitOption: '--timeout', command: 'download', json: values.json === true, noWait };
    return wholeFolder ? run.downloadFolderViaDaemon(session, { ...common, folder: filename }) : run.downloadViaDaemon(session, { ...common, filename });
  };
  const direct = (): Promise<number> => {
    if (noWait) throw new UsageError("--no-wait needs a running daemon to leave the download with (start one with 'slsk daemon'); without one, download waits");
    const settings = resolveSettings(values, io);
    return withClient(settings, io, { command: 'download' }, async (session) => {
      // The server knows at once whether the user exists and is online; the user's client does not
      // have to time out to tell us.
      const view = await serverView(session.client, username, settings.serverText, session.signal);
      if (view.status === 'offline') throw userOffline(username);
      if (wholeFolder) return (await import('../folder-run.ts')).runFolderDownload(session, { username, folder: filename, folders, waitMs, waitOption: '--timeout', command: 'download' });
      return runDownload(session, { username, filename, folders, waitMs, waitOption: '--timeout', command: 'download' });
    });
  };
  return viaDaemonOr(values, io, 'download', viaDaemon, direct);
}
