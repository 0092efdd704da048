// `slsk transfers`: the download and upload queue of a running daemon — list it, follow it live, cancel,
// retry or remove transfers, clear the finished ones. It needs a daemon (the queue is the daemon's); with
// none running it says how to start one.

import type { TransferJson } from '../../daemon/http/transfer-routes.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS } from '../client-options.ts';
import { CommandFailure } from '../client-session.ts';
import { findDaemon, withDaemon, type DaemonSession } from '../daemon-link.ts';
import { DAEMON_OPTIONS, daemonHelp } from '../daemon-options.ts';
import { clockTime, formatTable, humanSize, humanSpeed, plural } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `The daemon's downloads and uploads: list them, follow them live, cancel, retry, clear.

Usage: slsk transfers [list] [--direction download|upload] [--user USER] [--state STATES] [--json]
       slsk transfers watch [--direction download|upload] [--user USER] [--json]
       slsk transfers cancel|retry|remove ID... [--json]
       slsk transfers clear [--state finished|completed|failed|cancelled] [--direction D] [--user USER]

These work on a running 'slsk daemon' (its queue outlives any one command); with none running they
say how to start one. IDs are the first column of the list.

Subcommands:
  list      (the default) one line per transfer: id, direction, user, state, progress, speed, file;
            a total on stderr. --json prints JSON Lines, one transfer each: {"id", "direction",
            "username", "filename", "folder", "size", "bytesTransferred", "state", "reason",
            "place", "speed", "eta", "localPath", ...} as GET /api/v1/transfers has them
  watch     follow the queue live (the daemon's event stream): a line per change of state, and
            progress every few seconds; until Ctrl-C. --json prints the events as JSON Lines,
            {"event": "transferState" | "transferProgress", ...its data, "time"}
  cancel    stop transfers for good (the partial file stays until removed)
  retry     ask again now for failed or cancelled transfers
  remove    cancel if needed and forget transfers (an unfinished download's partial file goes)
  clear     forget every finished transfer in a state (default finished: completed, failed and
            cancelled), of one direction or user if given; prints how many

Options:
  --direction D       download or upload
  --user USER         only this user's transfers
  --state STATES      list: only these states, comma-separated (queued, requesting, connecting,
                      transferring, completed, failed, cancelled); clear: the state to clear
  --json              JSON Lines for scripts
${daemonHelp}

Exit status:
  0    done
  1    the daemon refused (an unknown ID: the message says which)
  2    the command line is wrong
  4    no daemon is running (or it cannot be reached, or it stopped while watching)
watch ends with Ctrl-C (or SIGTERM), and exits 0: that is how it is meant to end.

Examples:
  slsk transfers                                     what the daemon is downloading and uploading
  slsk transfers list --state failed --json | jq -r .id | xargs slsk transfers retry
  slsk transfers watch --direction download
  slsk transfers cancel 3f2a9c1e-...
  slsk transfers clear --state completed
`;

export const transfersCommand: Command = {
  usage: 'slsk transfers [list|watch|cancel|retry|remove|clear] [ID...] [--json]',
  help,
  run,
};

const OPTIONS = {
  ...DAEMON_OPTIONS,
  username: CONNECTION_OPTIONS.username,
  config: CONNECTION_OPTIONS.config,
  json: { type: 'boolean' },
  direction: { type: 'string' },
  user: { type: 'string' },
  state: { type: 'string' },
} as const;

const SUBCOMMANDS = ['list', 'watch', 'cancel', 'retry', 'remove', 'clear'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const STATES = ['queued', 'requesting', 'connecting', 'transferring', 'completed', 'failed', 'cancelled'] as const;
const CLEARABLE = ['finished', 'completed', 'failed', 'cancelled'] as const;

interface Filter {
  direction: 'download' | 'upload' | undefined;
  username: string | undefined;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [first, ...ids] = positionals;
  const sub: Subcommand = first === undefined ? 'list' : (SUBCOMMANDS as readonly string[]).includes(first) ? (first as Subcommand) : unknownSubcommand(first);
  const direction = values.direction;
  if (direction !== undefined && direction !== 'download' && direction !== 'upload') throw new UsageError(`--direction must be download or upload, got ${JSON.stringify(direction)}`);
  if (values.user === '') throw new UsageError('--user needs a username');
  const filter: Filter = { direction, username: values.user };
  const takesIds = sub === 'cancel' || sub === 'retry' || sub === 'remove';
  if (takesIds && ids.length === 0) throw new UsageError(`missing ID: slsk transfers ${sub} ID... (the ids are the first column of slsk transfers list)`);
  if (!takesIds && ids.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(ids[0])}: slsk transfers ${sub} takes no IDs`);
  let states: string | undefined;
  let clearState: (typeof CLEARABLE)[number] = 'finished';
  if (values.state !== undefined) {
    const wanted = values.state.split(',').map((s) => s.trim());
    if (sub === 'clear') {
      if (wanted.length !== 1 || !(CLEARABLE as readonly string[]).includes(wanted[0]!)) throw new UsageError(`--state for clear is one of ${CLEARABLE.join(', ')}`);
      clearState = wanted[0] as (typeof CLEARABLE)[number];
    } else if (sub === 'list') {
      const bad = wanted.find((s) => !(STATES as readonly string[]).includes(s));
      if (bad !== undefined) throw new UsageError(`--state: unknown state ${JSON.stringify(bad)}; the states are ${STATES.join(', ')}`);
      states = wanted.join(',');
    } else {
      throw new UsageError(`--state is for list and clear, not ${sub}`);
    }
  }
  const json = values.json === true;

  let link;
  try {
    link = await findDaemon(values, io, { required: true });
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.stderr.write(`slsk transfers: ${error.message}\n`);
    return error.exitCode;
  }
  if (link === undefined) return ClientExit.serverUnreachable;
  return withDaemon(link, io, 'transfers', async (session) => {
    switch (sub) {
      case 'list':
        return list(session, filter, states, json);
      case 'watch':
        return (await import('../daemon-watch.ts')).watchTransfers(session, filter, json);
      case 'clear': {
        const { removed } = await session.api.clearTransfers({ query: { state: clearState, ...(filter.direction === undefined ? {} : { direction: filter.direction }), ...(filter.username === undefined ? {} : { username: filter.username }) } });
        await writeOut(io.stdout, json ? formatJson({ removed }, false) + '\n' : `removed ${plural(removed, 'transfer')}\n`);
        return ClientExit.ok;
      }
      default:
        return act(session, sub, ids, json);
    }
  }, { quiet: true });
}

function unknownSubcommand(name: string): never {
  throw new UsageError(`unknown subcommand ${JSON.stringify(name)}; slsk transfers takes ${SUBCOMMANDS.join(', ')}`);
}

function percent(t: TransferJson): string {
  if (t.size === undefined) return humanSize(t.bytesTransferred);
  if (t.size === 0) return '100%';
  return `${Math.floor((t.bytesTransferred / t.size) * 100)}% of ${humanSize(t.size)}`;
}

/** One row of the list: the shape `list` and the actions print. */
function row(t: TransferJson): string[] {
  const state = t.state === 'queued' && t.place !== undefined ? `queued (place ${t.place})` : t.state === 'failed' && t.reason !== undefined ? `failed: ${t.reason}` : t.state;
  return [t.id, t.direction, t.username, state, percent(t), t.state === 'transferring' ? humanSpeed(t.speed) : '', t.filename];
}

const COLUMNS = [{ header: 'id' }, { header: 'direction' }, { header: 'user' }, { header: 'state' }, { header: 'progress', align: 'right' }, { header: 'speed', align: 'right' }, { header: 'file' }] as const;

async function list(session: DaemonSession, filter: Filter, states: string | undefined, json: boolean): Promise<number> {
  const { api, io } = session;
  const reply = await api.transfers({
    query: { ...(filter.direction === undefined ? {} : { direction: filter.direction }), ...(filter.username === undefined ? {} : { username: filter.username }), ...(states === undefined ? {} : { state: states }) },
  });
  const transfers = reply.users.flatMap((user) => user.folders.flatMap((folder) => folder.transfers ?? []));
  if (json) {
    await writeOut(io.stdout, transfers.map((t) => formatJson(t, false) + '\n').join(''));
    return ClientExit.ok;
  }
  if (transfers.length === 0) {
    await writeOut(io.stdout, 'No transfers.\n');
    return ClientExit.ok;
  }
  const paint = painterFor(io.stdout, io.env);
  await writeOut(io.stdout, formatTable(COLUMNS, transfers.map(row), (text) => paint('bold', text)).replace(/ +$/gm, ''));
  const { totals } = reply;
  const byState = Object.entries(totals.states).map(([state, count]) => `${count} ${state}`).join(', ');
  io.stderr.write(`${plural(totals.files, 'transfer')}: ${byState}; ${humanSize(totals.bytesTransferred)} of ${humanSize(totals.bytes)}${totals.speed > 0 ? `, ${humanSpeed(totals.speed)}` : ''}\n`);
  return ClientExit.ok;
}

async function act(session: DaemonSession, sub: 'cancel' | 'retry' | 'remove', ids: readonly string[], json: boolean): Promise<number> {
  const { api, io } = session;
  const done: TransferJson[] = [];
  for (const id of ids) {
    if (sub === 'remove') {
      await api.removeTransfer({ params: { id } });
      await writeOut(io.stdout, json ? formatJson({ id, removed: true }, false) + '\n' : `removed ${id}\n`);
      continue;
    }
    const transfer = sub === 'cancel' ? await api.cancelTransfer({ params: { id } }) : await api.retryTransfer({ params: { id } });
    done.push(transfer);
    if (json) await writeOut(io.stdout, formatJson(transfer, false) + '\n');
  }
  if (!json && done.length > 0) {
    const paint = painterFor(io.stdout, io.env);
    await writeOut(io.stdout, formatTable(COLUMNS, done.map(row), (text) => paint('bold', text)).replace(/ +$/gm, ''));
  }
  return ClientExit.ok;
}

/** For watch: a transfer's line. */
export function transferLine(t: Pick<TransferJson, 'direction' | 'username' | 'filename'>, what: string, now = new Date()): string {
  return `[${clockTime(now)}] ${t.direction} ${t.username} ${t.filename}: ${what}\n`;
}
