// The options of the commands that may go through a running daemon, and the switch between the daemon and
// the command's own login. Light on purpose: a command's --help loads this and nothing of the daemon; the
// daemon's client (daemon-link.ts) is loaded only when the command runs.

import type { CliIo } from './command.ts';
import type { DaemonSession } from './daemon-link.ts';

/** parseArgs options of the commands that may go through a daemon. */
export const DAEMON_OPTIONS = {
  daemon: { type: 'string' },
  'no-daemon': { type: 'boolean' },
  data: { type: 'string' },
} as const;

export const daemonHelp = `
Daemon options (when 'slsk daemon' runs for the same account, the command goes through it instead of
logging in a second time, which would log the daemon out; a note on stderr says so):
  --daemon URL        use the daemon at URL (default: $SLSK_DAEMON, else the one found through
                      <data>/daemon.json); its token is $SLSK_DAEMON_TOKEN, else <data>/daemon.token
  --no-daemon         log in directly even when a daemon runs
  --data DIR          the daemon's data folder (default: $SLSK_DATA, else $XDG_DATA_HOME/slsk, else
                      ~/.local/share/slsk)`;

export interface DaemonValues {
  daemon?: string | undefined;
  'no-daemon'?: boolean | undefined;
  data?: string | undefined;
  username?: string | undefined;
  config?: string | undefined;
}

/**
 * The command through the daemon when one should be used, else `direct()` (the command's own login).
 * A daemon that was asked for but cannot be used ends the command with its reason.
 */
export async function viaDaemonOr(
  values: DaemonValues,
  io: CliIo,
  command: string,
  viaDaemon: (session: DaemonSession) => Promise<number>,
  direct: () => Promise<number>,
): Promise<number> {
  const { findDaemon, withDaemon } = await import('./daemon-link.ts');
  const { CommandFailure } = await import('./client-session.ts');
  let link;
  try {
    link = await findDaemon(values, io);
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.stderr.write(`slsk ${command}: ${error.message}\n`);
    return error.exitCode;
  }
  return link === undefined ? direct() : withDaemon(link, io, command, viaDaemon);
}
