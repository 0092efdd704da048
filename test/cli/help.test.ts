// Every command is listed by `slsk --help` with an example, and its own help ends in examples that
// run that command: a newcomer finds every command from the first screen.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/main.ts';
import { assertExit, runSlsk } from './run-process.ts';

test('slsk --help lists every command with an example', async () => {
  const result = await runSlsk(['--help']);
  assertExit(result, 0);
  for (const [name, command] of commands) {
    assert.match(result.stdout, new RegExp(`^  ${name} +${escape(command.summary)}\\n +e\\.g\\. slsk ${name}\\b`, 'm'), `slsk --help lists ${name}`);
  }
});

test("each command's help has examples of that command", async () => {
  for (const [name, entry] of commands) {
    const command = await entry.load();
    const examples = command.help.slice(command.help.indexOf('\nExamples:\n'));
    assert.ok(examples.startsWith('\nExamples:\n'), `slsk ${name} --help has an Examples section`);
    assert.match(examples, new RegExp(`^  slsk ${name}\\b`, 'm'), `slsk ${name} --help shows slsk ${name}`);
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
