// Running a client command: `withClient` logs in, runs the command's body and always closes the
// client, turning the library's errors into one clear line and an exit code that says what went
// wrong; it stops the body on Ctrl-C, SIGTERM, the end of the npx that started it, a lost server
// (or, for the commands that stay online, rides the loss out with the library's reconnect).

import type { Client, ClientTimeouts, LoginInfo, PrivateMessage, RoomState } from '../client/index.ts';
import type { CliIo } from './command.ts';
import { ClientExit, DEFAULT_SERVER, PUBLIC_SERVER, type ClientSettings } from './client-options.ts';
import { clockTime } from './format.ts';
import { interruptedExitCode, watchStopRequests, type StopRequest } from './stop-signals.ts';

/** A failure the command itself found (user offline, no reply): one line on stderr and its exit code. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ClientExit.failure) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Why the session's signal was aborted. */
export type StopReason = 'interrupted' | 'disconnected' | 'kicked';

export interface ClientSession {
  readonly client: Client;
  readonly login: LoginInfo;
  readonly settings: ClientSettings;
  readonly io: CliIo;
  /** Aborted on Ctrl-C and when the server connection is lost; pass it to the client's calls. */
  readonly signal: AbortSignal;
  /** Why `signal` was aborted, once it was. */
  stopReason(): StopReason | undefined;
  /** For 'interrupted': what asked us to stop (Ctrl-C, SIGTERM, npx gone), which sets the exit code. */
  stopRequest(): StopRequest | undefined;
  /**
   * Private messages that arrive (the ones the server kept while we were offline come at login, and
   * the client acknowledges them) are printed on stderr so they are not lost; a command that shows
   * them itself hands them to `handler`, which returns true for the ones it took.
   */
  onPrivateMessage(handler: (message: PrivateMessage) => boolean): void;
}

export interface SessionOptions {
  /** `slsk <name>`, for messages. */
  readonly command: string;
  /** Client timeouts for this command (connect, login, server replies, peer replies). */
  readonly timeouts?: Partial<ClientTimeouts>;
  /**
   * Take part in the distributed search network. Default false: a short command-line run is too
   * short-lived to be a useful node of the tree; `slsk share`, which stays online, sets it.
   */
  readonly distributed?: boolean;
  /**
   * Stay: when the server connection is lost, reconnect with the library's backoff (first delay
   * `reconnectDelayMs`), log in again and carry on, rather than stopping. For the commands that
   * run until stopped (share, chat).
   */
  readonly reconnect?: { readonly initialDelayMs: number };
  /** Tells the user the connection was lost / is back (the command's own output, e.g. JSON Lines). */
  readonly onConnection?: (event: ConnectionEvent) => void;
}

export type ConnectionEvent = { kind: 'lost'; retryInMs: number } | { kind: 'back' };

/**
 * Creates a client, logs in, runs `body`, and closes the client whatever happens. Resolves to the
 * exit code: the body's, or the one for the error that stopped it.
 */
export async function withClient(
  settings: ClientSettings,
  io: CliIo,
  options: SessionOptions,
  body: (session: ClientSession) => Promise<number>,
): Promise<number> {
  // Loaded here so that `slsk decode` does not pay for the client's modules.
  const lib = await import('../client/index.ts');
  const prefix = `slsk ${options.command}`;
  const fail = (message: string, code: number): number => {
    io.stderr.write(`${prefix}: ${message}\n`);
    return code;
  };

  const client = new lib.Client({
    listenHost: settings.listenHost,
    listenPort: settings.listenPort,
    reconnect: options.reconnect === undefined ? false : { enabled: true, initialDelayMs: options.reconnect.initialDelayMs },
    distributed: options.distributed ?? false,
    ...(options.timeouts !== undefined ? { timeouts: options.timeouts } : {}),
  });
  const controller = new AbortController();
  let reason: StopReason | undefined;
  const stop = (why: StopReason): void => {
    if (reason !== undefined) return;
    reason = why;
    controller.abort(new Error(why));
  };
  let request: StopRequest | undefined;
  const stopWatch = watchStopRequests(io.env, (what) => {
    request = what;
    stop('interrupted');
  });
  let loggedIn = false;
  client.on('disconnected', ({ willReconnect }) => {
    if (!willReconnect || !loggedIn) stop('disconnected');
  });
  client.on('reconnecting', ({ delayMs }) => (options.onConnection ?? noteConnection(io, prefix, settings))({ kind: 'lost', retryInMs: delayMs }));
  client.on('loggedIn', () => {
    if (loggedIn) (options.onConnection ?? noteConnection(io, prefix, settings))({ kind: 'back' });
  });
  client.on('kicked', () => stop('kicked'));
  // Peers may send garbage; that is not this command's problem.
  client.on('warning', () => {});
  let privateMessages: ((message: PrivateMessage) => boolean) | undefined;
  client.on('privateMessage', (message) => {
    if (privateMessages?.(message) !== true) io.stderr.write(privateMessageNotice(message));
  });

  try {
    let login: LoginInfo;
    try {
      login = await client.login({ server: settings.server, username: settings.username, password: settings.password, signal: controller.signal });
      // One round trip: the server answers in order, so afterwards everything it sends at login
      // (the room list, private messages kept while we were offline) has arrived.
      await client.userStatus(settings.username, { signal: controller.signal });
    } catch (error) {
      if (reason === 'interrupted') return fail('interrupted', interruptedExitCode(request ?? 'SIGINT'));
      if (error instanceof lib.LoginError) return fail(`${error.message}`, ClientExit.loginRefused);
      if (error instanceof lib.ClientError && error.code === 'LISTEN_FAILED') {
        return fail(`${error.message} (--listen-port, --listen-host)`, ClientExit.failure);
      }
      if (error instanceof lib.ClientError) {
        const why = error instanceof lib.NotConnectedError ? `the server ${settings.serverText} closed the connection during login` : error.message;
        const hint =
          settings.serverFrom === 'the default'
            ? `no server was given, so it tried ${DEFAULT_SERVER} (a server on this machine); use --server HOST:PORT, the public network is ${PUBLIC_SERVER}`
            : `the address ${settings.serverText} came from ${settings.serverFrom}`;
        return fail(`${why}\n  ${hint}`, ClientExit.serverUnreachable);
      }
      throw error;
    }
    loggedIn = true;

    try {
      const session: ClientSession = {
        client,
        login,
        settings,
        io,
        signal: controller.signal,
        stopReason: () => reason,
        stopRequest: () => request,
        onPrivateMessage: (handler) => {
          privateMessages = handler;
        },
      };
      return await body(session);
    } catch (error) {
      if (error instanceof CommandFailure) return fail(error.message, error.exitCode);
      if (reason === 'interrupted') return fail('interrupted', interruptedExitCode(request ?? 'SIGINT'));
      if (reason === 'kicked') return fail(`the server logged us out: ${settings.username} logged in somewhere else`, ClientExit.failure);
      if (reason === 'disconnected' || error instanceof lib.NotConnectedError) {
        return fail(`lost the connection to the server ${settings.serverText}`, ClientExit.serverUnreachable);
      }
      if (error instanceof lib.ClientError) return fail(error.message, ClientExit.failure);
      throw error;
    }
  } finally {
    stopWatch.dispose();
    await client.close();
  }
}

/** The default notice of a lost and regained server connection: one line on stderr each. */
function noteConnection(io: CliIo, prefix: string, settings: ClientSettings): (event: ConnectionEvent) => void {
  return (event) => {
    io.stderr.write(
      event.kind === 'lost'
        ? `${prefix}: lost the connection to the server ${settings.serverText}; trying again in ${(event.retryInMs / 1000).toFixed(1)} s\n`
        : `${prefix}: back online on ${settings.serverText}\n`,
    );
  };
}

function privateMessageNotice(message: PrivateMessage): string {
  const when = message.isNew ? clockTime(message.time) : `${message.time.toISOString().slice(0, 16).replace('T', ' ')} UTC, kept while you were offline`;
  return `[${when}] private message from ${message.from}: ${message.text}\n`;
}

/** The failure for a session stopped by something other than the command: Ctrl-C, a lost server, a kick. */
export function stoppedFailure(session: ClientSession, doing: string): CommandFailure {
  switch (session.stopReason()) {
    case 'interrupted':
      return new CommandFailure(`interrupted while ${doing}`, interruptedExitCode(session.stopRequest() ?? 'SIGINT'));
    case 'kicked':
      return new CommandFailure(`the server logged us out while ${doing}: ${session.settings.username} logged in somewhere else`, ClientExit.failure);
    default:
      return new CommandFailure(`lost the connection to the server ${session.settings.serverText} while ${doing}`, ClientExit.serverUnreachable);
  }
}

/**
 * Joins a room for a command. The server refuses a room with a private message from "server"
 * naming it, which the client turns into the ClientError the session reports: that notice is not
 * printed a second time.
 */
export async function joinRoomQuietly(session: ClientSession, room: string): Promise<RoomState> {
  session.onPrivateMessage((message) => message.from === 'server' && message.text.includes(room));
  try {
    return await session.client.joinRoom(room, { signal: session.signal });
  } finally {
    session.onPrivateMessage(() => false);
  }
}

/** Waits for the abort of `signal` (already aborted: at once). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
