// Stopping the demo's child processes (the `slsk share` peers, `slsk daemon`): politely as Ctrl-C
// would, or at once when the demo itself is going down unexpectedly.

import type { ChildProcess } from 'node:child_process';

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Asks `child` to stop as Ctrl-C would, and kills it if it has not exited within `timeoutMs`. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  if (!running(child)) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** For an exit the demo did not ask for: gone at once. */
export function killChildNow(child: ChildProcess): void {
  if (running(child)) child.kill('SIGKILL');
}
