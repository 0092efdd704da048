// Loading the daemon's settings: the config file, then SLSK_* environment variables, then flags, each
// overriding the one before; defaults for the rest; everything checked at once, every problem naming the
// setting and where its value came from.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DaemonConfig } from './schema.ts';
import { applyDefaults, isPlainObject, ROOT } from './schema-walk.ts';
import { CONFIG_ENV, environmentLayer, fileLayer, flagLayer, type Layer } from './inputs.ts';
import { ruleProblems, schemaProblems, Sources, unknownSettings, type Source } from './validate.ts';
import { defaultDataDir, homeDir, type Env } from './data-dir.ts';

/** The default config file's name, inside the data folder. */
export const CONFIG_FILE_NAME = 'daemon.yaml';

/** The settings with every folder made absolute and the derived defaults filled in. */
export type ResolvedDaemonConfig = DaemonConfig & {
  data: { folder: string };
  downloads: DaemonConfig['downloads'] & { folder: string; incompleteFolder: string };
};

export interface LoadDaemonConfigOptions {
  /** The flags after `slsk daemon`. */
  readonly argv?: readonly string[];
  readonly env?: Env;
  readonly cwd?: string;
  /** Overrides --config and SLSK_DAEMON_CONFIG. */
  readonly configPath?: string;
}

export interface LoadedDaemonConfig {
  readonly config: ResolvedDaemonConfig;
  /** The config file read, if any. */
  readonly configFile: string | undefined;
  /** Where each setting given came from. */
  readonly sources: Sources;
}

export class DaemonConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `The daemon's settings have ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n` +
        problems.map((problem) => `  - ${problem}\n`).join('') +
        'Fix them in the config file, the SLSK_* environment or the flags; daemon.example.yaml lists every setting.',
    );
    this.name = 'DaemonConfigError';
    this.problems = problems;
  }
}

/** Objects merge setting by setting; anything else (a value, a list) replaces what was there. */
export function mergeSettings(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(over)) out[name] = mergeSettings(base[name], value);
  return out;
}

const expandHome = (path: string, env: Env): string => (path === '~' || path.startsWith('~/') ? join(homeDir(env), path.slice(1)) : path);

function folder(path: string, source: Source | undefined, cwd: string, env: Env): string {
  return resolve(source?.base ?? cwd, expandHome(path, env));
}

export async function loadDaemonConfig(options: LoadDaemonConfigOptions = {}): Promise<LoadedDaemonConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const flags = flagLayer(options.argv ?? [], cwd);
  const environment = environmentLayer(env, cwd);

  // The file is found before it is read, so its own data.folder cannot say where it is.
  const earlyData = ((flags.value['data'] ?? environment.value['data']) as { folder?: unknown } | undefined)?.folder;
  const dataForFile = folder(typeof earlyData === 'string' ? earlyData : defaultDataDir(env), undefined, cwd, env);
  const named = options.configPath ?? flags.configPath ?? (env[CONFIG_ENV] === '' ? undefined : env[CONFIG_ENV]);
  const namedBy = options.configPath !== undefined ? 'the caller' : flags.configPath !== undefined ? '--config' : CONFIG_ENV;
  const defaultFile = join(dataForFile, CONFIG_FILE_NAME);
  const configFile = named !== undefined ? resolve(cwd, expandHome(named, env)) : existsSync(defaultFile) ? defaultFile : undefined;
  // A missing file it was told to read is a problem; the default one is read only if it is there.
  const file: Layer = configFile === undefined ? { value: {}, sources: new Map(), problems: [] } : await fileLayer(configFile, named === undefined ? configFile : `${configFile} (named by ${namedBy})`);

  const sources = new Sources();
  // Values from the file are labelled with its path alone, which is what the user recognizes.
  if (file.source !== undefined && configFile !== undefined) sources.record(file.value, { ...file.source, label: configFile });
  for (const layer of [environment, flags]) for (const [path, source] of layer.sources) sources.set(path, source);

  let merged = mergeSettings(mergeSettings(file.value, environment.value), flags.value) as Record<string, unknown>;
  const givenShares = isPlainObject(merged['shares']) ? merged['shares'] : {};
  // (Added only to a list: a wrong value stays for the validator to report.)
  if (flags.shares.length > 0 && (givenShares['folders'] === undefined || Array.isArray(givenShares['folders']))) {
    const shares = givenShares;
    const given = (shares['folders'] ?? []) as unknown[];
    flags.shares.forEach((path, i) => sources.set(`shares.folders[${given.length + i}]`, { label: '--share', base: cwd }));
    merged = { ...merged, shares: { ...shares, folders: [...given, ...flags.shares.map((path) => ({ path }))] } };
  }

  const problems = [
    ...file.problems,
    ...environment.problems,
    ...flags.problems,
    ...[file, environment, flags].flatMap((layer) => unknownSettings(layer.value, sources)),
  ];
  const withDefaults = applyDefaults(ROOT, merged);
  problems.push(...schemaProblems(withDefaults, sources), ...ruleProblems(withDefaults, sources));
  if (problems.length > 0) throw new DaemonConfigError(problems);

  const config = withDefaults as DaemonConfig;
  const dataDir = config.data.folder === undefined ? dataForFile : folder(config.data.folder, sources.of(['data', 'folder']), cwd, env);
  const downloads = config.downloads.folder === undefined ? join(dataDir, 'downloads') : folder(config.downloads.folder, sources.of(['downloads', 'folder']), cwd, env);
  const incomplete =
    config.downloads.incompleteFolder === undefined ? join(dataDir, 'incomplete') : folder(config.downloads.incompleteFolder, sources.of(['downloads', 'incompleteFolder']), cwd, env);
  const resolved: ResolvedDaemonConfig = {
    ...config,
    data: { ...config.data, folder: dataDir },
    downloads: { ...config.downloads, folder: downloads, incompleteFolder: incomplete },
    shares: {
      ...config.shares,
      folders: config.shares.folders.map((share, i) => ({ ...share, path: folder(share.path, sources.of(['shares', 'folders', i]), cwd, env) })),
    },
  };
  return { config: resolved, configFile, sources };
}
