// The contract every `slsk` subcommand implements, and the few helpers they share (streams to
// write to, argument parsing that turns mistakes into usage errors).

import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A stream the CLI writes text to; process.stdout in real use, a buffer in a test. */
export interface CliOutput {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
}

/** Everything a command may touch of the outside world, so it can run in-process in a test. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A subcommand; its line in the `slsk --help` overview is its entry in main.ts's table. */
export interface Command {
  /** The synopsis, e.g. `slsk decode <channel> <direction> [hex...]`. */
  readonly usage: string;
  /** The full text of `slsk <command> --help`, examples included. */
  readonly help: string;
  /** Help for a subcommand (`slsk server user --help`), when the arguments name one. */
  helpFor?(argv: readonly string[]): string | undefined;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The command ran but its input was bad (a frame that does not decode, …). */
  failure: 1,
  /** The command line itself was wrong: unknown command, option or value. */
  usage: 2,
} as const;

/** A mistake on the command line. The dispatcher prints it with a pointer to `--help`, exit 2. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/**
 * `node:util` parseArgs in strict mode, with its TypeErrors (unknown option, missing value) turned
 * into UsageErrors so the user sees a usage message rather than a stack trace.
 */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/**
 * Marks a word that starts with one `-` as a query word for parseArgs: NUL cannot occur in a real
 * argument (the OS passes C strings), so the mark is unambiguous and is taken off after parsing.
 */
const QUERY_WORD_MARK = '\0';

/**
 * Arguments of a command that takes a search query (search, get). A word starting with a single
 * `-` is a Soulseek exclusion (`drift -departure`: files without "departure"), so it is a word of
 * the query, not an option; `-h` stays the help flag. A query word that is spelled like one of the
 * command's options (`-timeout`) gets a warning saying how to write the option. After `--` every
 * argument is a query word, so an option written there would silently search for its name: that
 * is refused with the way to write it.
 */
export function parseQueryArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  command: string,
  warn: (message: string) => void,
) {
  const optionNames = new Set(Object.keys(options));
  const takesValue = (arg: string): boolean => {
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    return name !== undefined && options[name]?.type === 'string';
  };
  const marked: string[] = [];
  let afterSeparator = false;
  for (const [i, arg] of argv.entries()) {
    if (afterSeparator) {
      const name = /^--([^=]+)/.exec(arg)?.[1];
      if (name !== undefined && (optionNames.has(name) || name === 'help')) {
        throw new UsageError(
          `${arg} comes after --, where every argument is a word of the query: put options before -- ` +
            `(a word starting with - needs no --: slsk ${command} drift -departure --${name}${options[name]?.type === 'string' ? ' VALUE' : ''})`,
        );
      }
      marked.push(arg);
      continue;
    }
    if (arg === '--') {
      afterSeparator = true;
      marked.push(arg);
      continue;
    }
    const isValue = i > 0 && takesValue(argv[i - 1]!);
    if (!isValue && /^-[^-]/.test(arg) && arg !== '-h') {
      const word = arg.slice(1);
      if (optionNames.has(word) || optionNames.has(word.split('=')[0]!)) {
        warn(`${arg} is taken as an exclusion (files without "${word}"); for the option, write --${word}`);
      }
      marked.push(QUERY_WORD_MARK + arg);
      continue;
    }
    marked.push(arg);
  }
  const parsed = parseCommandArgs(marked, options);
  return { ...parsed, positionals: parsed.positionals.map((word) => (word.startsWith(QUERY_WORD_MARK) ? word.slice(1) : word)) };
}

/** Writes text and waits when the stream's buffer is full, so piping a large capture stays bounded. */
export async function writeOut(out: CliOutput, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}
