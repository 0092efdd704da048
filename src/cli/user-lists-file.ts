// What `slsk buddy` and `slsk ignore` share: reading ACTION [USER] from the command line, opening
// the lists file in the data folder, and turning the lists' refusals into exit codes.

import type { UserLists } from '../client/user-lists.ts';
import { ExitCode, UsageError, type CliIo } from './command.ts';
import { resolveDataDir, userListsPath } from './data-dir.ts';

export type ListAction = 'add' | 'remove' | 'list';
const ACTIONS: readonly ListAction[] = ['add', 'remove', 'list'];

/** `add USER`, `remove USER` or `list` (the default), checked before any file is touched. */
export async function parseListCommand(command: string, positionals: readonly string[]): Promise<{ action: ListAction; user?: string }> {
  const [actionArg = 'list', user, ...extra] = positionals;
  if (!(ACTIONS as readonly string[]).includes(actionArg)) {
    throw new UsageError(`unknown action ${JSON.stringify(actionArg)}; the actions are: ${ACTIONS.join(', ')} (for example slsk ${command} add bob)`);
  }
  const action = actionArg as ListAction;
  if (action === 'list') {
    if (user !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(user)}: slsk ${command} list takes no USER`);
    return { action };
  }
  if (user === undefined) throw new UsageError(`${action} needs a USER: slsk ${command} ${action} USER`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: slsk ${command} ${action} takes one USER (quote a name with spaces)`);
  const { listNameProblem } = await import('../client/user-lists.ts');
  const problem = listNameProblem(user);
  if (problem !== undefined) throw new UsageError(`${JSON.stringify(user)} cannot be a Soulseek username: ${problem}`);
  return { action, user };
}

/**
 * Opens the lists in the data folder, runs `body` and closes them. A file that cannot be opened,
 * or a full list, is one line on stderr and exit 1.
 */
export async function withUserLists(command: string, dataOption: string | undefined, io: CliIo, body: (lists: UserLists) => Promise<number>): Promise<number> {
  const dataDir = resolveDataDir(dataOption, io.env);
  const { UserLists, UserListError } = await import('../client/user-lists.ts');
  let lists: UserLists;
  try {
    lists = UserLists.open(userListsPath(dataDir));
  } catch (error) {
    io.stderr.write(`slsk ${command}: cannot open the lists file ${userListsPath(dataDir)}: ${error instanceof Error ? error.message : String(error)} (--data DIR picks another folder)\n`);
    return ExitCode.failure;
  }
  try {
    return await body(lists);
  } catch (error) {
    if (error instanceof UserListError) {
      io.stderr.write(`slsk ${command}: ${error.message}\n`);
      return ExitCode.failure;
    }
    throw error;
  } finally {
    lists.close();
  }
}

/** Milliseconds since the epoch as the day, "2026-12-06", for the text lists. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
