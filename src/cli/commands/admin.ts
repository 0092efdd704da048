// `slsk admin COMMAND...`: sends an administrator command to the server (a private message to the
// reserved user "server", as users of existing servers know it) and prints the server's reply.

import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { CommandFailure, withClient } from '../client-session.ts';
import { formatJson } from '../json.ts';

const help = `Send an administrator command to the server and print its reply.

Usage: slsk admin COMMAND [ARGUMENTS...] [options]

Arguments:
  COMMAND...  the command and its arguments, joined with spaces and sent as a private message to
              the user "server"; 'slsk admin help' lists the commands the server knows. On
              slsk server they are: help, users, rooms, ban NAME, unban NAME, kick NAME,
              announce TEXT, message NAME TEXT, privileges NAME DAYS (a NAME with spaces in
              "quotes" inside the argument, as in slsk admin message '"dj shadow"' hello)

Options:
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}

Only administrators of the server may use it (on slsk server: the "admins" setting, or
'slsk server user admin NAME'); anyone else gets the server's refusal.
Output: the server's reply as it sent it. --json prints one JSON object: {"command", "reply"}.

${exitHelp('the server refused: you are not an administrator (its words on stderr), or it did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk admin help
  slsk admin users
  slsk admin kick spammer42
  slsk admin announce "The server restarts at 22:00 UTC"
  slsk admin privileges bob 30 --json
`;

export const adminCommand: Command = {
  usage: 'slsk admin COMMAND [ARGUMENTS...] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, timeout: { type: 'string' } } as const;

/** How servers word the refusal to a non-administrator (slsk server: "You are not an administrator…"). */
const NOT_ADMIN = /^you are not an? (administrator|admin)\b/i;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const text = positionals.join(' ').trim();
  if (text === '') throw new UsageError('missing COMMAND: slsk admin COMMAND... (slsk admin help lists them)');
  if (/[\r\n]/.test(text)) throw new UsageError('a command is one line: it cannot hold line breaks');
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const settings = resolveSettings(values, io);
  return withClient(settings, io, { command: 'admin', timeouts: { requestMs } }, async ({ client, signal }) => {
    const reply = await client.adminCommand(text, { signal });
    if (NOT_ADMIN.test(reply)) throw new CommandFailure(reply);
    await writeOut(io.stdout, settings.json ? formatJson({ command: text, reply }, false) + '\n' : `${reply}\n`);
    return ClientExit.ok;
  });
}
