// What every client command (login, search, browse, info, rooms, chat, pm) shares: the connection
// options and where their defaults come from (command line, environment, config file), the help
// text that documents them, and the exit codes. Running the command with a logged-in client is
// client-session.ts's `withClient`.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, UsageError, type CliIo } from './command.ts';

/** Exit codes of the client commands; 0–2 are shared with every other command. */
export const ClientExit = {
  ...ExitCode,
  /** The server refused the login: wrong password, name taken, server full or private. */
  loginRefused: 3,
  /** The server could not be reached, did not answer the login, or dropped the connection. */
  serverUnreachable: 4,
  /** Stopped with Ctrl-C (128 + SIGINT), for commands where that cuts the work short; 143 for SIGTERM. */
  interrupted: 130,
} as const;

export const DEFAULT_SERVER = '127.0.0.1:2242';
export const PUBLIC_SERVER = 'server.slsknet.org:2242';
const DEFAULT_PORT = 2242;

/** parseArgs options every client command takes; a command adds its own to these. */
export const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  config: { type: 'string' },
  'listen-port': { type: 'string' },
  'listen-host': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** For the commands that stay online (share, chat): the first delay before reconnecting. */
export const RECONNECT_OPTION = { 'reconnect-delay': { type: 'string' } } as const;
const DEFAULT_RECONNECT_SECONDS = 5;

export const reconnectHelp = `  --reconnect-delay SECONDS
                      when the server connection is lost (a server restart), wait this long
                      before logging in again (default ${DEFAULT_RECONNECT_SECONDS}, ±50%); each failed attempt doubles
                      it, up to 5 minutes. Once back it joins its rooms again and announces
                      its shares`;

/** The reconnect settings from --reconnect-delay. */
export function reconnectOption(text: string | undefined): { initialDelayMs: number } {
  return { initialDelayMs: secondsOption('--reconnect-delay', text, DEFAULT_RECONNECT_SECONDS) };
}

/** The parsed values of CONNECTION_OPTIONS (a command's parsed values are a superset). */
export interface ConnectionValues {
  server?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  config?: string | undefined;
  'listen-port'?: string | undefined;
  'listen-host'?: string | undefined;
  json?: boolean | undefined;
}

/** Everything needed to log in, resolved from options, environment and config file. */
export interface ClientSettings {
  server: { host: string; port: number };
  /** As the user would type it: host:port. */
  serverText: string;
  username: string;
  password: string;
  listenPort: number;
  listenHost: string;
  json: boolean;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /** Where the server address came from, for hints when it cannot be reached. */
  serverFrom: '--server' | 'SLSK_SERVER' | 'the config file' | 'the default';
}

/** The keys a config file may hold. */
interface ConfigFile {
  server?: string;
  username?: string;
  password?: string;
  listenPort?: number;
  listenHost?: string;
}

const CONFIG_KEYS = ['server', 'username', 'password', 'listenPort', 'listenHost'] as const;

/** The help section about the connection options, shared by every client command. */
export const connectionHelp = `
Connection options (every client command takes them):
  --server HOST:PORT  the server to log in to (default: $SLSK_SERVER, else "server" in the config
                      file, else ${DEFAULT_SERVER}, a server on this machine).
                      The public Soulseek network is ${PUBLIC_SERVER}
  --username NAME     your account (default: $SLSK_USERNAME, else "username" in the config file).
                      On servers that allow it, the first login with a new name registers it
  --password TEXT     its password (default: $SLSK_PASSWORD, else "password" in the config file).
                      Given here it shows in 'ps' and the shell history: prefer the variable or the file
  --config FILE       JSON settings: {"server": "host:port", "username": ..., "password": ...,
                      "listenPort": N, "listenHost": ADDRESS}, all optional (default: $SLSK_CONFIG,
                      else $XDG_CONFIG_HOME/slsk/client.json or ~/.config/slsk/client.json if it exists)
  --listen-port N     port other users connect to us on (default 0: any free port)
  --listen-host ADDR  address to listen on (default 0.0.0.0, so that peers can reach us)
  --json              print JSON for scripts instead of text for people
  -h, --help          show this help
  Options beat environment variables, which beat the config file.`;

/** The "Exit status" section: what 1 means for this command, and any codes of its own. */
export function exitHelp(failureMeans: string, extra: readonly string[] = []): string {
  return [
    'Exit status:',
    '  0    done',
    `  1    ${failureMeans}`,
    '  2    the command line is wrong, or no username or password was given',
    '  3    the server refused the login (wrong password, name taken, server full or private)',
    '  4    the server cannot be reached, or the connection to it was lost',
    ...extra.map((line) => `  ${line}`),
    // SIGTERM (kill, a supervisor) stops a command as Ctrl-C does; the status says which it was.
    ...(extra.some((line) => line.startsWith('130 ')) ? ['  143  the same, stopped with SIGTERM instead of Ctrl-C'] : []),
  ].join('\n');
}

/** Reads the options, the environment and the config file into the settings for a login. */
export function resolveSettings(values: ConnectionValues, io: CliIo): ClientSettings {
  const env = (name: string): string | undefined => {
    const value = io.env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const { file, path: configFile } = readConfig(values.config, io);
  const serverFrom: ClientSettings['serverFrom'] =
    values.server !== undefined ? '--server' : env('SLSK_SERVER') !== undefined ? 'SLSK_SERVER' : file.server !== undefined ? 'the config file' : 'the default';
  const serverText = values.server ?? env('SLSK_SERVER') ?? file.server ?? DEFAULT_SERVER;
  const server = parseServerAddress(serverText, serverFrom === 'the config file' ? `config file ${configFile}: "server"` : serverFrom);
  const configHint = configFile ?? defaultConfigPath(io);
  const username = values.username ?? env('SLSK_USERNAME') ?? file.username;
  if (username === undefined || username === '') {
    throw new UsageError(
      `no username: give --username NAME, set SLSK_USERNAME, or put "username" in the config file (${configHint}, or --config FILE)`,
    );
  }
  const password = values.password ?? env('SLSK_PASSWORD') ?? file.password;
  if (password === undefined || password === '') {
    throw new UsageError(
      `no password for ${username}: give --password TEXT, set SLSK_PASSWORD, or put "password" in the config file (${configHint}, or --config FILE)`,
    );
  }
  const listenPort = values['listen-port'] !== undefined ? portNumber('--listen-port', values['listen-port'], 0) : (file.listenPort ?? 0);
  const listenHost = values['listen-host'] ?? file.listenHost ?? '0.0.0.0';
  if (listenHost.trim() === '') throw new UsageError('--listen-host needs an address, such as 0.0.0.0 or 127.0.0.1');
  return {
    server,
    serverText: `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
    username,
    password,
    listenPort,
    listenHost,
    json: values.json === true,
    configFile,
    serverFrom,
  };
}

/**
 * The account a command would log in as (option, environment, config file), without needing a password:
 * a running daemon is used only when it is logged in with this account (or none was given).
 */
export function accountName(values: Pick<ConnectionValues, 'username' | 'config'>, io: CliIo): string | undefined {
  const fromEnv = io.env['SLSK_USERNAME'];
  const name = values.username ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv) ?? readConfig(values.config, io).file.username;
  return name === '' ? undefined : name;
}

/** `host:port`, `[v6]:port` or a bare host (port 2242). */
export function parseServerAddress(text: string, source = '--server'): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (match === null || match[1]!.trim() === '') {
    throw new UsageError(`${source} must be HOST:PORT, such as ${DEFAULT_SERVER} or ${PUBLIC_SERVER}; got ${JSON.stringify(text)}`);
  }
  const port = match[2] === undefined ? DEFAULT_PORT : portNumber(source, match[2], 1);
  return { host: match[1]!, port };
}

function portNumber(option: string, text: string, min: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= 65535)) throw new UsageError(`${option} needs a port number from ${min} to 65535, got ${JSON.stringify(text)}`);
  return value;
}

/** A whole or decimal number of seconds, > 0, as milliseconds. */
export function secondsOption(option: string, text: string | undefined, fallbackSeconds: number): number {
  if (text === undefined) return fallbackSeconds * 1000;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0 && value <= 86_400)) throw new UsageError(`${option} needs a number of seconds from 0.1 to 86400, got ${JSON.stringify(text)}`);
  return Math.max(100, Math.round(value * 1000));
}

/** A whole number from min to max. */
export function countOption(option: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${option} needs a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function defaultConfigPath(io: CliIo): string {
  const xdg = io.env['XDG_CONFIG_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : join(io.env['HOME'] ?? homedir(), '.config');
  return join(base, 'slsk', 'client.json');
}

/** The config file: --config or $SLSK_CONFIG must exist; the default path is read only if it does. */
function readConfig(option: string | undefined, io: CliIo): { file: ConfigFile; path: string | undefined } {
  const fromEnv = io.env['SLSK_CONFIG'];
  const named = option ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  const source = option !== undefined ? '--config' : 'SLSK_CONFIG';
  let path: string;
  if (named !== undefined) {
    if (named === '') throw new UsageError('--config needs a file path');
    if (!existsSync(named)) throw new UsageError(`config file ${named} (from ${source}) does not exist`);
    path = named;
  } else {
    path = defaultConfigPath(io);
    if (!existsSync(path)) return { file: {}, path: undefined };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${path} is not readable JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { file: checkConfig(parsed, path), path };
}

function checkConfig(parsed: unknown, path: string): ConfigFile {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${path} must hold a JSON object such as {"server": "${DEFAULT_SERVER}", "username": "alice", "password": "..."}`);
  }
  const file: ConfigFile = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`config file ${path}: unknown setting ${JSON.stringify(key)}; the settings are ${CONFIG_KEYS.join(', ')}`);
    }
    if (key === 'listenPort') {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
        throw new UsageError(`config file ${path}: "listenPort" must be a whole number from 0 to 65535`);
      }
      file.listenPort = value as number;
    } else {
      if (typeof value !== 'string') throw new UsageError(`config file ${path}: ${JSON.stringify(key)} must be a string`);
      file[key as Exclude<(typeof CONFIG_KEYS)[number], 'listenPort'>] = value;
    }
  }
  return file;
}
