// daemon.example.yaml cannot drift from the schema: it loads as it is, its values are the defaults, and
// every setting appears in it (set, or commented out with an example).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DaemonConfigError, loadDaemonConfig, SETTINGS } from '../../src/daemon/config/index.ts';
import { tempDir } from './config-support.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../daemon.example.yaml');

test('daemon.example.yaml loads, and what it sets is exactly the defaults', async (t) => {
  const dir = await tempDir(t);
  const env = { SLSK_DATA: dir };
  const fromExample = await loadDaemonConfig({ configPath: EXAMPLE, env, cwd: dir });
  const defaults = await loadDaemonConfig({ env, cwd: dir });
  assert.deepEqual(fromExample.config, defaults.config);
});

/** Dotted paths of the keys written in the file, set or commented out (`# name: value`), by indentation. */
function keysIn(text: string): Set<string> {
  const found = new Set<string>();
  const stack: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^( *)(?:# )?( *)([A-Za-z][A-Za-z0-9]*):(?: |$)/.exec(line);
    if (match === null) continue;
    const depth = (match[1]!.length + match[2]!.length) / 2;
    if (!Number.isInteger(depth)) continue;
    stack.length = depth;
    stack[depth] = match[3]!;
    found.add(stack.join('.'));
  }
  return found;
}

test('every setting of the schema appears in daemon.example.yaml, described', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const keys = keysIn(text);
  const missing = SETTINGS.map((setting) => setting.path).filter((path) => !keys.has(path));
  assert.deepEqual(missing, [], 'add these to daemon.example.yaml');
  const lines = text.split('\n');
  for (const setting of SETTINGS) {
    const name = setting.path.split('.').at(-1)!;
    const at = lines.findIndex((line) => new RegExp(`^ *(# )? *${name}:`).test(line));
    assert.match(lines[at - 1] ?? '', /^ *# /, `${setting.path} has a comment above it`);
  }
});

/** Each commented-out example (`# name:` and the lines under it), uncommented, under its top-level group. */
function commentedExamples(text: string): { path: string; yaml: string }[] {
  const lines = text.split('\n');
  const out: { path: string; yaml: string }[] = [];
  let group = '';
  for (let i = 0; i < lines.length; i++) {
    const top = /^([A-Za-z]+):/.exec(lines[i]!);
    if (top !== null) group = top[1]!;
    const start = /^( *)# ([A-Za-z]+):/.exec(lines[i]!);
    if (start === null) continue;
    const indent = start[1]!;
    const block = [indent + lines[i]!.slice(indent.length + 2)];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith(`${indent}#   `)) block.push(indent + lines[++i]!.slice(indent.length + 2));
    out.push({ path: indent === '' ? start[2]! : `${group}.${start[2]}`, yaml: indent === '' ? block.join('\n') : `${group}:\n${block.join('\n')}` });
  }
  return out;
}

test('the commented-out examples in daemon.example.yaml are valid settings once uncommented', async (t) => {
  const dir = await tempDir(t);
  const examples = commentedExamples(readFileSync(EXAMPLE, 'utf8'));
  assert.deepEqual(examples.map((example) => example.path), [
    'soulseek.username', 'soulseek.password', 'soulseek.obfuscatedListenPort', 'data.folder', 'shares.folders', 'shares.ignore',
    'downloads.folder', 'downloads.incompleteFolder', 'http.trustedProxies', 'auth.keys', 'auth.web', 'webhooks', 'scripts',
  ]);
  for (const example of examples) {
    const file = join(dir, `${example.path}.yaml`);
    await writeFile(file, example.yaml);
    const problems = await loadDaemonConfig({ configPath: file, env: { SLSK_DATA: dir, HOME: dir }, cwd: dir }).then(
      () => [],
      (error: unknown) => (error instanceof DaemonConfigError ? error.problems : [String(error)]),
    );
    // The web example's hash is a placeholder on purpose: a working hash would be a working password.
    const expected = example.path === 'auth.web' ? [`auth.web.passwordHash is not a scrypt hash (scrypt$N$r$p$salt$hash); make one with hashPassword() (from ${file})`] : [];
    assert.deepEqual(problems, expected, example.yaml);
  }
});
