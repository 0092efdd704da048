// `slsk buddy`: the buddy list kept in the data folder. Buddies may open the folders `slsk share`
// locks to buddies; a running `slsk share` sees changes within seconds.

import { ExitCode, parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { DATA_HELP, DATA_OPTION } from '../data-dir.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';
import { day, parseListCommand, withUserLists } from '../user-lists-file.ts';

/** As UserLists allows (MAX_BUDDY_NOTE_LENGTH), checked here so a long note is a usage error. */
const MAX_NOTE = 1000;

const help = `Keep your buddy list: buddies may browse and download the folders you share with buddies only.

Usage: slsk buddy [list] [options]
       slsk buddy add USER [--note TEXT] [options]
       slsk buddy remove USER [options]

Actions:
  list              your buddies, with when they were added and your note (the default)
  add USER          add USER; on a buddy already there, --note changes the note
  remove USER       take USER off the list

Options:
  --note TEXT         your own words about the buddy (at most ${MAX_NOTE} characters)
${DATA_HELP}
                      The lists are kept in user-lists.sqlite there
  --json              print JSON for scripts instead of text for people
  -h, --help          show this help

The list is yours alone, kept on this machine: it needs no server and no login. 'slsk share' with
the same data folder lets buddies into locked folders, and sees changes within a few seconds.

Output: "Added bob to your buddies." and the like; 'list' prints a table (user, added, note).
--json prints one JSON object: add {"user", "result": "added" | "updated" | "unchanged"},
remove {"user", "result": "removed"}, list [{"name", "note", "addedAt"}, ...] (addedAt in ISO 8601).

Exit status:
  0    done
  1    USER is not on the list (remove), the list is full, or the data folder is not usable
  2    the command line is wrong

Examples:
  slsk buddy add bob --note "met in #idm, great rips"
  slsk buddy
  slsk buddy remove bob
  slsk buddy list --json | jq -r '.[].name'
`;

export const buddyCommand: Command = {
  usage: 'slsk buddy [list | add USER [--note TEXT] | remove USER] [--json]',
  help,
  run,
};

const OPTIONS = { ...DATA_OPTION, note: { type: 'string' }, json: { type: 'boolean' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  const { action, user } = await parseListCommand('buddy', positionals);
  const note = values.note;
  if (note !== undefined && action !== 'add') throw new UsageError(`--note goes with add: slsk buddy add USER --note TEXT`);
  if (note !== undefined && note.length > MAX_NOTE) throw new UsageError(`--note takes at most ${MAX_NOTE} characters, got ${note.length}`);
  const json = values.json === true;
  const print = (value: unknown, text: string): Promise<void> => writeOut(io.stdout, json ? formatJson(value, false) + '\n' : text);

  return withUserLists('buddy', values.data, io, async (lists) => {
    if (action === 'list') {
      const buddies = lists.buddies();
      const paint = painterFor(io.stdout, io.env);
      const rows = buddies.map((buddy) => [buddy.name, day(buddy.addedAt), buddy.note]);
      const table = formatTable([{ header: 'user' }, { header: 'added' }, { header: 'note' }], rows, (text) => paint('bold', text));
      const text = buddies.length === 0 ? 'No buddies yet: slsk buddy add USER adds one.\n' : table;
      await print(buddies.map((buddy) => ({ name: buddy.name, note: buddy.note, addedAt: new Date(buddy.addedAt).toISOString() })), text);
      return ExitCode.ok;
    }
    if (action === 'add') {
      const result = lists.addBuddy(user!, note === undefined ? {} : { note });
      const text =
        result === 'added' ? `Added ${user} to your buddies.\n` : result === 'updated' ? `Changed the note on ${user}.\n` : `${user} is a buddy already.\n`;
      await print({ user, result }, text);
      return ExitCode.ok;
    }
    if (!lists.removeBuddy(user!)) {
      io.stderr.write(`slsk buddy: ${user} is not on your buddy list (slsk buddy list shows it; names are case-sensitive)\n`);
      return ExitCode.failure;
    }
    await print({ user, result: 'removed' }, `Removed ${user} from your buddies.\n`);
    return ExitCode.ok;
  });
}
