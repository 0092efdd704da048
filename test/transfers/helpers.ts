// Helpers for the transfer tests: a server with its clients, managers and temp folders set up and
// cleaned up for a describe block, a shared folder the uploader resolves virtual paths in, a
// recorder of a manager's events with waits that end on the event or a timeout (never a sleep),
// and file hashing.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { TransferManager, type ResolveUpload, type Transfer, type TransferManagerOptions } from '../../src/transfers/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
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

/** One side of a transfer: a logged-in client with its started manager, and the folder it shares from. */
export interface Side {
  name: string;
  client: Client;
  manager: TransferManager;
  events: Recorder<TransferEvent>;
  root: string;
  shared: string;
}

/** What a describe block makes its sides from; everything made here is cleaned up after the block. */
export interface TransferTestbed {
  /** A client logged in to the server, closed after the block. */
  client(name: string): Promise<Client>;
  /** A new temporary folder, removed after the block. */
  root(prefix: string): string;
  /** Closes `manager` after the block (before the clients); returns it. */
  keep(manager: TransferManager): TransferManager;
  /**
   * A client named `name` with a started manager (the testbed's options, then `options`) whose
   * folders are under `root` (by default a new temporary folder; removed after the block either
   * way), and its `shared` folder made.
   */
  side(name: string, options?: Partial<TransferManagerOptions>, root?: string): Promise<Side>;
}

/**
 * Registers, in the describe block it is called from, a server started before the block's tests
 * and, after them, the cleanup of what the testbed made: managers closed, then clients, then the
 * server, then the temporary folders removed. `name` prefixes the temporary folders
 * (`slsk-<name>-<side>-`); `options` go to every side's manager.
 */
export function transferTestbed(name: string, options: Partial<TransferManagerOptions> = {}): TransferTestbed {
  let server: TestServer | undefined;
  const roots: string[] = [];
  const clients: Client[] = [];
  const managers: TransferManager[] = [];

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await Promise.all(managers.map((m) => m.close()));
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  const testbed: TransferTestbed = {
    async client(username) {
      if (server === undefined) throw new Error('the testbed server starts in before(): make clients inside a test');
      const client = await loggedIn(server.port, username);
      clients.push(client);
      return client;
    },
    root(prefix) {
      const root = tempDir(prefix);
      roots.push(root);
      return root;
    },
    keep(manager) {
      managers.push(manager);
      return manager;
    },
    async side(sideName, sideOptions = {}, root = tempDir(`slsk-${name}-${sideName}-`)) {
      roots.push(root);
      const client = await testbed.client(sideName);
      const manager = testbed.keep(newManager(client, root, { ...options, ...sideOptions }));
      const events = record(manager);
      await manager.start();
      const shared = join(root, 'shared');
      mkdirSync(shared, { recursive: true });
      return { name: sideName, client, manager, events, root, shared };
    },
  };
  return testbed;
}
