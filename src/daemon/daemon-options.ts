// The daemon's settings while it runs: read, a change checked (validate), and a change applied (PATCH).
// A change must name only settings the schema marks `runtime` AND that this daemon knows how to apply
// live (`appliers`); anything else is refused whole, each refused setting named with what to do. An
// applied change is written to the config file (the one read at start, else <data>/daemon.yaml, which
// the next start reads), so it survives a restart. Changes run one at a time.

import { persistSettings } from './config/persist.ts';
import { validateConfigPatch, type ResolvedDaemonConfig } from './config/index.ts';
import { OptionsPatchError, type OptionsApplied, type OptionsCheck, type OptionsProblem } from './options-problems.ts';

export { OptionsPatchError, type OptionsApplied, type OptionsCheck, type OptionsProblem };

/** How one setting (a dotted path) takes effect live. */
export type Applier = (config: ResolvedDaemonConfig) => void | Promise<void>;

export interface DaemonOptionsInit {
  readonly config: ResolvedDaemonConfig;
  /** Where changes are written. */
  readonly file: string;
  readonly appliers: Readonly<Record<string, Applier>>;
}

/** `path: message` as validateConfigPatch words its problems. */
function problemOf(text: string): OptionsProblem {
  const at = text.indexOf(': ');
  return at < 0 ? { setting: '', message: text } : { setting: text.slice(0, at), message: text.slice(at + 2) };
}

export class DaemonOptions {
  readonly #file: string;
  readonly #appliers: Readonly<Record<string, Applier>>;
  #config: ResolvedDaemonConfig;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(init: DaemonOptionsInit) {
    this.#config = init.config;
    this.#file = init.file;
    this.#appliers = init.appliers;
  }

  /** The settings in effect (secrets included: the route redacts them). */
  current(): ResolvedDaemonConfig {
    return this.#config;
  }

  /** The settings this daemon applies while running. */
  get live(): readonly string[] {
    return Object.keys(this.#appliers);
  }

  validate(patch: unknown): OptionsCheck {
    const result = this.#check(patch);
    return result.ok ? { ok: true, changed: result.changed } : result;
  }

  #check(patch: unknown): { ok: true; changed: readonly string[]; config: ResolvedDaemonConfig } | { ok: false; problems: OptionsProblem[] } {
    const result = validateConfigPatch(this.#config, patch);
    if (!result.ok) return { ok: false, problems: result.problems.map(problemOf) };
    const refused = result.changed.filter((path) => this.#appliers[path] === undefined);
    if (refused.length > 0) {
      return {
        ok: false,
        problems: refused.map((setting) => ({ setting, message: 'is not applied while the daemon runs yet; set it in the config file and restart the daemon' })),
      };
    }
    return { ok: true, changed: result.changed, config: result.config };
  }

  /** Applies a change (rejecting with OptionsPatchError when it cannot be) and writes it to the config file. */
  apply(patch: unknown): Promise<OptionsApplied> {
    const run = async (): Promise<OptionsApplied> => {
      const result = this.#check(patch);
      if (!result.ok) throw new OptionsPatchError(result.problems);
      const previous = this.#config;
      this.#config = result.config;
      try {
        // Settings applied together (shares.folders and shares.ignore reopen the index once) share an applier.
        for (const applier of new Set(result.changed.map((path) => this.#appliers[path]!))) await applier(result.config);
      } catch (error) {
        // The settings shown go back; what earlier appliers changed stays (each applier is all or nothing).
        this.#config = previous;
        // A value the schema allows but the part refuses (a share name that cannot be a virtual path…).
        const message = `could not be applied: ${error instanceof Error ? error.message : String(error)}`;
        throw new OptionsPatchError(result.changed.map((setting) => ({ setting, message })));
      }
      try {
        await persistSettings(this.#file, result.config, result.changed);
        return { changed: result.changed, persistedTo: this.#file, persistError: undefined };
      } catch (error) {
        return { changed: result.changed, persistedTo: undefined, persistError: `could not write ${this.#file}: ${error instanceof Error ? error.message : String(error)}` };
      }
    };
    const done = this.#queue.then(run);
    this.#queue = done.catch(() => {});
    return done;
  }
}
