// Where a running daemon can be found: <data>/daemon.json holds its API's URL and its process id, written
// once the API listens and removed at a clean stop. The one-shot `slsk` commands read it (with the local
// token in <data>/daemon.token) to go through the daemon instead of logging in a second time with the same
// account, which would log the daemon out. A file left by a daemon that died (a crash, SIGKILL) is stale:
// the reader checks the process id and the connection and ignores it.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const DAEMON_FILE_NAME = 'daemon.json';
/** The local admin token (first-start.ts makes it); here so a command finds it without loading crypto. */
export const TOKEN_FILE_NAME = 'daemon.token';

export interface DaemonFile {
  /** The API's base URL as a local command reaches it, e.g. http://127.0.0.1:5030. */
  readonly url: string;
  readonly pid: number;
}

/**
 * The URL a command on this machine connects to: an API listening on every address (0.0.0.0, ::) is
 * reached on loopback, which is also where the local token is accepted.
 */
export function localUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.origin;
}

export async function writeDaemonFile(dataDir: string, file: DaemonFile): Promise<void> {
  const { writeOwnerOnly } = await import('./first-start.ts');
  await writeOwnerOnly(join(dataDir, DAEMON_FILE_NAME), `${JSON.stringify({ url: localUrl(file.url), pid: file.pid })}\n`);
}

/** Removes the file if it is still this process's (a second daemon on the same folder may have written its own since). */
export async function removeDaemonFile(dataDir: string, pid: number): Promise<void> {
  const current = await readDaemonFile(dataDir);
  if (current?.pid === pid) await rm(join(dataDir, DAEMON_FILE_NAME), { force: true });
}

/** The file's contents, or undefined when there is none or it does not hold {url, pid} (a half-written or foreign file is not a daemon). */
export async function readDaemonFile(dataDir: string): Promise<DaemonFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, DAEMON_FILE_NAME), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { url, pid } = (parsed ?? {}) as Partial<Record<string, unknown>>;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url) || typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { url, pid };
}

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
