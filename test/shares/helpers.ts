import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { SharesLibrary, type SharesLibraryOptions } from '../../src/shares/index.ts';

/** A fresh temp folder, removed after the test. */
export async function tempDir(t: TestContext, prefix = 'slsk-shares-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (relative path → content; a string ending in '/' makes an empty folder). */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) {
      await mkdir(full, { recursive: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** Opens a library that the test closes at its end. */
export async function openLibrary(t: TestContext, options: SharesLibraryOptions): Promise<SharesLibrary> {
  const library = await SharesLibrary.open(options);
  t.after(() => library.close());
  return library;
}

/** Opens a library over `root` (share name 'Music' unless given) and scans it once. */
export async function scannedLibrary(
  t: TestContext,
  dir: string,
  folders: SharesLibraryOptions['folders'],
  extra: Partial<SharesLibraryOptions> = {},
): Promise<SharesLibrary> {
  const library = await openLibrary(t, { database: join(dir, 'shares.db'), folders, ...extra });
  await library.scan();
  return library;
}

export const names = (files: readonly { filename: string }[]): string[] => files.map((file) => file.filename).sort();
