// `slsk interests`: the items you like and hate, as the server keeps them for recommendations, and
// other users' lists. Changes are confirmed by reading the list back from the server before the
// command exits, so a one-shot run never leaves before the server stored them.

import type { Client, UserInterests } from '../../client/index.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { CommandFailure, withClient, type ClientSession } from '../client-session.ts';
import type { DaemonSession } from '../daemon-link.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const ACTIONS = ['show', 'add', 'remove', 'hate', 'unhate'] as const;
type Action = (typeof ACTIONS)[number];

const help = `Show and change the things you like and hate; the server recommends items and users from them.

Usage: slsk interests [show [USER]] [options]
       slsk interests add|remove|hate|unhate ITEM... [options]

Actions:
  show [USER]      your lists as the server keeps them (the default), or USER's
  add ITEM...      add to the things you like (an item you hated moves over)
  remove ITEM...   take off the things you like
  hate ITEM...     add to the things you hate (an item you liked moves over)
  unhate ITEM...   take off the things you hate

The server keeps the lists between sessions. A server may refuse an item: soulfind and slsk server
keep at most 30 items per list, each at most 64 characters.

Options:
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}
${daemonHelp}
  Through a daemon the lists are the daemon's: it keeps them and tells the server at every login.

Output: the liked and the hated items, one per line, after any change. --json prints one JSON
object: {"username", "liked": [...], "hated": [...]}, in the order the items were added.

${exitHelp('the server did not keep a change (list full, item too long), or did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk interests
  slsk interests add "electronic" "idm" "aphex twin"
  slsk interests hate "country"
  slsk interests remove idm --json
  slsk interests show bob
  slsk interests show bob --json | jq -r '.liked[]'
`;

export const interestsCommand: Command = {
  usage: 'slsk interests [show [USER] | add|remove|hate|unhate ITEM...] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [actionArg = 'show', ...args] = positionals;
  if (!(ACTIONS as readonly string[]).includes(actionArg)) {
    throw new UsageError(`unknown action ${JSON.stringify(actionArg)}; the actions are: ${ACTIONS.join(', ')} (another user's lists: slsk interests show USER)`);
  }
  const action = actionArg as Action;
  if (action === 'show' && args.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args[1])}: slsk interests show takes one USER`);
  if (action !== 'show') {
    if (args.length === 0) throw new UsageError(`${action} needs at least one ITEM: slsk interests ${action} ITEM...`);
    const blank = args.find((item) => item.trim() === '');
    if (blank !== undefined) throw new UsageError(`an item cannot be empty (got ${JSON.stringify(blank)})`);
  }
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const json = values.json === true;
  return viaDaemonOr(values, io, 'interests', (session) => viaDaemon(session, action, args, json, requestMs), () => direct(values, io, action, args, requestMs));
}

function direct(values: Parameters<typeof resolveSettings>[0], io: CliIo, action: Action, args: readonly string[], requestMs: number): Promise<number> {
  const settings = resolveSettings(values, io);
  return withClient(settings, io, { command: 'interests', timeouts: { requestMs } }, async (session) => {
    const { client, signal } = session;
    if (action === 'show') {
      const lists = await client.userInterests(args[0] ?? settings.username, { signal });
      await print(io, settings.json, lists, args[0] === undefined);
      return ClientExit.ok;
    }
    const refusals = collectServerNotices(session);
    change(client, action, args);
    // Reading our own lists back is the round trip that proves the server handled the changes.
    const lists = await client.userInterests(settings.username, { signal });
    await print(io, settings.json, lists, true);
    return checkKept(lists, action, args, refusals);
  });
}

/** Through the daemon: it keeps our lists (and tells the server at every login); another user's come from the server. */
async function viaDaemon(session: DaemonSession, action: Action, items: readonly string[], json: boolean, requestMs: number): Promise<number> {
  const { api, io, link } = session;
  const signal = AbortSignal.any([session.signal, AbortSignal.timeout(requestMs)]);
  const ours = async (): Promise<UserInterests> => ({ username: link.username, ...(await api.interests({ signal })) });
  if (action === 'show') {
    const lists = items[0] === undefined ? await ours() : await api.userInterests({ params: { username: items[0] }, signal });
    await print(io, json, lists, items[0] === undefined);
    return ClientExit.ok;
  }
  const { DaemonApiError } = await import('../../daemon/client.ts');
  const refusals: string[] = [];
  const kind = action === 'add' || action === 'remove' ? 'liked' : 'hated';
  for (const item of items) {
    try {
      if (action === 'add' || action === 'hate') await api.addInterest({ params: { kind, item }, signal });
      else await api.removeInterest({ params: { kind, item }, signal });
    } catch (error) {
      // Taking off an item that is not there leaves the list as asked.
      if (error instanceof DaemonApiError && error.status === 404 && (action === 'remove' || action === 'unhate')) continue;
      if (error instanceof DaemonApiError && error.status === 400) refusals.push(error.message.replace(/^[A-Za-z]+: \d+ /, ''));
      else throw error;
    }
  }
  const lists = await ours();
  await print(io, json, lists, true);
  return checkKept(lists, action, items, refusals);
}

/** 0 when the lists show every change asked for; else the failure naming what was not kept, and why if known. */
function checkKept(lists: UserInterests, action: Exclude<Action, 'show'>, items: readonly string[], refusals: readonly string[]): number {
  const missed = items.filter((item) => !kept(lists, action, item));
  if (missed.length > 0) {
    const notices = refusals.length > 0 ? `: ${refusals.join('; ')}` : ' (lists hold at most 30 items of up to 64 characters)';
    throw new CommandFailure(`the server did not ${action} ${missed.map((item) => JSON.stringify(item)).join(', ')}${notices}`);
  }
  return ClientExit.ok;
}

function change(client: Client, action: Exclude<Action, 'show'>, items: readonly string[]): void {
  for (const item of items) {
    if (action === 'add') client.addInterest(item);
    else if (action === 'remove') client.removeInterest(item);
    else if (action === 'hate') client.addHatedInterest(item);
    else client.removeHatedInterest(item);
  }
}

/**
 * Whether the lists the server sent back show the change asked for. Servers keep one spelling per
 * item (soulfind and ours lower-case it and collapse spaces), so items compare that way.
 */
function kept(lists: UserInterests, action: Exclude<Action, 'show'>, item: string): boolean {
  const has = (list: readonly string[]): boolean => list.some((entry) => sameItem(entry, item));
  switch (action) {
    case 'add':
      return has(lists.liked);
    case 'remove':
      return !has(lists.liked);
    case 'hate':
      return has(lists.hated);
    case 'unhate':
      return !has(lists.hated);
  }
}

function sameItem(a: string, b: string): boolean {
  const spelling = (item: string): string => item.trim().replace(/\s+/g, ' ').toLowerCase();
  return spelling(a) === spelling(b);
}

/** Notices from "server" (how a server explains a refusal) go into the failure message, not stderr. */
function collectServerNotices(session: ClientSession): string[] {
  const notices: string[] = [];
  session.onPrivateMessage((message) => {
    if (message.from !== 'server' || !message.isNew) return false;
    notices.push(message.text);
    return true;
  });
  return notices;
}

async function print(io: CliIo, json: boolean, lists: UserInterests, own: boolean): Promise<void> {
  if (json) {
    await writeOut(io.stdout, formatJson({ username: lists.username, liked: lists.liked, hated: lists.hated }, false) + '\n');
    return;
  }
  const paint = painterFor(io.stdout, io.env);
  const who = own ? 'You' : lists.username;
  const section = (verb: string, items: readonly string[]): string =>
    items.length === 0 ? `${paint('bold', `${who} ${verb}`)} nothing yet.\n` : `${paint('bold', `${who} ${verb}:`)}\n${items.map((item) => `  ${item}\n`).join('')}`;
  await writeOut(io.stdout, section(own ? 'like' : 'likes', lists.liked) + section(own ? 'hate' : 'hates', lists.hated));
}
