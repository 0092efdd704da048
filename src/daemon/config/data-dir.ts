// The data folder the daemon and the one-shot `slsk` commands share, so the daemon finds the shares index,
// buddy and ignore lists that `slsk share`, `slsk buddy` and `slsk ignore` wrote.

import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** $SLSK_DATA, else $XDG_DATA_HOME/slsk, else ~/.local/share/slsk. */
export function defaultDataDir(env: Env): string {
  const own = env['SLSK_DATA'];
  if (own !== undefined && own !== '') return own;
  const xdg = env['XDG_DATA_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homeDir(env), '.local', 'share');
  return join(base, 'slsk');
}

export const homeDir = (env: Env): string => env['HOME'] ?? homedir();
