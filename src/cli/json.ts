// Decoded messages as JSON: the shapes JSON cannot hold are turned into strings a person or a
// script can read back without losing anything.

import { toHex } from './hex.ts';

/**
 * A JSON-safe copy: bigint (uint64 sizes, offsets, counts) becomes a decimal string, always, so
 * values above 2^53 keep every digit and a script sees one type per field; Uint8Array becomes hex.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, toJsonValue(v)]));
  }
  return value;
}

/** One JSON text: indented for a person reading one message, compact for JSON Lines. */
export function formatJson(value: unknown, pretty: boolean): string {
  return JSON.stringify(toJsonValue(value), null, pretty ? 2 : undefined);
}
