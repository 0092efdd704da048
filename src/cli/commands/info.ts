// `slsk info USER`: what the server knows of a user (status, privileges, statistics) and what the
// user's own client says about itself (description, upload slots, queue, permissions, picture).

import type { UserInfo } from '../../client/index.ts';
import { parseCommandArgs, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { oneUser, peerTimeoutHelp, peerTimeouts, serverView, type ServerView } from '../client-peer.ts';
import { humanSize, humanSpeed } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const PERMISSIONS = ['no one', 'everyone', 'users in their list', 'permitted users'] as const;

const help = `Show a user's status and statistics (from the server) and user info (from their client).

Usage: slsk info USER [--timeout SECONDS] [options]

Arguments:
  USER        the user to look up

Options:
${peerTimeoutHelp}
${connectionHelp}
${daemonHelp}
  Through a daemon "country" is null (the daemon does not watch the user for one command).

Output: status (online, away, offline; privileged), average upload speed, uploads, shared files and
folders; then, from the user's client: description, upload slots, free slot, queue length, whom the
user accepts uploads from (who may send files to the user: "uploadPermissions" in --json), and the
picture's size. An offline user's statistics are still shown.
--json prints one JSON object:
  {"username", "status", "privileged", "country", "stats": {"avgSpeed", "uploads", "files", "folders"},
   "info": {"description", "uploadSlots", "slotsFree", "queueLength", "uploadPermissions",
            "pictureBytes"} or null when the client could not be asked}

${exitHelp("the user does not exist, is offline, or the user's client cannot be reached or did not answer", ['130  interrupted with Ctrl-C'])}
For an offline or unreachable user, what the server knows is printed before exiting 1.

Examples:
  slsk info bob
  slsk info bob --json | jq .stats.avgSpeed
  slsk info bob --timeout 10 --server server.slsknet.org:2242
  slsk info bob --no-daemon                          ask with our own login, not the daemon's
`;

export const infoCommand: Command = {
  usage: 'slsk info USER [--timeout SECONDS] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const username = oneUser(positionals, 'info');
  const timeouts = peerTimeouts(values.timeout);
  const direct = (): Promise<number> => {
    const settings = resolveSettings(values, io);
    return withClient(settings, io, { command: 'info', timeouts }, async ({ client, signal, stopReason }) => {
      const view = await serverView(client, username, settings.serverText, signal);
      let info: UserInfo | undefined;
      let problem: string | undefined;
      if (view.status === 'offline') {
        problem = `${username} is offline: only the user's own client can give its user info`;
      } else {
        try {
          info = await client.userInfo(username, { signal });
        } catch (error) {
          // What the server said is still worth printing; other failures are the session's to report.
          const { ClientError } = await import('../../client/index.ts');
          if (stopReason() !== undefined || !(error instanceof ClientError)) throw error;
          problem = error.message;
        }
      }
      return showInfo(io, settings.json, view, info === undefined ? undefined : shownInfo(info), problem);
    });
  };
  return viaDaemonOr(
    values,
    io,
    'info',
    async (session) => (await import('../daemon-users.ts')).infoViaDaemon(session, username, values.json === true, timeouts.peerReplyMs),
    direct,
  );
}

/** What the user's client said of itself, as shown: the picture by its size. */
export interface InfoShown {
  description: string;
  uploadSlots: number;
  slotsFree: boolean;
  queueLength: number;
  uploadPermissions: number | undefined;
  /** Bytes; undefined when the user shows no picture. */
  pictureBytes: number | undefined;
}

const shownInfo = (info: UserInfo): InfoShown => ({
  description: info.description,
  uploadSlots: info.uploadSlots,
  slotsFree: info.slotsFree,
  queueLength: info.queueLength,
  uploadPermissions: info.uploadPermissions,
  pictureBytes: info.picture?.length,
});

/** Prints the view and the info (text or JSON); with a problem, says it on stderr and exits 1. */
export async function showInfo(io: CliIo, json: boolean, view: ServerView, info: InfoShown | undefined, problem: string | undefined): Promise<number> {
  await writeOut(io.stdout, json ? formatJson(infoJson(view, info), false) + '\n' : infoText(view, info, io));
  if (problem !== undefined) {
    io.stderr.write(`slsk info: ${problem}\n`);
    return ClientExit.failure;
  }
  return ClientExit.ok;
}

function infoJson(view: ServerView, info: InfoShown | undefined) {
  return {
    username: view.username,
    status: view.status,
    privileged: view.privileged,
    country: view.country ?? null,
    stats: view.stats,
    info:
      info === undefined
        ? null
        : {
            description: info.description,
            uploadSlots: info.uploadSlots,
            slotsFree: info.slotsFree,
            queueLength: info.queueLength,
            uploadPermissions: info.uploadPermissions === undefined ? null : (PERMISSIONS[info.uploadPermissions] ?? String(info.uploadPermissions)),
            pictureBytes: info.pictureBytes ?? 0,
          },
  };
}

function infoText(view: ServerView, info: InfoShown | undefined, io: CliIo): string {
  const paint = painterFor(io.stdout, io.env);
  const rows: [string, string][] = [
    ['user', view.username],
    ['status', `${view.status}${view.privileged ? ', privileged' : ''}`],
  ];
  if (view.country !== undefined) rows.push(['country', view.country]);
  rows.push(
    ['speed', humanSpeed(view.stats.avgSpeed)],
    ['uploads', String(view.stats.uploads)],
    ['shared', `${view.stats.files} files in ${view.stats.folders} folders`],
  );
  if (info !== undefined) {
    rows.push(
      ['upload slots', `${info.uploadSlots}${info.slotsFree ? ' (one is free)' : ' (none free)'}`],
      ['queue', String(info.queueLength)],
    );
    if (info.uploadPermissions !== undefined) rows.push(['accepts uploads from', PERMISSIONS[info.uploadPermissions] ?? `unknown (${info.uploadPermissions})`]);
    rows.push(['picture', info.pictureBytes === undefined ? 'none' : humanSize(info.pictureBytes)]);
    rows.push(['description', info.description === '' ? '(none)' : info.description]);
  }
  const width = Math.max(...rows.map(([key]) => key.length));
  const indent = `\n${' '.repeat(width + 2)}`;
  return rows.map(([key, value]) => `${paint('bold', key.padEnd(width))}  ${value.replace(/\r?\n/g, indent)}`).join('\n') + '\n';
}
