// `slsk login`: logs in, shows what the server said (greeting, our address as it sees it,
// privileges, the port peers reach us on), and logs out: the quick check that the credentials work.

import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `Log in to a Soulseek server, show what it answers, and log out: checks your settings.

Usage: slsk login [options]

Options:
  --timeout SECONDS   give up connecting and logging in after this long (default 20)
${connectionHelp}

Output: the server, your username, the server's greeting, your IP address as the server sees it,
whether you are privileged, and the port peers connect to. --json prints one JSON object:
{"server", "username", "greeting", "ip", "privileged", "listenPort"}.
Private messages the server kept for you while you were offline are delivered at login and shown
on stderr.

${exitHelp('the listen port could not be opened')}

Examples:
  slsk login --username alice --password s3cret                  a server on this machine
  SLSK_USERNAME=alice SLSK_PASSWORD=s3cret slsk login --server server.slsknet.org:2242
  slsk login --config ~/slsk.json --json
      with ~/slsk.json: {"server": "server.slsknet.org:2242", "username": "alice", "password": "s3cret"}
`;

export const loginCommand: Command = {
  usage: 'slsk login [--server HOST:PORT] [--username NAME] [--password TEXT] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: slsk login takes only options`);
  const timeoutMs = secondsOption('--timeout', values.timeout, 20);
  const settings = resolveSettings(values, io);
  return withClient(settings, io, { command: 'login', timeouts: { connectMs: timeoutMs, loginMs: timeoutMs, requestMs: timeoutMs } }, async ({ login }) => {
    const report = {
      server: settings.serverText,
      username: login.username,
      greeting: login.greeting,
      ip: login.ip,
      privileged: login.privileged,
      listenPort: login.listenPort,
    };
    if (settings.json) {
      await writeOut(io.stdout, formatJson(report, false) + '\n');
      return ClientExit.ok;
    }
    const paint = painterFor(io.stdout, io.env);
    const rows: [string, string][] = [
      ['server', report.server],
      ['username', report.username],
      ['greeting', report.greeting === '' ? '(none)' : report.greeting],
      ['your IP', report.ip],
      ['privileged', report.privileged ? 'yes' : 'no'],
      ['listen port', `${report.listenPort} on ${settings.listenHost}`],
    ];
    const width = Math.max(...rows.map(([key]) => key.length));
    const lines = rows.map(([key, value]) => `${paint('bold', key.padEnd(width))}  ${value.replaceAll('\n', `\n${' '.repeat(width + 2)}`)}`);
    await writeOut(io.stdout, `${paint('green', 'Logged in')} as ${report.username}.\n${lines.join('\n')}\n`);
    return ClientExit.ok;
  });
}
