// The layers of src/ import one way: bytes at the bottom, the command line at the top. A module that
// imports upwards (shares from client, protocol from net) fails here with the line that does it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** Which other layers each layer may import. Anything missing here is a new layer to place first. */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  model: ['protocol'],
  net: ['protocol'],
  storage: [],
  server: ['protocol', 'net', 'storage'],
  client: ['protocol', 'model', 'net', 'storage'],
  shares: ['protocol', 'model', 'storage'],
  transfers: ['protocol', 'model', 'net', 'storage', 'client'],
  daemon: ['protocol', 'model', 'net', 'storage', 'server', 'client', 'shares', 'transfers'],
  cli: ['protocol', 'model', 'net', 'storage', 'server', 'client', 'shares', 'transfers', 'daemon'],
  web: ['protocol', 'model', 'daemon'],
};

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(entry.name)) yield path;
  }
}

const layerOf = (path: string): string => relative(SRC, path).split(sep)[0]!;

test('every layer of src/ imports only the layers below it', () => {
  const violations: string[] = [];
  const layers = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    layers.add(layer);
    const allowed = ALLOWED[layer];
    if (allowed === undefined) {
      violations.push(`${relative(SRC, file)}: layer '${layer}' has no place in ALLOWED`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]!);
      if (!target.startsWith(SRC + sep)) continue;
      const targetLayer = layerOf(target);
      if (targetLayer !== layer && !allowed.includes(targetLayer)) {
        const line = text.slice(0, match.index).split('\n').length;
        violations.push(`${relative(SRC, file)}:${line} (${layer}) imports ${targetLayer}: ${match[1]}`);
      }
    }
  }
  assert.deepEqual(violations, []);
  assert.ok(layers.has('protocol') && layers.has('client') && layers.has('shares'), 'the scan found the source tree');
});
