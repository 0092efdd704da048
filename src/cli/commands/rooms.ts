// `slsk rooms`: the server's chat rooms with their user counts, busiest first, and the private
// rooms you own or belong to, marked as such.

import type { RoomListing } from '../../client/index.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `List the server's chat rooms and how many users are in each, with the private rooms you own
or belong to.

Usage: slsk rooms [--timeout SECONDS] [options]

Options:
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}
${daemonHelp}

Output: a table of users, room and, for private rooms, what you are in it ("private, owner",
"private, operator" or "private, member"), busiest room first ("No rooms." when there are none).
--json prints a JSON array: [{"name", "users"}, ...], in the same order; a private room also has
"private": "owned" | "member" and "operator": true | false. Private rooms: slsk room --help.

${exitHelp('the server did not send the room list in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk rooms
  slsk rooms --json | jq -r '.[] | select(.users > 10) | .name'
  slsk chat "$(slsk rooms --json | jq -r '.[0].name')"            join the busiest room
  slsk rooms --no-daemon                                          with our own login, not a daemon's
`;

export const roomsCommand: Command = {
  usage: 'slsk rooms [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: slsk rooms takes only options`);
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const json = values.json === true;
  return viaDaemonOr(
    values,
    io,
    'rooms',
    async ({ api, signal }) => {
      const rooms = await api.rooms({ signal: AbortSignal.any([signal, AbortSignal.timeout(requestMs)]) });
      // The daemon also says which rooms it is in: not part of this command's output.
      return printRooms(io, json, rooms.map(({ joined: _joined, ...room }) => room));
    },
    () =>
      withClient(resolveSettings(values, io), io, { command: 'rooms', timeouts: { requestMs } }, async ({ client, signal }) => printRooms(io, json, await client.roomList({ signal }))),
  );
}

async function printRooms(io: CliIo, json: boolean, listing: RoomListing[]): Promise<number> {
  const rooms = listing.sort((a, b) => b.users - a.users || a.name.localeCompare(b.name));
  if (json) {
    await writeOut(io.stdout, formatJson(rooms, false) + '\n');
  } else if (rooms.length === 0) {
    await writeOut(io.stdout, 'No rooms.\n');
  } else {
    const paint = painterFor(io.stdout, io.env);
    const anyPrivate = rooms.some((room) => room.private !== undefined);
    const rows = rooms.map((room) => [String(room.users), room.name, ...(anyPrivate ? [kind(room)] : [])]);
    const columns = [{ header: 'users', align: 'right' as const }, { header: 'room' }, ...(anyPrivate ? [{ header: 'kind' }] : [])];
    // Public rooms leave the last column empty: no trailing blanks.
    await writeOut(io.stdout, formatTable(columns, rows, (text) => paint('bold', text)).replace(/ +$/gm, ''));
  }
  return ClientExit.ok;
}

/** What a private room is to us; public rooms have nothing to say. */
function kind(room: RoomListing): string {
  if (room.private === undefined) return '';
  if (room.private === 'owned') return 'private, owner';
  return room.operator === true ? 'private, operator' : 'private, member';
}
