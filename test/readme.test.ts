// Every library example of the README runs as written (only its server address, share folder and
// search time swapped for local ones) against the TypeScript source, on a local network: our
// server, a peer answering searches and a peer sharing the file the transfers example downloads.
// test/package/pack.test.ts runs the same examples against the published tarball.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runProcess } from './cli/run-process.ts';
import {
  exampleProject,
  prepareExample,
  readmeExamples,
  repoRoot,
  startExampleNetwork,
  type ExampleNetwork,
} from './package/readme-examples.ts';

test('every ```ts block of the README is a marked library example', () => {
  const names = readmeExamples().map((example) => example.name);
  assert.deepEqual(names.toSorted(), ['client', 'protocol', 'server', 'transfers']);
  assert.throws(() => readmeExamples('```ts\nconsole.log(1);\n```\n'), /preceded by <!-- library example/);
});

describe('the README library examples, run from the source', { timeout: 120_000 }, () => {
  let network: ExampleNetwork | undefined;
  let workDir = '';

  before(async () => {
    network = await startExampleNetwork();
    // A project of its own whose `slsk-ts` is this checkout: the examples' relative paths
    // (databases, downloads) land in it, and their imports resolve through the package's exports.
    workDir = exampleProject('slsk-readme-src-');
    mkdirSync(join(workDir, 'node_modules'));
    symlinkSync(repoRoot, join(workDir, 'node_modules', 'slsk-ts'), 'dir');
  });

  after(async () => {
    await network?.close();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  for (const example of readmeExamples()) {
    test(`the ${example.name} example`, async () => {
      assert.ok(network !== undefined);
      const prepared = prepareExample(example, network, workDir);
      const file = `${prepared.name}.ts`;
      writeFileSync(join(workDir, file), prepared.code);
      const result = await runProcess(process.execPath, ['--conditions=slsk-ts-source', file], { cwd: workDir, timeoutMs: 60_000 });
      prepared.check(result);
    });
  }
});
