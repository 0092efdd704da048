// `slsk search QUERY...`: searches the network (or a room, or one user's shares), shows a live
// count on a terminal while replies arrive, then a table with the best sources first; --json
// streams one JSON line per file as it arrives.

import type { SearchEnd, SearchResponse, SearchScope, SharedFile } from '../../client/index.ts';
import { parseQueryArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, countOption, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { joinRoomQuietly, withClient, type ClientSession } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { audioQuality, formatTable, humanDuration, humanSize, humanSpeed, plural } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

/** Search defaults, shared with `slsk get`. */
export const DEFAULT_SEARCH_SECONDS = 15;
export const DEFAULT_MAX_RESULTS = 1000;
export const MAX_RESULTS_LIMIT = 100_000;

const help = `Search for files: the whole network, one room, or one user's shares.

Usage: slsk search QUERY... [--timeout SECONDS] [--max N] [--room ROOM | --user USER] [options]

Arguments:
  QUERY        words every file name must contain; several arguments are joined with spaces.
               A word starting with - excludes files with that word: drift -departure finds
               files with "drift" but without "departure". Options may come before, after or
               between the words; after -- everything is a word of the query.

Options:
  --timeout SECONDS   how long to collect replies (default ${DEFAULT_SEARCH_SECONDS})
  --max N             stop after N files (default ${DEFAULT_MAX_RESULTS})
  --room ROOM         search only the members of this chat room (joins it for the search)
  --user USER         search only the shares of this user
${connectionHelp}
${daemonHelp}
  Through a daemon the search is kept in its history (GET /api/v1/searches) and --timeout is at
  most 600 s.

While it runs: on a terminal, stderr shows a live count ("12 files from 3 users"). Ctrl-C ends
the search early and prints what was found so far.

Output: a table, best sources first (a free upload slot, then the fastest), with user, file,
size, quality (bitrate, or sample rate/bit depth for lossless files), length, slots, speed and
queue; locked files (only the sharer's buddies may download them) are marked [locked]. With no
replies it prints "No results". A summary line goes to stderr.
--json prints JSON Lines instead, one object per file as replies arrive (unsorted):
  {"user", "filename", "size" (a decimal string: sizes go past 2^53), "bitrate", "duration",
   "vbr", "sampleRate", "bitDepth" (null when the sharer sent none), "locked", "slotsFree",
   "avgSpeed" (bytes/s), "queueLength"}

${exitHelp('the room could not be joined', ['130  Ctrl-C before the search started (while logging in)'])}
A search with no results exits 0.

Examples:
  slsk search aphex twin xtal                                search the network for 15 s
  slsk search aphex twin --timeout 30 --max 200              longer, at most 200 files
  slsk search selected ambient works --user bob              only bob's shares
  slsk search flac --room electronica                        members of the room "electronica"
  slsk search xtal --json | jq -r 'select(.slotsFree) | .user + " " + .filename'
  slsk search beatles -remastered                            leave out files with "remastered"
  slsk search xtal --no-daemon                               log in directly, not through a daemon
`;

export const searchCommand: Command = {
  usage: 'slsk search QUERY... [--timeout SECONDS] [--max N] [--room ROOM | --user USER] [--json]',
  help,
  run,
};

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...DAEMON_OPTIONS,
  timeout: { type: 'string' },
  max: { type: 'string' },
  room: { type: 'string' },
  user: { type: 'string' },
} as const;

export interface SearchPlan {
  query: string;
  scope: SearchScope;
  timeoutMs: number;
  maxResults: number;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseQueryArgs(argv, OPTIONS, 'search', (warning) => io.stderr.write(`slsk search: warning: ${warning}\n`));
  const query = positionals.join(' ').trim();
  if (query === '') throw new UsageError('missing QUERY: slsk search WORDS... (for example slsk search aphex twin xtal)');
  if (values.room !== undefined && values.user !== undefined) {
    throw new UsageError('--room and --user exclude each other: search one room, or one user, or (with neither) the whole network');
  }
  if (values.room === '') throw new UsageError('--room needs a room name');
  if (values.user === '') throw new UsageError('--user needs a username');
  const scope: SearchScope =
    values.room !== undefined ? { kind: 'room', room: values.room } : values.user !== undefined ? { kind: 'user', username: values.user } : { kind: 'network' };
  const plan: SearchPlan = {
    query,
    scope,
    timeoutMs: secondsOption('--timeout', values.timeout, DEFAULT_SEARCH_SECONDS),
    maxResults: countOption('--max', values.max, 1, MAX_RESULTS_LIMIT) ?? DEFAULT_MAX_RESULTS,
  };
  return viaDaemonOr(
    values,
    io,
    'search',
    async (session) => (await import('../daemon-search.ts')).searchViaDaemon(session, plan, values.json === true),
    () => withClient(resolveSettings(values, io), io, { command: 'search' }, (session) => runSearch(session, plan)),
  );
}

async function runSearch(session: ClientSession, plan: SearchPlan): Promise<number> {
  const { client, io, settings, signal } = session;
  if (plan.scope.kind === 'room') await joinRoomQuietly(session, plan.scope.room);
  const search = client.search(plan.query, { scope: plan.scope, timeoutMs: plan.timeoutMs, maxResults: plan.maxResults, signal });
  const users = new Set<string>();

  // --json: one line per file as replies arrive, written in order even when stdout is slow.
  let writing = Promise.resolve();
  if (settings.json) {
    search.on('response', (response) => {
      const lines = response.files.map((file) => formatJson(jsonLine(response, file), false) + '\n').join('');
      writing = writing.then(() => writeOut(io.stdout, lines));
    });
  }

  const progress = liveCount(io, plan.timeoutMs);
  search.on('response', (response) => {
    users.add(response.username);
    progress.update(search.fileCount, users.size);
  });
  let endReason: SearchEnd;
  try {
    await search.done;
    endReason = search.endReason ?? 'stopped';
  } finally {
    progress.stop();
  }
  await writing;

  const responses = search.responses;
  if (!settings.json) await writeOut(io.stdout, responses.length === 0 ? `No results for ${JSON.stringify(plan.query)}.\n` : table(responses, io));

  const interrupted = endReason === 'aborted' && session.stopReason() === 'interrupted';
  const summary = `${plural(search.fileCount, 'file')} from ${plural(users.size, 'user')}`;
  const why: Record<SearchEnd, string> = {
    timeout: `searched for ${plan.timeoutMs / 1000} s`,
    limit: `stopped at --max ${plan.maxResults}`,
    aborted: interrupted ? 'stopped with Ctrl-C' : 'stopped',
    stopped: 'stopped',
    disconnected: 'the connection to the server was lost',
  };
  io.stderr.write(`${summary} (${why[endReason]})\n`);
  if (endReason === 'disconnected' || (endReason === 'aborted' && session.stopReason() === 'disconnected')) {
    io.stderr.write(`slsk search: lost the connection to the server ${settings.serverText}\n`);
    return ClientExit.serverUnreachable;
  }
  return ClientExit.ok;
}

export function jsonLine(response: SearchResponse, file: SharedFile) {
  return {
    user: response.username,
    filename: file.filename,
    size: file.size,
    bitrate: file.bitrate ?? null,
    duration: file.duration ?? null,
    vbr: file.vbr ?? null,
    sampleRate: file.sampleRate ?? null,
    bitDepth: file.bitDepth ?? null,
    locked: file.locked,
    slotsFree: response.slotsFree,
    avgSpeed: response.avgSpeed,
    queueLength: response.queueLength,
  };
}

/** Free slot first, then the fastest, then the shortest queue; a user's files stay in their order. */
export function rankResponses(responses: readonly SearchResponse[]): SearchResponse[] {
  return [...responses].sort(
    (a, b) =>
      Number(b.slotsFree) - Number(a.slotsFree) ||
      b.avgSpeed - a.avgSpeed ||
      a.queueLength - b.queueLength ||
      a.username.localeCompare(b.username),
  );
}

export function table(responses: readonly SearchResponse[], io: CliIo): string {
  const paint = painterFor(io.stdout, io.env);
  const rows = rankResponses(responses).flatMap((response) =>
    response.files.map((file) => [
      response.username,
      `${file.locked ? '[locked] ' : ''}${file.filename}`,
      humanSize(file.size),
      audioQuality(file),
      file.duration !== undefined ? humanDuration(file.duration) : '',
      response.slotsFree ? 'free' : 'busy',
      humanSpeed(response.avgSpeed),
      String(response.queueLength),
    ]),
  );
  // The file column goes last so long paths do not push the short columns off the screen.
  const order = [0, 2, 3, 4, 5, 6, 7, 1];
  const columns = [
    { header: 'user' },
    { header: 'size', align: 'right' },
    { header: 'quality' },
    { header: 'length', align: 'right' },
    { header: 'slots' },
    { header: 'speed', align: 'right' },
    { header: 'queue', align: 'right' },
    { header: 'file' },
  ] as const;
  return formatTable(
    columns,
    rows.map((row) => order.map((i) => row[i] ?? '')),
    (text) => paint('bold', text),
  );
}

/** The count on stderr, rewritten in place, when stderr is a terminal; nothing otherwise. */
export function liveCount(io: CliIo, timeoutMs: number): { update(files: number, users: number): void; stop(): void } {
  if (io.stderr.isTTY !== true) return { update: () => {}, stop: () => {} };
  const endsAt = Date.now() + timeoutMs;
  let files = 0;
  let users = 0;
  const draw = (): void => {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    io.stderr.write(`\r\x1b[K${plural(files, 'file')} from ${plural(users, 'user')}… ${left} s left, Ctrl-C to stop`);
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
