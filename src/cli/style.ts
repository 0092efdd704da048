// Terminal colour for the CLI: only on a TTY and only when NO_COLOR is unset (https://no-color.org),
// so piped output and logs stay plain text.

import { styleText } from 'node:util';
import type { CliOutput } from './command.ts';

type Format = Parameters<typeof styleText>[0];

export type Paint = (format: Format, text: string) => string;

/** A colouring function for one stream: styles text on a colour-capable TTY, returns it unchanged otherwise. */
export function painterFor(stream: CliOutput, env: Readonly<Record<string, string | undefined>>): Paint {
  const colour = stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
  // validateStream is off because the decision above is ours (it looks at the CliIo's env, not process.env).
  return colour ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}
