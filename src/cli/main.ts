// The `slsk` command line: finds the subcommand in the table below, loads its module and runs it.
// A new subcommand is a module in ./commands exporting a Command, plus one entry in `commands`.

import { readFileSync } from 'node:fs';
import { ExitCode, UsageError, type CliIo, type Command } from './command.ts';
import { painterFor } from './style.ts';

/**
 * A subcommand as the dispatcher knows it: its line of the overview, and how to load it. The
 * module is imported only when that command runs or shows its help, so `slsk --version` and
 * `slsk --help` load none of them, and no command pays for another's modules (the protocol codec,
 * SQLite, the logger, audio tag parsing).
 */
export interface CommandEntry {
  /** One line for the `slsk --help` overview. */
  readonly summary: string;
  /** One runnable example line for the overview; the command's help holds more. */
  readonly example: string;
  load(): Promise<Command>;
}

/** Every subcommand, in the order `slsk --help` lists them. */
export const commands: ReadonlyMap<string, CommandEntry> = new Map<string, CommandEntry>([
  [
    'login',
    {
      summary: 'Log in to a server and show its greeting, your IP and listen port: checks your settings',
      example: 'slsk login --server server.slsknet.org:2242 --username alice --password s3cret',
      load: async () => (await import('./commands/login.ts')).loginCommand,
    },
  ],
  [
    'search',
    {
      summary: 'Search the network, a room or a user for files; a live count, then a table (or JSON Lines)',
      example: 'slsk search aphex twin xtal --timeout 30',
      load: async () => (await import('./commands/search.ts')).searchCommand,
    },
  ],
  [
    'browse',
    {
      summary: "List a user's shared folders and files",
      example: 'slsk browse bob',
      load: async () => (await import('./commands/browse.ts')).browseCommand,
    },
  ],
  [
    'download',
    {
      summary: "Download one file from a user's shares, with a progress bar",
      example: "slsk download bob 'Music\\Aphex Twin\\01 - Xtal.mp3' --to ~/Music",
      load: async () => (await import('./commands/download.ts')).downloadCommand,
    },
  ],
  [
    'get',
    {
      summary: 'Search, pick the best file found, and download it',
      example: 'slsk get aphex twin xtal --to ~/Music',
      load: async () => (await import('./commands/get.ts')).getCommand,
    },
  ],
  [
    'transfers',
    {
      summary: "The running daemon's downloads and uploads: list, watch live, cancel, retry, clear",
      example: 'slsk transfers watch',
      load: async () => (await import('./commands/transfers.ts')).transfersCommand,
    },
  ],
  [
    'share',
    {
      summary: 'Share folders and stay online: answer searches and browses, upload files, until Ctrl-C',
      example: 'slsk share ~/Music',
      load: async () => (await import('./commands/share.ts')).shareCommand,
    },
  ],
  [
    'daemon',
    {
      summary: 'Run the always-on client with its HTTP API and live events, until Ctrl-C',
      example: 'slsk daemon --username alice --share ~/Music',
      load: async () => (await import('./commands/daemon.ts')).daemonCommand,
    },
  ],
  [
    'info',
    {
      summary: "Show a user's status, statistics and user info (description, slots, queue)",
      example: 'slsk info bob',
      load: async () => (await import('./commands/info.ts')).infoCommand,
    },
  ],
  [
    'rooms',
    {
      summary: 'List the chat rooms with their user counts',
      example: 'slsk rooms --json',
      load: async () => (await import('./commands/rooms.ts')).roomsCommand,
    },
  ],
  [
    'room',
    {
      summary: 'Private rooms (create, add, remove, op, members, disband…) and room tickers',
      example: 'slsk room create friends',
      load: async () => (await import('./commands/room.ts')).roomCommand,
    },
  ],
  [
    'chat',
    {
      summary: 'Chat in a room: shows members and messages, sends the lines typed (or piped in)',
      example: 'slsk chat electronica',
      load: async () => (await import('./commands/chat.ts')).chatCommand,
    },
  ],
  [
    'pm',
    {
      summary: 'Send a private message, and with --wait print the answer',
      example: 'slsk pm bob "hi bob" --wait 60',
      load: async () => (await import('./commands/pm.ts')).pmCommand,
    },
  ],
  [
    'interests',
    {
      summary: 'Show and change the things you like and hate (for recommendations)',
      example: 'slsk interests add electronic idm',
      load: async () => (await import('./commands/interests.ts')).interestsCommand,
    },
  ],
  [
    'recommendations',
    {
      summary: 'Show recommended items: from your interests, the whole network (--global) or one item',
      example: 'slsk recommendations --global',
      load: async () => (await import('./commands/recommendations.ts')).recommendationsCommand,
    },
  ],
  [
    'similar',
    {
      summary: 'Show users with interests like yours, or who like one item (--item)',
      example: 'slsk similar --item electronic',
      load: async () => (await import('./commands/similar.ts')).similarCommand,
    },
  ],
  [
    'privileges',
    {
      summary: 'Show your privileges left or a user’s, or give days of yours to a user',
      example: 'slsk privileges give bob 7',
      load: async () => (await import('./commands/privileges.ts')).privilegesCommand,
    },
  ],
  [
    'buddy',
    {
      summary: 'Keep your buddy list: buddies may open the folders you share with buddies only',
      example: 'slsk buddy add bob --note "great rips"',
      load: async () => (await import('./commands/buddy.ts')).buddyCommand,
    },
  ],
  [
    'ignore',
    {
      summary: 'Keep your ignore list: an ignored user gets nothing from you',
      example: 'slsk ignore add spammer42',
      load: async () => (await import('./commands/ignore.ts')).ignoreCommand,
    },
  ],
  [
    'admin',
    {
      summary: 'Send an administrator command to the server (kick, ban, announce…) and print the reply',
      example: 'slsk admin help',
      load: async () => (await import('./commands/admin.ts')).adminCommand,
    },
  ],
  [
    'decode',
    {
      summary: 'Decode hex frames (from a capture or log) into JSON messages',
      example: 'slsk decode server request 0800000002000000ba080000',
      load: async () => (await import('./commands/decode.ts')).decodeCommand,
    },
  ],
  [
    'server',
    {
      summary: 'Run a Soulseek server, and manage its accounts (slsk server user ...)',
      example: 'slsk server --host 0.0.0.0 --port 2242 --data ./data',
      load: async () => (await import('./commands/server.ts')).serverCommand,
    },
  ],
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
      return print(io, (await findCommand(commandName).load()).help);
    }
    if (first.startsWith('-')) {
      throw new UsageError(`unknown option ${first}: slsk takes --help or --version before a command`);
    }
    commandName = first;
    const command = await findCommand(commandName).load();
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

function findCommand(name: string): CommandEntry {
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
