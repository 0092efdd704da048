// The three places settings come from, each turned into a partial configuration plus the source of each
// value: the config file (YAML or JSON), SLSK_* environment variables and command-line flags. Text from the
// environment and flags is parsed by the setting's type; whether it fits is the validator's job, so every
// problem is reported the same way.

import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { editDistance, isPlainObject, nearest, SETTINGS, type Node, type Setting } from './schema-walk.ts';
import type { Source } from './validate.ts';

/** Settings as given by one source: nested groups, only what that source sets. */
export type SettingsTree = Record<string, unknown>;

export interface Layer {
  readonly value: SettingsTree;
  /** The source of each setting set, by dotted path. */
  readonly sources: ReadonlyMap<string, Source>;
  readonly problems: readonly string[];
  /** The file's one source for all it sets. */
  readonly source?: Source;
}

/** Older names the one-shot `slsk` commands already read; the schema-derived name wins when both are set. */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  SLSK_DATA: 'data.folder',
  SLSK_SERVER: 'soulseek.server',
  SLSK_USERNAME: 'soulseek.username',
  SLSK_PASSWORD: 'soulseek.password',
};

/** Short flags for the settings people set most; every setting also has its `--group.name` flag. */
export const FLAG_ALIASES: Readonly<Record<string, string>> = {
  '--host': 'http.host',
  '--port': 'http.port',
  '--server': 'soulseek.server',
  '--username': 'soulseek.username',
  '--password': 'soulseek.password',
  '--listen-port': 'soulseek.listenPort',
  '--data': 'data.folder',
  '--downloads': 'downloads.folder',
  '--log-level': 'logging.level',
};

/** `--share DIR` (repeatable) adds a shared folder to those of the file and environment. */
export const SHARE_FLAG = '--share';
/** The config file; also `SLSK_DAEMON_CONFIG`. */
export const CONFIG_FLAG = '--config';
export const CONFIG_ENV = 'SLSK_DAEMON_CONFIG';

const BY_PATH = new Map(SETTINGS.map((setting) => [setting.path, setting]));
const BY_ENV = new Map(SETTINGS.map((setting) => [setting.env, setting]));
const BY_FLAG = new Map(SETTINGS.map((setting) => [setting.flag, setting]));

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false };

function parseScalar(node: Node, text: string): unknown {
  const trimmed = text.trim();
  if ((node.type === 'integer' || node.type === 'number') && NUMBER.test(trimmed)) return Number(trimmed);
  if (node.type === 'boolean') return BOOLEANS[trimmed.toLowerCase()] ?? text;
  return text;
}

/**
 * A setting's value from text: numbers and booleans by type, a list of plain values comma-separated
 * (`a,b`) or as JSON, and a list of records or a mapping as JSON.
 */
export function parseText(setting: Setting, text: string, label: string): { value: unknown } | { problem: string } {
  const node = setting.schema;
  const structured = node.type === 'object' || node.patternProperties !== undefined || (node.type === 'array' && node.items?.type === 'object');
  if (structured || (node.type === 'array' && text.trim().startsWith('['))) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      return { problem: `${setting.path}: is not valid JSON (${(error as Error).message}); write it as JSON, e.g. ${node.type === 'array' ? '[{"…": …}]' : '{"…": "…"}'} (from ${label})` };
    }
  }
  if (node.type === 'array') {
    const items = node.items ?? {};
    return { value: text.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => parseScalar(items, part)) };
  }
  return { value: parseScalar(node, text) };
}

function setPath(target: SettingsTree, path: string, value: unknown): void {
  const names = path.split('.');
  let node = target;
  for (const name of names.slice(0, -1)) {
    const next = node[name];
    node = isPlainObject(next) ? next : (node[name] = {});
  }
  node[names.at(-1)!] = value;
}

/** SLSK_* variables named after settings (SLSK_HTTP_PORT for http.port), and the older aliases. */
export function environmentLayer(env: Readonly<Record<string, string | undefined>>, cwd: string): Layer {
  const value: SettingsTree = {};
  const sources = new Map<string, Source>();
  const problems: string[] = [];
  const given: [string, Setting][] = [];
  for (const [alias, path] of Object.entries(ENV_ALIASES)) if (env[BY_PATH.get(path)!.env] === undefined) given.push([alias, BY_PATH.get(path)!]);
  for (const setting of SETTINGS) given.push([setting.env, setting]);
  for (const [name, setting] of given) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const parsed = parseText(setting, text, name);
    if ('problem' in parsed) problems.push(parsed.problem);
    else {
      setPath(value, setting.path, parsed.value);
      sources.set(setting.path, { label: name, base: cwd });
    }
  }
  problems.push(...misspeltVariables(env));
  return { value, sources, problems };
}

/** SLSK_ names other tools and the one-shot commands read: never taken for a misspelt setting. */
const OTHER_VARIABLES = new Set(['SLSK_CONFIG', CONFIG_ENV]);

/**
 * An SLSK_ variable one or two letters away from a setting's (SLSK_HTTP_PROT) is almost surely a typo that
 * would otherwise be ignored in silence. Others (SLSK_FOO_BAR) may belong to something else and are left alone.
 */
function misspeltVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = [...BY_ENV.keys(), ...Object.keys(ENV_ALIASES)];
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('SLSK_') || BY_ENV.has(name) || name in ENV_ALIASES || OTHER_VARIABLES.has(name)) continue;
    const near = known.find((candidate) => editDistance(name, candidate) <= 2);
    if (near !== undefined) problems.push(`${name}: not a setting; did you mean ${near}? (SLSK_ + the setting's path in upper snake case, e.g. SLSK_HTTP_PORT)`);
  }
  return problems;
}

export interface FlagLayer extends Layer {
  /** --config, if given. */
  readonly configPath: string | undefined;
  /** Folders from --share, in order. */
  readonly shares: readonly string[];
}

/** `--http.port 5031`, `--http.port=5031`, a bare boolean flag (`--auth.secureCookie`), the aliases, --share and --config. */
export function flagLayer(argv: readonly string[], cwd: string): FlagLayer {
  const value: SettingsTree = {};
  const sources = new Map<string, Source>();
  const problems: string[] = [];
  const shares: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const setting = BY_FLAG.get(flag) ?? BY_PATH.get(FLAG_ALIASES[flag] ?? '');
    const known = setting !== undefined || flag === SHARE_FLAG || flag === CONFIG_FLAG;
    if (!known) {
      if (!flag.startsWith('-')) problems.push(`${flag}: unexpected argument; settings are flags such as --http.port 5031`);
      else {
        const near = nearest(flag, [...BY_FLAG.keys(), ...Object.keys(FLAG_ALIASES), SHARE_FLAG, CONFIG_FLAG]);
        problems.push(`${flag}: unknown flag${near === undefined ? '' : `; did you mean ${near}?`} (every setting has a flag: --group.name VALUE)`);
        // Its value, if it has one, is not another problem.
        if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
      }
      continue;
    }
    const next = argv[i + 1];
    const bare = setting?.schema.type === 'boolean' && inline === undefined && (next === undefined || next.startsWith('--') || BOOLEANS[next.toLowerCase()] === undefined);
    let text: string;
    if (inline !== undefined) text = inline;
    else if (bare) text = 'true';
    else if (next === undefined) {
      problems.push(`${flag}: needs a value, e.g. ${flag} ${setting?.schema.type === 'integer' ? '5031' : 'VALUE'}`);
      continue;
    } else text = argv[++i]!;
    if (flag === CONFIG_FLAG) configPath = text;
    else if (flag === SHARE_FLAG) shares.push(text);
    else {
      const parsed = parseText(setting!, text, flag);
      if ('problem' in parsed) problems.push(parsed.problem);
      else {
        setPath(value, setting!.path, parsed.value);
        sources.set(setting!.path, { label: flag, base: cwd });
      }
    }
  }
  return { value, sources, problems, configPath, shares };
}

/** The config file: JSON for `.json`, YAML otherwise (YAML also reads JSON). */
export async function fileLayer(path: string, label: string): Promise<Layer> {
  const source: Source = { label, base: dirname(path) };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    return { value: {}, sources: new Map(), problems: [`config file ${label} ${reason}; create it from daemon.example.yaml or point --config elsewhere`] };
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const kind = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    return { value: {}, sources: new Map(), problems: [`config file ${label} is not valid ${kind}: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (parsed === null || parsed === undefined) parsed = {};
  if (!isPlainObject(parsed)) {
    return { value: {}, sources: new Map(), problems: [`config file ${label} must hold a mapping of settings (http:, soulseek:, …), not ${Array.isArray(parsed) ? 'a list' : typeof parsed}`] };
  }
  return { value: parsed, sources: new Map(), problems: [], source };
}
