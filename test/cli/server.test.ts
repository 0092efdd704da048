// `slsk server` and `slsk server user` as real child processes: help, clean shutdown on SIGTERM and
// SIGINT, the config file and its errors, --private with accounts added from the command line,
// bans, and a port already in use.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encode } from '../../src/protocol/index.ts';
import { attemptLogin, ServerChild, type LogLine } from '../server/durability-child.ts';
import { RawClient, tempDir } from '../server/harness.ts';
import { expectNotice } from '../server/server-notice.ts';
import { reportUnplaceableTree, UNPLACEABLE_TREE_SHAPE } from '../server/tree-builder.ts';
import { HELP_TEXT, NOT_ADMIN } from '../../src/server/admin.ts';
import { assertExit, runProcess, runSlsk, slskBin, type ProcessResult } from './run-process.ts';

/** Every test gets its own folder; all are removed at the end, whatever happened. */
const folders: string[] = [];
const children: ServerChild[] = [];
function folder(): string {
  const dir = tempDir('slsk-cli-server-');
  folders.push(dir);
  return dir;
}
async function startServer(args: readonly string[]): Promise<ServerChild> {
  const server = await ServerChild.start(args);
  children.push(server);
  return server;
}
after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited));
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A config file in `dir` with a fast password hash, so logins that register cost little. */
function configFile(dir: string, settings: Record<string, unknown>): string {
  const path = join(dir, 'server.json');
  writeFileSync(path, JSON.stringify({ passwordCost: 1024, ...settings }));
  return path;
}

const user = (args: readonly string[], dataDir: string) => runSlsk(['server', 'user', ...args, '--data', dataDir]);

describe('slsk server', { concurrency: true }, () => {
  test('--help lists every option with its default, and examples for the server and for accounts', async () => {
    const result = await runSlsk(['server', '--help']);
    assertExit(result, 0);
    const options: [string, string][] = [
      ['--host', 'default 127.0.0.1'],
      ['--port', 'default 2242'],
      ['--data', 'default ./data'],
      ['--private', 'default off'],
      ['--max-users', 'default 100000'],
      ['--motd', 'default "Welcome to slsk-ts!"'],
      ['--config', 'default: none'],
      ['--log-level', 'default info'],
      ['--admin', 'default: none'],
    ];
    for (const [option, defaultText] of options) {
      assert.match(result.stdout, new RegExp(`^  ${option} `, 'm'), `${option} is listed`);
      assert.ok(result.stdout.includes(defaultText), `the help shows "${defaultText}"`);
    }
    assert.match(result.stdout, /fatal\|error\|warn\|info\|debug\|trace\|silent/);
    // The config file's settings are generated from the defaults, limits included.
    assert.match(result.stdout, /excludedSearchPhrases +\[\]/);
    assert.match(result.stdout, /limits\.loginTimeoutSeconds +60/);
    const examples = result.stdout.slice(result.stdout.indexOf('Examples:'));
    assert.match(examples, /slsk server --host 0\.0\.0\.0/);
    for (const action of ['add', 'remove', 'list', 'ban', 'unban', 'admin', 'unadmin', 'privileges']) {
      assert.match(result.stdout, new RegExp(`^  slsk server user ${action} `, 'm'), `an example of user ${action}`);
    }

    const userHelp = await runSlsk(['server', 'user', '--help']);
    assertExit(userHelp, 0);
    assert.match(userHelp.stdout, /SLSK_PASSWORD=s3cret slsk server user add bob/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} closes the sessions, logs the shutdown and exits 0`, async () => {
      const dataDir = folder();
      const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {})]);
      const listening = server.logs.find((line) => line.msg === 'server listening');
      assert.equal(listening?.['host'], '127.0.0.1');
      const alice = await RawClient.login(server.port, 'alice', 'pw');
      await server.waitForLog((line) => line.msg === 'logged in' && line['user'] === 'alice');

      const exit = await server.stop(signal);
      assert.deepEqual(exit, { code: 0, signal: null }, server.describe());
      await alice.waitClosed();
      const messages = server.logs.map((line) => line.msg);
      const shutdown = server.logs.find((line) => line.msg === 'shutting down');
      assert.equal(shutdown?.['signal'], signal);
      assert.ok(messages.indexOf('shutting down') < messages.indexOf('server stopped'), messages.join(', '));
      assert.deepEqual(server.otherStdout, [], 'stdout holds only JSON log lines');
      assert.equal(server.stderr, '');
    });
  }

  test('a second signal while shutting down exits 1 at once', async () => {
    const dataDir = folder();
    const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {})]);
    // A client that never closes its side keeps the shutdown waiting on its session (for 5 s).
    const stubborn = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true });
    try {
      stubborn.on('error', () => {});
      const replied = new Promise((resolve) => stubborn.once('data', resolve));
      stubborn.write(encode('server', 'request', { name: 'Login', username: 'stubborn', password: 'pw', version: 160, md5Hash: '', minorVersion: 1 }));
      await replied;
      server.child.kill('SIGTERM');
      await server.waitForLog((line) => line.msg === 'shutting down');
      const exit = await server.stop('SIGTERM');
      assert.deepEqual(exit, { code: 1, signal: null }, server.describe());
      assert.match(server.stderr, /^slsk server: second SIGTERM while shutting down: exiting now/);
      assert.ok(!server.logs.some((line) => line.msg === 'server stopped'), server.describe());
    } finally {
      stubborn.destroy();
    }
  });

  test('--config: the motd, excluded phrases and limits come from the file; options override it', async () => {
    const dataDir = folder();
    const config = configFile(dataDir, { motd: 'Hello from the file', excludedSearchPhrases: ['bootleg', 'camrip'], maxUsers: 1 });
    const server = await startServer(['--data', dataDir, '--config', config, '--max-users', '2']);
    try {
      const { client: alice, reply } = await attemptLogin(server.port, 'alice', 'pw');
      assert.equal(reply.result, true);
      assert.equal(reply.greeting, 'Hello from the file');
      assert.deepEqual((await alice.next('ExcludedSearchPhrases')).phrases, ['bootleg', 'camrip']);
      // The file says one user at most; --max-users 2 lets a second one in.
      const bob = await RawClient.login(server.port, 'bob', 'pw');
      const { reply: third } = await attemptLogin(server.port, 'carol', 'pw');
      assert.equal(third.failureReason, 'SVRFULL');
      await alice.close();
      await bob.close();
    } finally {
      assert.equal((await server.stop()).code, 0, server.describe());
    }
  });

  test('a bad config file or option exits 2 with a one-line message naming the setting', async () => {
    const dataDir = folder();
    const badLimit = configFile(dataDir, { limits: { loginTimeoutSeconds: 0 } });
    const result = await runSlsk(['server', '--port', '0', '--data', dataDir, '--config', badLimit]);
    assertExit(result, 2);
    assert.match(result.stderr, /^slsk server: in the config file .*server\.json: limits\.loginTimeoutSeconds must be a whole number from 1 to 3600, got 0\n$/);
    assert.equal(result.stdout, '');

    const typo = join(dataDir, 'typo.json');
    writeFileSync(typo, '{"mtod": "hi"}');
    const unknown = await runSlsk(['server', '--port', '0', '--data', dataDir, '--config', typo]);
    assertExit(unknown, 2);
    assert.match(unknown.stderr, /unknown setting "mtod"; known: host, port/);

    const broken = join(dataDir, 'broken.json');
    writeFileSync(broken, '{"motd": ');
    const notJson = await runSlsk(['server', '--config', broken]);
    assertExit(notJson, 2);
    assert.match(notJson.stderr, /broken\.json is not valid JSON/);

    const missing = await runSlsk(['server', '--config', join(dataDir, 'absent.json')]);
    assertExit(missing, 2);
    assert.match(missing.stderr, /cannot read the config file .*absent\.json/);

    const badPort = await runSlsk(['server', '--port', 'http']);
    assertExit(badPort, 2);
    assert.match(badPort.stderr, /--port must be a whole number from 0 to 65535, got "http"/);
    const badLevel = await runSlsk(['server', '--log-level', 'loud']);
    assertExit(badLevel, 2);
    assert.match(badLevel.stderr, /--log-level must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  test('a port in use: a one-line error that says to pick another --port, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const result = await runSlsk(['server', '--port', String(port), '--data', folder()]);
      assertExit(result, 1);
      assert.match(result.stderr, new RegExp(`^slsk server: port ${port} on 127\\.0\\.0\\.1 is already in use .*--port.*\\n$`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  // Accounts are added while the server runs: the store is SQLite in WAL mode, and a login reads
  // the account afresh, so the new account works at once.
  test('--private refuses unknown users; an account added with `user add` logs in', async () => {
    const dataDir = folder();
    const server = await startServer(['--data', dataDir, '--private']);
    try {
      const { client: dave, reply } = await attemptLogin(server.port, 'dave', 'pw');
      assert.equal(reply.result, false);
      assert.equal(reply.failureReason, 'SVRPRIVATE');
      await dave.waitClosed();

      assertExit(await user(['add', 'carol', '--password', 'pw'], dataDir), 0);
      const carol = await RawClient.login(server.port, 'carol', 'pw');
      await carol.close();
      const { reply: wrong } = await attemptLogin(server.port, 'carol', 'not-pw');
      assert.equal(wrong.failureReason, 'INVALIDPASS');
    } finally {
      assert.equal((await server.stop()).code, 0, server.describe());
    }
  });

  test('user add, list, list --json, ban, unban and remove round trip; a banned user is refused at once (BANNED)', async () => {
    const dataDir = folder();
    const added = await user(['add', 'alice', '--password', 'pw-a'], dataDir);
    assertExit(added, 0);
    assert.equal(added.stdout, 'added account alice\n');
    const fromEnv = await runProcess(process.execPath, [slskBin, 'server', 'user', 'add', 'bob', '--admin', '--data', dataDir], {
      env: { ...process.env, NO_COLOR: '1', SLSK_PASSWORD: 'pw-b' },
    });
    assertExit(fromEnv, 0);
    assertExit(await user(['ban', 'bob'], dataDir), 0);

    const table = await user(['list'], dataDir);
    assertExit(table, 0);
    const rows = table.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/));
    assert.deepEqual(rows[0], ['USERNAME', 'CREATED (UTC)', 'BANNED', 'ADMIN', 'PRIVILEGED UNTIL (UTC)']);
    assert.deepEqual(rows.slice(1).map(([name, , banned, admin]) => [name, banned, admin]), [
      ['alice', 'no', 'no'],
      ['bob', 'yes', 'yes'],
    ]);
    const json = await user(['list', '--json'], dataDir);
    assertExit(json, 0);
    const accounts = JSON.parse(json.stdout) as { username: string; created: string; banned: boolean; admin: boolean }[];
    assert.deepEqual(accounts.map(({ username, banned, admin }) => ({ username, banned, admin })), [
      { username: 'alice', banned: false, admin: false },
      { username: 'bob', banned: true, admin: true },
    ]);
    assert.ok(Math.abs(Date.parse(accounts[0]!.created) - Date.now()) < 60_000, accounts[0]!.created);

    // The default login timeout (60 s): the refusal must come from the server's answer, not a timeout.
    const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {})]);
    try {
      const bob = await RawClient.connect(server.port);
      bob.send({ name: 'Login', username: 'bob', password: 'pw-b', version: 160, md5Hash: '', minorVersion: 1 });
      await bob.waitClosed();
      assert.deepEqual(bob.received, [
        { name: 'Login', result: false, failureReason: 'BANNED', rejectionDetail: 'This account is banned from this server.' },
      ]);
      await server.waitForLog((line: LogLine) => line.msg === 'login refused' && line.reason === 'BANNED');

      // `slsk login` as bob says it was refused (exit 3), not that the server is unreachable; its
      // own timeout is left at 20 s, so only the server's refusal can end it this way.
      const refused = await runSlsk(['login', '--server', `127.0.0.1:${server.port}`, '--username', 'bob', '--password', 'pw-b']);
      assertExit(refused, 3);
      assert.match(refused.stderr, /the server refused the login: BANNED \(This account is banned from this server\.\) — this account is banned on this server; ask the server's admin/);
      assert.doesNotMatch(refused.stderr, /unreachable|timed out/);

      assertExit(await user(['unban', 'bob'], dataDir), 0);
      const unbanned = await RawClient.login(server.port, 'bob', 'pw-b');
      await unbanned.close();
    } finally {
      assert.equal((await server.stop()).code, 0, server.describe());
    }

    const removed = await user(['remove', 'alice', 'bob'], dataDir);
    assertExit(removed, 0);
    assert.equal(removed.stdout, 'removed alice\nremoved bob\n');
    const empty = await user(['list', '--json'], dataDir);
    assert.deepEqual(JSON.parse(empty.stdout), []);
  });

  test('status: the running server, its users and its distributed tree, human and --json; no server once stopped', async () => {
    const dataDir = folder();
    const status = (json: boolean): Promise<ProcessResult> => runSlsk(['server', 'status', '--data', dataDir, ...(json ? ['--json'] : [])]);
    const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {})]);
    const clients: RawClient[] = [];
    try {
      await reportUnplaceableTree(server.port, clients);
      // The server rewrites what `status` reads every 2 s: wait for it to show all four, with a deadline.
      const deadline = Date.now() + 20_000;
      let shown: { pid: number; host: string; port: number; online: number; startedAt: string; updatedAt: string; tree: unknown };
      for (;;) {
        const result = await status(true);
        assertExit(result, 0);
        shown = JSON.parse(result.stdout) as typeof shown;
        if (shown.online === 4 || Date.now() > deadline) break;
      }
      assert.equal(shown.online, 4);
      assert.deepEqual([shown.host, shown.port], ['127.0.0.1', server.port]);
      assert.ok(Number.isInteger(shown.pid) && shown.pid > 0);
      assert.ok(Date.parse(shown.startedAt) <= Date.parse(shown.updatedAt));
      assert.deepEqual(shown.tree, UNPLACEABLE_TREE_SHAPE);
      const human = await status(false);
      assertExit(human, 0);
      const lines = human.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, new RegExp(`^slsk server on 127\\.0\\.0\\.1:${server.port} \\(pid \\d+\\), up less than a minute, 4 users online\\.$`));
      assert.deepEqual(lines.slice(1), [
        'Distributed tree: 4 users, 1 branch root, depth 2, largest branch 4 users, 1 not placed (parent unknown).',
        'Children per parent: max 2, mean 2; users by number of children: 0: 3, 1: 0, 2: 1.',
      ]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      assert.equal((await server.stop()).code, 0, server.describe());
    }
    const stopped = await status(false);
    assertExit(stopped, 1);
    assert.equal(
      stopped.stderr,
      `slsk server status: no server is running on ${dataDir} (no ${join(dataDir, 'slsk-server.status.json')}); start one with 'slsk server --data ${dataDir}', or give its folder with --data\n`,
    );
  });

  test('user errors: unknown names exit 1 naming them, a taken name, no password, a bad name, a missing database', async () => {
    const dataDir = folder();
    assertExit(await user(['add', 'alice', '--password', 'pw'], dataDir), 0);

    const ban = await user(['ban', 'alice', 'ghost', 'nobody'], dataDir);
    assertExit(ban, 1);
    assert.equal(ban.stdout, 'banned alice\n');
    assert.match(ban.stderr, /^slsk server user ban: no account named "ghost", "nobody": check the spelling with 'slsk server user list'/);
    for (const action of ['unban', 'remove']) {
      const result = await user([action, 'ghost'], dataDir);
      assertExit(result, 1);
      assert.match(result.stderr, new RegExp(`^slsk server user ${action}: no account named "ghost"`));
    }

    const taken = await user(['add', 'alice', '--password', 'other'], dataDir);
    assertExit(taken, 1);
    assert.match(taken.stderr, /an account named "alice" already exists: pick another name, or remove it first/);

    // stdin is a pipe here, not a terminal, so there is no prompt to fall back on.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env['SLSK_PASSWORD'];
    const noPassword = await runProcess(process.execPath, [slskBin, 'server', 'user', 'add', 'bob', '--data', dataDir], { env });
    assertExit(noPassword, 1);
    assert.match(noPassword.stderr, /no password: give --password PW, set the SLSK_PASSWORD environment variable/);

    const badName = await user(['add', 'server', '--password', 'pw'], dataDir);
    assertExit(badName, 2);
    assert.match(badName.stderr, /"server" cannot be a Soulseek username: Nick is reserved/);

    const nowhere = await user(['list'], join(dataDir, 'elsewhere'));
    assertExit(nowhere, 1);
    assert.match(nowhere.stderr, /no server database in .*elsewhere.*give the server's folder with --data/);

    const misuse = await user(['list', '--password', 'pw'], dataDir);
    assertExit(misuse, 2);
    assert.match(misuse.stderr, /--password and --admin go with add only/);
  });
  test('--admin NAME (repeatable) lets those users run admin commands; others are refused', async () => {
    const dataDir = folder();
    const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {}), '--admin', 'boss', '--admin', 'chief']);
    try {
      for (const name of ['boss', 'chief']) {
        const admin = await RawClient.login(server.port, name, 'pw');
        admin.send({ name: 'PrivateChatMessage', username: 'server', message: 'help' });
        await expectNotice(admin, HELP_TEXT);
        await admin.close();
      }
      const other = await RawClient.login(server.port, 'other', 'pw');
      other.send({ name: 'ExecuteCommand', commandType: 'admin', argument: ['users'] });
      await expectNotice(other, NOT_ADMIN);
      await other.close();
    } finally {
      assert.equal((await server.stop()).code, 0, server.describe());
    }
    const empty = await runSlsk(['server', '--admin', '', '--data', dataDir]);
    assertExit(empty, 2);
    assert.match(empty.stderr, /--admin needs a username/);
  });

  // admin and unadmin take effect at the next command; privileges at the user's next login.
  test('user admin, unadmin and privileges, offline and while the server runs', async () => {
    const dataDir = folder();
    assertExit(await user(['add', 'alice', '--password', 'pw'], dataDir), 0);
    assertExit(await user(['add', 'bob', '--password', 'pw'], dataDir), 0);

    const made = await user(['admin', 'alice', 'bob'], dataDir);
    assertExit(made, 0);
    assert.equal(made.stdout, 'made alice an administrator\nmade bob an administrator\n');
    const unmade = await user(['unadmin', 'bob'], dataDir);
    assertExit(unmade, 0);
    assert.equal(unmade.stdout, 'bob is no longer an administrator\n');

    const before = Date.now();
    const given = await user(['privileges', 'alice', '3'], dataDir);
    assertExit(given, 0);
    assert.match(given.stdout, /^gave alice 3 days of privileges, until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n$/);
    const more = await user(['privileges', 'alice', '1'], dataDir);
    assert.match(more.stdout, /^gave alice 1 day of privileges, until /);
    const accounts = JSON.parse((await user(['list', '--json'], dataDir)).stdout) as { username: string; admin: boolean; privilegedUntil: string | null }[];
    assert.deepEqual(accounts.map(({ username, admin }) => ({ username, admin })), [
      { username: 'alice', admin: true },
      { username: 'bob', admin: false },
    ]);
    // 3 + 1 days, counted from the first command's time.
    const until = Date.parse(accounts[0]!.privilegedUntil!);
    assert.ok(until >= before + 4 * 86_400_000 && until <= Date.now() + 4 * 86_400_000, accounts[0]!.privilegedUntil!);
    assert.equal(accounts[1]!.privilegedUntil, null);
    const table = await user(['list'], dataDir);
    assert.match(table.stdout, /^alice .* yes +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    assert.match(table.stdout, /^bob .* no +-$/m);

    const server = await startServer(['--data', dataDir, '--config', configFile(dataDir, {})]);
    try {
      const bob = await RawClient.login(server.port, 'bob', 'pw');
      bob.send({ name: 'PrivateChatMessage', username: 'server', message: 'users' });
      await expectNotice(bob, NOT_ADMIN);
      assertExit(await user(['admin', 'bob'], dataDir), 0);
      bob.send({ name: 'PrivateChatMessage', username: 'server', message: 'users' });
      await expectNotice(bob, '1 user online:\nbob (online)');

      // Given while bob is online: it counts from his next login.
      assertExit(await user(['privileges', 'bob', '2'], dataDir), 0);
      await bob.close();
      const { client: again, reply } = await attemptLogin(server.port, 'bob', 'pw');
      assert.equal(reply.privileged, true);
      again.send({ name: 'CheckPrivileges' });
      const left = (await again.next('CheckPrivileges')).timeLeft;
      assert.ok(left > 2 * 86_400 - 120 && left <= 2 * 86_400, `${left} seconds left`);
      await again.close();
    } finally {
      assert.equal((await server.stop()).code, 0, server.describe());
    }

    const taken = await user(['privileges', 'alice', '0'], dataDir);
    assertExit(taken, 0);
    assert.equal(taken.stdout, 'took away the privileges of alice\n');
    assert.equal((JSON.parse((await user(['list', '--json'], dataDir)).stdout) as { privilegedUntil: null }[])[0]!.privilegedUntil, null);

    const unknown = await user(['privileges', 'ghost', '1'], dataDir);
    assertExit(unknown, 1);
    assert.match(unknown.stderr, /^slsk server user privileges: no account named "ghost"/);
    const unknownAdmin = await user(['admin', 'ghost'], dataDir);
    assertExit(unknownAdmin, 1);
    assert.match(unknownAdmin.stderr, /^slsk server user admin: no account named "ghost"/);
    for (const [args, message] of [
      [['privileges', 'alice'], /privileges needs a NAME and DAYS/],
      [['privileges', 'alice', 'ten'], /DAYS must be a whole number from 0 to 3650, got "ten"/],
      [['privileges', 'alice', '3651'], /DAYS must be a whole number from 0 to 3650/],
      [['admin'], /admin needs at least one NAME/],
    ] as const) {
      const result = await user(args, dataDir);
      assertExit(result, 2);
      assert.match(result.stderr, message);
    }
  });
});
