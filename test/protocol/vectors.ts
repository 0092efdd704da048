// Loads the golden vectors and turns their fields into the shape our decoder produces, without
// using any of our encoder: the expected values come straight from the JSON.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sharedFolder = join(here, '../../../shared/protocol/vectors');
const vendoredFolder = join(here, '../fixtures/vectors');

export interface Vector {
  channel: 'server' | 'peer-init' | 'peer' | 'distributed' | 'file';
  direction: 'request' | 'response' | 'both';
  name: string;
  code: number | null;
  fields: Record<string, unknown>;
  frame_hex: string;
  payload_hex?: string;
  note?: string;
  /** Which file it came from, for test names. */
  source: string;
}

export function vectorFolder(): string {
  return existsSync(sharedFolder) ? sharedFolder : vendoredFolder;
}

export function loadVectors(): Vector[] {
  const folder = vectorFolder();
  const vectors: Vector[] = [];
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(folder, file), 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      vectors.push({ ...(JSON.parse(line) as Omit<Vector, 'source'>), source: `${file}:${i + 1}` });
    }
  }
  return vectors;
}

export const camelCase = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Vector fields with camelCase keys, recursively. Values stay as JSON has them. */
export function camelFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelFields);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelCase(k), camelFields(v)]));
  }
  return value;
}

/**
 * A decoded message in the vectors' JSON conventions: bigint as a number (or a decimal string
 * above 2^53), bytes as hex, and without the message's own `name` key.
 */
export function asVectorJson(message: { name: string }): unknown {
  const { name: _name, ...fields } = message;
  return jsonValue(fields);
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}

export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
