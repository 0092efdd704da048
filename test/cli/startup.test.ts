// `slsk` starts fast because it loads only what the command it runs needs: the dispatcher imports
// each command's module when that command runs, and no heavy module (the logger, audio tag
// parsing, SQLite, zlib, the protocol codec, the client) is on the path of `--version`, `--help`
// or a command's help. Asserted on the modules a real `slsk` child loads, not on its speed (the
// times are bench/cli-start.ts's).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commands } from '../../src/cli/main.ts';
import { assertExit, runProcess, slskBin } from './run-process.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const recorder = fileURLToPath(new URL('./fixtures/record-modules.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slsk-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The modules `slsk ARGS` loads: the repo's files relative to it, and node: built-ins. */
async function modulesOf(args: readonly string[]): Promise<{ project: string[]; builtins: string[]; packages: string[] }> {
  const file = join(dir, `${args.join('-').replace(/[^\w-]/g, '')}.txt`);
  const result = await runProcess(process.execPath, ['--import', recorder, slskBin, ...args], {
    env: { ...process.env, NO_COLOR: '1', RECORD_MODULES_TO: file },
  });
  assertExit(result, 0);
  const urls = readFileSync(file, 'utf8').split('\n').filter((url) => url !== '');
  const local = urls.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  return {
    project: local.filter((path) => path.startsWith(repo) && !path.includes('/node_modules/') && path !== recorder).map((path) => path.slice(repo.length)),
    packages: local.filter((path) => path.includes('/node_modules/')),
    builtins: urls.filter((url) => url.startsWith('node:')),
  };
}

const HEAVY_BUILTINS = ['node:sqlite', 'node:zlib', 'node:net', 'node:crypto', 'node:worker_threads'];
const DISPATCHER = ['bin/slsk.js', 'src/cli/main.ts', 'src/cli/command.ts', 'src/cli/style.ts'];

for (const args of [['--version'], ['--help'], ['help']]) {
  test(`slsk ${args.join(' ')} loads the dispatcher only: no command, no package, no heavy built-in`, async () => {
    const { project, builtins, packages } = await modulesOf(args);
    assert.deepEqual(project.sort(), [...DISPATCHER].sort());
    assert.deepEqual(packages, []);
    assert.deepEqual(builtins.filter((name) => HEAVY_BUILTINS.includes(name)), []);
  });
}

test('slsk search --help loads search and the client options, not the client, the protocol or a package', async () => {
  const { project, builtins, packages } = await modulesOf(['search', '--help']);
  const extra = project.filter((path) => !DISPATCHER.includes(path)).sort();
  assert.deepEqual(extra, [
    'src/cli/client-options.ts',
    'src/cli/client-session.ts',
    'src/cli/commands/search.ts',
    'src/cli/daemon-options.ts',
    'src/cli/format.ts',
    'src/cli/hex.ts',
    'src/cli/json.ts',
    'src/cli/stop-signals.ts',
  ]);
  assert.deepEqual(packages, []);
  assert.deepEqual(builtins.filter((name) => HEAVY_BUILTINS.includes(name)), []);
});

test("every command's --help loads its own module and no other command's, and no logger, tag parser or SQLite", async () => {
  for (const name of commands.keys()) {
    const { project, packages, builtins } = await modulesOf([name, '--help']);
    const commandModules = project.filter((path) => path.startsWith('src/cli/commands/'));
    const own = (path: string): boolean => path === `src/cli/commands/${name}.ts` || path.startsWith(`src/cli/commands/${name}-`);
    // `get` shows download's event list and search's defaults in its help.
    const shared = name === 'get' ? ['src/cli/commands/download.ts', 'src/cli/commands/search.ts'] : [];
    assert.deepEqual(commandModules.filter((path) => !own(path) && !shared.includes(path)), [], `slsk ${name} --help`);
    assert.deepEqual(packages, [], `slsk ${name} --help loads no package`);
    assert.deepEqual(builtins.filter((b) => b === 'node:sqlite' || b === 'node:zlib'), [], `slsk ${name} --help`);
  }
});
