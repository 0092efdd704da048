// `slsk recommendations`: items the server recommends from the interests of users who share yours,
// the network-wide ranking (--global), or what people who like one item also like (--item).

import type { Recommendation, Recommendations } from '../../client/index.ts';
import { parseCommandArgs, UsageError, writeOut, type CliIo, type Command } from '../command.ts';
import { ClientExit, CONNECTION_OPTIONS, connectionHelp, exitHelp, resolveSettings, secondsOption } from '../client-options.ts';
import { withClient } from '../client-session.ts';
import { DAEMON_OPTIONS, daemonHelp, viaDaemonOr } from '../daemon-options.ts';
import { formatTable } from '../format.ts';
import { formatJson } from '../json.ts';
import { painterFor } from '../style.ts';

const help = `Show the items the server recommends: from users who like what you like, for the whole network
(--global), or from users who like one item (--item).

Usage: slsk recommendations [--global | --item ITEM] [options]

Options:
  --global            the network's ranking, whatever your own interests
  --item ITEM         what users who like ITEM also like
  --timeout SECONDS   give up waiting for the server's reply after this long (default 10)
${connectionHelp}
${daemonHelp}

A score adds 1 for every user who likes an item and takes 1 for every user who hates it. Your own
recommendations need interests first: slsk interests add ITEM...
Output: a table of recommended items (score, item), best first, then the ones not recommended.
--json prints one JSON object: {"recommendations": [{"item", "score"}, ...],
"unrecommendations": [...]}, with "item" first when --item is given.

${exitHelp('the server did not answer in time', ['130  interrupted with Ctrl-C'])}

Examples:
  slsk recommendations
  slsk recommendations --global --json | jq -r '.recommendations[:10][].item'
  slsk recommendations --item "aphex twin"
`;

export const recommendationsCommand: Command = {
  usage: 'slsk recommendations [--global | --item ITEM] [--json]',
  help,
  run,
};

const OPTIONS = { ...CONNECTION_OPTIONS, ...DAEMON_OPTIONS, global: { type: 'boolean' }, item: { type: 'string' }, timeout: { type: 'string' } } as const;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: for one item's recommendations use --item ${JSON.stringify(positionals.join(' '))}`);
  }
  const item = values.item;
  if (item !== undefined && item.trim() === '') throw new UsageError('--item needs an item, such as --item electronic');
  if (item !== undefined && values.global === true) throw new UsageError('--global and --item ask for different lists: give one of them');
  const requestMs = secondsOption('--timeout', values.timeout, 10);
  const json = values.json === true;
  const show = async (result: Recommendations): Promise<number> => {
    if (json) {
      await writeOut(io.stdout, formatJson(item !== undefined ? { item, ...result } : result, false) + '\n');
      return ClientExit.ok;
    }
    await writeOut(io.stdout, recommendationsText(result, io, item === undefined && values.global !== true));
    return ClientExit.ok;
  };
  return viaDaemonOr(
    values,
    io,
    'recommendations',
    async ({ api, signal: stop }) => {
      const signal = AbortSignal.any([stop, AbortSignal.timeout(requestMs)]);
      return show(
        item !== undefined
          ? await api.itemRecommendations({ params: { item }, signal })
          : values.global === true
            ? await api.globalRecommendations({ signal })
            : await api.recommendations({ signal }),
      );
    },
    () =>
      withClient(resolveSettings(values, io), io, { command: 'recommendations', timeouts: { requestMs } }, async ({ client, signal }) =>
        show(
          item !== undefined
            ? await client.itemRecommendations(item, { signal })
            : values.global === true
              ? await client.globalRecommendations({ signal })
              : await client.recommendations({ signal }),
        ),
      ),
  );
}

function recommendationsText(result: Recommendations, io: CliIo, personal: boolean): string {
  if (result.recommendations.length === 0 && result.unrecommendations.length === 0) {
    return personal ? 'No recommendations yet: they come from your interests (slsk interests add ITEM...).\n' : 'No recommendations.\n';
  }
  const paint = painterFor(io.stdout, io.env);
  const table = (header: string, list: readonly Recommendation[]): string =>
    formatTable([{ header: 'score', align: 'right' }, { header }], list.map((entry) => [String(entry.score), entry.item]), (text) => paint('bold', text));
  const parts: string[] = [];
  if (result.recommendations.length > 0) parts.push(table('recommended', result.recommendations));
  if (result.unrecommendations.length > 0) parts.push(table('not recommended', result.unrecommendations));
  return parts.join('\n');
}
