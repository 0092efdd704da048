// Script hooks as real child processes: the event arrives on stdin exactly, nothing of it reaches a
// command line, and a slow or failing script is killed or logged with the end of its output.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { HookDispatcher, type HookDispatcherOptions, type HookEvent, type ScriptConfig } from '../../src/daemon/hooks/index.ts';
import { DEADLINE_MS, RecordingLogger } from './hooks-support.ts';

function tempDir(t: test.TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsk-hooks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An executable sh script in `dir`. */
function shScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const script = (command: string[], extra: Partial<ScriptConfig> = {}): ScriptConfig => ({ command, events: [], timeoutMs: 60_000, ...extra });

function dispatcher(t: test.TestContext, options: Partial<HookDispatcherOptions> & Pick<HookDispatcherOptions, 'scripts'>): { hooks: HookDispatcher; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  const hooks = new HookDispatcher({ webhooks: [], logger, closeTimeoutMs: 10_000, ...options });
  t.after(() => hooks.close());
  return { hooks, logger };
}

async function waitForFile(dir: string, name: string): Promise<void> {
  const watcher = watch(dir);
  try {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    while (!existsSync(join(dir, name))) await Promise.race([once(watcher, 'change', { signal }), once(watcher, 'rename', { signal })]);
  } finally {
    watcher.close();
  }
}

test('a script gets the event as JSON on stdin and SLSK_EVENT in its environment', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'stdin.json');
  const env = join(dir, 'env.txt');
  const echo = shScript(dir, 'echo.sh', 'cat > "$1"\nprintf %s "$SLSK_EVENT" > "$2"');
  const { hooks, logger } = dispatcher(t, { scripts: [script([echo, out, env])] });

  hooks.dispatch({ type: 'downloadComplete', at: '2026-12-07T21:00:00.000Z', data: { user: 'alice', remotePath: '@@abc\\Music\\a.flac', localPath: '/srv/music/a.flac', size: 1234 } });
  await logger.waitFor(/ran on downloadComplete/);

  assert.equal(readFileSync(out, 'utf8'), '{"type":"downloadComplete","at":"2026-12-07T21:00:00.000Z","data":{"user":"alice","remotePath":"@@abc\\\\Music\\\\a.flac","localPath":"/srv/music/a.flac","size":1234}}');
  assert.equal(readFileSync(env, 'utf8'), 'downloadComplete');
  assert.deepEqual({ ...hooks.stats()[0] }, { hook: `script[0] ${echo}`, kind: 'script', queued: 0, delivered: 1, failed: 0, retried: 0, dropped: 0 });
});

test('event text is never a command: shell syntax in a message reaches stdin as it is and runs nothing', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'stdin.json');
  const pwned = join(dir, 'pwned');
  // What an attacker would send if anything built a shell line from it (the `rm` is aimed at a file that
  // does not exist, so even a broken dispatcher would harm nothing here).
  const text = `"; rm -rf ${dir}/nothing #'; touch ${pwned}; $(touch ${pwned}) \`touch ${pwned}\``;
  const seen = join(dir, 'seen.txt');
  const echo = shScript(dir, 'echo.sh', 'cat > "$1"\n{ echo "argc=$#"; env; } > "$2"');
  const { hooks, logger } = dispatcher(t, { scripts: [script([echo, out, seen])] });

  hooks.dispatch({ type: 'privateMessage', at: '2026-12-07T21:00:00.000Z', data: { user: 'mallory', text } });
  await logger.waitFor(/ran on privateMessage/);

  const expected = `{"type":"privateMessage","at":"2026-12-07T21:00:00.000Z","data":{"user":"mallory","text":"\\"; rm -rf ${dir}/nothing #'; touch ${pwned}; $(touch ${pwned}) \`touch ${pwned}\`"}}`;
  assert.equal(readFileSync(out, 'utf8'), expected);
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as HookEvent & { data: { text: string } }).data.text, text);
  assert.equal(existsSync(pwned), false);
  // Neither the arguments nor the environment carry anything of the event but its type.
  const argsAndEnv = readFileSync(seen, 'utf8');
  assert.match(argsAndEnv, /^argc=2\n/);
  assert.match(argsAndEnv, /^SLSK_EVENT=privateMessage$/m);
  assert.doesNotMatch(argsAndEnv, /mallory|rm -rf/);
});

test('a script past its timeout is killed with SIGTERM and logged', async (t) => {
  const dir = tempDir(t);
  const sleeper = shScript(dir, 'sleep.sh', 'exec sleep 600');
  const { hooks, logger } = dispatcher(t, { scripts: [script([sleeper], { timeoutMs: 200 })] });

  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:00.000Z', data: { user: 'bob' } });
  const line = await logger.waitFor(/ran past 200 ms/);

  assert.equal(line.fields['signal'], 'SIGTERM');
  assert.match(line.message, /raise timeoutMs/);
  assert.equal(hooks.stats()[0]?.failed, 1);
});

// The timeout turns a missing SIGKILL (close() would wait for the script forever) into a failure.
test('a script that ignores SIGTERM is killed with SIGKILL after the grace period when the daemon stops', { timeout: DEADLINE_MS }, async (t) => {
  const dir = tempDir(t);
  const stubborn = shScript(dir, 'stubborn.sh', `trap '' TERM\ntouch "${join(dir, 'ready')}"\nwhile :; do sleep 1; done`);
  const { hooks, logger } = dispatcher(t, { scripts: [script([stubborn])], killGraceMs: 100, closeTimeoutMs: 0 });

  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:00.000Z', data: { user: 'bob' } });
  await waitForFile(dir, 'ready'); // the trap is set
  await hooks.close();

  const line = await logger.waitFor(/was killed by/);
  assert.equal(line.fields['signal'], 'SIGKILL');
  assert.equal(hooks.stats()[0]?.failed, 1);
});

test('a non-zero exit is logged with the end of stderr, kept bounded', async (t) => {
  const dir = tempDir(t);
  const failing = shScript(dir, 'fail.sh', 'i=0; while [ $i -lt 2000 ]; do echo "noise line $i" >&2; i=$((i+1)); done\necho "disk full" >&2\nexit 3');
  const { hooks, logger } = dispatcher(t, { scripts: [script([failing])], tailBytes: 64 });

  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:00.000Z', data: { user: 'bob' } });
  const line = await logger.waitFor(/exited with 3/);

  assert.equal(line.level, 'warn');
  assert.match(line.message, /disk full/);
  const stderr = line.fields['stderr'] as string;
  assert.ok(stderr.length <= 64, `stderr tail is ${stderr.length} bytes`);
  assert.match(stderr, /noise line 1999\ndisk full\n$/);
  assert.equal(hooks.stats()[0]?.failed, 1);
});

test('a command that cannot start is logged with what to check', async (t) => {
  const dir = tempDir(t);
  const { hooks, logger } = dispatcher(t, { scripts: [script([join(dir, 'missing')])] });

  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:00.000Z', data: { user: 'bob' } });
  const line = await logger.waitFor(/could not start/);

  assert.equal(line.level, 'error');
  assert.match(line.message, /ENOENT.*command\[0\]/);
  assert.equal(hooks.stats()[0]?.failed, 1);
});

test('scripts running at once are capped', async (t) => {
  const dir = tempDir(t);
  const blocker = shScript(dir, 'block.sh', `touch "${join(dir, 'started-$1')}"\nexec sleep 600`);
  const { hooks } = dispatcher(t, { scripts: [script([blocker, 'a']), script([blocker, 'b'])], maxScriptsRunning: 1, killGraceMs: 100, closeTimeoutMs: 0 });

  hooks.dispatch({ type: 'userOnline', at: '2026-12-07T21:00:00.000Z', data: { user: 'bob' } });
  await waitForFile(dir, 'started-a');

  assert.equal(existsSync(join(dir, 'started-b')), false);
  assert.deepEqual(
    hooks.stats().map((s) => s.queued),
    [0, 1],
  );
  await hooks.close();
  assert.deepEqual(
    hooks.stats().map((s) => [s.failed, s.dropped]),
    [
      [1, 0],
      [0, 1],
    ],
  );
});
