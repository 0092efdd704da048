// What a running server tells `slsk server status` (another process on the same machine): a small
// JSON file next to the database, rewritten every STATUS_INTERVAL_MS (write, then rename, so a
// reader never sees half of it) and removed when the server stops.

import { rename, rm, writeFile } from 'node:fs/promises';
import type { ServerCore } from './core.ts';
import type { Logger } from './log.ts';
import { treeShape, type TreeShape } from './tree.ts';

export const STATUS_FILE = 'slsk-server.status.json';
export const STATUS_INTERVAL_MS = 2000;

export interface ServerStatus {
  pid: number;
  host: string;
  port: number;
  /** ISO 8601 times. */
  startedAt: string;
  updatedAt: string;
  online: number;
  tree: TreeShape;
}

export function serverStatus(core: ServerCore, address: { host: string; port: number }): ServerStatus {
  return {
    pid: process.pid,
    host: address.host,
    port: address.port,
    startedAt: new Date(core.startedAt).toISOString(),
    updatedAt: new Date(core.now()).toISOString(),
    online: core.network.online.size,
    tree: treeShape(core.network),
  };
}

/** Keeps the status file up to date while the server runs. */
export class StatusFile {
  readonly path: string;
  private readonly snapshot: () => ServerStatus;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  /** The write under way; the next waits for it, so two never race on the temporary file. */
  private writing: Promise<void> = Promise.resolve();
  private failedBefore = false;

  constructor(path: string, snapshot: () => ServerStatus, log: Logger) {
    this.path = path;
    this.snapshot = snapshot;
    this.log = log;
  }

  start(): void {
    this.write();
    this.timer = setInterval(() => this.write(), STATUS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the updates and removes the file: no status file means no server running. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    await rm(this.path, { force: true }).catch((error: unknown) => this.log.warn({ err: error, path: this.path }, 'could not remove the status file'));
  }

  private write(): void {
    const text = `${JSON.stringify(this.snapshot())}\n`;
    const temporary = `${this.path}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(() => writeFile(temporary, text))
      .then(() => rename(temporary, this.path))
      .then(
        () => {
          this.failedBefore = false;
        },
        (error: unknown) => {
          // Said once per run of failures: a full disk must not fill the log too.
          if (!this.failedBefore) this.log.warn({ err: error, path: this.path }, 'could not write the status file');
          this.failedBefore = true;
        },
      );
  }
}
