// The protocol module loads and works where generating code from strings is forbidden
// (`node --disallow-code-generation-from-strings`, a strict Content Security Policy): struct
// readers fall back from generated code to reading the declaration field by field.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';

const child = fileURLToPath(new URL('./no-codegen-child.ts', import.meta.url));

describe('independent: golden vectors without code generation', () => {
  test('every golden vector decodes and re-encodes byte-identical under --disallow-code-generation-from-strings', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--conditions=slsk-ts-source', child],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as { codeGeneration: string; readerMode: string; checked: number; failures: string[] };
    assert.equal(report.codeGeneration, 'forbidden', 'the flag took effect in the child');
    assert.equal(report.readerMode, 'interpreted');
    assert.deepEqual(report.failures, []);
    assert.ok(report.checked >= 590, `checked only ${report.checked} vectors`);
  });
});
