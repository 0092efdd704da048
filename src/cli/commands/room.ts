// `slsk room SUBCOMMAND`: private rooms (create, members and operators, leave, disband), room
// tickers, and whether others may add you to their rooms. Each subcommand is one request to the
// server; a refusal prints the server's words and exits 1.

import { mentions, SERVER_USER } from '../../client/notices.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { CommandFailure, withClient, type ClientSession } from '../client-session.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

interface Subcommand {
  /** The arguments after the subcommand's name, as the usage shows them. */
  readonly args: string;
  readonly summary: string;
  /** Text for the subcommand's own help: what it does, what it prints. */
  readonly details: string;
  readonly examples: readonly string[];
  /** How many positionals it takes (TEXT of `ticker` takes the rest). */
  readonly positionals: number | 'rest';
  run(session: ClientSession, args: readonly string[], options: { clear: boolean }): Promise<void>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  create: {
    args: 'NAME',
    summary: 'create a private room NAME that you own (only members can join and read it)',
    details: `Creates the private room by joining it as private. The server refuses a name a public room
has, or a private room of someone else. Output: "Created private room NAME: you own it." (or that
you own it already). --json: {"room", "owner", "created"}.`,
    examples: ['slsk room create friends'],
    positionals: 1,
    run: create,
  },
  add: {
    args: 'NAME USER',
    summary: 'make USER a member of your private room (owner or operators)',
    details: `The owner and the operators may add members; USER must accept invitations (slsk room invites).
Output: "Added USER to private room NAME." --json: {"room", "user", "action": "add"}.`,
    examples: ['slsk room add friends bob'],
    positionals: 2,
    run: (session, [room, user]) => change(session, 'add', room!, user!),
  },
  remove: {
    args: 'NAME USER',
    summary: 'take USER out of your private room (owner, or operators for plain members)',
    details: `The owner may remove anyone; operators may remove members who are not operators.
Output: "Removed USER from private room NAME." --json: {"room", "user", "action": "remove"}.`,
    examples: ['slsk room remove friends bob'],
    positionals: 2,
    run: (session, [room, user]) => change(session, 'remove', room!, user!),
  },
  op: {
    args: 'NAME USER',
    summary: 'make member USER an operator, who may add and remove members (owner only)',
    details: `Only the owner makes operators, and only of members.
Output: "USER is now an operator of NAME." --json: {"room", "user", "action": "op"}.`,
    examples: ['slsk room op friends bob'],
    positionals: 2,
    run: (session, [room, user]) => change(session, 'op', room!, user!),
  },
  deop: {
    args: 'NAME USER',
    summary: "take USER's operator rights away (owner only); USER stays a member",
    details: `Output: "USER is no longer an operator of NAME." --json: {"room", "user", "action": "deop"}.`,
    examples: ['slsk room deop friends bob'],
    positionals: 2,
    run: (session, [room, user]) => change(session, 'deop', room!, user!),
  },
  leave: {
    args: 'NAME',
    summary: 'give up your membership of a private room',
    details: `Output: "You are no longer a member of NAME." --json: {"room", "action": "leave"}.
The owner cannot leave: slsk room disband NAME ends the room instead.`,
    examples: ['slsk room leave friends'],
    positionals: 1,
    run: (session, [room]) => leaveOrDisband(session, 'leave', room!),
  },
  disband: {
    args: 'NAME',
    summary: 'end a private room you own: every member loses it',
    details: `Output: "Disbanded private room NAME." --json: {"room", "action": "disband"}.`,
    examples: ['slsk room disband friends'],
    positionals: 1,
    run: (session, [room]) => leaveOrDisband(session, 'disband', room!),
  },
  members: {
    args: 'NAME',
    summary: 'show the owner, operators and members of a private room you belong to',
    details: `Output: the owner, the operators and the members, one kind per line.
--json: {"room", "owner", "operators": [...], "members": [...]}.`,
    examples: ['slsk room members friends', "slsk room members friends --json | jq -r '.members[]'"],
    positionals: 1,
    run: (session, [room]) => members(session, room!),
  },
  ticker: {
    args: 'NAME TEXT... | NAME --clear',
    summary: "set your ticker (a line on the room's wall) in room NAME, or --clear it",
    details: `Joins the room for a moment to set it; the ticker stays after you leave. The words of TEXT are
joined with spaces; at most 1024 characters, one line.
Output: "Set your ticker in NAME." / "Cleared your ticker in NAME." --json: {"room", "ticker"}
(ticker null when cleared).`,
    examples: ['slsk room ticker electronica "listening to Xtal"', 'slsk room ticker electronica --clear'],
    positionals: 'rest',
    run: (session, [room, ...words], { clear }) => ticker(session, room!, clear ? undefined : words.join(' ')),
  },
  tickers: {
    args: 'NAME',
    summary: "show room NAME's tickers (joins it for a moment)",
    details: `Output: a table of user and ticker ("No tickers in NAME." when there are none).
--json: [{"username", "ticker"}, ...].`,
    examples: ['slsk room tickers electronica'],
    positionals: 1,
    run: (session, [room]) => tickers(session, room!),
  },
  invites: {
    args: 'on|off',
    summary: 'let others add you to their private rooms, or not',
    details: `Output: "Others may add you to their private rooms." or "may not". --json: {"invitations": true|false}.`,
    examples: ['slsk room invites off'],
    positionals: 1,
    run: (session, [state]) => invites(session, state!),
  },
};

const OPTIONS = { ...CONNECTION_OPTIONS, clear: { type: 'boolean' }, timeout: { type: 'string' } } as const;

const timeoutHelp = '  --timeout SECONDS   give up waiting for the server\'s reply after this long (default 10)';
const exitStatus = exitHelp('the server refused (its words are printed: not the owner, not a member…) or did not answer', ['130  interrupted with Ctrl-C']);

function overviewHelp(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, sub]) => `  ${name} ${sub.args}\n      ${sub.summary}`);
  const examples = Object.values(SUBCOMMANDS).flatMap((sub) => sub.examples.map((example) => `  ${example}`));
  return `Manage private rooms and room tickers.

Usage: slsk room SUBCOMMAND [ARGUMENTS] [options]

Subcommands:
${lines.join('\n')}

A private room has an owner (who created it), operators (members the owner trusts to add and
remove members) and members; only they can join it (slsk chat NAME), read it and search it.
'slsk rooms' lists the private rooms you own or belong to. 'slsk room SUBCOMMAND --help' shows one
subcommand.

Options:
  --clear             with ticker: clear your ticker instead of setting one
${timeoutHelp}
${connectionHelp}

${exitStatus}

Examples:
${examples.join('\n')}
`;
}

function subcommandHelp(name: string, sub: Subcommand): string {
  return `${sub.summary[0]!.toUpperCase()}${sub.summary.slice(1)}.

Usage: slsk room ${name} ${sub.args} [options]

${sub.details}

Options:
${name === 'ticker' ? '  --clear             clear your ticker instead of setting one\n' : ''}${timeoutHelp}
${connectionHelp}

${exitStatus}

Examples:
${sub.examples.map((example) => `  ${example}`).join('\n')}
`;
}

export const roomCommand: Command = {
  usage: 'slsk room create|add|remove|op|deop|leave|disband|members|ticker|tickers|invites ... [--json]',
  help: overviewHelp(),
  helpFor: (argv) => {
    const name = argv.find((arg) => !arg.startsWith('-'));
    return name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? subcommandHelp(name, SUBCOMMANDS[name]!) : undefined;
  },
  run,
};

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [name, ...args] = positionals;
  const names = Object.keys(SUBCOMMANDS).join(', ');
  if (name === undefined) throw new UsageError(`missing SUBCOMMAND; the subcommands are: ${names} (slsk rooms lists the rooms)`);
  if (!Object.hasOwn(SUBCOMMANDS, name)) throw new UsageError(`unknown subcommand ${JSON.stringify(name)}; the subcommands are: ${names}`);
  const sub = SUBCOMMANDS[name]!;
  const usage = `slsk room ${name} ${sub.args}`;
  const wanted = sub.positionals === 'rest' ? 1 : sub.positionals;
  if (args.length < wanted) throw new UsageError(`missing arguments: ${usage}`);
  if (sub.positionals !== 'rest' && args.length > wanted) throw new UsageError(`unexpected argument ${JSON.stringify(args[wanted])}: ${usage} (quote a name with spaces)`);
  if (args.some((arg) => arg === '')) throw new UsageError(`a room or user name cannot be empty: ${usage}`);
  const clear = values.clear === true;
  if (clear && name !== 'ticker') throw new UsageError('--clear goes with ticker: slsk room ticker NAME --clear');
  if (name === 'ticker') {
    if (clear && args.length > 1) throw new UsageError('give TEXT or --clear, not both: slsk room ticker NAME TEXT... | NAME --clear');
    if (!clear && args.length < 2) throw new UsageError('missing TEXT: slsk room ticker NAME TEXT... (or --clear to remove yours)');
  }
  if (name === 'invites' && args[0] !== 'on' && args[0] !== 'off') throw new UsageError(`invites takes on or off, got ${JSON.stringify(args[0])}`);
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const settings = resolveSettings(values, io);
  return withClient(settings, io, { command: 'room', timeouts: { requestMs } }, async (session) => {
    // The server confirms an owner's changes with notices naming the room: the command says it itself.
    const room = args[0]!;
    if (name !== 'invites') session.onPrivateMessage((message) => message.from === SERVER_USER && mentions(message.text, room));
    await sub.run(session, args, { clear });
    // One round trip, so a confirming notice that trails the change arrives (and is acknowledged) here.
    await session.client.userStatus(settings.username, { signal: session.signal });
    return ClientExit.ok;
  });
}

/** Text for people, or one JSON value. */
async function print({ io, settings }: ClientSession, value: unknown, text: string): Promise<void> {
  await writeOut(io.stdout, settings.json ? formatJson(value, false) + '\n' : text);
}

async function create(session: ClientSession, [room]: readonly string[]): Promise<void> {
  const { client, settings, signal } = session;
  const self = settings.username;
  const owned = await ownsRoom(session, room!);
  const state = await client.joinRoom(room!, { private: true, signal });
  await client.leaveRoom(room!, { signal });
  if (state.owner === undefined) throw new CommandFailure(`${room} is a public room, so it cannot be made private: pick another name`);
  if (state.owner !== self) throw new CommandFailure(`${room} is already a private room of ${state.owner} (you are a member of it): pick another name`);
  const created = !owned;
  await print(session, { room, owner: self, created }, created ? `Created private room ${room}: you own it. Add members with: slsk room add ${room} USER\n` : `You own private room ${room} already.\n`);
}

/** Whether the server's room list has `room` among the private rooms we own. */
async function ownsRoom({ client, signal }: ClientSession, room: string): Promise<boolean> {
  return (await client.roomList({ signal })).some((listing) => listing.name === room && listing.private === 'owned');
}

type Change = 'add' | 'remove' | 'op' | 'deop';

async function change(session: ClientSession, action: Change, room: string, user: string): Promise<void> {
  const { client, signal } = session;
  const calls: Record<Change, [(r: string, u: string, o: { signal: AbortSignal }) => Promise<void>, string]> = {
    add: [(r, u, o) => client.addRoomMember(r, u, o), `Added ${user} to private room ${room}.`],
    remove: [(r, u, o) => client.removeRoomMember(r, u, o), `Removed ${user} from private room ${room}.`],
    op: [(r, u, o) => client.addRoomOperator(r, u, o), `${user} is now an operator of ${room}.`],
    deop: [(r, u, o) => client.removeRoomOperator(r, u, o), `${user} is no longer an operator of ${room}.`],
  };
  const [call, done] = calls[action];
  await call(room, user, { signal });
  await print(session, { room, user, action }, `${done}\n`);
}

async function leaveOrDisband(session: ClientSession, action: 'leave' | 'disband', room: string): Promise<void> {
  const { client, signal } = session;
  if (action === 'leave') await client.leavePrivateRoom(room, { signal });
  else await client.disbandRoom(room, { signal });
  await print(session, { room, action }, action === 'leave' ? `You are no longer a member of ${room}.\n` : `Disbanded private room ${room}.\n`);
}

async function members(session: ClientSession, room: string): Promise<void> {
  const { client, io, signal } = session;
  // The lists come at login for every private room we belong to; the owner only with the rooms we
  // own, or when joining.
  let info = client.privateRoom(room);
  if (info === undefined) {
    throw new CommandFailure(`you are not a member of a private room named ${room} (slsk rooms lists yours; slsk chat ${room} shows who is in a public room)`);
  }
  let owner = info.owner ?? ((await ownsRoom(session, room)) ? session.settings.username : undefined);
  if (owner === undefined) {
    const state = await client.joinRoom(room, { signal });
    await client.leaveRoom(room, { signal });
    owner = state.owner;
    info = client.privateRoom(room) ?? info;
  }
  const operators = [...info.operators];
  const memberList = info.members.filter((name) => name !== owner);
  const paint = painterFor(io.stdout, io.env);
  const line = (label: string, names: readonly string[]): string => `${paint('bold', label.padEnd(9))}  ${names.length === 0 ? '(none)' : names.join(', ')}\n`;
  await print(
    session,
    { room, owner: owner ?? null, operators, members: memberList },
    `${paint('bold', `Private room ${room}`)}\n${line('owner', owner === undefined ? [] : [owner])}${line('operators', operators)}${line('members', memberList)}`,
  );
}

async function ticker(session: ClientSession, room: string, text: string | undefined): Promise<void> {
  const { client, signal } = session;
  await client.joinRoom(room, { signal });
  try {
    if (text === undefined) await client.clearRoomTicker(room, { signal });
    else await client.setRoomTicker(room, text, { signal });
  } finally {
    await client.leaveRoom(room, { signal });
  }
  await print(session, { room, ticker: text ?? null }, text === undefined ? `Cleared your ticker in ${room}.\n` : `Set your ticker in ${room}.\n`);
}

async function tickers(session: ClientSession, room: string): Promise<void> {
  const { client, io, signal } = session;
  const state = await client.joinRoom(room, { signal });
  await client.leaveRoom(room, { signal });
  const list = state.tickers.map(({ username, ticker: text }) => ({ username, ticker: text }));
  const paint = painterFor(io.stdout, io.env);
  const table = formatTable([{ header: 'user' }, { header: 'ticker' }], list.map((t) => [t.username, t.ticker]), (text) => paint('bold', text));
  await print(session, list, list.length === 0 ? `No tickers in ${room}.\n` : table);
}

async function invites(session: ClientSession, state: string): Promise<void> {
  const enabled = await session.client.setRoomInvitations(state === 'on', { signal: session.signal });
  await print(session, { invitations: enabled }, enabled ? 'Others may add you to their private rooms.\n' : 'Others may not add you to their private rooms.\n');
}
