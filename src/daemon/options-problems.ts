// What a change of settings (PATCH /api/v1/options) can come to: the problems that refuse it, each
// naming its setting, or what was applied. Apart from daemon-options.ts so the HTTP layer can import it
// without the settings loader (which imports the HTTP server's defaults).

/** One problem with a change: the setting it is about (a dotted path) and what is wrong. */
export interface OptionsProblem {
  readonly setting: string;
  readonly message: string;
}

export type OptionsCheck = { readonly ok: true; readonly changed: readonly string[] } | { readonly ok: false; readonly problems: readonly OptionsProblem[] };

export interface OptionsApplied {
  readonly changed: readonly string[];
  /** The file the change was written to; undefined when writing failed (see persistError). */
  readonly persistedTo: string | undefined;
  readonly persistError: string | undefined;
}

export class OptionsPatchError extends Error {
  override readonly name = 'OptionsPatchError';
  readonly problems: readonly OptionsProblem[];
  constructor(problems: readonly OptionsProblem[]) {
    super(problems.map((problem) => `${problem.setting}: ${problem.message}`).join('; '));
    this.problems = problems;
  }
}
