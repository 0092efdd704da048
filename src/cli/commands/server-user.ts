// `slsk server user ...`: adds, removes, lists, bans and unbans accounts, makes administrators and
// gives privileges, straight in the server's SQLite database, so an operator needs no client and no
// running server to manage them.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, defaultConfig, type ServerConfigInput } from '../../server/config.ts';
import type { ServerStore } from '../../server/store/store.ts';
import { ExitCode, parseCommandArgs, UsageError, writeOut, type CliIo } from '../command.ts';
import { painterFor } from '../style.ts';
import { settingsFrom } from './server-config.ts';

const ACTIONS = ['add', 'remove', 'list', 'ban', 'unban', 'admin', 'unadmin', 'privileges'] as const;
type Action = (typeof ACTIONS)[number];

const DAY_MS = 86_400_000;
/** As the admin command allows (MAX_GRANT_DAYS, not imported so the help needs no server module). */
const MAX_PRIVILEGE_DAYS = 3650;

export const userHelp = `Accounts: slsk server user <action> [NAME...] [options]

Works on the database in --data (default ${defaultConfig.dataDir}), with the server stopped or running.
A running server sees new, removed, banned and unbanned accounts and privileges given here at the
user's next login, and admin and unadmin at the next admin command. It remembers passwords that
already logged in and privileges it holds: restart it after replacing an account's password
(remove, then add) or taking privileges away (DAYS 0). A ban does not disconnect a user who is
online; the admin commands (a private message "help" to the user "server") do.

Actions:
  add NAME          create an account; the password comes from --password, else the SLSK_PASSWORD
                    environment variable, else a prompt when stdin is a terminal
  remove NAME...    delete accounts, with their statistics and undelivered private messages
  list              a table of username, created, banned, admin, privileged until; --json prints a JSON array
  ban NAME...       banned users are refused at their next login (reason BANNED)
  unban NAME...     let banned users log in again
  admin NAME...     make accounts administrators: they may send admin commands to the user "server"
  unadmin NAME...   take administrator rights away (names in the config's "admins" keep them)
  privileges NAME DAYS
                    give DAYS days of privileges (1 to ${MAX_PRIVILEGE_DAYS}), counted from the current end
                    or from now, whichever is later; DAYS 0 takes them all away

Options:
  --data DIR        the server's data folder (default ${defaultConfig.dataDir})
  --config FILE     the server's config file, for its dataDir and passwordCost (default: none)
  --password PW     add: the password (visible in 'ps' and shell history: prefer SLSK_PASSWORD or the prompt)
  --admin           add: make the account an administrator
  --json            list: print JSON instead of a table

Exit status: 0 done, 1 an account was unknown (or already existed, for add) or the database could
not be opened, 2 the command line is wrong.

Examples:
  slsk server user add alice                          asks for the password
  SLSK_PASSWORD=s3cret slsk server user add bob --data /srv/slsk
  slsk server user add admin --password pw --admin
  slsk server user list
  slsk server user list --json --data /srv/slsk
  slsk server user ban spammer1 spammer2
  slsk server user unban spammer1
  slsk server user admin alice
  slsk server user unadmin alice
  slsk server user privileges alice 30
  slsk server user remove alice bob
`;

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  password: { type: 'string' },
  admin: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** A failure the user can act on: printed as one line, exit 1. */
class UserCommandError extends Error {
  override readonly name = 'UserCommandError';
}

export async function runUserCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [actionArg, ...names] = positionals;
  if (actionArg === undefined) throw new UsageError(`missing action: slsk server user <${ACTIONS.join('|')}> [NAME...]`);
  if (!(ACTIONS as readonly string[]).includes(actionArg)) {
    throw new UsageError(`unknown action ${JSON.stringify(actionArg)}; the actions are: ${ACTIONS.join(', ')}`);
  }
  const action = actionArg as Action;
  checkArguments(action, names, values);

  let settings: { dataDir: string; passwordCost: number };
  try {
    const overrides: ServerConfigInput = values.data === undefined ? {} : { dataDir: values.data };
    settings = settingsFrom(values.config, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`slsk server user: ${error.message}\n`);
    return ExitCode.usage;
  }

  try {
    // Asked before the database is opened, so a cancelled prompt leaves nothing behind.
    const password = action === 'add' ? await passwordFor(names[0]!, values.password, io) : undefined;
    const store = await openStore(settings.dataDir, settings.passwordCost, action === 'add');
    try {
      switch (action) {
        case 'add':
          return await add(store, names[0]!, password!, values.admin === true, io);
        case 'list':
          return await list(store, values.json === true, settings.dataDir, io);
        case 'remove':
          return await forEach(names, io, (name) => store.deleteAccount(name), 'removed');
        case 'ban':
          return await forEach(names, io, (name) => store.setBanned(name, true), 'banned');
        case 'unban':
          return await forEach(names, io, (name) => store.setBanned(name, false), 'unbanned');
        case 'admin':
          return await forEach(names, io, (name) => store.setAdmin(name, true), (name) => `made ${name} an administrator`);
        case 'unadmin':
          return await forEach(names, io, (name) => store.setAdmin(name, false), (name) => `${name} is no longer an administrator`);
        case 'privileges':
          return await givePrivileges(store, names[0]!, privilegeDays(names[1]!), io);
      }
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!(error instanceof UserCommandError)) throw error;
    io.stderr.write(`slsk server user ${action}: ${error.message}\n`);
    return ExitCode.failure;
  }
}

function checkArguments(action: Action, names: string[], values: { password?: string; admin?: boolean; json?: boolean }): void {
  if (action === 'add' && names.length !== 1) {
    throw new UsageError(names.length === 0 ? 'add needs a NAME: slsk server user add NAME' : 'add takes one NAME at a time');
  }
  if (action === 'list' && names.length > 0) throw new UsageError(`list takes no NAME (got ${JSON.stringify(names[0])})`);
  if (action === 'privileges' && names.length !== 2) throw new UsageError('privileges needs a NAME and DAYS: slsk server user privileges NAME DAYS');
  if (action === 'privileges') privilegeDays(names[1]!);
  if ((action === 'remove' || action === 'ban' || action === 'unban' || action === 'admin' || action === 'unadmin') && names.length === 0) {
    throw new UsageError(`${action} needs at least one NAME: slsk server user ${action} NAME...`);
  }
  if (action !== 'add' && (values.password !== undefined || values.admin !== undefined)) {
    throw new UsageError('--password and --admin go with add only');
  }
  if (action !== 'list' && values.json !== undefined) throw new UsageError('--json goes with list only');
}

async function openStore(dataDir: string, passwordCost: number, create: boolean): Promise<ServerStore> {
  const [{ DATABASE_FILE }, { openSqliteStore }] = await Promise.all([
    import('../../server/server.ts'),
    import('../../server/store/sqlite-store.ts'),
  ]);
  const path = join(dataDir, DATABASE_FILE);
  if (!create && !existsSync(path)) {
    throw new UserCommandError(
      `no server database in ${dataDir} (looked for ${path}): give the server's folder with --data, or create the database with 'slsk server user add' or by starting 'slsk server'`,
    );
  }
  try {
    if (create) mkdirSync(dataDir, { recursive: true });
    return await openSqliteStore(path, { passwordCost });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new UserCommandError(
      `${error instanceof Error ? error.message : String(error)}${cause}. Check that --data ${dataDir} is a folder you can write to.`,
    );
  }
}

async function add(store: ServerStore, name: string, password: string, admin: boolean, io: CliIo): Promise<number> {
  const { AccountExistsError } = await import('../../server/store/store.ts');
  try {
    await store.createAccount(name, password, { admin });
  } catch (error) {
    if (error instanceof AccountExistsError) {
      throw new UserCommandError(`an account named ${JSON.stringify(name)} already exists: pick another name, or remove it first`);
    }
    throw error;
  }
  await writeOut(io.stdout, `added ${admin ? 'administrator' : 'account'} ${name}\n`);
  return ExitCode.ok;
}

function privilegeDays(text: string): number {
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(days >= 0 && days <= MAX_PRIVILEGE_DAYS)) {
    throw new UsageError(`DAYS must be a whole number from 0 to ${MAX_PRIVILEGE_DAYS}, got ${JSON.stringify(text)}`);
  }
  return days;
}

/** Adds to what is left (a running server does the same for the admin command), or clears with 0. */
async function givePrivileges(store: ServerStore, name: string, days: number, io: CliIo): Promise<number> {
  const account = await store.getAccount(name);
  if (account === undefined) throw new UserCommandError(noAccounts([name]));
  const now = Date.now();
  const until = days === 0 ? 0 : Math.max(now, account.privilegedUntil) + days * DAY_MS;
  await store.setPrivilegedUntil(name, until);
  const text =
    days === 0 ? `took away the privileges of ${name}\n` : `gave ${name} ${days} day${days === 1 ? '' : 's'} of privileges, until ${utc(until)} UTC\n`;
  await writeOut(io.stdout, text);
  return ExitCode.ok;
}

const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Applies a change to every name, reporting the unknown ones rather than stopping at the first. */
async function forEach(
  names: readonly string[],
  io: CliIo,
  change: (name: string) => Promise<boolean>,
  done: string | ((name: string) => string),
): Promise<number> {
  const unknown: string[] = [];
  for (const name of new Set(names)) {
    if (await change(name)) await writeOut(io.stdout, `${typeof done === 'string' ? `${done} ${name}` : done(name)}\n`);
    else unknown.push(name);
  }
  if (unknown.length === 0) return ExitCode.ok;
  throw new UserCommandError(noAccounts(unknown));
}

function noAccounts(names: readonly string[]): string {
  const list = names.map((name) => JSON.stringify(name)).join(', ');
  return `no account named ${list}: check the spelling with 'slsk server user list', and --data if the server uses another folder`;
}

async function list(store: ServerStore, json: boolean, dataDir: string, io: CliIo): Promise<number> {
  const accounts = await store.listAccounts();
  if (json) {
    const rows = accounts.map((a) => ({
      username: a.username,
      created: new Date(a.createdAt).toISOString(),
      banned: a.banned,
      admin: a.admin,
      privilegedUntil: a.privilegedUntil === 0 ? null : new Date(a.privilegedUntil).toISOString(),
    }));
    await writeOut(io.stdout, JSON.stringify(rows, null, 2) + '\n');
    return ExitCode.ok;
  }
  if (accounts.length === 0) {
    io.stderr.write(`no accounts in ${dataDir} yet: add one with 'slsk server user add NAME'\n`);
    return ExitCode.ok;
  }
  const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no');
  const table = [
    ['USERNAME', 'CREATED (UTC)', 'BANNED', 'ADMIN', 'PRIVILEGED UNTIL (UTC)'],
    ...accounts.map((a) => [
      a.username,
      utc(a.createdAt),
      yesNo(a.banned),
      yesNo(a.admin),
      a.privilegedUntil > Date.now() ? utc(a.privilegedUntil) : '-',
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const bold = painterFor(io.stdout, io.env);
  const lines = table.map((row, index) => {
    const line = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
    return index === 0 ? bold('bold', line) : line;
  });
  await writeOut(io.stdout, lines.join('\n') + '\n');
  return ExitCode.ok;
}

// ---- the password --------------------------------------------------------------------------------

async function passwordFor(name: string, option: string | undefined, io: CliIo): Promise<string> {
  const { usernameProblem } = await import('../../server/handlers/login.ts');
  const problem = usernameProblem(name);
  // Checked here because the server would refuse the name at login: the account would be useless.
  if (problem !== undefined) throw new UsageError(`${JSON.stringify(name)} cannot be a Soulseek username: ${problem}`);

  const given = option ?? io.env['SLSK_PASSWORD'];
  if (given !== undefined) {
    if (given === '') throw new UserCommandError('the password is empty: clients cannot log in with an empty password');
    return given;
  }
  if (io.stdin.isTTY !== true) {
    throw new UserCommandError('no password: give --password PW, set the SLSK_PASSWORD environment variable, or run in a terminal to be asked');
  }
  const first = await readSecret(io, `Password for ${name}: `);
  if (first === '') throw new UserCommandError('the password is empty: clients cannot log in with an empty password');
  const again = await readSecret(io, 'Repeat it: ');
  if (again !== first) throw new UserCommandError('the two passwords differ; nothing was added, run the command again');
  return first;
}

interface RawStdin {
  setRawMode(raw: boolean): unknown;
}

/** One line from the terminal, not echoed when the terminal allows raw mode. */
async function readSecret(io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const stdin = io.stdin as CliIo['stdin'] & Partial<RawStdin>;
  if (typeof stdin.setRawMode !== 'function') {
    const lines = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
    try {
      for await (const line of lines) return line;
      throw new UserCommandError('stdin ended before a password was typed');
    } finally {
      lines.close();
    }
  }
  const raw = stdin as CliIo['stdin'] & RawStdin;
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error): void => {
      raw.off('data', onData);
      raw.setRawMode(false);
      raw.pause();
      io.stderr.write('\n');
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new UserCommandError('cancelled; nothing was added'));
        if (char === '\u007f' || char === '\b') text = Array.from(text).slice(0, -1).join('');
        else if (char >= ' ') text += char;
      }
    };
    raw.setRawMode(true);
    raw.on('data', onData);
    raw.resume();
  });
}
