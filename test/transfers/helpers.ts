// Helpers for the transfer tests: a shared folder the uploader resolves virtual paths in, a
// recorder of a manager's events with waits that end on the event or a timeout (never a sleep),
// and file hashing.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '../../src/client/index.ts';
import { TransferManager, type ResolveUpload, type Transfer, type TransferManagerOptions } from '../../src/transfers/index.ts';
import { Recorder } from '../support/recorder.ts';
export { Recorder };

export const SHARE = '@@share';

/** The virtual path of a file in the shared folder. */
export const virtual = (name: string): string => `${SHARE}\\${name}`;

/** Resolves `@@share\name` to `folder/name`, for plain names only (what a shares library would refuse, this refuses too). */
export function shareFolder(folder: string): ResolveUpload {
  return async (virtualPath) => {
    const prefix = `${SHARE}\\`;
    if (!virtualPath.startsWith(prefix)) return undefined;
    const name = virtualPath.slice(prefix.length);
    if (name === '' || /[\\/]/.test(name) || name === '.' || name === '..') return undefined;
    const path = join(folder, name);
    try {
      const info = await stat(path);
      return info.isFile() ? { path, size: info.size } : undefined;
    } catch {
      return undefined;
    }
  };
}


export interface TransferEvent {
  event: 'transferAdded' | 'transferState' | 'transferProgress' | 'transferPlace' | 'transferDone';
  transfer: Transfer;
}

export function record(manager: TransferManager): Recorder<TransferEvent> {
  const recorder = new Recorder<TransferEvent>(20_000);
  for (const event of ['transferAdded', 'transferState', 'transferProgress', 'transferPlace', 'transferDone'] as const) {
    manager.on(event, (transfer: Transfer) => recorder.push({ event, transfer }));
  }
  return recorder;
}

/** The transferDone event of a transfer. */
export async function done(events: Recorder<TransferEvent>, id: string, timeoutMs = 20_000): Promise<Transfer> {
  const item = await events.wait((e) => e.event === 'transferDone' && e.transfer.id === id, `transfer ${id} done`, 0, timeoutMs);
  return item.transfer;
}

/** The first state event of a transfer matching `test`. */
export async function stateOf(
  events: Recorder<TransferEvent>,
  test: (transfer: Transfer) => boolean,
  what: string,
  from = 0,
  timeoutMs = 20_000,
): Promise<Transfer> {
  const item = await events.wait((e) => e.event === 'transferState' && test(e.transfer), what, from, timeoutMs);
  return item.transfer;
}

export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of `size` random bytes. */
export function writeRandomFile(path: string, size: number): void {
  writeFileSync(path, randomBytes(size));
}

/** A manager for `client` with its folders under `root`. */
export function newManager(client: Client, root: string, options: Partial<TransferManagerOptions> = {}): TransferManager {
  mkdirSync(root, { recursive: true });
  return new TransferManager({
    client,
    database: join(root, 'transfers.db'),
    downloadDir: join(root, 'downloads'),
    incompleteDir: join(root, 'incomplete'),
    resolveUpload: shareFolder(join(root, 'shared')),
    retry: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 30 },
    ...options,
  });
}
