// Helpers for the daemon store tests: a store in a fresh temp data folder, removed afterwards, with a
// clock the test moves by hand.

import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonStore, type DaemonStoreSettings } from '../../src/daemon/store/index.ts';
import type { SharedFile } from '../../src/model/files.ts';
import type { StoredResponseInput } from '../../src/daemon/store/index.ts';

export interface TestStore {
  store: DaemonStore;
  dataDir: string;
  clock: { now: number };
  reopen(settings?: Partial<DaemonStoreSettings>): DaemonStore;
  dispose(): void;
}

export function openTestStore(settings: Partial<DaemonStoreSettings> = {}): TestStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'slsk-daemon-store-'));
  const clock = { now: Date.UTC(2026, 0, 1) };
  const open = (overrides: Partial<DaemonStoreSettings>): DaemonStore =>
    DaemonStore.open(dataDir, { settings: { ...settings, ...overrides }, now: () => clock.now });
  const handle: TestStore = {
    store: open({}),
    dataDir,
    clock,
    reopen(overrides = {}) {
      handle.store.close();
      handle.store = open(overrides);
      return handle.store;
    },
    dispose() {
      handle.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export function audioFile(name: string, size = 5_000_000n): SharedFile {
  return {
    filename: `@@music\\Artist\\${name}.flac`,
    size,
    extension: 'flac',
    locked: false,
    attributes: [{ key: 1, value: 240 }, { key: 4, value: 44100 }, { key: 5, value: 16 }],
    duration: 240,
    sampleRate: 44100,
    bitDepth: 16,
  };
}

/** A response from `username` with `files` files. */
export function responseOf(username: string, files: number): StoredResponseInput {
  return {
    username,
    slotsFree: true,
    avgSpeed: 1_000_000,
    queueLength: 0,
    files: Array.from({ length: files }, (_, i) => audioFile(`${username} track ${i}`)),
  };
}

/** In a test file: each test opens its store with the returned function; it is disposed after the test. */
export function freshStoreEachTest(): (settings?: Partial<DaemonStoreSettings>) => TestStore {
  let current: TestStore | undefined;
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return (settings = {}) => {
    current = openTestStore(settings);
    return current;
  };
}

/** Runs `work` and counts the event loop's turns meanwhile: a bound on how long it held the loop at once. */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = (): void => {
    turns += 1;
    if (!done) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    done = true;
  }
}
