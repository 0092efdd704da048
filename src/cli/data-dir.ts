// The folder where the client keeps what outlives a run (the shares index, the upload queue, the
// buddy and ignore lists), shared by `slsk share`, `slsk buddy` and `slsk ignore` so they agree.

import { join, resolve } from 'node:path';
import { UsageError } from './command.ts';
import { defaultDataDir } from '../daemon/config/data-dir.ts';

/** The parseArgs option of every command that reads or writes the data folder. */
export const DATA_OPTION = { data: { type: 'string' } } as const;

/** The file of the buddy list and the ignore list, inside the data folder. */
export const USER_LISTS_FILE = 'user-lists.sqlite';

/** The help lines for --data. */
export const DATA_HELP = `  --data DIR          the data folder (default: $SLSK_DATA, else $XDG_DATA_HOME/slsk, else
                      ~/.local/share/slsk); slsk share, buddy and ignore use the same one`;

/** $SLSK_DATA, else $XDG_DATA_HOME/slsk, else ~/.local/share/slsk: one rule, kept by the daemon's settings. */
export { defaultDataDir };

/** The data folder from --data or the environment, as an absolute path. */
export function resolveDataDir(option: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (option === '') throw new UsageError('--data needs a folder');
  return resolve(option ?? defaultDataDir(env));
}

export function userListsPath(dataDir: string): string {
  return join(dataDir, USER_LISTS_FILE);
}
