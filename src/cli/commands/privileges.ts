// `slsk privileges`: how long your privileges last, whether another user is privileged, and gifts
// of your own days to another user.

import { MAX_GIFT_DAYS } from '../../client/privileges.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { CommandFailure, withClient, type ClientSession } from '../client-session.ts';
import { formatJson } from '../json.ts';

const help = `Show how long your privileges last, whether a user is privileged, or give some of your days away.

Usage: slsk privileges [show] [USER] [options]
       slsk privileges give USER DAYS [options]

Actions:
  show [USER]      your privileges left (the default), or whether USER is privileged now
  give USER DAYS   move DAYS whole days of your privileges to USER; the server refuses when
                   you have fewer days left

Privileged users go first in other users' upload queues and have their wishlist searched more often.
(To look up a user named "give", write slsk privileges show give.)

Options:
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}

Output: your time left ("12 days 3 hours", or "none"), "USER is privileged" / "is not privileged",
or after a gift what you have left. --json prints one JSON object:
  yourself  {"username", "privileged", "secondsLeft"}
  USER      {"username", "privileged"}
  give      {"to", "days", "secondsLeft"}    (secondsLeft: yours, after the gift)

${exitHelp('USER does not exist, the server refused the gift, or it did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk privileges
  slsk privileges bob
  slsk privileges give bob 7
  slsk privileges --json | jq .secondsLeft
`;

export const privilegesCommand: Command = {
  usage: 'slsk privileges [show] [USER] | give USER DAYS [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, timeout: { type: 'string' } } as const;

type Request = { kind: 'own' } | { kind: 'user'; username: string } | { kind: 'give'; username: string; days: number };

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const request = parseRequest(positionals);
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const settings = resolveSettings(values, io);
  return withClient(settings, io, { command: 'privileges', timeouts: { requestMs } }, async (session) => {
    switch (request.kind) {
      case 'own':
        return own(session);
      case 'user':
        return user(session, request.username);
      case 'give':
        return give(session, request.username, request.days);
    }
  });
}

function parseRequest(positionals: readonly string[]): Request {
  const [first, ...rest] = positionals;
  if (first === 'give') {
    const [username, daysText, ...extra] = rest;
    if (username === undefined || daysText === undefined) throw new UsageError('give needs USER and DAYS: slsk privileges give USER DAYS (for example give bob 7)');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: slsk privileges give USER DAYS`);
    const days = /^\d+$/.test(daysText) ? Number(daysText) : NaN;
    if (!(days >= 1 && days <= MAX_GIFT_DAYS)) throw new UsageError(`DAYS must be a whole number of days from 1, got ${JSON.stringify(daysText)}`);
    return { kind: 'give', username, days };
  }
  const names = first === 'show' ? rest : positionals;
  if (names.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(names[1])}: slsk privileges takes one USER`);
  const [username] = names;
  if (username === '') throw new UsageError('USER cannot be empty');
  return username === undefined ? { kind: 'own' } : { kind: 'user', username };
}

async function own({ client, io, settings, signal }: ClientSession): Promise<number> {
  const secondsLeft = await client.checkPrivileges({ signal });
  if (settings.json) {
    await writeOut(io.stdout, formatJson({ username: settings.username, privileged: secondsLeft > 0, secondsLeft }, false) + '\n');
  } else {
    await writeOut(io.stdout, secondsLeft > 0 ? `You are privileged for ${timeLeft(secondsLeft)}.\n` : 'You have no privileges.\n');
  }
  return ClientExit.ok;
}

async function user(session: ClientSession, username: string): Promise<number> {
  const { client, io, settings, signal } = session;
  await mustExist(session, username);
  const privileged = await client.userPrivileged(username, { signal });
  if (settings.json) await writeOut(io.stdout, formatJson({ username, privileged }, false) + '\n');
  else await writeOut(io.stdout, `${username} is ${privileged ? '' : 'not '}privileged.\n`);
  return ClientExit.ok;
}

async function give(session: ClientSession, username: string, days: number): Promise<number> {
  const { client, io, settings, signal } = session;
  await mustExist(session, username);
  // A refusal (too few days left…) rejects with the server's notice as the message: exit 1.
  const secondsLeft = await client.givePrivileges(username, days, { signal });
  if (settings.json) {
    await writeOut(io.stdout, formatJson({ to: username, days, secondsLeft }, false) + '\n');
  } else {
    const left = secondsLeft > 0 ? `you have ${timeLeft(secondsLeft)} left` : 'you have none left';
    await writeOut(io.stdout, `Gave ${days === 1 ? '1 day' : `${days} days`} of privileges to ${username}; ${left}.\n`);
  }
  return ClientExit.ok;
}

/** The server answers privilege questions about unknown names too (not privileged): say so instead. */
async function mustExist({ client, settings, signal }: ClientSession, username: string): Promise<void> {
  const watched = await client.watch(username, { signal });
  if (!watched.exists) throw new CommandFailure(`there is no user named ${JSON.stringify(username)} on ${settings.serverText}`);
}

/** 1_047_600 → "12 days 3 hours"; under a day "5 hours 20 minutes"; under a minute "42 seconds". */
export function timeLeft(seconds: number): string {
  const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
  if (minutes > 0) return unit(minutes, 'minute');
  return unit(seconds, 'second');
}
