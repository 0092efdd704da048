// Administration: the commands administrators send as private messages to the reserved user
// `server` or as ExecuteCommand("admin", [command, ...arguments]), who counts as an administrator,
// and the short ban that follows a kick (docs/flows.md §8). Replies come back as private messages from
// `server`.

import { serverResponse, UserStatus } from '../protocol/index.ts';
import type { ServerCore } from './core.ts';
import { describeDuration, grantPrivileges, MAX_GRANT_DAYS } from './handlers/privileges.ts';
import type { OnlineUser } from './network.ts';
import type { Clock } from './rate-limit.ts';
import { describeTree, treeShape } from './tree.ts';

/** How long a kicked user stays out (soulfind: about two minutes). */
export const KICK_BAN_MS = 2 * 60_000;
export const NOT_ADMIN = 'You are not an administrator of this server.';
/** Lines in a `users` or `rooms` reply; the rest is counted, so a reply stays a readable message. */
export const LIST_LIMIT = 200;

/** Users kicked by an admin, kept out until a time; in memory only, as a restart ends them anyway. */
export class KickBans {
  private readonly until = new Map<string, number>();
  private readonly now: Clock;

  constructor(now: Clock) {
    this.now = now;
  }

  add(username: string, durationMs: number): void {
    const now = this.now();
    // Expired entries go here: the map never holds more than the kicks of the last few minutes.
    for (const [name, until] of this.until) if (until <= now) this.until.delete(name);
    this.until.set(username, now + durationMs);
  }

  has(username: string): boolean {
    const until = this.until.get(username);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(username);
    return false;
  }

  /** How long the user is still kept out (ms), 0 when not. */
  remainingMs(username: string): number {
    return this.has(username) ? this.until.get(username)! - this.now() : 0;
  }

  delete(username: string): boolean {
    return this.until.delete(username);
  }
}

/** Accounts flagged admin in the store, and the names in the config's `admins` list. */
export async function isAdmin(core: ServerCore, username: string): Promise<boolean> {
  if (core.config.admins.includes(username)) return true;
  return (await core.store.getAccount(username))?.admin === true;
}

export type AdminCommand =
  | { name: 'help' | 'users' | 'rooms' | 'status' }
  | { name: 'ban' | 'unban' | 'kick'; target: string }
  | { name: 'announce'; text: string }
  | { name: 'message'; target: string; text: string }
  | { name: 'privileges'; target: string; days: number };

type Shape = 'none' | 'name' | 'text' | 'name-text' | 'name-days';

/** Every command: its arguments, and the line `help` shows for it. */
const COMMANDS: Record<AdminCommand['name'], { shape: Shape; usage: string; does: string }> = {
  help: { shape: 'none', usage: 'help', does: 'this list' },
  users: { shape: 'none', usage: 'users', does: 'who is online, with their status' },
  rooms: { shape: 'none', usage: 'rooms', does: 'the rooms and how many users are in each' },
  status: { shape: 'none', usage: 'status', does: 'uptime, users online and the shape of the distributed search tree' },
  ban: { shape: 'name', usage: 'ban NAME', does: 'ban an account; an online user is disconnected' },
  unban: { shape: 'name', usage: 'unban NAME', does: 'let a banned or kicked user log in again' },
  kick: { shape: 'name', usage: 'kick NAME', does: 'disconnect a user and keep them out for 2 minutes' },
  announce: { shape: 'text', usage: 'announce TEXT', does: 'send TEXT to everyone online' },
  message: { shape: 'name-text', usage: 'message NAME TEXT', does: 'send TEXT to one user (put a NAME with spaces in "quotes")' },
  privileges: { shape: 'name-days', usage: 'privileges NAME DAYS', does: `give NAME DAYS days of privileges (1 to ${MAX_GRANT_DAYS})` },
};

export const HELP_TEXT = [
  'Administrator commands (send them as private messages to "server"):',
  ...Object.values(COMMANDS).map((c) => `${c.usage} - ${c.does}`),
].join('\n');

const isCommandName = (word: string): word is AdminCommand['name'] => Object.hasOwn(COMMANDS, word);

/** A chat line such as `message "dj shadow" hello`: the command word, then its arguments by shape. */
export function parseCommandText(text: string): AdminCommand | string {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const word = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space).trim();
  if (!isCommandName(word.toLowerCase())) return unknownCommand(word);
  const name = word.toLowerCase() as AdminCommand['name'];
  switch (COMMANDS[name].shape) {
    case 'none':
      return build(name, []);
    case 'name':
    case 'text':
      return build(name, rest === '' ? [] : [rest]);
    case 'name-text': {
      const quoted = /^"([^"]+)"\s*(.*)$/s.exec(rest);
      if (quoted !== null) return build(name, [quoted[1]!, quoted[2]!]);
      const gap = rest.search(/\s/);
      return build(name, gap < 0 ? (rest === '' ? [] : [rest]) : [rest.slice(0, gap), rest.slice(gap).trim()]);
    }
    case 'name-days': {
      // The days come last, so a name may hold spaces.
      const gap = rest.search(/\s\S*$/);
      return build(name, gap < 0 ? (rest === '' ? [] : [rest]) : [rest.slice(0, gap).trim(), rest.slice(gap).trim()]);
    }
  }
}

/** ExecuteCommand's arguments: the command word, then one argument each (TEXT may span the rest). */
export function parseCommandArguments(args: readonly string[]): AdminCommand | string {
  const [word = '', ...rest] = args;
  const name = word.trim().toLowerCase();
  if (!isCommandName(name)) return unknownCommand(word);
  const shape = COMMANDS[name].shape;
  if (shape === 'text') return build(name, rest.length === 0 ? [] : [rest.join(' ')]);
  if (shape === 'name-text') return build(name, rest.length < 2 ? rest : [rest[0]!, rest.slice(1).join(' ')]);
  return build(name, rest);
}

function unknownCommand(word: string): string {
  if (word.trim() === '') return 'No command given. Send "help" for the list.';
  return `Unknown command "${word}". Send "help" for the list.`;
}

function build(name: AdminCommand['name'], args: string[]): AdminCommand | string {
  const usage = `Usage: ${COMMANDS[name].usage}`;
  switch (COMMANDS[name].shape) {
    case 'none':
      return { name: name as 'help' | 'users' | 'rooms' | 'status' };
    case 'name':
      return args.length === 1 && args[0] !== '' ? { name: name as 'ban' | 'unban' | 'kick', target: args[0]! } : usage;
    case 'text':
      return args.length === 1 && args[0]!.trim() !== '' ? { name: 'announce', text: args[0]! } : usage;
    case 'name-text':
      return args.length === 2 && args[0] !== '' && args[1]!.trim() !== '' ? { name: 'message', target: args[0]!, text: args[1]! } : usage;
    case 'name-days': {
      const days = /^\d+$/.test(args[1] ?? '') ? Number(args[1]) : NaN;
      if (args.length !== 2 || args[0] === '' || !(days >= 1 && days <= MAX_GRANT_DAYS)) return `${usage} (DAYS from 1 to ${MAX_GRANT_DAYS})`;
      return { name: 'privileges', target: args[0]!, days };
    }
  }
}

/** A private message to `server`. */
export async function runTextCommand(core: ServerCore, user: OnlineUser, text: string): Promise<void> {
  if (!(await refuseNonAdmin(core, user, 'private message'))) return;
  await run(core, user, parseCommandText(text));
}

/** ExecuteCommand: the type has only ever been "admin". */
export async function runExecuteCommand(core: ServerCore, user: OnlineUser, type: string, args: readonly string[]): Promise<void> {
  if (!(await refuseNonAdmin(core, user, 'ExecuteCommand'))) return;
  if (type !== 'admin') {
    core.sendServerNotice(user, `Unknown command type "${type}": send "admin" with the command and its arguments.`);
    return;
  }
  if (args.reduce((length, arg) => length + arg.length + 1, 0) > core.config.limits.maxChatLength) {
    core.sendServerNotice(user, 'The command is too long.');
    return;
  }
  await run(core, user, parseCommandArguments(args));
}

/** True for an admin; anyone else hears the one refusal, whatever the command. */
async function refuseNonAdmin(core: ServerCore, user: OnlineUser, via: string): Promise<boolean> {
  if (await isAdmin(core, user.username)) return true;
  core.log.info({ user: user.username, via }, 'admin command from a non-admin refused');
  core.sendServerNotice(user, NOT_ADMIN);
  return false;
}

async function run(core: ServerCore, admin: OnlineUser, command: AdminCommand | string): Promise<void> {
  const reply = (text: string): void => core.sendServerNotice(admin, text);
  if (typeof command === 'string') return reply(command);
  core.log.info({ user: admin.username, command: command.name, target: 'target' in command ? command.target : undefined }, 'admin command');
  switch (command.name) {
    case 'help':
      return reply(HELP_TEXT);
    case 'users':
      return reply(usersList(core));
    case 'rooms':
      return reply(roomsList(core));
    case 'status':
      return reply(statusText(core));
    case 'ban': {
      if (command.target === admin.username) return reply('You cannot ban yourself.');
      if (!(await core.store.setBanned(command.target, true))) return reply(noAccount(command.target));
      const online = core.network.online.get(command.target);
      if (online === undefined) return reply(`Banned ${command.target}.`);
      disconnect(online, 'banned by an administrator');
      return reply(`Banned ${command.target} and disconnected them.`);
    }
    case 'unban': {
      const kicked = core.kickBans.delete(command.target);
      if (!(await core.store.setBanned(command.target, false)) && !kicked) return reply(noAccount(command.target));
      return reply(`Unbanned ${command.target}.`);
    }
    case 'kick': {
      if (command.target === admin.username) return reply('You cannot kick yourself.');
      const online = core.network.online.get(command.target);
      if (online === undefined) return reply(notOnline(command.target));
      core.kickBans.add(command.target, KICK_BAN_MS);
      disconnect(online, 'kicked by an administrator');
      return reply(`Kicked ${command.target}; they cannot log in for 2 minutes.`);
    }
    case 'announce': {
      const frame = serverResponse.AdminMessage({ message: command.text });
      for (const user of core.network.online.values()) user.send(frame);
      return reply(`Announced to ${count(core.network.online.size, 'user')}.`);
    }
    case 'message': {
      const target = core.network.online.get(command.target);
      if (target === undefined) return reply(notOnline(command.target));
      target.send(serverResponse.AdminMessage({ message: command.text }));
      return reply(`Sent to ${command.target}.`);
    }
    case 'privileges': {
      const until = await grantPrivileges(core, command.target, command.days, admin.username);
      if (until === undefined) return reply(noAccount(command.target));
      return reply(`Gave ${command.target} ${count(command.days, 'day')} of privileges; ${describeDuration(until - core.now())} left.`);
    }
  }
}

/** Kicked first, so clients show why and do not reconnect (ours never does after Kicked). */
function disconnect(user: OnlineUser, why: string): void {
  user.send(serverResponse.Kicked({}));
  user.link.close(why);
}

const noAccount = (name: string): string => `No account named "${name}".`;
const notOnline = (name: string): string => `${name} is not online.`;
const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

const STATUS_WORDS: Record<number, string> = { [UserStatus.online]: 'online', [UserStatus.away]: 'away' };

function statusText(core: ServerCore): string {
  const up = describeDuration(core.now() - core.startedAt);
  return [`Up ${up}, ${count(core.network.online.size, 'user')} online.`, ...describeTree(treeShape(core.network))].join('\n');
}

function usersList(core: ServerCore): string {
  const users = [...core.network.online.values()].sort((a, b) => (a.username < b.username ? -1 : 1));
  const lines = users.slice(0, LIST_LIMIT).map((u) => `${u.username} (${STATUS_WORDS[u.status] ?? 'online'}${u.privileged ? ', privileged' : ''})`);
  return [`${count(users.length, 'user')} online:`, ...lines, ...more(users.length)].join('\n');
}

function roomsList(core: ServerCore): string {
  // Rooms someone is in, then the empty private rooms (they persist; empty public rooms do not).
  const inUse = (name: string): number => core.network.rooms.get(name)?.members.size ?? 0;
  const names = [...core.network.rooms.keys()];
  for (const room of core.network.privateRooms.values()) if (!core.network.rooms.has(room.name)) names.push(room.name);
  names.sort((a, b) => inUse(b) - inUse(a) || (a < b ? -1 : 1));
  if (names.length === 0) return 'No rooms.';
  const lines = names.slice(0, LIST_LIMIT).map((name) => {
    const owned = core.network.privateRooms.get(name);
    const what = owned === undefined ? '' : `, private, owner ${owned.owner}, ${count(owned.members.size, 'member')}`;
    return `${name} (${count(inUse(name), 'user')}${what})`;
  });
  return [`${count(names.length, 'room')}:`, ...lines, ...more(names.length)].join('\n');
}

const more = (total: number): string[] => (total > LIST_LIMIT ? [`…and ${total - LIST_LIMIT} more.`] : []);
