// Reading the settings schema as data: the list of settings (dotted paths), the schema at a path, what an
// error says is expected, defaults, and the nearest known name for a misspelt one.

import type { TSchema } from 'typebox';
import { DaemonConfigSchema } from './schema.ts';

/** A schema node seen as plain JSON Schema (with our extra keywords). */
export interface Node {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly patternProperties?: Readonly<Record<string, Node>>;
  readonly items?: Node;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly runtime?: boolean;
  readonly secret?: boolean;
  readonly expected?: string;
}

export const ROOT: Node = DaemonConfigSchema as TSchema as Node;

export interface Setting {
  /** Dotted path, e.g. `http.port`. */
  readonly path: string;
  readonly schema: Node;
  /** The environment variable: SLSK_ + the path in upper snake case (`SLSK_HTTP_PORT`). */
  readonly env: string;
  /** The generic flag: `--http.port`. */
  readonly flag: string;
}

/** A group of settings (an object with declared properties), as opposed to a setting holding an object. */
export const isGroup = (node: Node): boolean => node.type === 'object' && node.properties !== undefined;

const upperSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export const envName = (path: string): string => `SLSK_${path.split('.').map(upperSnake).join('_')}`;

function collect(node: Node, prefix: string, out: Setting[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (isGroup(child)) collect(child, path, out);
    else out.push({ path, schema: child, env: envName(path), flag: `--${path}` });
  }
}

/** Every setting, in schema order. Lists (shares.folders, auth.keys…) are one setting each; an optional group
 * (auth.web) counts as its fields. */
export const SETTINGS: readonly Setting[] = (() => {
  const out: Setting[] = [];
  collect(ROOT, '', out);
  return out;
})();

/** Path segments, array indexes as numbers: `auth.keys[0].role` → ['auth', 'keys', 0, 'role']. */
export type Segment = string | number;

export const displayPath = (segments: readonly Segment[]): string =>
  segments.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');

/** The schema for the value at these segments, or undefined where the schema has no such place. */
export function schemaAt(segments: readonly Segment[], root: Node = ROOT): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of segments) {
    if (node === undefined) return undefined;
    if (typeof segment === 'number') node = node.items;
    else if (node.properties !== undefined) node = node.properties[segment];
    else if (node.patternProperties !== undefined) node = Object.values(node.patternProperties)[0];
    else return undefined;
  }
  return node;
}

function range(node: Node): string {
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/** What a value at this node must be, for `must be …` in an error. */
export function describeExpected(node: Node): string {
  if (node.expected !== undefined) return node.expected;
  if (node.enum !== undefined) return `one of ${node.enum.join(', ')}`;
  switch (node.type) {
    case 'integer':
      return `an integer${range(node)}`;
    case 'number':
      return `a number${range(node)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      if ((node.minLength ?? 0) > 1) return `a string of at least ${node.minLength} characters`;
      return (node.minLength ?? 0) === 1 ? 'a non-empty string' : 'a string';
    case 'array':
      return (node.minItems ?? 0) > 0 ? 'a non-empty list' : 'a list';
    default:
      return node.patternProperties !== undefined ? 'a mapping of names to strings' : 'a mapping of settings';
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `value` with every missing setting that has a default filled in (groups are created as needed). */
export function applyDefaults(node: Node, value: unknown): unknown {
  if (node.type === 'array' && Array.isArray(value) && node.items !== undefined) {
    const items = node.items;
    return value.map((item) => applyDefaults(items, item));
  }
  if (!isGroup(node) || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (out[name] === undefined) {
      if (child.default !== undefined) out[name] = structuredClone(child.default);
      else if (isGroup(child) && required.has(name)) out[name] = applyDefaults(child, {});
    } else {
      out[name] = applyDefaults(child, out[name]);
    }
  }
  return out;
}

/** Edit distance with transpositions (so `prot` is one step from `port`), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate nearest to `name`, if near enough to be a likely typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * A "did you mean" for an unknown `name` inside `parent`: a sibling first, else a setting elsewhere with
 * that last name (`port` at the top → `http.port`).
 */
export function suggestion(parent: Node, parentSegments: readonly Segment[], name: string): string | undefined {
  const sibling = nearest(name, Object.keys(parent.properties ?? {}));
  if (sibling !== undefined) return displayPath([...parentSegments, sibling]);
  const byLastName = new Map(SETTINGS.map((setting) => [setting.path.split('.').at(-1)!, setting.path]));
  const elsewhere = nearest(name, byLastName.keys());
  return elsewhere === undefined ? undefined : byLastName.get(elsewhere);
}
