// The `slsk` command line: finds the subcommand in the table below and runs it. A new subcommand
// is a module in ./commands exporting a Command, plus one line in `commands`.

import { readFileSync } from 'node:fs';
import { ExitCode, UsageError, type CliIo, type Command } from './command.ts';
import { adminCommand } from './commands/admin.ts';
import { browseCommand } from './commands/browse.ts';
import { buddyCommand } from './commands/buddy.ts';
import { chatCommand } from './commands/chat.ts';
import { decodeCommand } from './commands/decode.ts';
import { downloadCommand } from './commands/download.ts';
import { getCommand } from './commands/get.ts';
import { ignoreCommand } from './commands/ignore.ts';
import { infoCommand } from './commands/info.ts';
import { interestsCommand } from './commands/interests.ts';
import { loginCommand } from './commands/login.ts';
import { pmCommand } from './commands/pm.ts';
import { roomCommand } from './commands/room.ts';
import { privilegesCommand } from './commands/privileges.ts';
import { recommendationsCommand } from './commands/recommendations.ts';
import { roomsCommand } from './commands/rooms.ts';
import { searchCommand } from './commands/search.ts';
import { serverCommand } from './commands/server.ts';
import { shareCommand } from './commands/share.ts';
import { similarCommand } from './commands/similar.ts';
import { painterFor } from './style.ts';

/** Every subcommand, in the order `slsk --help` lists them. */
export const commands: ReadonlyMap<string, Command> = new Map([
  ['login', loginCommand],
  ['search', searchCommand],
  ['browse', browseCommand],
  ['download', downloadCommand],
  ['get', getCommand],
  ['share', shareCommand],
  ['info', infoCommand],
  ['rooms', roomsCommand],
  ['room', roomCommand],
  ['chat', chatCommand],
  ['pm', pmCommand],
  ['interests', interestsCommand],
  ['recommendations', recommendationsCommand],
  ['similar', similarCommand],
  ['privileges', privilegesCommand],
  ['buddy', buddyCommand],
  ['ignore', ignoreCommand],
  ['admin', adminCommand],
  ['decode', decodeCommand],
  ['server', serverCommand],
]);

const HELP_FLAGS = new Set(['-h', '--help']);

/** Runs `slsk` with the arguments after the program name; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  let commandName: string | undefined;
  try {
    if (first === undefined || HELP_FLAGS.has(first)) return print(io, overview(io));
    if (first === '--version') return print(io, `${packageVersion()}\n`);
    if (first === 'help') {
      if (rest[0] === undefined) return print(io, overview(io));
      commandName = rest[0];
      return print(io, findCommand(commandName).help);
    }
    if (first.startsWith('-')) {
      throw new UsageError(`unknown option ${first}: slsk takes --help or --version before a command`);
    }
    commandName = first;
    const command = findCommand(commandName);
    if (asksForHelp(rest)) return print(io, command.helpFor?.(rest) ?? command.help);
    return await command.run(rest, io);
  } catch (error) {
    const prefix = commands.has(commandName ?? '') ? `slsk ${commandName}` : 'slsk';
    if (error instanceof UsageError) {
      const helpCommand = prefix === 'slsk' ? 'slsk --help' : `${prefix} --help`;
      io.stderr.write(`${prefix}: ${error.message}\nRun '${helpCommand}' for usage and examples.\n`);
      return ExitCode.usage;
    }
    // Not the user's mistake: show everything, it is what a bug report needs.
    const paint = painterFor(io.stderr, io.env);
    io.stderr.write(`${prefix}: ${paint('red', 'unexpected error')}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.failure;
  }
}

function findCommand(name: string): Command {
  const command = commands.get(name);
  if (command === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are: ${[...commands.keys()].join(', ')}`);
  }
  return command;
}

/** `-h`/`--help` anywhere before a `--` (after it, arguments are taken literally). */
function asksForHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (HELP_FLAGS.has(arg)) return true;
  }
  return false;
}

function overview(io: CliIo): string {
  const bold = (text: string) => painterFor(io.stdout, io.env)('bold', text);
  const width = Math.max(...[...commands.keys()].map((name) => name.length));
  const list = [...commands].map(
    ([name, command]) => `  ${bold(name.padEnd(width))}   ${command.summary}\n  ${' '.repeat(width)}     e.g. ${command.example}`,
  );
  return `slsk ${packageVersion()}: the Soulseek network from the command line

${bold('Usage:')} slsk <command> [arguments] [options]

${bold('Commands:')}
${list.join('\n')}

${bold('Options:')}
  -h, --help   show this list; 'slsk <command> --help' (or 'slsk help <command>') shows one command
  --version    print the version

Run 'slsk <command> --help' for a command's arguments and more examples.
`;
}

function print(io: CliIo, text: string): number {
  io.stdout.write(text);
  return ExitCode.ok;
}

/** The version in package.json, which sits two folders up from both src/cli and dist/cli. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The real process's streams. A closed pipe (`slsk decode … | head -1`) ends the process quietly. */
function processIo(): CliIo {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? ExitCode.ok);
  });
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}
