// `slsk server`: runs the Soulseek server in the foreground until SIGINT/SIGTERM, with settings from
// options and an optional JSON file; `slsk server user ...` (server-user.ts) manages its accounts and
// `slsk server status` (server-status.ts) shows a running one.

import { ConfigError, defaultConfig, type ServerConfig, type ServerConfigInput } from '../../server/config.ts';
import type { SoulseekServer } from '../../server/server.ts';
import { ExitCode, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.ts';
import { settingsFrom } from './server-config.ts';
import { runStatusCommand, statusHelp } from './server-status.ts';
import { runUserCommand, userHelp } from './server-user.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting of the config file with its default, generated so the help never drifts from config.ts. */
function settingsList(): string {
  const { limits, ...top } = defaultConfig;
  const entries = [
    ...Object.entries(top).map(([key, value]) => [key, value] as const),
    ...Object.entries(limits).map(([key, value]) => [`limits.${key}`, value] as const),
  ];
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries.map(([key, value]) => `  ${key.padEnd(width)}  ${JSON.stringify(value)}`).join('\n');
}

const serverHelp = `Run a Soulseek server in the foreground, or manage its accounts.

Usage: slsk server [options]
       slsk server user <add|remove|list|ban|unban|admin|unadmin|privileges> [NAME...] [options]
       slsk server status [--data DIR] [--json]

Options:
  --host ADDRESS     address to listen on (default ${defaultConfig.host}; 0.0.0.0 serves your LAN)
  --port N           TCP port (default ${defaultConfig.port}; 0 picks a free one, shown in the "server listening" log line)
  --data DIR         folder holding the database, created if missing (default ${defaultConfig.dataDir})
  --private          only existing accounts may log in; create them with 'slsk server user add'
                     (default off: the first login with a new name registers it)
  --max-users N      most users online at once; later logins get SVRFULL (default ${defaultConfig.maxUsers})
  --motd TEXT        the greeting clients show after login (default ${JSON.stringify(defaultConfig.motd)})
  --admin NAME       NAME may use the admin commands (a private message "help" to the user "server");
                     repeat it for several; replaces the config file's "admins" (default: none, besides
                     accounts made administrators with 'slsk server user admin NAME')
  --config FILE      JSON file with any of the settings below (default: none); options given on the
                     command line override it
  --log-level LEVEL  ${LOG_LEVELS.join('|')} (default ${defaultConfig.logLevel})
  -h, --help         show this help

Config file settings, with their defaults (relative paths are relative to the working directory):
${settingsList()}

Logs: JSON lines (pino) on stdout, one per session event; 'npx pino-pretty' makes them readable.
Stopping: Ctrl-C (SIGINT) or SIGTERM stops accepting, closes every session and flushes the
database, then exits 0. A second signal while closing exits 1 at once.

Exit status: 0 stopped by a signal, 1 could not start (port in use, database unreadable) or was
forced to stop, 2 the command line or the config file is wrong.

Examples:
  slsk server                                      127.0.0.1:${defaultConfig.port}, database in ${defaultConfig.dataDir}
  slsk server --host 0.0.0.0 --motd "Hello, LAN"   serve the local network
  slsk server --port 0 --data /tmp/slsk-test       any free port, a throwaway database
  slsk server --admin alice --admin bob            alice and bob may run admin commands
  slsk server --config server.json --log-level warn
      with server.json: {"private": true, "excludedSearchPhrases": ["bootleg"], "limits": {"maxChatLength": 500}}
  slsk server user add alice --data ./data && slsk server --private --data ./data
                                                   a private server, and its first account

${userHelp}
${statusHelp}`;

export const serverCommand: Command = {
  usage: 'slsk server [--host ADDRESS] [--port N] [--data DIR] [--private] [--config FILE] ...',
  help: serverHelp,
  helpFor: (argv) => (argv[0] === 'user' ? userHelp : argv[0] === 'status' ? statusHelp : undefined),
  run,
};

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  private: { type: 'boolean' },
  'max-users': { type: 'string' },
  motd: { type: 'string' },
  admin: { type: 'string', multiple: true },
  config: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'user') return runUserCommand(argv.slice(1), io);
  if (argv[0] === 'status') return runStatusCommand(argv.slice(1), io);
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals[0] === 'user') throw new UsageError('put "user" right after "server": slsk server user <action> ... [options]');
  if (positionals[0] === 'status') throw new UsageError('put "status" right after "server": slsk server status [options]');
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: slsk server takes only options (or "user ..." to manage accounts)`);
  }
  const overrides = optionsToConfig(values);

  let config: ServerConfig;
  try {
    config = settingsFrom(values.config, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`slsk server: ${error.message}\n`);
    return ExitCode.usage;
  }

  // Loaded here rather than at the top so `slsk decode` does not pay for the server's modules.
  const { SoulseekServer } = await import('../../server/server.ts');
  let server: SoulseekServer;
  try {
    server = await SoulseekServer.start(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`slsk server: ${error.message}\n`);
      return ExitCode.usage;
    }
    const reason = startFailure(error, config);
    if (reason === undefined) throw error;
    io.stderr.write(`slsk server: ${reason}\n`);
    return ExitCode.failure;
  }
  return serveUntilSignal(server, io);
}

type ServerValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** Options become config keys; numbers are checked here so the message names the option, not the key. */
function optionsToConfig(values: ServerValues): ServerConfigInput {
  const input: ServerConfigInput = {};
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw new UsageError('--host needs an address, such as 127.0.0.1 or 0.0.0.0');
    input.host = values.host;
  }
  if (values.port !== undefined) input.port = wholeNumber('--port', values.port, 0, 65535);
  if (values.data !== undefined) {
    if (values.data === '') throw new UsageError('--data needs a folder path, such as ./data');
    input.dataDir = values.data;
  }
  if (values.private === true) input.private = true;
  if (values['max-users'] !== undefined) input.maxUsers = wholeNumber('--max-users', values['max-users'], 1, 10_000_000);
  if (values.motd !== undefined) input.motd = values.motd;
  if (values.admin !== undefined) {
    if (values.admin.some((name) => name === '')) throw new UsageError('--admin needs a username, such as --admin alice');
    input.admins = values.admin;
  }
  const level = values['log-level'];
  if (level !== undefined) {
    if (!isLogLevel(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
    input.logLevel = level;
  }
  return input;
}

function isLogLevel(value: string): value is ServerConfig['logLevel'] {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

/** What to tell the user when the server could not start, or undefined for an error that is a bug. */
function startFailure(error: unknown, config: ServerConfig): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const where = `${config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${config.port} on ${config.host} is already in use (another slsk server?): stop that program, or pick another port with --port (0 picks a free one)`;
    case 'EACCES':
      return `not allowed to listen on ${where}: ports below 1024 need administrator rights; pick --port ${defaultConfig.port} or another above 1023`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on --host ${config.host}: this machine has no such address; use 127.0.0.1, 0.0.0.0 or one of its own addresses`;
  }
  if (error instanceof Error && /database|SQLite|schema/i.test(`${error.name} ${error.message}`)) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}. Check that --data ${config.dataDir} is a folder you can write to and holds an slsk server database.`;
  }
  return undefined;
}

/** Serves until SIGINT or SIGTERM, then closes cleanly; resolves to the exit code once stopped. */
function serveUntilSignal(server: SoulseekServer, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        io.stderr.write(`slsk server: second ${signal} while shutting down: exiting now, without waiting for sessions and the database\n`);
        server.log.warn({ signal }, 'forced exit');
        server.log.flush();
        // Sessions or the database may be what hangs, so nothing short of exiting stops it.
        process.exit(ExitCode.failure);
        return;
      }
      stopping = true;
      server.log.info({ signal }, 'shutting down');
      server.close().then(
        () => {
          stopListening();
          resolve(ExitCode.ok);
        },
        (error: unknown) => {
          server.log.error({ err: error }, 'shutdown failed');
          io.stderr.write(`slsk server: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
          stopListening();
          resolve(ExitCode.failure);
        },
      );
    };
    const stopListening = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
