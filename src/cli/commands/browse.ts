// `slsk browse USER`: the user's shared folders and their files, asked of the user's own client;
// locked folders (for the user's buddies only) are marked.

import type { Folder, SharedFile, SharesListing } from '../../client/index.ts';
import { parseCommandArgs, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings } from '../client-options.ts';
import { CommandFailure, withClient } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { oneUser, peerTimeoutHelp, peerTimeouts, serverView } from '../client-peer.ts';
import { audioQuality, humanDuration, humanSize, plural } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `List a user's shared folders and files.

Usage: slsk browse USER [--timeout SECONDS] [options]

Arguments:
  USER        the user whose shares to list; asks the user's client, which must be online

Options:
${peerTimeoutHelp}
${connectionHelp}
${daemonHelp}
  Through a daemon a listing it fetched in the last few minutes is reused.

Output: each folder (its full shared path, file count and total size), then its files with size,
quality and length; folders only the user's buddies may open are marked [locked]; a total at
the end. --json prints one JSON object:
  {"username", "folders": [{"name", "locked", "files": [{"filename", "size" (decimal string),
   "extension", "bitrate", "duration", "vbr", "sampleRate", "bitDepth" (null when not sent)}]}]}

${exitHelp('the user does not exist, is offline, cannot be reached, or did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk browse bob
  slsk browse bob --timeout 120                      a big share takes a while to arrive
  slsk browse bob --json | jq -r '.folders[].name'   just the folder names
`;

export const browseCommand: Command = {
  usage: 'slsk browse USER [--timeout SECONDS] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const username = oneUser(positionals, 'browse');
  const timeouts = peerTimeouts(values.timeout);
  const direct = (): Promise<number> => {
    const settings = resolveSettings(values, io);
    return withClient(settings, io, { command: 'browse', timeouts }, async ({ client, signal }) => {
      const view = await serverView(client, username, settings.serverText, signal);
      if (view.status === 'offline') throw new CommandFailure(`${username} is offline: only the user's own client can list its shares`);
      const shares = await client.browse(username, { signal });
      await writeOut(io.stdout, settings.json ? formatJson(sharesJson(shares), false) + '\n' : sharesText(shares, io));
      return ClientExit.ok;
    });
  };
  return viaDaemonOr(
    values,
    io,
    'browse',
    async (session) => (await import('../daemon-users.ts')).browseViaDaemon(session, username, values.json === true, timeouts.peerReplyMs),
    direct,
  );
}

function fileJson(file: SharedFile) {
  return {
    filename: file.filename,
    size: file.size,
    extension: file.extension,
    bitrate: file.bitrate ?? null,
    duration: file.duration ?? null,
    vbr: file.vbr ?? null,
    sampleRate: file.sampleRate ?? null,
    bitDepth: file.bitDepth ?? null,
  };
}

export function sharesJson(shares: SharesListing) {
  const folder = (f: Folder, locked: boolean) => ({ name: f.name, locked, files: f.files.map(fileJson) });
  return {
    username: shares.username,
    folders: [...shares.folders.map((f) => folder(f, false)), ...shares.lockedFolders.map((f) => folder(f, true))],
  };
}

const folderBytes = (folder: Folder): bigint => folder.files.reduce((sum, file) => sum + file.size, 0n);

export function sharesText(shares: SharesListing, io: CliIo): string {
  const paint = painterFor(io.stdout, io.env);
  const folders = [
    ...shares.folders.map((folder) => ({ folder, locked: false })),
    ...shares.lockedFolders.map((folder) => ({ folder, locked: true })),
  ].sort((a, b) => a.folder.name.localeCompare(b.folder.name));
  if (folders.length === 0) return `${shares.username} shares nothing.\n`;

  // One set of column widths for every file, so the listing reads as one table.
  const rows = folders.map(({ folder }) =>
    folder.files.map((file) => [humanSize(file.size), audioQuality(file), file.duration !== undefined ? humanDuration(file.duration) : '', file.filename] as const),
  );
  const all = rows.flat();
  const width = (i: 0 | 1 | 2) => Math.max(0, ...all.map((row) => row[i].length));
  const [sizeWidth, qualityWidth, lengthWidth] = [width(0), width(1), width(2)];

  const lines: string[] = [];
  let files = 0;
  let bytes = 0n;
  folders.forEach(({ folder, locked }, index) => {
    const size = folderBytes(folder);
    files += folder.files.length;
    bytes += size;
    const mark = locked ? `${paint('yellow', '[locked]')} ` : '';
    lines.push(`${mark}${paint('bold', folder.name)}  ${paint('dim', `(${plural(folder.files.length, 'file')}, ${humanSize(size)})`)}`);
    for (const [fileSize, quality, length, name] of rows[index]!) {
      const columns = [fileSize.padStart(sizeWidth)];
      if (qualityWidth > 0) columns.push(quality.padEnd(qualityWidth));
      if (lengthWidth > 0) columns.push(length.padStart(lengthWidth));
      columns.push(name);
      lines.push(`  ${columns.join('  ')}`);
    }
  });
  const locked = shares.lockedFolders.length;
  const lockedNote = locked > 0 ? `; ${plural(locked, 'locked folder')} (buddies only)` : '';
  lines.push(`${plural(folders.length, 'folder')}, ${plural(files, 'file')}, ${humanSize(bytes)}${lockedNote}`);
  return lines.join('\n') + '\n';
}
