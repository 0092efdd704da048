// `slsk get QUERY...`: searches the network, ranks what came back, and downloads the best file (or
// the one --pick names) as `slsk download` does.

import type { SearchResponse, SharedFile } from '../../client/index.ts';
import { parseQueryArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, countOption, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { CommandFailure, stoppedFailure, withClient, type ClientSession } from '../client-session.ts';
import type { DaemonSession } from '../daemon-link.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { interruptedExitCode } from '../stop-signals.ts';
import { audioQuality, formatTable, humanSize, humanSpeed, plural } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';
import { DEFAULT_WAIT_SECONDS, downloadFolders, FOLDER_OPTIONS, folderHelp, runDownload, type DownloadFolders } from '../transfer-run.ts';
import { downloadEventsHelp } from './download.ts';
import { DEFAULT_MAX_RESULTS, DEFAULT_SEARCH_SECONDS, MAX_RESULTS_LIMIT } from './search.ts';

const LIST_ROWS = 20;

/** Extensions of lossless audio, for files whose sharer sent no sample rate or bit depth. */
const LOSSLESS = new Set(['flac', 'wav', 'aif', 'aiff', 'ape', 'wv', 'alac', 'dsf', 'dff']);

const help = `Search the network, pick the best file found, and download it.

Usage: slsk get QUERY... [--pick N | --list] [--timeout SECONDS] [--max N] [--to DIR] [options]

Arguments:
  QUERY        words every file name must contain, as for slsk search; a word starting with -
               excludes files with that word (slsk get aphex xtal -live)

Options:
  --timeout SECONDS   how long to collect search replies (default ${DEFAULT_SEARCH_SECONDS})
  --max N             stop searching after N files (default ${DEFAULT_MAX_RESULTS}); --max 1 takes the
                      first file that comes
  --pick N            download the Nth file of the ranking instead of the first
  --list              print the ranking (the first ${LIST_ROWS}, numbered for --pick) and download nothing
  --wait SECONDS      give up on the download after this long in all, waiting in the user's queue
                      included (default ${DEFAULT_WAIT_SECONDS})
${folderHelp}
${connectionHelp}
${daemonHelp}
  Through a daemon the search is the daemon's (at most 600 s) and the file lands in its downloads
  folder (downloads.folder, downloads.layout), not --to; giving up or Ctrl-C leaves it with the daemon.

The ranking: files only the sharer's buddies may download are left out. Then a user with a free
upload slot comes first, then the shortest queue, then the fastest average upload speed; among
equals, lossless files first (a sample rate or bit depth, or a lossless extension such as flac),
then the highest bitrate, then the order the replies came in.

Output: the file it picked ("picked 1 of 12: USER  PATH  (size, quality; slot, speed)") on stderr,
then as slsk download: a progress bar on a terminal, and the path of the finished file on stdout.
When the download fails, it says which --pick would try the next file.
--json prints JSON Lines on stdout instead: first {"event": "picked", "rank", "of", "user",
"filename", "size", "bitrate", "sampleRate", "bitDepth", "slotsFree", "avgSpeed", "queueLength"},
then one per event of the download, as slsk download --json prints them.
${downloadEventsHelp}
--list --json prints one "picked"-shaped line per ranked file, with "event": "ranked".

${exitHelp('nothing was found (or fewer files than --pick), the user refused the file (its reason is printed), or --wait ran out', ['130  interrupted with Ctrl-C (a partial file stays; downloading the same file again resumes it)'])}

Examples:
  slsk get aphex twin xtal                        the best file for the query, into this folder
  slsk get aphex twin xtal flac --to ~/Music      lossless, into ~/Music
  slsk get aphex twin xtal --list                 see the ranking first…
  slsk get aphex twin xtal --pick 3               …then take the third
  slsk get selected ambient works xtal --timeout 5 --max 50
`;

export const getCommand: Command = {
  usage: 'slsk get QUERY... [--pick N | --list] [--timeout SECONDS] [--max N] [--to DIR] [--json]',
  help,
  run,
};

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...DAEMON_OPTIONS,
  ...FOLDER_OPTIONS,
  timeout: { type: 'string' },
  max: { type: 'string' },
  pick: { type: 'string' },
  list: { type: 'boolean' },
  wait: { type: 'string' },
} as const;

interface GetPlan {
  query: string;
  searchMs: number;
  maxResults: number;
  pick: number;
  list: boolean;
  waitMs: number;
  folders: DownloadFolders;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseQueryArgs(argv, OPTIONS, 'get', (warning) => io.stderr.write(`slsk get: warning: ${warning}\n`));
  const query = positionals.join(' ').trim();
  if (query === '') throw new UsageError('missing QUERY: slsk get WORDS... (for example slsk get aphex twin xtal)');
  if (values.list === true && values.pick !== undefined) throw new UsageError('--list and --pick exclude each other: list the ranking, or download one of it');
  const plan: GetPlan = {
    query,
    searchMs: secondsOption('--timeout', values.timeout, DEFAULT_SEARCH_SECONDS),
    maxResults: countOption('--max', values.max, 1, MAX_RESULTS_LIMIT) ?? DEFAULT_MAX_RESULTS,
    pick: countOption('--pick', values.pick, 1, MAX_RESULTS_LIMIT) ?? 1,
    list: values.list === true,
    waitMs: secondsOption('--wait', values.wait, DEFAULT_WAIT_SECONDS),
    folders: downloadFolders(values),
  };
  const json = values.json === true;
  return viaDaemonOr(
    values,
    io,
    'get',
    (session) => {
      if (values.to !== undefined || values.incomplete !== undefined) {
        io.stderr.write('slsk get: --to and --incomplete are not used through the daemon: it saves in its downloads folder (--no-daemon downloads here)\n');
      }
      return runGet(io, json, daemonBackend(session, json), plan);
    },
    () => withClient(resolveSettings(values, io), io, { command: 'get' }, (session) => runGet(io, json, directBackend(session), plan)),
  );
}

/** What `get` found: the responses in arrival order, and how many files from how many users. */
interface Found {
  responses: SearchResponse[];
  fileCount: number;
  users: number;
}

/** Where `get` searches and downloads: its own login, or a running daemon. */
interface GetBackend {
  /** Throws the command's failure when the search was cut short (Ctrl-C, the server lost). */
  search(plan: GetPlan, progress: { update(files: number, users: number): void }): Promise<Found>;
  download(picked: Candidate, plan: GetPlan): Promise<number>;
}

function directBackend(session: ClientSession): GetBackend {
  return {
    async search(plan, progress) {
      const search = session.client.search(plan.query, { timeoutMs: plan.searchMs, maxResults: plan.maxResults, signal: session.signal });
      const users = new Set<string>();
      search.on('response', (response) => {
        users.add(response.username);
        progress.update(search.fileCount, users.size);
      });
      await search.done;
      if (search.endReason === 'disconnected' || (search.endReason === 'aborted' && session.stopReason() !== undefined)) {
        throw stoppedFailure(session, 'searching');
      }
      return { responses: search.responses, fileCount: search.fileCount, users: users.size };
    },
    download: (picked, plan) =>
      runDownload(session, {
        username: picked.response.username,
        filename: picked.file.filename,
        size: picked.file.size,
        folders: plan.folders,
        waitMs: plan.waitMs,
        waitOption: '--wait',
        command: 'get',
      }),
  };
}

function daemonBackend(session: DaemonSession, json: boolean): GetBackend {
  return {
    async search(plan, progress) {
      const { collectViaDaemon, endReasonOf } = await import('../daemon-search.ts');
      const searchPlan = { query: plan.query, scope: { kind: 'network' as const }, timeoutMs: plan.searchMs, maxResults: plan.maxResults };
      const result = await collectViaDaemon(session, searchPlan, () => {}, (files, users) => progress.update(files, users));
      const end = endReasonOf(result, searchPlan, session.signal);
      if (end === 'aborted') throw new CommandFailure('interrupted while searching', interruptedExitCode(session.stopRequest() ?? 'SIGINT'));
      if (end === 'disconnected') throw new CommandFailure(`the daemon at ${session.link.url} lost its connection to the server while searching`, ClientExit.serverUnreachable);
      return { responses: result.responses, fileCount: result.fileCount, users: result.users.size };
    },
    async download(picked, plan) {
      const { downloadViaDaemon } = await import('../daemon-download.ts');
      return downloadViaDaemon(session, {
        username: picked.response.username,
        filename: picked.file.filename,
        size: picked.file.size,
        waitMs: plan.waitMs,
        waitOption: '--wait',
        command: 'get',
        json,
        noWait: false,
      });
    },
  };
}

async function runGet(io: CliIo, json: boolean, backend: GetBackend, plan: GetPlan): Promise<number> {
  const progress = liveCount(io, plan.searchMs);
  let found: Found;
  try {
    found = await backend.search(plan, progress);
  } finally {
    progress.stop();
  }

  const ranked = rankCandidates(found.responses);
  const summary = `${plural(found.fileCount, 'file')} from ${plural(found.users, 'user')}`;
  if (ranked.length === 0) {
    const locked = found.fileCount > 0 ? ` (${summary}, all for the sharers' buddies only)` : '';
    throw new CommandFailure(`nothing found for ${JSON.stringify(plan.query)}${locked}`);
  }

  if (plan.list) {
    const shown = ranked.slice(0, LIST_ROWS);
    if (json) {
      await writeOut(io.stdout, shown.map((candidate, i) => formatJson(candidateJson('ranked', candidate, i + 1, ranked.length), false) + '\n').join(''));
    } else {
      await writeOut(io.stdout, listTable(shown, io));
      io.stderr.write(`${summary}; ${plural(ranked.length, 'file')} ranked${ranked.length > LIST_ROWS ? `, the first ${LIST_ROWS} shown` : ''}\n`);
    }
    return ClientExit.ok;
  }

  const picked = ranked[plan.pick - 1];
  if (picked === undefined) {
    throw new CommandFailure(`--pick ${plan.pick}, but only ${plural(ranked.length, 'file')} can be downloaded (${summary})`);
  }
  if (json) {
    await writeOut(io.stdout, formatJson(candidateJson('picked', picked, plan.pick, ranked.length), false) + '\n');
  } else {
    const { response, file } = picked;
    const quality = audioQuality(file);
    const slot = response.slotsFree ? 'free slot' : `queue ${response.queueLength}`;
    io.stderr.write(
      `picked ${plan.pick} of ${ranked.length}: ${response.username}  ${file.filename}  (${humanSize(file.size)}${quality === '' ? '' : `, ${quality}`}; ${slot}, ${humanSpeed(response.avgSpeed)})\n`,
    );
  }
  const code = await backend.download(picked, plan);
  if (code === ClientExit.failure && ranked.length > plan.pick && !json) {
    io.stderr.write(`slsk get: the next file of the ranking is ${ranked[plan.pick]!.response.username}'s: add --pick ${plan.pick + 1} to try it\n`);
  }
  return code;
}

export interface Candidate {
  response: SearchResponse;
  file: SharedFile;
}

const isLossless = (file: SharedFile): boolean =>
  file.sampleRate !== undefined || file.bitDepth !== undefined || LOSSLESS.has(file.extension.toLowerCase()) || LOSSLESS.has(extensionOf(file.filename));

function extensionOf(filename: string): string {
  const name = filename.slice(filename.lastIndexOf('\\') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * Every file a non-buddy may download, best first: a free upload slot, then the shortest queue,
 * then the fastest average speed; among equals lossless before lossy, then the higher bitrate;
 * the order of arrival last (the sort is stable).
 */
export function rankCandidates(responses: readonly SearchResponse[]): Candidate[] {
  const candidates = responses.flatMap((response) => response.files.filter((file) => !file.locked).map((file) => ({ response, file })));
  return candidates.sort(
    (a, b) =>
      Number(b.response.slotsFree) - Number(a.response.slotsFree) ||
      a.response.queueLength - b.response.queueLength ||
      b.response.avgSpeed - a.response.avgSpeed ||
      Number(isLossless(b.file)) - Number(isLossless(a.file)) ||
      (b.file.bitrate ?? 0) - (a.file.bitrate ?? 0),
  );
}

function candidateJson(event: 'picked' | 'ranked', { response, file }: Candidate, rank: number, of: number) {
  return {
    event,
    rank,
    of,
    user: response.username,
    filename: file.filename,
    size: file.size,
    bitrate: file.bitrate ?? null,
    sampleRate: file.sampleRate ?? null,
    bitDepth: file.bitDepth ?? null,
    slotsFree: response.slotsFree,
    avgSpeed: response.avgSpeed,
    queueLength: response.queueLength,
  };
}

function listTable(candidates: readonly Candidate[], io: CliIo): string {
  const paint = painterFor(io.stdout, io.env);
  const columns = [
    { header: '#', align: 'right' },
    { header: 'user' },
    { header: 'size', align: 'right' },
    { header: 'quality' },
    { header: 'slots' },
    { header: 'speed', align: 'right' },
    { header: 'queue', align: 'right' },
    { header: 'file' },
  ] as const;
  const rows = candidates.map(({ response, file }, i) => [
    String(i + 1),
    response.username,
    humanSize(file.size),
    audioQuality(file),
    response.slotsFree ? 'free' : 'busy',
    humanSpeed(response.avgSpeed),
    String(response.queueLength),
    file.filename,
  ]);
  return formatTable(columns, rows, (text) => paint('bold', text));
}

/** The count on stderr, rewritten in place, when stderr is a terminal; nothing otherwise. */
function liveCount(io: CliIo, timeoutMs: number): { update(files: number, users: number): void; stop(): void } {
  if (io.stderr.isTTY !== true) return { update: () => {}, stop: () => {} };
  const endsAt = Date.now() + timeoutMs;
  let files = 0;
  let users = 0;
  const draw = (): void => {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    io.stderr.write(`\r\x1b[Ksearching: ${plural(files, 'file')} from ${plural(users, 'user')}… ${left} s left`);
  };
  draw();
  const timer = setInterval(draw, 1000);
  return {
    update(fileCount, userCount) {
      files = fileCount;
      users = userCount;
      draw();
    },
    stop() {
      clearInterval(timer);
      io.stderr.write('\r\x1b[K');
    },
  };
}
