// Temp data folders and config files for the daemon settings tests.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DaemonConfigError, loadDaemonConfig, type LoadDaemonConfigOptions } from '../../src/daemon/config/index.ts';

export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slsk-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The problems loadDaemonConfig reports (it must throw DaemonConfigError). */
export async function problemsOf(options: LoadDaemonConfigOptions): Promise<readonly string[]> {
  try {
    await loadDaemonConfig(options);
  } catch (error) {
    if (error instanceof DaemonConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}
