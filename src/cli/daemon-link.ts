// The one-shot commands and a running `slsk daemon`: a second login with the daemon's account would log
// the daemon out (the server keeps one session per name), so search, download, get, browse, info and pm go
// through the daemon's API when one runs for the same account. `findDaemon` decides (the --daemon and
// --no-daemon options, SLSK_DAEMON, <data>/daemon.json); `withDaemon` runs the command's body against the
// API with the same stop handling and exit codes as `withClient`. The daemon's client (and typebox with
// it) is loaded only once a daemon is found: a command with none running pays for a file read.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaemonApiError, DaemonClient } from '../daemon/client.ts';
import { localUrl, processAlive, readDaemonFile, TOKEN_FILE_NAME } from '../daemon/config/daemon-file.ts';
import { UsageError, type CliIo } from './command.ts';
import { accountName, ClientExit } from './client-options.ts';
import { CommandFailure } from './client-session.ts';
import { resolveDataDir } from './data-dir.ts';
import type { DaemonValues } from './daemon-options.ts';
import { interruptedExitCode, watchStopRequests, type StopRequest } from './stop-signals.ts';

/** A daemon the command will use. */
export interface DaemonLink {
  readonly url: string;
  readonly token: string | undefined;
  readonly api: DaemonClient;
  /** The Soulseek account the daemon logs in with. */
  readonly username: string;
  /** How it was found, for messages. */
  readonly from: '--daemon' | 'SLSK_DAEMON' | 'daemon.json';
}

/** How long a found daemon may take to answer before it is taken for gone. */
const PROBE_MS = 3000;
const MAX_TOKEN_CHARS = 4096;

/** 127.0.0.0/8, ::1 and localhost: where the local token is accepted (and safe to send). */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function readToken(dataDir: string, env: CliIo['env'], url: string): Promise<string | undefined> {
  const fromEnv = env['SLSK_DAEMON_TOKEN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // The local admin token never goes to another machine (a --daemon URL elsewhere needs SLSK_DAEMON_TOKEN).
  if (!isLoopback(url)) return undefined;
  try {
    const text = (await readFile(join(dataDir, TOKEN_FILE_NAME), 'utf8')).trim();
    return text === '' || text.length > MAX_TOKEN_CHARS ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * The daemon the command should use, or undefined to log in directly. With --daemon/SLSK_DAEMON a daemon
 * that cannot be used is an error (CommandFailure); one found through daemon.json is used only when it
 * answers and logs in with the command's account (or no account was given). `required` (slsk transfers):
 * no daemon is an error saying how to start one.
 */
export async function findDaemon(values: DaemonValues, io: CliIo, options: { required?: boolean } = {}): Promise<DaemonLink | undefined> {
  if (values['no-daemon'] === true) {
    if (values.daemon !== undefined) throw new UsageError('--daemon and --no-daemon exclude each other');
    if (options.required === true) throw new UsageError('--no-daemon: this command works only through a running daemon');
    return undefined;
  }
  if (values.daemon === '') throw new UsageError('--daemon needs a URL, such as http://127.0.0.1:5030');
  const dataDir = resolveDataDir(values.data, io.env);
  const envUrl = io.env['SLSK_DAEMON'];
  const forced = values.daemon !== undefined ? { url: values.daemon, from: '--daemon' as const } : envUrl !== undefined && envUrl !== '' ? { url: envUrl, from: 'SLSK_DAEMON' as const } : undefined;
  const wanted = accountName(values, io);
  const none = (why: string): undefined => {
    if (options.required === true) {
      throw new CommandFailure(
        `${why}; this command needs a running daemon: start one with 'slsk daemon --username NAME' (it keeps running), ` +
          `or point to one with --daemon URL (or SLSK_DAEMON)`,
        ClientExit.serverUnreachable,
      );
    }
    return undefined;
  };

  let url: string;
  if (forced !== undefined) {
    if (!/^https?:\/\/[^/]+/.test(forced.url) || !URL.canParse(forced.url)) throw new UsageError(`${forced.from} must be the daemon's URL, such as http://127.0.0.1:5030; got ${JSON.stringify(forced.url)}`);
    url = forced.url.replace(/\/+$/, '');
  } else {
    const file = await readDaemonFile(dataDir);
    // A file a crashed daemon left behind names a process that is gone: not a daemon.
    if (file === undefined || !processAlive(file.pid)) return none(`no daemon is running with the data folder ${dataDir}`);
    url = localUrl(file.url);
  }
  const token = await readToken(dataDir, io.env, url);
  const { createDaemonClient, DaemonApiError } = await import('../daemon/client.ts');
  const api = createDaemonClient({ baseUrl: url, ...(token === undefined ? {} : { token }) });
  let username: string | undefined;
  try {
    username = (await api.application({ signal: AbortSignal.timeout(PROBE_MS) })).server.username;
  } catch (error) {
    if (error instanceof DaemonApiError && (error.status === 401 || error.status === 403)) {
      throw new CommandFailure(
        `the daemon at ${url} refused our credentials (${error.code}): set SLSK_DAEMON_TOKEN to an API key of the daemon, or check <data>/daemon.token (--data, SLSK_DATA); ` +
          `--no-daemon logs in directly, which logs the daemon out if it uses the same account`,
        ClientExit.failure,
      );
    }
    // Refused or silent: the daemon that wrote daemon.json is gone (or a stranger has the port).
    if (forced === undefined) return none(`the daemon found in ${join(dataDir, 'daemon.json')} does not answer at ${url}`);
    throw new CommandFailure(`cannot reach the daemon at ${url} (from ${forced.from}): ${describe(error)}; is 'slsk daemon' running?`, ClientExit.serverUnreachable);
  }
  if (username === undefined) {
    if (forced === undefined) return none(`the daemon at ${url} has no Soulseek account configured`);
    throw new CommandFailure(`the daemon at ${url} has no Soulseek account configured (soulseek.username, soulseek.password)`, ClientExit.failure);
  }
  if (wanted !== undefined && wanted !== username) {
    if (forced === undefined) return none(`the daemon at ${url} logs in as ${username}, not ${wanted}`);
    throw new CommandFailure(`the daemon at ${url} logs in as ${username}, not ${wanted}: leave out --username (and SLSK_USERNAME), or use --no-daemon`, ClientExit.failure);
  }
  return { url, token, api, username, from: forced?.from ?? 'daemon.json' };
}

/** A command running through the daemon. */
export interface DaemonSession {
  readonly link: DaemonLink;
  readonly api: DaemonClient;
  readonly io: CliIo;
  /** Aborted on Ctrl-C or SIGTERM: pass it to the API calls. */
  readonly signal: AbortSignal;
  stopRequest(): StopRequest | undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

/** The daemon's error as the one line the user sees: its sentence without the route name. */
export function daemonErrorMessage(error: DaemonApiError): string {
  return error.message.replace(/^[A-Za-z]+: \d+ /, '');
}

/**
 * Runs `body` against the daemon: says on stderr that the daemon is used (never on stdout, which may
 * be JSON; not `quiet` commands, which always use one), stops on Ctrl-C/SIGTERM (the body sees `signal`), and turns errors into one line and an
 * exit code: 4 when the daemon is gone or not logged in, 1 when it refused the request.
 */
export async function withDaemon(
  link: DaemonLink,
  io: CliIo,
  command: string,
  body: (session: DaemonSession) => Promise<number>,
  options: { readonly quiet?: boolean } = {},
): Promise<number> {
  const { DaemonApiError } = await import('../daemon/client.ts');
  const prefix = `slsk ${command}`;
  const fail = (message: string, code: number): number => {
    io.stderr.write(`${prefix}: ${message}\n`);
    return code;
  };
  if (options.quiet !== true) io.stderr.write(`${prefix}: using the daemon at ${link.url} (logged in as ${link.username}; --no-daemon to log in directly)\n`);
  const controller = new AbortController();
  let request: StopRequest | undefined;
  const stopWatch = watchStopRequests(io.env, (what) => {
    request = what;
    controller.abort(new Error('interrupted'));
  });
  try {
    return await body({ link, api: link.api, io, signal: controller.signal, stopRequest: () => request });
  } catch (error) {
    if (error instanceof CommandFailure) return fail(error.message, error.exitCode);
    if (request !== undefined) return fail('interrupted', interruptedExitCode(request));
    if (error instanceof DaemonApiError) {
      const code = error.code === 'not_connected' || error.status === 503 ? ClientExit.serverUnreachable : ClientExit.failure;
      return fail(`the daemon at ${link.url} answered: ${daemonErrorMessage(error)}`, code);
    }
    if (error instanceof TypeError) return fail(`lost the daemon at ${link.url}: ${describe(error)}`, ClientExit.serverUnreachable);
    // A deadline the command set (--timeout) on a call the daemon did not answer in time.
    if (error instanceof DOMException && error.name === 'TimeoutError') return fail(`the daemon at ${link.url} did not answer in time`, ClientExit.failure);
    throw error;
  } finally {
    stopWatch.dispose();
  }
}
