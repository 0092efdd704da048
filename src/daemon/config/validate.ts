// Checking a merged configuration: unknown names (with the nearest known one), values against the schema,
// and the rules that tie settings together. Every problem names the setting and where its value came from,
// and all of them are reported at once.

import { BlockList } from 'node:net';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { addressRange } from '../http/auth.ts';
import { parsePasswordHash } from '../http/sessions.ts';
import { describeExpected, displayPath, isGroup, isPlainObject, ROOT, schemaAt, suggestion, type Node, type Segment } from './schema-walk.ts';

/** Where a value came from: `/etc/slsk/daemon.yaml`, `SLSK_HTTP_PORT`, `--port`… */
export interface Source {
  readonly label: string;
  /** Relative paths in this value are resolved from here. */
  readonly base: string;
}

/** The source of each value given, by display path (`auth.keys`, `http.port`); lists are one value. */
export class Sources {
  readonly #byPath = new Map<string, Source>();

  /** Records `source` for every setting `value` holds (walking groups; a list or mapping is one value). */
  record(value: unknown, source: Source, segments: readonly Segment[] = [], node: Node = ROOT): void {
    if (isGroup(node) && isPlainObject(value)) {
      for (const [name, child] of Object.entries(value)) {
        this.record(child, source, [...segments, name], node.properties?.[name] ?? {});
      }
    } else {
      this.#byPath.set(displayPath(segments), source);
    }
  }

  set(path: string, source: Source): void {
    this.#byPath.set(path, source);
  }

  /** The source of the value at `segments` or of the nearest enclosing value given. */
  of(segments: readonly Segment[]): Source | undefined {
    for (let n = segments.length; n >= 0; n--) {
      const found = this.#byPath.get(displayPath(segments.slice(0, n)));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  suffix(segments: readonly Segment[]): string {
    const source = this.of(segments);
    return source === undefined ? '' : ` (from ${source.label})`;
  }
}

/** Names not in the schema, each with the nearest known name when there is one. */
export function unknownSettings(value: unknown, sources: Sources, node: Node = ROOT, segments: readonly Segment[] = []): string[] {
  const problems: string[] = [];
  if (node.type === 'array' && Array.isArray(value) && node.items !== undefined) {
    value.forEach((item, i) => problems.push(...unknownSettings(item, sources, node.items!, [...segments, i])));
  } else if (node.properties !== undefined && isPlainObject(value)) {
    for (const [name, child] of Object.entries(value)) {
      const at = [...segments, name];
      const schema = node.properties[name];
      if (schema === undefined) {
        const near = suggestion(node, segments, name);
        problems.push(`${displayPath(at)}: unknown setting${near === undefined ? '' : `; did you mean ${near}?`}${sources.suffix(at)}`);
      } else {
        problems.push(...unknownSettings(child, sources, schema, at));
      }
    }
  }
  return problems;
}

/**
 * Values that do not fit the schema: one line per setting, `path: must be … (from source)`. The walk checks
 * setting by setting (TypeBox's error list is capped and would hide some), and skips unknown names, which
 * unknownSettings reports with a suggestion.
 */
export function schemaProblems(config: unknown, sources: Sources, node: Node = ROOT, segments: readonly Segment[] = []): string[] {
  const at = displayPath(segments);
  const wrong = (): string[] => [`${at}: must be ${describeExpected(node)}${sources.suffix(segments)}`];
  if (isGroup(node)) {
    if (!isPlainObject(config)) return wrong();
    const required = new Set(node.required ?? []);
    return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
      const value = config[name];
      if (value !== undefined) return schemaProblems(value, sources, child, [...segments, name]);
      return required.has(name) ? [`${displayPath([...segments, name])}: is required${sources.suffix(segments)}`] : [];
    });
  }
  if (node.type === 'array' && node.items !== undefined) {
    if (!Array.isArray(config) || config.length < (node.minItems ?? 0)) return wrong();
    return config.flatMap((item, i) => schemaProblems(item, sources, node.items!, [...segments, i]));
  }
  const values = node.patternProperties === undefined ? undefined : Object.values(node.patternProperties)[0];
  if (values !== undefined) {
    if (!isPlainObject(config)) return wrong();
    return Object.entries(config).flatMap(([name, value]) => schemaProblems(value, sources, values, [...segments, name]));
  }
  return Value.Check(node as TSchema, config) ? [] : wrong();
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

const get = (config: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, name) => (isPlainObject(node) ? node[name] : undefined), config);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Rules across settings, and values whose format the schema cannot say (address ranges, the hash). */
export function ruleProblems(config: unknown, sources: Sources): string[] {
  const problems: string[] = [];
  const attempt = (segments: Segment[], check: () => void): void => {
    try {
      check();
    } catch (error) {
      problems.push(`${(error as Error).message}${sources.suffix(segments)}`);
    }
  };
  // Each rule looks only at values of the right type: a wrong type was reported by schemaProblems already.
  const host = get(config, 'http', 'host');
  if (get(config, 'auth', 'enabled') === false && typeof host === 'string' && !isLoopback(host)) {
    const from = [sources.of(['http', 'host']), sources.of(['auth', 'enabled'])].map((source) => source?.label ?? 'the default');
    problems.push(
      `http.host: ${host} is beyond loopback while auth.enabled is false, so anyone who can reach it could control the daemon; ` +
        `enable auth or listen on 127.0.0.1 (http.host from ${from[0]}, auth.enabled from ${from[1]})`,
    );
  }
  strings(get(config, 'http', 'trustedProxies')).forEach((range, i) => {
    attempt(['http', 'trustedProxies', i], () => addressRange(new BlockList(), range, `http.trustedProxies[${i}]`));
  });
  const keys = get(config, 'auth', 'keys');
  if (Array.isArray(keys)) {
    keys.forEach((key, i) => {
      strings(get(key, 'cidr')).forEach((range, j) => attempt(['auth', 'keys', i, 'cidr', j], () => addressRange(new BlockList(), range, `auth.keys[${i}].cidr[${j}]`)));
    });
  }
  const hash = get(config, 'auth', 'web', 'passwordHash');
  if (typeof hash === 'string' && hash !== '') attempt(['auth', 'web', 'passwordHash'], () => parsePasswordHash(hash, 'auth.web.passwordHash'));
  const server = get(config, 'soulseek', 'server');
  const port = typeof server === 'string' ? /:(\d+)$/.exec(server)?.[1] : undefined;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    problems.push(`soulseek.server: the port ${port} is not 1–65535; write HOST:PORT, such as server.slsknet.org:2242${sources.suffix(['soulseek', 'server'])}`);
  }
  const folders = get(config, 'shares', 'folders');
  const names = new Map<string, number>();
  if (Array.isArray(folders)) {
    folders.forEach((share, i) => {
      const path = get(share, 'path');
      const given = get(share, 'name');
      if (typeof path !== 'string') return;
      const name = typeof given === 'string' ? given : (path.split(/[\\/]/).filter((part) => part !== '').at(-1) ?? path);
      const earlier = names.get(name);
      if (earlier !== undefined) {
        problems.push(`shares.folders[${i}]: its name '${name}' is already used by shares.folders[${earlier}]; give one of them another name${sources.suffix(['shares', 'folders', i])}`);
      }
      names.set(name, i);
    });
  }
  return problems;
}
