// `slsk download USER 'Music\Album\'`: a whole remote folder, subfolders included, through the
// daemon's folder downloads (src/daemon/downloads) on a one-shot TransferManager. Files land as the
// daemon puts them: <--to>/Album/CD1/01.flac. Files already in --to with the same size are not
// fetched again, so running the same command after an interruption gets only what is missing.
// stderr gets a line per file as it ends; stdout the path of each file downloaded (or, with
// --json, JSON Lines: "folder", then one "file" per file, then "summary").

import { downloadFolder, FolderDownloadError, folderProgress, whenFolderDone, type FolderDownload } from '../daemon/downloads/index.ts';
import type { Transfer } from '../transfers/index.ts';
import { writeOut, type CliIo } from './command.ts';
import { ClientExit } from './client-options.ts';
import { CommandFailure, stoppedFailure, type ClientSession } from './client-session.ts';
import { humanSize, quoted } from './format.ts';
import { formatJson } from './json.ts';
import { oneShotDownloads, type DownloadFolders } from './transfer-run.ts';
import { interruptedExitCode } from './stop-signals.ts';

export interface FolderRunRequest {
  username: string;
  /** The remote folder as typed (`\` or `/`, trailing separator or not). */
  folder: string;
  folders: DownloadFolders;
  waitMs: number;
  waitOption: string;
  command: string;
}

/** Resolves to 0 when every file is here, 1 when some failed or the wait ran out, 130 on Ctrl-C. */
export async function runFolderDownload(session: ClientSession, request: FolderRunRequest): Promise<number> {
  const { client, io, settings, signal } = session;
  const { manager, close } = await oneShotDownloads(session, request.folders);
  manager.on('warning', () => {});
  let writing = Promise.resolve();
  const out = (text: string): void => {
    writing = writing.then(() => writeOut(io.stdout, text));
  };
  const emit = (event: Record<string, unknown>): void => out(formatJson(event, false) + '\n');
  const wait = AbortSignal.any([signal, AbortSignal.timeout(request.waitMs)]);
  try {
    await manager.start();
    let group: FolderDownload;
    try {
      group = await downloadFolder({ client, transfers: manager, downloadsDir: request.folders.to }, { username: request.username, folder: request.folder, signal });
    } catch (error) {
      if (error instanceof FolderDownloadError) throw new CommandFailure(error.message);
      if (signal.aborted) throw stoppedFailure(session, 'listing the folder');
      throw error;
    }
    announce(io, settings.json, group, emit);
    const byId = new Map(group.files.flatMap((file) => (file.transferId === undefined ? [] : [[file.transferId, file] as const])));
    manager.on('transferDone', (transfer: Transfer) => {
      const file = byId.get(transfer.id);
      if (file === undefined) return;
      if (settings.json) {
        emit({ event: 'file', user: request.username, filename: file.remotePath, destination: file.destination, state: transfer.state, reason: transfer.reason ?? null, path: transfer.localPath ?? null, size: file.size });
      } else if (transfer.state === 'completed') {
        io.stderr.write(`downloaded ${file.destination} (${humanSize(file.size)})\n`);
        out(`${transfer.localPath ?? ''}\n`);
      } else {
        io.stderr.write(`${transfer.state} ${file.destination}: ${transfer.reason ?? transfer.state}\n`);
      }
    });
    const waited = await whenFolderDone(manager, group, { signal: wait }).then(
      () => 'done' as const,
      (error: unknown) => {
        if (!wait.aborted) throw error;
        return 'stopped' as const;
      },
    );
    const summary = folderProgress(manager, group);
    if (settings.json) emit({ event: 'summary', user: request.username, folder: group.folder, complete: summary.complete, counts: summary.counts, stopped: waited === 'stopped' ? (signal.aborted ? 'interrupted' : 'timeout') : null });
    await writing;
    if (waited === 'stopped') {
      const left = group.files.length - (summary.counts.completed ?? 0) - (summary.counts['already-present'] ?? 0);
      const again = `; run the same command again to get the ${left} files still missing`;
      if (signal.aborted) {
        if (session.stopReason() !== 'interrupted') throw stoppedFailure(session, 'downloading');
        io.stderr.write(`slsk ${request.command}: interrupted${again}\n`);
        return interruptedExitCode(session.stopRequest() ?? 'SIGINT');
      }
      io.stderr.write(`slsk ${request.command}: gave up after ${request.waitMs / 1000} s${again}, or wait longer with ${request.waitOption} SECONDS\n`);
      return ClientExit.failure;
    }
    if (summary.complete) return ClientExit.ok;
    io.stderr.write(`slsk ${request.command}: ${summary.failed.length} of ${group.files.length} files of ${quoted(group.folder)} could not be downloaded: ${summary.failed.map((f) => `${f.remotePath} (${f.reason ?? f.state})`).join(', ')}\n`);
    return ClientExit.failure;
  } finally {
    await close();
  }
}

function announce(io: CliIo, json: boolean, group: FolderDownload, emit: (event: Record<string, unknown>) => void): void {
  const present = group.files.filter((file) => file.status === 'already-present');
  if (json) {
    emit({ event: 'folder', user: group.username, folder: group.folder, files: group.files.length, alreadyPresent: present.length, refused: group.refused.map((r) => ({ filename: r.remotePath, code: r.code, reason: r.reason })) });
    for (const file of present) emit({ event: 'file', user: group.username, filename: file.remotePath, destination: file.destination, state: 'already-present', reason: null, path: file.presentAt ?? null, size: file.size });
    return;
  }
  const queued = group.files.length - present.length;
  const already = present.length === 0 ? '' : `, ${present.length} already here`;
  const refused = group.refused.length === 0 ? '' : `, ${group.refused.length} refused`;
  io.stderr.write(`${quoted(group.folder)} from ${group.username}: ${queued} files to download${already}${refused}\n`);
  for (const r of group.refused) io.stderr.write(`refused ${quoted(r.remotePath)}: ${r.reason}\n`);
}
