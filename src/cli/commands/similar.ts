// `slsk similar`: users whose interests overlap yours, or (--item) the users who like one item.

import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `Show users with interests like yours, or with --item the users who like one item.

Usage: slsk similar [--item ITEM] [options]

Options:
  --item ITEM         the users who like ITEM
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}
${daemonHelp}

Similar users need interests first: slsk interests add ITEM...
Output: a table of users with their rating (how much their interests overlap yours, as the server
counts it), best first; with --item, the users one per line. --json prints a JSON array:
[{"username", "rating"}, ...], with --item [{"username"}, ...].

${exitHelp('the server did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk similar
  slsk similar --item "aphex twin"
  slsk similar --json | jq -r '.[0].username' | xargs slsk browse     browse the most similar user
`;

export const similarCommand: Command = {
  usage: 'slsk similar [--item ITEM] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, item: { type: 'string' }, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: for the users who like an item use --item ${JSON.stringify(positionals.join(' '))}`);
  }
  const item = values.item;
  if (item !== undefined && item.trim() === '') throw new UsageError('--item needs an item, such as --item electronic');
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const json = values.json === true;
  const paint = painterFor(io.stdout, io.env);
  const showLikers = async (users: readonly string[], liked: string): Promise<number> => {
    if (json) await writeOut(io.stdout, formatJson(users.map((username) => ({ username })), false) + '\n');
    else await writeOut(io.stdout, users.length === 0 ? `No users like ${JSON.stringify(liked)}.\n` : `${paint('bold', `Users who like ${liked}:`)}\n${users.map((u) => `  ${u}\n`).join('')}`);
    return ClientExit.ok;
  };
  const showSimilar = async (similar: { username: string; rating: number }[]): Promise<number> => {
    const users = similar.sort((a, b) => b.rating - a.rating || a.username.localeCompare(b.username));
    if (json) {
      await writeOut(io.stdout, formatJson(users, false) + '\n');
    } else if (users.length === 0) {
      await writeOut(io.stdout, 'No similar users yet: they come from your interests (slsk interests add ITEM...).\n');
    } else {
      const rows = users.map((user) => [String(user.rating), user.username]);
      await writeOut(io.stdout, formatTable([{ header: 'rating', align: 'right' }, { header: 'user' }], rows, (text) => paint('bold', text)));
    }
    return ClientExit.ok;
  };
  return viaDaemonOr(
    values,
    io,
    'similar',
    async ({ api, signal: stop }) => {
      const signal = AbortSignal.any([stop, AbortSignal.timeout(requestMs)]);
      return item !== undefined ? showLikers(await api.itemSimilarUsers({ params: { item }, signal }), item) : showSimilar(await api.similarUsers({ signal }));
    },
    () =>
      withClient(resolveSettings(values, io), io, { command: 'similar', timeouts: { requestMs } }, async ({ client, signal }) =>
        item !== undefined ? showLikers(await client.itemSimilarUsers(item, { signal }), item) : showSimilar(await client.similarUsers({ signal })),
      ),
  );
}
