// `slsk chat ROOM`: joins a chat room, prints its members, then its messages and comings and
// goings as they happen, and sends each line read from stdin. Works typed at a terminal and with
// lines piped in alike; ends (leaving the room) on /quit, at the end of stdin, or on Ctrl-C.

import { createInterface, type Interface } from 'node:readline';
import type { PrivateMessage, RoomMember, RoomMessage } from '../../client/index.ts';
import { parseCommandArgs, UsageError, type CliIo, type Command } from '../command.ts';
import {
  ClientExit,
  CONNECTION_OPTIONS,
  connectionHelp,
  exitHelp,
  reconnectHelp,
  reconnectOption,
  RECONNECT_OPTION,
  resolveSettings,
} from '../client-options.ts';
import { aborted, joinRoomQuietly, stoppedFailure, withClient, type ClientSession } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { clockTime } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor, type Paint } from '../style.ts';

const help = `Chat in a room: shows its members and messages, and sends the lines you type.

Usage: slsk chat ROOM [--read-only] [options]

Arguments:
  ROOM        the room to join; a room that does not exist yet is created

Options:
  --read-only         do not read stdin: only show the room, until Ctrl-C
${reconnectHelp}
${connectionHelp}
${daemonHelp}
  Through a daemon the room is joined by the daemon (and left at the end unless it was in it
  already); members' "uploads" are 0 (the daemon does not list them).

Each line read from stdin is sent to the room; stdin may be a terminal or a pipe. Lines starting
with / are commands:
  /members    show who is in the room
  /quit       leave the room and exit 0 (so do Ctrl-D, the end of piped input, Ctrl-C, SIGTERM,
              and the end of npm or npx when one of them started it)
  /help       list these commands
  //text      send "/text"
Empty lines are not sent. When the server goes away (a restart), it stays, logs in again when the
server is back (see --reconnect-delay) and joins the room again.

Output: the members, then one line per event: "[HH:MM:SS] <user> text" for a message (yours
come back from the server like everyone's), "[HH:MM:SS] * user joined" / "left", and private
messages to you as "[HH:MM:SS] *user* (private) text".
--json prints JSON Lines instead, one object per event with an "event" field:
  {"event": "members", "room", "members": [{"username", "status", "stats", "slotsFree", "country"}]}
  {"event": "message", "time", "room", "user", "text"}
  {"event": "join" | "leave", "time", "room", "user"}
  {"event": "private", "time", "from", "text"}
  {"event": "left", "room"}            at the end, once out of the room

${exitHelp('the server refused the room')}

Examples:
  slsk chat electronica                                   chat at the terminal
  echo "hello from a script" | slsk chat electronica      say one thing, leave
  slsk chat electronica --read-only --json > room.log     log the room until Ctrl-C
`;

export const chatCommand: Command = {
  usage: 'slsk chat ROOM [--read-only] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, ...RECONNECT_OPTION, 'read-only': { type: 'boolean' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [room, ...extra] = positionals;
  if (room === undefined || room === '') throw new UsageError('missing ROOM: slsk chat ROOM (slsk rooms lists them)');
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: slsk chat takes one ROOM (quote a name with spaces)`);
  }
  const readOnly = values['read-only'] === true;
  const json = values.json === true;
  return viaDaemonOr(
    values,
    io,
    'chat',
    async (session) => chat(io, json, room, readOnly, await (await import('../daemon-chat.ts')).daemonChat(session, room)),
    () => {
      const settings = resolveSettings(values, io);
      const reconnect = reconnectOption(values['reconnect-delay']);
      return withClient(settings, io, { command: 'chat', reconnect }, (session) => chat(io, settings.json, room, readOnly, directChat(session, room)));
    },
  );
}

/** What the chat loop hands the room's events to. */
export interface RoomFeed {
  message(message: RoomMessage): void;
  joined(member: RoomMember): void;
  left(username: string): void;
  privateMessage(message: Pick<PrivateMessage, 'from' | 'text' | 'time'>): void;
}

/** Where the chat happens: our own login, or a running daemon's. */
export interface ChatBackend {
  readonly self: string;
  /** Aborted on Ctrl-C/SIGTERM or when the connection is lost. */
  readonly signal: AbortSignal;
  /** Listens (so nothing said right after the join is missed), joins, and resolves with the members. */
  join(feed: RoomFeed): Promise<readonly RoomMember[]>;
  say(text: string): void;
  /** After the chat: throws the failure when the connection was lost, else leaves the room once everything said was sent. */
  finish(): Promise<void>;
}

function directChat(session: ClientSession, room: string): ChatBackend {
  const { client } = session;
  return {
    self: session.settings.username,
    signal: session.signal,
    async join(feed) {
      // Messages are listened to before the join (a greeting may come in the same read as the join
      // reply); comings and goings after it, so our own joining is not one of them.
      client.on('roomMessage', (message) => {
        if (message.room === room) feed.message(message);
      });
      const state = await joinRoomQuietly(session, room);
      client.on('userJoinedRoom', ({ room: where, member }) => {
        if (where === room) feed.joined(member);
      });
      client.on('userLeftRoom', ({ room: where, username }) => {
        if (where === room) feed.left(username);
      });
      session.onPrivateMessage((message) => {
        feed.privateMessage(message);
        return true;
      });
      return state.members;
    },
    say: (text) => client.sayInRoom(room, text),
    async finish() {
      const reason = session.stopReason();
      if (reason === 'disconnected' || reason === 'kicked') throw stoppedFailure(session, `in ${room}`);
      // Leaving waits for the server's answer, which comes after every message sent before it. While
      // the server is away (waiting to reconnect) there is no room to leave.
      if (client.loggedIn) await client.leaveRoom(room);
    },
  };
}

type Ending = 'quit' | 'end of input' | 'stopped';

async function chat(io: CliIo, json: boolean, room: string, readOnly: boolean, backend: ChatBackend): Promise<number> {
  const { signal } = backend;
  // Messages that come with the join (a greeting) are printed after the members.
  const early: RoomMessage[] = [];
  let onMessage = (message: RoomMessage): void => void early.push(message);
  const members = new Map<string, RoomMember>();
  const out = new ChatOutput(io, json, room);
  const joined = await backend.join({
    message: (message) => onMessage(message),
    joined: (member) => {
      members.set(member.username, member);
      out.presence('join', member.username);
    },
    left: (username) => {
      members.delete(username);
      out.presence('leave', username);
    },
    privateMessage: (message) => out.privateMessage(message),
  });
  for (const member of joined) members.set(member.username, member);
  const interactive = !readOnly && !json && io.stdin.isTTY === true && io.stdout.isTTY === true;

  let input: Interface | undefined;
  let finished = false;
  let resolveEnded!: (ending: Ending) => void;
  const ended = new Promise<Ending>((resolve) => (resolveEnded = resolve));
  const endChat = (ending: Ending): void => {
    finished = true;
    resolveEnded(ending);
  };

  out.members(members, backend.self);
  onMessage = (message) => out.message(message);
  for (const message of early.splice(0)) out.message(message);

  if (!readOnly) {
    input = createInterface({
      input: io.stdin,
      crlfDelay: Infinity,
      ...(interactive ? { output: process.stdout, terminal: true, prompt: `${room}> ` } : { terminal: false }),
    });
    if (interactive) {
      out.prompt = input;
      input.on('SIGINT', () => endChat('stopped'));
      io.stderr.write(`Type a message and press Enter; /help lists the commands, /quit (or Ctrl-D) leaves.\n`);
      input.prompt();
    }
    input.on('line', (line) => {
      // Lines already read after /quit are not sent.
      if (finished) return;
      if (interactive) process.stdout.write('\x1b[1A\x1b[2K'); // the typed line comes back from the server
      const text = line.replace(/\r$/, '');
      if (text.trim() === '') {
        input?.prompt();
        return;
      }
      if (text.startsWith('/') && !text.startsWith('//')) {
        const command = text.trim().split(/\s+/)[0]!;
        if (command === '/quit') {
          endChat('quit');
          return;
        }
        if (command === '/members') out.members(members, backend.self);
        else if (command === '/help') out.note('/members shows who is here, /quit leaves, //text sends "/text"');
        else out.note(`unknown command ${command}; /help lists the commands`);
        input?.prompt();
        return;
      }
      backend.say(text.startsWith('//') ? text.slice(1) : text);
    });
    input.on('close', () => endChat('end of input'));
  }

  await Promise.race([ended, aborted(signal)]);
  finished = true;
  input?.close();
  out.prompt = undefined;
  if (interactive) process.stdout.write('\n');
  await backend.finish();
  out.left();
  return ClientExit.ok;
}

/** Prints the room's events as text lines or JSON Lines, keeping a prompt being typed intact. */
class ChatOutput {
  prompt: Interface | undefined;
  private readonly io: CliIo;
  private readonly json: boolean;
  private readonly room: string;
  private readonly paint: Paint;

  constructor(io: CliIo, json: boolean, room: string) {
    this.io = io;
    this.json = json;
    this.room = room;
    this.paint = painterFor(io.stdout, io.env);
  }

  members(members: ReadonlyMap<string, RoomMember>, self: string): void {
    const list = [...members.values()].sort((a, b) => a.username.localeCompare(b.username));
    if (this.json) return this.emit({ event: 'members', room: this.room, members: list });
    const names = list.map((m) => `${m.username}${m.username === self ? ' (you)' : ''}${m.status === 'away' ? ' (away)' : ''}`);
    this.line(`${this.paint('bold', `${this.room}: ${list.length} ${list.length === 1 ? 'member' : 'members'}`)}: ${names.join(', ')}`);
  }

  message(message: RoomMessage): void {
    const time = new Date();
    if (this.json) return this.emit({ event: 'message', time: time.toISOString(), room: message.room, user: message.username, text: message.text });
    this.line(`${this.paint('dim', `[${clockTime(time)}]`)} ${this.paint('bold', `<${message.username}>`)} ${message.text}`);
  }

  presence(event: 'join' | 'leave', username: string): void {
    const time = new Date();
    if (this.json) return this.emit({ event, time: time.toISOString(), room: this.room, user: username });
    this.line(this.paint('dim', `[${clockTime(time)}] * ${username} ${event === 'join' ? 'joined' : 'left'}`));
  }

  privateMessage(message: Pick<PrivateMessage, 'from' | 'text' | 'time'>): void {
    if (this.json) return this.emit({ event: 'private', time: message.time.toISOString(), from: message.from, text: message.text });
    this.line(`${this.paint('dim', `[${clockTime(message.time)}]`)} ${this.paint(['bold', 'magenta'], `*${message.from}*`)} (private) ${message.text}`);
  }

  left(): void {
    if (this.json) return this.emit({ event: 'left', room: this.room });
    this.line(this.paint('dim', `* you left ${this.room}`));
  }

  /** A remark of ours (not an event of the room): stderr, so JSON output stays clean. */
  note(text: string): void {
    this.clearPrompt();
    this.io.stderr.write(`${text}\n`);
    this.prompt?.prompt(true);
  }

  private emit(value: unknown): void {
    this.io.stdout.write(formatJson(value, false) + '\n');
  }

  private line(text: string): void {
    this.clearPrompt();
    this.io.stdout.write(`${text}\n`);
    this.prompt?.prompt(true);
  }

  private clearPrompt(): void {
    if (this.prompt !== undefined) this.io.stdout.write('\r\x1b[K');
  }
}
