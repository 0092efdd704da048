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

export interface Command {
  /** One line for the `slsk --help` overview. */
  readonly summary: string;
  /** The synopsis, e.g. `slsk decode <channel> <direction> [hex...]`. */
  readonly usage: string;
  /** One runnable example line for the overview; `help` holds more. */
  readonly example: string;
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

/** Writes text and waits when the stream's buffer is full, so piping a large capture stays bounded. */
export async function writeOut(out: CliOutput, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}
