// What asks a running command to stop from outside: Ctrl-C (SIGINT), SIGTERM (kill, systemd,
// docker stop, a supervisor), and, when npm or npx started us, the death of that parent (killing
// npx leaves its child running otherwise, orphaned and still online). Each stops the command
// cleanly once; asking again stops at once.

import { readFileSync } from 'node:fs';

/** What asked the command to stop. */
export type StopRequest = 'SIGINT' | 'SIGTERM' | 'parent gone';

/** The exit code of a command cut short by `request`: 128 + the signal's number, as shells report it. */
export function interruptedExitCode(request: StopRequest): number {
  switch (request) {
    case 'SIGINT':
      return 130;
    case 'SIGTERM':
      return 143;
    case 'parent gone':
      // As if hung up: the terminal or launcher that started us is gone.
      return 129;
  }
}

/**
 * A signal sent again within this long is the same request delivered twice, not a second one: on
 * a terminal, Ctrl-C reaches both npx and its child, and npx forwards its copy to the child too.
 */
const SAME_REQUEST_MS = 1000;

/** How often the parent is checked; a poll, because Node has no event for the parent's death. */
const PARENT_CHECK_MS = 500;

/**
 * Our parent and, where /proc tells it, the parent's parent: npm runs a bin through `sh -c`, so
 * when npx is killed it is the shell between us that is orphaned, and our own parent stays.
 */
function launcherChain(): number[] {
  const parent = process.ppid;
  try {
    // /proc/PID/stat: "pid (command) state ppid ...", the command may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${parent}/stat`, 'utf8');
    const grandparent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(grandparent) ? [parent, grandparent] : [parent];
  } catch {
    return [parent];
  }
}

const sameChain = (a: readonly number[], b: readonly number[]): boolean => a.length <= b.length && a.every((pid, i) => pid === b[i]);

export interface StopWatch {
  /** Stops watching (the command ended). */
  dispose(): void;
}

/**
 * Calls `onStop` on the first stop request. A second request (past the duplicate window) while
 * the command is still stopping exits at once with its interrupted code, so a stuck shutdown can
 * always be cut short. The parent is watched only when npm/npx launched us ($npm_command is set):
 * a shell's child that outlives the shell (nohup, &) is meant to keep running.
 */
export function watchStopRequests(env: Readonly<Record<string, string | undefined>>, onStop: (request: StopRequest) => void): StopWatch {
  let first: { request: StopRequest; at: number } | undefined;
  const requested = (request: StopRequest): void => {
    const now = Date.now();
    if (first === undefined) {
      first = { request, at: now };
      onStop(request);
      return;
    }
    if (request === first.request && now - first.at < SAME_REQUEST_MS) return;
    process.exit(interruptedExitCode(request));
  };
  const onSigint = (): void => requested('SIGINT');
  const onSigterm = (): void => requested('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  let parentTimer: NodeJS.Timeout | undefined;
  const launcher = env['npm_command'];
  if (launcher !== undefined && launcher !== '') {
    const launchedBy = launcherChain();
    parentTimer = setInterval(() => {
      if (sameChain(launchedBy, launcherChain())) return;
      clearInterval(parentTimer);
      requested('parent gone');
    }, PARENT_CHECK_MS);
    // Watching must not keep a finished command alive.
    parentTimer.unref();
  }
  return {
    dispose() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      clearInterval(parentTimer);
    },
  };
}
