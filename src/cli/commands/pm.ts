// `slsk pm USER TEXT...`: sends a private message, optionally waits for the answer.

import type { PrivateMessage } from '../../client/index.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { aborted, CommandFailure, stoppedFailure, withClient, type ClientSession } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { clockTime } from '../format.ts';
import { formatJson } from '../json.ts';

const help = `Send a private message to a user, and optionally wait for the answer.

Usage: slsk pm USER TEXT... [--wait SECONDS] [options]

Arguments:
  USER        who to send it to; the server keeps messages for offline users until they log in
  TEXT        the message; several arguments are joined with spaces. "-" reads it from stdin

Options:
  --wait SECONDS      then wait this long for a message from USER, and print it
${connectionHelp}
${daemonHelp}
  Through a daemon the message is kept in its conversation history; messages longer than 2048
  characters are refused.

Output: "sent to USER" (noting when USER is offline), then with --wait the answer as
"[HH:MM:SS] <USER> text". --json prints JSON Lines: {"event": "sent", "to", "text", "online"},
then {"event": "reply", "from", "time" (ISO 8601), "text"}.
Other private messages that arrive meanwhile are shown on stderr.

${exitHelp('the user does not exist, or no answer came within --wait', ['130  interrupted with Ctrl-C while waiting'])}

Examples:
  slsk pm bob "hi bob, got a minute?"
  slsk pm bob are you there --wait 60               prints bob's answer
  uptime | slsk pm alice -                          the text from stdin
  slsk pm bob hi --no-daemon                        send with our own login, not the daemon's
`;

export const pmCommand: Command = {
  usage: 'slsk pm USER TEXT... [--wait SECONDS] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, wait: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const [username, ...words] = positionals;
  if (username === undefined || username === '') throw new UsageError('missing USER and TEXT: slsk pm USER TEXT... (for example slsk pm bob hello)');
  if (words.length === 0) throw new UsageError(`missing TEXT: slsk pm ${username} TEXT... ("-" reads it from stdin)`);
  const waitMs = values.wait === undefined ? undefined : secondsOption('--wait', values.wait, 0);
  const readText = async (): Promise<string> => {
    const text = words.length === 1 && words[0] === '-' ? (await readAll(io.stdin)).replace(/\r?\n$/, '') : words.join(' ');
    if (text.trim() === '') throw new UsageError('the message is empty');
    return text;
  };
  const direct = async (): Promise<number> => {
    const settings = resolveSettings(values, io);
    const text = await readText();
    return withClient(settings, io, { command: 'pm' }, (session) => sendAndWait(session, username, text, waitMs));
  };
  return viaDaemonOr(
    values,
    io,
    'pm',
    async (session) => (await import('../daemon-pm.ts')).pmViaDaemon(session, username, await readText(), waitMs, values.json === true),
    direct,
  );
}

async function sendAndWait(session: ClientSession, username: string, text: string, waitMs: number | undefined): Promise<number> {
  const { client, io, settings, signal } = session;
  const watched = await client.watch(username, { signal });
  if (!watched.exists) throw new CommandFailure(`there is no user named ${JSON.stringify(username)} on ${settings.serverText}`);
  const online = watched.status !== undefined && watched.status !== 'offline';

  // Listen before sending: a quick answer may come back before the round trip below ends.
  let answer: ((message: PrivateMessage) => void) | undefined;
  const reply = new Promise<PrivateMessage>((resolve) => (answer = resolve));
  session.onPrivateMessage((message) => {
    // Only new messages: the ones kept from before were shown at login.
    if (waitMs === undefined || message.from !== username || !message.isNew || answer === undefined) return false;
    answer(message);
    answer = undefined;
    return true;
  });

  client.sendPrivateMessage(username, text);
  // The server handles a user's messages in order: once this reply is here, the message was delivered (or stored).
  await client.userStatus(username, { signal });
  if (settings.json) {
    await writeOut(io.stdout, formatJson({ event: 'sent', to: username, text, online }, false) + '\n');
  } else {
    await writeOut(io.stdout, `sent to ${username}${online ? '' : ` (offline: the server keeps the message until ${username} logs in)`}\n`);
  }
  if (waitMs === undefined) return ClientExit.ok;

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
  const outcome = await Promise.race([reply, timedOut, aborted(signal).then(() => 'stopped' as const)]);
  clearTimeout(timer);
  if (outcome === 'timeout') throw new CommandFailure(`no answer from ${username} within ${waitMs / 1000} s`);
  if (outcome === 'stopped') throw stoppedFailure(session, `waiting for ${username}'s answer`);
  if (settings.json) {
    await writeOut(io.stdout, formatJson({ event: 'reply', from: outcome.from, time: outcome.time.toISOString(), text: outcome.text }, false) + '\n');
  } else {
    await writeOut(io.stdout, `[${clockTime(outcome.time)}] <${outcome.from}> ${outcome.text}\n`);
  }
  return ClientExit.ok;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += String(chunk);
  return text;
}
