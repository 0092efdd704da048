// The hooks' settings as the daemon loads them: event names and URLs are checked before it starts.

import assert from 'node:assert/strict';
import test from 'node:test';
import { loadDaemonConfig } from '../../src/daemon/config/index.ts';
import { HOOK_EVENT_TYPES, HookDispatcher } from '../../src/daemon/hooks/index.ts';
import { problemsOf, tempDir, writeText } from './config-support.ts';
import { RecordingLogger } from './hooks-support.ts';

test('a hook listing an event that does not exist is refused at load, naming the events there are', async (t) => {
  const dir = await tempDir(t);
  const configPath = await writeText(dir, 'daemon.yaml', 'webhooks:\n  - url: https://example.org/x\n    events: [transfer.completed]\nscripts:\n  - command: [/bin/true]\n    events: [dowloadComplete]\n');
  const problems = await problemsOf({ configPath, env: { SLSK_DATA: dir, HOME: dir }, cwd: dir });
  assert.equal(problems.length, 2, problems.join('\n'));
  for (const problem of problems) assert.match(problem, new RegExp(HOOK_EVENT_TYPES.join('.*')));
});

test('a webhook URL that is not http(s) is refused at load', async (t) => {
  const dir = await tempDir(t);
  const configPath = await writeText(dir, 'daemon.yaml', 'webhooks:\n  - url: file:///etc/passwd\n');
  const problems = await problemsOf({ configPath, env: { SLSK_DATA: dir, HOME: dir }, cwd: dir });
  assert.match(problems.join('\n'), /webhooks.*http:\/\/ or https:\/\//);
});

test('loaded settings build a dispatcher as they are', async (t) => {
  const dir = await tempDir(t);
  const configPath = await writeText(dir, 'daemon.yaml', 'webhooks:\n  - url: https://example.org/x\n    events: [mention]\nscripts:\n  - command: [/bin/true]\n');
  const { config } = await loadDaemonConfig({ configPath, env: { SLSK_DATA: dir, HOME: dir }, cwd: dir });
  const hooks = new HookDispatcher({ webhooks: config.webhooks, scripts: config.scripts, logger: new RecordingLogger() });
  t.after(() => hooks.close());
  assert.deepEqual(
    hooks.stats().map((s) => s.hook),
    ['webhook[0] https://example.org/x', 'script[0] /bin/true'],
  );
});
