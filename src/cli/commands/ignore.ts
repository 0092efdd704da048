// `slsk ignore`: the ignore list kept in the data folder. A running `slsk share` drops an ignored
// user's messages, searches, browses and download requests, and sees changes within seconds.

import { ExitCode, parseCommandArgs, writeOut, type CliIo, type Command } from '../command.ts';
import { DATA_HELP, DATA_OPTION } from '../data-dir.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';
import { day, parseListCommand, withUserLists } from '../user-lists-file.ts';

const help = `Keep your ignore list: an ignored user's messages, searches, browses and downloads are dropped.

Usage: slsk ignore [list] [options]
       slsk ignore add USER [options]
       slsk ignore remove USER [options]

Actions:
  list              the users you ignore, with when they were added (the default)
  add USER          ignore USER
  remove USER       stop ignoring USER

Options:
${DATA_HELP}
                      The lists are kept in user-lists.sqlite there
  --json              print JSON for scripts instead of text for people
  -h, --help          show this help

The list is yours alone, kept on this machine: it needs no server and no login. 'slsk share' with
the same data folder drops everything from the users on it (the server is not told), and sees
changes within a few seconds.

Output: "Ignoring bob." and the like; 'list' prints a table (user, added).
--json prints one JSON object: add {"user", "result": "added" | "unchanged"},
remove {"user", "result": "removed"}, list [{"name", "addedAt"}, ...] (addedAt in ISO 8601).

Exit status:
  0    done
  1    USER is not on the list (remove), the list is full, or the data folder is not usable
  2    the command line is wrong

Examples:
  slsk ignore add spammer42
  slsk ignore
  slsk ignore remove spammer42 --json
`;

export const ignoreCommand: Command = {
  usage: 'slsk ignore [list | add USER | remove USER] [--json]',
  help,
  run,
};

const OPTIONS = { ...DATA_OPTION, json: { type: 'boolean' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const { action, user } = await parseListCommand('ignore', positionals);
  const json = values.json === true;
  const print = (value: unknown, text: string): Promise<void> => writeOut(io.stdout, json ? formatJson(value, false) + '\n' : text);

  return withUserLists('ignore', values.data, io, async (lists) => {
    if (action === 'list') {
      const ignored = lists.ignored();
      const paint = painterFor(io.stdout, io.env);
      const rows = ignored.map((entry) => [entry.name, day(entry.addedAt)]);
      const table = formatTable([{ header: 'user' }, { header: 'added' }], rows, (text) => paint('bold', text));
      await print(
        ignored.map((entry) => ({ name: entry.name, addedAt: new Date(entry.addedAt).toISOString() })),
        ignored.length === 0 ? 'You ignore nobody.\n' : table,
      );
      return ExitCode.ok;
    }
    if (action === 'add') {
      const added = lists.ignore(user!);
      await print({ user, result: added ? 'added' : 'unchanged' }, added ? `Ignoring ${user}.\n` : `${user} is ignored already.\n`);
      return ExitCode.ok;
    }
    if (!lists.unignore(user!)) {
      io.stderr.write(`slsk ignore: ${user} is not on your ignore list (slsk ignore list shows it; names are case-sensitive)\n`);
      return ExitCode.failure;
    }
    await print({ user, result: 'removed' }, `No longer ignoring ${user}.\n`);
    return ExitCode.ok;
  });
}
