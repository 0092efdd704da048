// `slsk server status`: what the server running on a data folder says about itself (its status
// file, src/server/status.ts): address, uptime, users online and the shape of the distributed tree.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, defaultConfig, type ServerConfigInput } from '../../server/config.ts';
import { STATUS_FILE, type ServerStatus } from '../../server/status.ts';
import { describeTree } from '../../server/tree.ts';
import { ExitCode, parseCommandArgs, UsageError, writeOut, type CliIo } from '../command.ts';
import { formatJson } from '../json.ts';
import { settingsFrom } from './server-config.ts';

export const statusHelp = `Status: slsk server status [--data DIR] [--config FILE] [--json]

Shows the server running on the data folder (default ${defaultConfig.dataDir}): its address and
process, how long it has run, the users online and the shape of the distributed search tree
(branch roots, depth, children per parent: the most, the mean, and how many users have 0, 1, 2, …
children). A running server updates what this reads every 2 seconds.

Options:
  --data DIR        the server's data folder (default ${defaultConfig.dataDir})
  --config FILE     the server's config file, for its dataDir (default: none)
  --json            one JSON object: {"pid", "host", "port", "startedAt", "updatedAt", "online",
                    "tree": {"participants", "branchRoots", "depth", "notPlaced", "largestBranch",
                    "childrenPerParent": {"max", "mean", "histogram"}}}

Exit status: 0 a server is running, 1 no server is running on that folder, 2 wrong options.

Examples:
  slsk server status
  slsk server status --data /srv/slsk --json
`;

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function runStatusCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: slsk server status takes only options`);
  let dataDir: string;
  try {
    const overrides: ServerConfigInput = values.data === undefined ? {} : { dataDir: values.data };
    dataDir = settingsFrom(values.config, overrides).dataDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`slsk server status: ${error.message}\n`);
    return ExitCode.usage;
  }
  const path = join(dataDir, STATUS_FILE);
  let status: ServerStatus;
  try {
    status = JSON.parse(await readFile(path, 'utf8')) as ServerStatus;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    io.stderr.write(
      missing
        ? `slsk server status: no server is running on ${dataDir} (no ${path}); start one with 'slsk server --data ${dataDir}', or give its folder with --data\n`
        : `slsk server status: cannot read ${path}: ${(error as Error).message}\n`,
    );
    return ExitCode.failure;
  }
  if (!isRunning(status.pid)) {
    io.stderr.write(`slsk server status: the server that ran on ${dataDir} (pid ${status.pid}, last seen ${status.updatedAt}) is not running any more; start it with 'slsk server --data ${dataDir}'\n`);
    return ExitCode.failure;
  }
  if (values.json === true) {
    await writeOut(io.stdout, `${formatJson(status, true)}\n`);
    return ExitCode.ok;
  }
  const up = describeUptime(Date.now() - Date.parse(status.startedAt));
  const lines = [
    `slsk server on ${status.host}:${status.port} (pid ${status.pid}), up ${up}, ${status.online} user${status.online === 1 ? '' : 's'} online.`,
    ...describeTree(status.tree),
  ];
  await writeOut(io.stdout, `${lines.join('\n')}\n`);
  return ExitCode.ok;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeUptime(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}
