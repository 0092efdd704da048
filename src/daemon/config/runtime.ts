// The settings as the API sees them: read with secrets redacted, and changed while the daemon runs — only
// the settings the schema marks `runtime`, checked by the same rules as at start.

import { isAbsolute } from 'node:path';
import { REDACTED } from '../http/redact.ts';
import type { DaemonHttpOptions } from '../http/server.ts';
import type { DaemonConfig } from './schema.ts';
import { applyDefaults, displayPath, isGroup, isPlainObject, ROOT, SETTINGS, suggestion, type Node, type Segment } from './schema-walk.ts';
import { mergeSettings } from './load.ts';
import { ruleProblems, schemaProblems, Sources } from './validate.ts';

function hideLeaves(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (Array.isArray(value)) return value.map(hideLeaves);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, hideLeaves(child)]));
  return REDACTED;
}

function redact(node: Node | undefined, value: unknown): unknown {
  if (node === undefined) return value;
  // A secret mapping (webhook headers) keeps its names: which headers are sent is not the secret.
  if (node.secret === true) return hideLeaves(value);
  if (Array.isArray(value)) return value.map((item) => redact(node.items, item));
  if (isPlainObject(value) && node.properties !== undefined) {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, redact(node.properties![name], child)]));
  }
  return value;
}

/** A copy with every value the schema marks secret replaced by REDACTED (empty values stay empty). */
export function redactConfig<T extends DaemonConfig>(config: T): T {
  return redact(ROOT, config) as T;
}

/**
 * The property names of the schema's secrets (password, key, passwordHash, headers): give them to the HTTP
 * layer's name-based redaction (`secretKeys` of startDaemonHttp, added to SECRET_OPTION_KEYS) so a secret
 * declared here is hidden there too.
 */
export function secretSettingNames(): string[] {
  const names = new Set<string>();
  const walk = (node: Node, name: string | undefined): void => {
    if (node.secret === true && name !== undefined) names.add(name);
    for (const [child, schema] of Object.entries(node.properties ?? {})) walk(schema, child);
    if (node.items !== undefined) walk(node.items, undefined);
  };
  walk(ROOT, undefined);
  return [...names];
}

/** Everything startDaemonHttp needs from the settings (add `services`). */
export function httpOptionsFromConfig(config: DaemonConfig): Omit<DaemonHttpOptions, 'services'> {
  return {
    host: config.http.host,
    port: config.http.port,
    bodyLimit: config.http.bodyLimit,
    trustedProxies: config.http.trustedProxies,
    auth: config.auth,
  };
}

export type PatchResult<T> =
  | { readonly ok: true; readonly config: T; readonly changed: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const PATCH_SOURCE = { label: 'the change', base: '' };

/** Settings the patch sets (groups walked, a list or mapping is one setting); unknown names and restart-only ones are problems. */
function walkPatch(node: Node, patch: unknown, segments: readonly Segment[], changed: string[], problems: string[]): void {
  if (!isPlainObject(patch)) {
    problems.push(`${segments.length === 0 ? 'the change' : displayPath(segments)}: must be a mapping of settings, e.g. {"transfers": {"uploadSlots": 4}}`);
    return;
  }
  for (const [name, value] of Object.entries(patch)) {
    const at = [...segments, name];
    const child = node.properties?.[name];
    if (child === undefined) {
      const near = suggestion(node, segments, name);
      problems.push(`${displayPath(at)}: unknown setting${near === undefined ? '' : `; did you mean ${near}?`}`);
    } else if (isGroup(child) && child.runtime !== true) {
      walkPatch(child, value, at, changed, problems);
    } else if (child.runtime !== true) {
      problems.push(`${displayPath(at)}: cannot change while the daemon runs; set it in the config file and restart the daemon`);
    } else {
      changed.push(displayPath(at));
    }
  }
}

/** Folders changed at run time must be absolute: there is no config file or working folder to resolve them from. */
function absolutePaths(config: DaemonConfig, changed: readonly string[]): string[] {
  const problems: string[] = [];
  // Only values of the right type: a wrong type is reported by schemaProblems.
  const folder: unknown = config.downloads.folder;
  if (changed.includes('downloads.folder') && typeof folder === 'string' && !isAbsolute(folder)) {
    problems.push('downloads.folder: must be an absolute path');
  }
  const shares: unknown = config.shares.folders;
  if (changed.includes('shares.folders') && Array.isArray(shares)) {
    shares.forEach((share: unknown, i) => {
      const path = isPlainObject(share) ? share['path'] : undefined;
      if (typeof path === 'string' && !isAbsolute(path)) problems.push(`shares.folders[${i}].path: must be an absolute path`);
    });
  }
  return problems;
}

/** The configuration with `patch` applied, or every reason it cannot be: unknown, restart-only or invalid settings. */
export function validateConfigPatch<T extends DaemonConfig>(config: T, patch: unknown): PatchResult<T> {
  const changed: string[] = [];
  const problems: string[] = [];
  walkPatch(ROOT, patch, [], changed, problems);
  if (problems.length > 0) return { ok: false, problems };
  // A record added by the patch (a shared folder, a webhook) gets its defaults as it would from the file.
  const next = applyDefaults(ROOT, mergeSettings(config, patch)) as T;
  const sources = new Sources();
  for (const path of changed) sources.set(path, PATCH_SOURCE);
  problems.push(...schemaProblems(next, sources), ...ruleProblems(next, sources), ...absolutePaths(next, changed));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: next, changed };
}

/** Which settings may change at run time, for the options route's description. */
export const RUNTIME_SETTINGS: readonly string[] = SETTINGS.filter((setting) => setting.schema.runtime === true).map((setting) => setting.path);
