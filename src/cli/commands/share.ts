// `slsk share DIR...`: scans the folders into the shares index, logs in as a full participant of
// the network (a node of the distributed search tree), and stays online answering searches,
// browses and upload requests until Ctrl-C, with a status line on a terminal and a log otherwise.

import { mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { IncomingSearch, SearchAnswer } from '../../client/index.ts';
import type { UserLists } from '../../client/user-lists.ts';
import type { ScanSummary, SharesLibrary } from '../../shares/index.ts';
import type { TransferManager } from '../../transfers/index.ts';
import { parseCommandArgs, UsageError, type CliIo, type Command } from '../command.ts';
import {
  ClientExit,
  CONNECTION_OPTIONS,
  connectionHelp,
  countOption,
  exitHelp,
  reconnectHelp,
  reconnectOption,
  RECONNECT_OPTION,
  resolveSettings,
} from '../client-options.ts';
import { aborted, stoppedFailure, withClient, type ClientSession } from '../client-session.ts';
import { DATA_HELP, DATA_OPTION, resolveDataDir, userListsPath } from '../data-dir.ts';
import { interruptedExitCode } from '../stop-signals.ts';
import { ShareView, UploadStats } from './share-view.ts';

const DEFAULT_SLOTS = 2;

const help = `Share folders: stay online answering searches, browses and downloads until Ctrl-C.

Usage: slsk share DIR... [--buddies DIR]... [--data DIR] [--slots N] [--ignore PATTERN]... [options]

Arguments:
  DIR         a folder to share, with everything under it; several may be given. Each is shared
              under its own name: /home/me/Music is "Music", its files "Music\\Artist\\song.mp3".
              Two folders with the same name cannot be shared together

Options:
  --buddies DIR       share DIR with your buddies only (slsk buddy add USER): others see its files
                      as locked; may be given several times, with or without DIRs for everyone
${DATA_HELP}
                      It keeps the index of the shares (shares.sqlite), the upload queue
                      (transfers.sqlite) and the buddy and ignore lists (user-lists.sqlite);
                      a later run scans only what changed
  --slots N           uploads at once (default ${DEFAULT_SLOTS}); more wait in the queue, in turn
  --ignore PATTERN    leave out names matching PATTERN ('*.tmp', '.*', 'Thumbs.db', or a path
                      inside a share with /); may be given several times
${reconnectHelp}
${connectionHelp}

It scans the folders first (new and changed files; audio files' bitrate and length are read),
then logs in, tells the server how many files and folders it shares, and takes part in the
distributed search network as other clients do. Everyone may search, browse and download
everything shared; the --buddies folders only buddies (slsk buddy add USER). Users on the ignore
list (slsk ignore add USER) get nothing: their searches, browses, messages and download requests are
dropped. Changes to either list made while it runs take effect within a few seconds.
Privileged users go first in the upload queue.
Files are only ever sent from the shared folders, as they were when scanned.
Uploads still queued when it stops are served on the next run with the same --data.

While it runs: on a terminal, stderr shows one status line (files shared, searches answered,
browses, uploads active, queued, done) and stdout a line per finished or failed upload; otherwise
stdout is a log with a timestamped line per event (scan, online, each answered search, browse,
upload queued, started, done or failed).
--json prints JSON Lines instead, one per event, each with "event" and "time" (ms since the epoch):
  {"event": "scanProgress", "files", "folder"}      {"event": "scanDone", "files", "folders",
   "added", "changed", "removed", "skipped", "warnings", "durationMs"}
  {"event": "online", "username", "server", "files", "folders", "slots"}
  {"event": "search", "user", "query", "files"}     {"event": "browse", "user"}
  {"event": "upload", "state", "previous", "user", "filename", "size", "bytes", "speed", "reason"}
      state: queued (previous null: newly queued), requesting, connecting, transferring,
      completed, failed, cancelled; sizes and bytes are decimal strings
  {"event": "uploadProgress", "user", "filename", "size", "bytes", "speed"}   at most once a second
  {"event": "warning", "message"}                   {"event": "stopped", "searches", "browses",
   "uploads": {"done", "failed"}}
  {"event": "disconnected", "server", "retryInMs"}  {"event": "reconnected", "server"}
Ctrl-C or SIGTERM (kill PID, systemd, docker stop) stops sharing: uploads in progress are cut
(the downloaders resume them later), the index and the queue are saved, and it exits 0. So does
the end of npm or npx when one of them started it. A second Ctrl-C or SIGTERM during that stop
exits at once. (Run through npx, the status a shell shows after Ctrl-C is npx's own: npm ends on
the signal itself.) When the server goes away (a restart), it stays up, logs in again when the
server is back (see --reconnect-delay), and announces its shares again.

${exitHelp('the folders could not be scanned or the data folder is not usable', ['130  Ctrl-C before the scan finished'])}

Examples:
  slsk share ~/Music                                 share one folder
  slsk share ~/Music ~/Audiobooks --slots 4          two folders, four uploads at once
  slsk share ~/Music --buddies ~/Rare                ~/Rare for buddies only
  slsk share ~/Music --ignore '*.jpg' --ignore '.*'  leave out pictures and hidden files
  slsk share ~/Music --data /srv/slsk --json >> share.log
`;

export const shareCommand: Command = {
  usage: 'slsk share DIR... [--buddies DIR]... [--data DIR] [--slots N] [--ignore PATTERN]... [--json]',
  help,
  run,
};

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...DATA_OPTION,
  ...RECONNECT_OPTION,
  buddies: { type: 'string', multiple: true },
  slots: { type: 'string' },
  ignore: { type: 'string', multiple: true },
} as const;

interface SharePlan {
  folders: { path: string; visibility: 'everyone' | 'buddies' }[];
  dataDir: string;
  slots: number;
  ignore: string[];
}

/** How often the lists are read again for changes `slsk buddy` and `slsk ignore` made meanwhile. */
const LISTS_REFRESH_MS = 2000;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const buddiesOnly = values.buddies ?? [];
  if (positionals.length === 0 && buddiesOnly.length === 0) throw new UsageError('missing DIR: slsk share FOLDER... (for example slsk share ~/Music)');
  const folders: SharePlan['folders'] = [];
  const names = new Map<string, string>();
  for (const [i, dir] of [...positionals, ...buddiesOnly].entries()) {
    const path = resolve(dir);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${dir} does not exist`);
    }
    if (!isDirectory) throw new UsageError(`${dir} is not a folder: slsk share takes folders`);
    const name = basename(path);
    if (name === '') throw new UsageError(`${dir}: the root folder cannot be shared, it has no name to share it under`);
    const other = names.get(name.toLowerCase());
    if (other !== undefined) throw new UsageError(`${other} and ${path} would both be shared as ${JSON.stringify(name)}: share one of them, or a folder above both`);
    names.set(name.toLowerCase(), path);
    folders.push({ path, visibility: i < positionals.length ? 'everyone' : 'buddies' });
  }
  const plan: SharePlan = {
    folders,
    dataDir: resolveDataDir(values.data, io.env),
    slots: countOption('--slots', values.slots, 0, 1000) ?? DEFAULT_SLOTS,
    ignore: values.ignore ?? [],
  };
  const settings = resolveSettings(values, io);
  const reconnect = reconnectOption(values['reconnect-delay']);
  const shown: { view?: ShareView } = {};

  try {
    mkdirSync(plan.dataDir, { recursive: true });
  } catch (error) {
    io.stderr.write(`slsk share: cannot create the data folder ${plan.dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ClientExit.failure;
  }
  const { SharesLibrary } = await import('../../shares/index.ts');
  let library: SharesLibrary;
  try {
    library = await SharesLibrary.open({ database: join(plan.dataDir, 'shares.sqlite'), folders, ignore: plan.ignore });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    io.stderr.write(`slsk share: cannot open the shares index in ${plan.dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ClientExit.failure;
  }
  const { UserLists } = await import('../../client/user-lists.ts');
  let lists: UserLists;
  try {
    lists = UserLists.open(userListsPath(plan.dataDir), { refreshIntervalMs: LISTS_REFRESH_MS });
  } catch (error) {
    await library.close();
    io.stderr.write(`slsk share: cannot open the buddy and ignore lists in ${plan.dataDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ClientExit.failure;
  }
  try {
    return await withClient(
      settings,
      io,
      // The view exists once logged in, and the connection can only be lost after that.
      { command: 'share', distributed: true, reconnect, onConnection: (event) => shown.view?.connection(event, settings.serverText) },
      (session) => runShare(session, library, lists, plan, shown),
    );
  } finally {
    lists.close();
    await library.close();
  }
}

async function runShare(session: ClientSession, library: SharesLibrary, lists: UserLists, plan: SharePlan, shown: { view?: ShareView }): Promise<number> {
  const { client, io, settings, signal } = session;
  // Ignored users' messages, searches and browses are dropped by the client from here on.
  client.setUserLists(lists);
  const view = new ShareView(io, settings.json, settings.username, plan.slots);
  shown.view = view;

  // ---- scan ----
  library.on('warning', (error) => view.warning(error));
  library.on('scanProgress', (progress) => view.scanProgress(progress));
  view.scanning(plan.folders.length);
  let summary: ScanSummary;
  try {
    summary = await library.scan({ signal });
  } catch (error) {
    view.clear();
    if (signal.aborted) {
      if (session.stopReason() === 'interrupted') {
        io.stderr.write('slsk share: interrupted while scanning; what was scanned is kept for the next run\n');
        return interruptedExitCode(session.stopRequest() ?? 'SIGINT');
      }
      throw stoppedFailure(session, 'scanning');
    }
    io.stderr.write(`slsk share: the scan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return ClientExit.failure;
  }
  view.scanned(summary);

  // ---- online ----
  const { TransferManager } = await import('../../transfers/index.ts');
  const manager: TransferManager = new TransferManager({
    client,
    database: join(plan.dataDir, 'transfers.sqlite'),
    // Only uploads happen here; the manager wants the folders all the same.
    downloadDir: join(plan.dataDir, 'downloads'),
    incompleteDir: join(plan.dataDir, 'downloads', '.incomplete'),
    resolveUpload: (virtualPath, username) => library.resolve(virtualPath, { buddy: lists.isBuddy(username) }),
    uploadSlots: plan.slots,
    isPrivileged: (username) => client.isPrivileged(username),
    isIgnored: lists.isIgnored,
    progressIntervalMs: 1000,
  });
  const stats = new UploadStats();
  const refreshInfo = (): void => {
    const { active, queued } = stats.counts(manager);
    client.setUserInfo({ uploadSlots: plan.slots, queueLength: queued, slotsFree: active < plan.slots });
  };
  manager.on('warning', () => {});
  manager.on('transferAdded', (transfer) => {
    if (transfer.direction !== 'upload') return;
    refreshInfo();
    view.upload(transfer, undefined, stats.counts(manager));
  });
  manager.on('transferState', (transfer, previous) => {
    if (transfer.direction !== 'upload') return;
    stats.changed(transfer);
    refreshInfo();
    view.upload(transfer, previous, stats.counts(manager));
  });
  manager.on('transferProgress', (transfer) => {
    if (transfer.direction === 'upload') view.uploadProgress(transfer, stats.counts(manager));
  });

  try {
    await manager.start();
    const respond = library.responder({
      isBuddy: lists.isBuddy,
      slotsFree: () => stats.counts(manager).active < plan.slots,
      avgSpeed: () => stats.averageSpeed(),
      queueLength: () => stats.counts(manager).queued,
    });
    client.setSearchResponder(async (search: IncomingSearch): Promise<SearchAnswer | undefined> => {
      const answer = await respond(search);
      if (answer !== undefined) view.search(search, answer.files.length + (answer.lockedFiles?.length ?? 0), stats.counts(manager));
      return answer;
    });
    const provider = library.sharesProvider(lists.isBuddy);
    client.setSharesProvider({
      shares: (requester) => {
        view.browse(requester, stats.counts(manager));
        return provider.shares(requester);
      },
      folder: (requester, directory) => provider.folder(requester, directory),
    });
    const counts = library.counts();
    client.setSharedCounts(counts.folders, counts.files);
    refreshInfo();
    view.online(settings.serverText, counts, stats.counts(manager));

    await aborted(signal);
  } finally {
    client.setSearchResponder(undefined);
    client.setSharesProvider(undefined);
    client.setUserLists(undefined);
    view.clear();
    await manager.close();
  }
  if (session.stopReason() !== 'interrupted') throw stoppedFailure(session, 'sharing');
  await view.stopped(stats);
  return ClientExit.ok;
}
