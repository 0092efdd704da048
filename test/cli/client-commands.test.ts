// The client commands (login, search, browse, info, rooms, chat, pm) as real child processes
// against a real server running in this process, with peers made from the client library that
// answer searches, share folders, give user info and chat back. Every wait ends on output, an
// event or an exit, with a time limit; nothing sleeps.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, type ClientEvents, type OfferedFile } from '../../src/client/index.ts';
import { RawClient, startServer, tempDir, type TestServer } from '../server/harness.ts';
import type { ProcessResult } from './run-process.ts';
import { assertExit, jsonLines } from './run-process.ts';
import { cleanEnv, emptyHome, removeHomes, SlskChild, WAIT_MS } from './slsk-child.ts';

let server: TestServer;
const peers: Client[] = [];
const children: SlskChild[] = [];
let cliCount = 0;

/** A fresh CLI username per test, so concurrent tests never log each other out. */
const cliUser = (): string => `cli${++cliCount}`;

async function peer(username: string, password = 'pw'): Promise<Client> {
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  peers.push(client);
  await client.login({ server: `127.0.0.1:${server.port}`, username, password });
  return client;
}

/** Registers an account by logging in once, and leaves it offline. */
async function offlineAccount(username: string, password = 'pw'): Promise<void> {
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  await client.login({ server: `127.0.0.1:${server.port}`, username, password });
  await client.close();
}

interface SlskOptions {
  /** Logs in as this user (default: a fresh one); false leaves out every connection option. */
  user?: string | false;
  env?: Record<string, string>;
}

function connection(user: string): string[] {
  return ['--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'];
}

function start(args: readonly string[], options: SlskOptions = {}): SlskChild {
  const user = options.user ?? cliUser();
  const child = new SlskChild([...args, ...(user === false ? [] : connection(user))], cleanEnv(options.env));
  children.push(child);
  return child;
}

/** Runs slsk with stdin closed and resolves once it exited. */
function slsk(args: readonly string[], options: SlskOptions = {}): Promise<ProcessResult> {
  const child = start(args, options);
  child.endInput();
  return child.exited;
}

/** The next event of `name` on `client` that passes `test`, or a rejection after WAIT_MS. */
function nextEvent<E extends keyof ClientEvents>(client: Client, name: E, test: (...args: ClientEvents[E]) => boolean = () => true): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]): void => {
      if (!test(...args)) return;
      clearTimeout(timer);
      client.off(name, listener as never);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(name, listener as never);
      reject(new Error(`timed out waiting for ${String(name)}`));
    }, WAIT_MS);
    client.on(name, listener as never);
  });
}

// ---- the peers -------------------------------------------------------------------------------------

const XTAL: OfferedFile = { filename: '@@music\\Aphex Twin\\01 - Xtal.mp3', size: 11_744_051n, bitrate: 320, duration: 293, vbr: false };
const THA: OfferedFile = { filename: '@@music\\Aphex Twin\\02 - Tha.flac', size: 60_000_000_000n, duration: 547, sampleRate: 44_100, bitDepth: 16 };
const DEMO: OfferedFile = { filename: '@@private\\Aphex Twin\\Xtal (demo).mp3', size: 5_000_000n, bitrate: 192, duration: 280, vbr: true };
const LIVE: OfferedFile = { filename: '@@share\\xtal live.mp3', size: 9_000_000n, bitrate: 256, duration: 301, vbr: false };
const RADIO: OfferedFile = { filename: '@@radio\\xtal radio edit.mp3', size: 4_000_000n, bitrate: 128, duration: 200, vbr: false };

const DRIFT: OfferedFile = { filename: '@@music\\drift.mp3', size: 1_000n, bitrate: 320 };

let bob: Client;
const hankQueries: string[] = [];

before(async () => {
  server = await startServer();
  // bob: free slot, 1 MB/s, two files and a locked one; shares two folders (one locked) and user info.
  bob = await peer('bob');
  bob.setSearchResponder((search) =>
    search.query.includes('xtal') ? { files: [XTAL, THA], lockedFiles: [DEMO], slotsFree: true, avgSpeed: 1_000_000, queueLength: 0 } : undefined,
  );
  bob.setSharesProvider({
    shares: () => ({
      folders: [
        {
          name: '@@music\\Aphex Twin',
          files: [
            { filename: '01 - Xtal.mp3', size: XTAL.size, extension: 'mp3', locked: false, attributes: [], bitrate: 320, duration: 293 },
            { filename: '02 - Tha.flac', size: THA.size, extension: 'flac', locked: false, attributes: [], sampleRate: 44_100, bitDepth: 16, duration: 547 },
          ],
        },
      ],
      lockedFolders: [{ name: '@@private\\Demos', files: [{ filename: 'Xtal (demo).mp3', size: DEMO.size, extension: 'mp3', locked: true, attributes: [] }] }],
    }),
    folder: () => undefined,
  });
  bob.setUserInfo({ description: 'hello from bob\nsecond line', uploadSlots: 3, queueLength: 2, slotsFree: true, picture: new Uint8Array(2048) });
  // carol: the fastest, but no free slot and a queue.
  const carol = await peer('carol');
  carol.setSearchResponder((search) =>
    search.query.includes('xtal') ? { files: [LIVE], slotsFree: false, avgSpeed: 5_000_000, queueLength: 3 } : undefined,
  );
  // dan: a free slot and faster than bob, in the room "searchroom".
  const dan = await peer('dan');
  dan.setSearchResponder((search) =>
    search.query.includes('xtal') ? { files: [RADIO], slotsFree: true, avgSpeed: 2_000_000, queueLength: 0 } : undefined,
  );
  await dan.joinRoom('searchroom');
  await offlineAccount('erin');
  // hank: answers "drift" searches and remembers every query that reached him.
  const hank = await peer('hank');
  hank.setSearchResponder((search) => {
    hankQueries.push(search.query);
    return search.query.startsWith('drift') ? { files: [DRIFT], slotsFree: true, avgSpeed: 1000, queueLength: 0 } : undefined;
  });
});

after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited.catch(() => {})));
  await Promise.all(peers.map((client) => client.close()));
  await server.close();
  removeHomes();
});

// ---- tests -----------------------------------------------------------------------------------------

const COMMANDS = ['login', 'search', 'browse', 'info', 'rooms', 'chat', 'pm'] as const;

describe('client commands: help', { concurrency: true }, () => {
  test('slsk --help lists every client command with an example', async () => {
    const result = await slsk(['--help'], { user: false });
    assertExit(result, 0);
    for (const command of COMMANDS) {
      assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'), `${command} is listed`);
      assert.match(result.stdout, new RegExp(`e\\.g\\. slsk ${command} `), `${command} has an example`);
    }
  });

  for (const command of COMMANDS) {
    test(`slsk ${command} --help shows usage, the connection options, exit codes and examples`, async () => {
      const result = await slsk([command, '--help'], { user: false });
      assertExit(result, 0);
      assert.match(result.stdout, new RegExp(`^Usage: slsk ${command}`, 'm'));
      for (const option of ['--server HOST:PORT', '--username', '--password', '--config FILE', '--listen-port', '--listen-host', '--json']) {
        assert.ok(result.stdout.includes(option), `${command} documents ${option}`);
      }
      assert.match(result.stdout, /SLSK_USERNAME/);
      assert.match(result.stdout, /server\.slsknet\.org:2242/);
      assert.match(result.stdout, /^Exit status:\n  0 .*\n  1 .*\n  2 .*\n  3 .*\n  4 /m);
      const examples = result.stdout.slice(result.stdout.indexOf('Examples:'));
      assert.match(examples, new RegExp(`^  slsk ${command}\\b`, 'm'), 'an example that runs the command');
    });
  }
});

describe('client commands: logging in', { concurrency: true }, () => {
  test('slsk login prints the greeting, our IP, privileges and the listen port, then --json', async () => {
    const user = cliUser();
    const text = await slsk(['login'], { user });
    assertExit(text, 0);
    assert.match(text.stdout, new RegExp(`^Logged in as ${user}\\.`));
    assert.match(text.stdout, /^greeting +Welcome to slsk-ts!$/m);
    assert.match(text.stdout, /^your IP +127\.0\.0\.1$/m);
    assert.match(text.stdout, /^privileged +no$/m);
    assert.match(text.stdout, /^listen port +\d+ on 127\.0\.0\.1$/m);

    const json = await slsk(['login', '--json', '--listen-port', '0'], { user });
    assertExit(json, 0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), ['server', 'username', 'greeting', 'ip', 'privileged', 'listenPort']);
    assert.equal(report['username'], user);
    assert.equal(report['server'], `127.0.0.1:${server.port}`);
    assert.equal(report['ip'], '127.0.0.1');
    assert.equal(report['privileged'], false);
    assert.ok(typeof report['listenPort'] === 'number' && report['listenPort'] > 0);
  });

  test('a wrong password exits 3 with the server reason', async () => {
    await offlineAccount('ivy', 'right');
    const result = await slsk(['login', '--server', `127.0.0.1:${server.port}`, '--username', 'ivy', '--password', 'wrong'], { user: false });
    assertExit(result, 3);
    assert.match(result.stderr, /^slsk login: the server refused the login: INVALIDPASS/);
    assert.equal(result.stdout, '');
  });

  test('a server that cannot be reached exits 4 and says where it came from', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await slsk(['info', 'bob', '--server', `127.0.0.1:${port}`, '--username', 'x', '--password', 'y'], { user: false });
    assertExit(result, 4);
    assert.match(result.stderr, new RegExp(`cannot connect to the server 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    assert.match(result.stderr, /came from --server/);
  });

  test('missing credentials exit 2 and say how to give them', async () => {
    const noUser = await slsk(['login', '--server', `127.0.0.1:${server.port}`], { user: false });
    assertExit(noUser, 2);
    assert.match(noUser.stderr, /no username: give --username NAME, set SLSK_USERNAME, or put "username" in the config file/);
    assert.match(noUser.stderr, /Run 'slsk login --help'/);
    const noPassword = await slsk(['rooms', '--server', `127.0.0.1:${server.port}`, '--username', 'x'], { user: false });
    assertExit(noPassword, 2);
    assert.match(noPassword.stderr, /no password for x: give --password TEXT, set SLSK_PASSWORD/);
  });

  test('bad options exit 2', async () => {
    const credentials = ['--username', 'x', '--password', 'y'];
    const cases: [string[], RegExp][] = [
      [['login', '--server', 'host:notaport', ...credentials], /--server must be HOST:PORT/],
      [['login', '--server', 'host:99999', ...credentials], /--server needs a port number from 1 to 65535/],
      [['login', '--listen-port', '70000', ...credentials], /--listen-port needs a port number from 0 to 65535/],
      [['login', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['search'], /missing QUERY/],
      [['search', 'x', '--room', 'a', '--user', 'b'], /--room and --user exclude each other/],
      [['search', 'x', '--timeout', 'soon'], /--timeout needs a number of seconds/],
      [['browse'], /missing USER/],
      [['pm', 'bob'], /missing TEXT/],
      [['chat'], /missing ROOM/],
      [['rooms', 'extra'], /unexpected argument "extra"/],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const result = await slsk(args, { user: false });
        assertExit(result, 2);
        assert.match(result.stderr, message);
        assert.equal(result.stdout, '');
      }),
    );
  });

  test('SLSK_SERVER, SLSK_USERNAME and SLSK_PASSWORD stand in for the options', async () => {
    const user = cliUser();
    const result = await slsk(['login', '--json', '--listen-host', '127.0.0.1'], {
      user: false,
      env: { SLSK_SERVER: `127.0.0.1:${server.port}`, SLSK_USERNAME: user, SLSK_PASSWORD: 'pw' },
    });
    assertExit(result, 0);
    assert.equal((JSON.parse(result.stdout) as { username: string }).username, user);
  });

  test('a config file gives the settings: --config, SLSK_CONFIG, or ~/.config/slsk/client.json; options and variables beat it', async () => {
    const dir = tempDir('slsk-cli-config-');
    const fromFile = cliUser();
    const settings = { server: `127.0.0.1:${server.port}`, username: fromFile, password: 'pw', listenHost: '127.0.0.1', listenPort: 0 };
    const file = join(dir, 'client.json');
    writeFileSync(file, JSON.stringify(settings));
    const loggedInAs = (result: ProcessResult): string => {
      assertExit(result, 0);
      return (JSON.parse(result.stdout) as { username: string }).username;
    };

    assert.equal(loggedInAs(await slsk(['login', '--json', '--config', file], { user: false })), fromFile);
    assert.equal(loggedInAs(await slsk(['login', '--json'], { user: false, env: { SLSK_CONFIG: file } })), fromFile);
    const home = emptyHome();
    mkdirSync(join(home, '.config', 'slsk'), { recursive: true });
    writeFileSync(join(home, '.config', 'slsk', 'client.json'), JSON.stringify(settings));
    assert.equal(loggedInAs(await slsk(['login', '--json'], { user: false, env: { HOME: home } })), fromFile);

    const fromEnv = cliUser();
    const fromOption = cliUser();
    assert.equal(loggedInAs(await slsk(['login', '--json', '--config', file], { user: false, env: { SLSK_USERNAME: fromEnv } })), fromEnv);
    assert.equal(
      loggedInAs(await slsk(['login', '--json', '--config', file, '--username', fromOption], { user: false, env: { SLSK_USERNAME: fromEnv } })),
      fromOption,
    );

    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ ...settings, usernme: 'x' }));
    const bad = await slsk(['login', '--config', typo], { user: false });
    assertExit(bad, 2);
    assert.match(bad.stderr, /unknown setting "usernme"/);
    const missing = await slsk(['login', '--config', join(dir, 'nope.json')], { user: false });
    assertExit(missing, 2);
    assert.match(missing.stderr, /nope\.json \(from --config\) does not exist/);
  });

  test('private messages kept while we were offline are shown at login, not lost', async () => {
    const user = cliUser();
    await offlineAccount(user);
    const sender = await peer('kim');
    sender.sendPrivateMessage(user, 'while you were out');
    // A round trip, so the server has stored it.
    await sender.userStatus(user);
    const result = await slsk(['login'], { user });
    assertExit(result, 0);
    assert.match(result.stderr, /kept while you were offline\] private message from kim: while you were out/);
  });
});

describe('client commands: search', { concurrency: true }, () => {
  test('a table with the best sources first: free slot, then speed', async () => {
    const result = await slsk(['search', 'aphex', 'xtal', '--max', '5', '--timeout', '20']);
    assertExit(result, 0);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^user +size +quality +length +slots +speed +queue +file$/);
    const users = lines.slice(1).map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(users, ['dan', 'bob', 'bob', 'bob', 'carol']);
    assert.match(lines[1]!, /^dan +3\.8 MiB +128 kbps +3:20 +free +1\.9 MiB\/s +0 +@@radio\\xtal radio edit\.mp3$/);
    assert.match(result.stdout, /^bob +11\.2 MiB +320 kbps +4:53 +free +977 KiB\/s +0 +@@music\\Aphex Twin\\01 - Xtal\.mp3$/m);
    assert.match(result.stdout, /^bob +55\.9 GiB +44\.1 kHz\/16 bit +9:07 .*02 - Tha\.flac$/m);
    assert.match(result.stdout, /^bob +4\.8 MiB +192 kbps VBR +4:40 .*\[locked\] @@private\\Aphex Twin\\Xtal \(demo\)\.mp3$/m);
    assert.match(lines[5]!, /^carol +.* busy +4\.8 MiB\/s +3 +@@share\\xtal live\.mp3$/);
    assert.equal(result.stderr, '5 files from 3 users (stopped at --max 5)\n');
  });

  test('--json prints one JSON line per file', async () => {
    const result = await slsk(['search', 'xtal', '--json', '--max', '5', '--timeout', '20']);
    assertExit(result, 0);
    const files = jsonLines(result.stdout);
    assert.equal(files.length, 5);
    const tha = files.find((file) => String(file['filename']).endsWith('Tha.flac'));
    assert.deepEqual(tha, {
      user: 'bob',
      filename: THA.filename,
      size: '60000000000',
      bitrate: null,
      duration: 547,
      vbr: null,
      sampleRate: 44100,
      bitDepth: 16,
      locked: false,
      slotsFree: true,
      avgSpeed: 1_000_000,
      queueLength: 0,
    });
    const demo = files.find((file) => file['filename'] === DEMO.filename);
    assert.equal(demo?.['locked'], true);
    assert.equal(demo?.['vbr'], true);
  });

  test('--user searches one user and --room the members of a room', async () => {
    const byUser = await slsk(['search', 'xtal', '--user', 'carol', '--json', '--max', '1', '--timeout', '20']);
    assertExit(byUser, 0);
    assert.deepEqual(jsonLines(byUser.stdout).map((file) => file['user']), ['carol']);
    const byRoom = await slsk(['search', 'xtal', '--room', 'searchroom', '--json', '--max', '1', '--timeout', '20']);
    assertExit(byRoom, 0);
    assert.deepEqual(jsonLines(byRoom.stdout).map((file) => file['user']), ['dan']);
  });

  test('no results exits 0 and says so', async () => {
    const result = await slsk(['search', 'nothing', 'matches', 'this', '--timeout', '0.5']);
    assertExit(result, 0);
    assert.equal(result.stdout, 'No results for "nothing matches this".\n');
    assert.equal(result.stderr, '0 files from 0 users (searched for 0.5 s)\n');
    const json = await slsk(['search', 'nothing', 'matches', 'this', '--timeout', '0.5', '--json']);
    assertExit(json, 0);
    assert.equal(json.stdout, '');
  });

  test('a word starting with - is an exclusion, as in every Soulseek client, not an option', async () => {
    const result = await slsk(['search', 'drift', '-departure', '--json', '--max', '1', '--timeout', '20']);
    assertExit(result, 0);
    assert.equal(result.stderr.includes('Unknown option'), false, result.stderr);
    assert.deepEqual(jsonLines(result.stdout).map((file) => file['filename']), [DRIFT.filename]);
    assert.ok(hankQueries.includes('drift -departure'), `the query sent was ${JSON.stringify(hankQueries)}`);

    const get = await slsk(['get', 'drift', '-live', '--list', '--json', '--max', '1', '--timeout', '20']);
    assertExit(get, 0);
    assert.deepEqual(jsonLines(get.stdout).map((file) => file['filename']), [DRIFT.filename]);
    assert.ok(hankQueries.includes('drift -live'), `the query sent was ${JSON.stringify(hankQueries)}`);
  });

  test('an exclusion spelled like an option is searched for, with a warning that says how to write the option', async () => {
    const result = await slsk(['search', 'drift', '-timeout', '--max', '1', '--timeout', '20', '--json']);
    assertExit(result, 0);
    assert.match(result.stderr, /slsk search: warning: -timeout is taken as an exclusion \(files without "timeout"\); for the option, write --timeout/);
    assert.ok(hankQueries.includes('drift -timeout'), `the query sent was ${JSON.stringify(hankQueries)}`);
  });

  test('an option after -- is refused, not silently searched for', async () => {
    for (const command of ['search', 'get']) {
      const result = await slsk([command, 'drift', '--', '-departure', '--timeout', '5']);
      assertExit(result, 2);
      assert.match(result.stderr, new RegExp(`^slsk ${command}: --timeout comes after --, where every argument is a word of the query: put options before --`, 'm'));
    }
  });

  test('Ctrl-C ends the search early and prints what was found', async () => {
    const child = start(['search', 'xtal', '--json', '--timeout', '120']);
    await child.waitFor(/\n/);
    child.process.kill('SIGINT');
    const result = await child.exited;
    assertExit(result, 0);
    assert.ok(jsonLines(result.stdout).length >= 1);
    assert.match(result.stderr, /files? from \d users? \(stopped with Ctrl-C\)\n$/);
  });
});

describe('client commands: browse, info, rooms', { concurrency: true }, () => {
  test('slsk browse lists folders and files, locked folders marked', async () => {
    const result = await slsk(['browse', 'bob']);
    assertExit(result, 0);
    assert.equal(
      result.stdout,
      [
        '@@music\\Aphex Twin  (2 files, 55.9 GiB)',
        '  11.2 MiB  320 kbps         4:53  01 - Xtal.mp3',
        '  55.9 GiB  44.1 kHz/16 bit  9:07  02 - Tha.flac',
        '[locked] @@private\\Demos  (1 file, 4.8 MiB)',
        '   4.8 MiB                         Xtal (demo).mp3',
        '2 folders, 3 files, 55.9 GiB; 1 locked folder (buddies only)',
        '',
      ].join('\n'),
    );
    const json = await slsk(['browse', 'bob', '--json']);
    assertExit(json, 0);
    const shares = JSON.parse(json.stdout) as { username: string; folders: { name: string; locked: boolean; files: Record<string, unknown>[] }[] };
    assert.equal(shares.username, 'bob');
    assert.deepEqual(
      shares.folders.map((folder) => [folder.name, folder.locked, folder.files.length]),
      [
        ['@@music\\Aphex Twin', false, 2],
        ['@@private\\Demos', true, 1],
      ],
    );
    assert.equal(shares.folders[0]?.files[1]?.['size'], '60000000000');
    assert.equal(shares.folders[0]?.files[1]?.['sampleRate'], 44100);
  });

  test('slsk browse of an offline or unknown user exits 1', async () => {
    const offline = await slsk(['browse', 'erin']);
    assertExit(offline, 1);
    assert.match(offline.stderr, /^slsk browse: erin is offline/);
    const unknown = await slsk(['browse', 'nobody-here']);
    assertExit(unknown, 1);
    assert.match(unknown.stderr, /there is no user named "nobody-here"/);
  });

  test("a user whose client cannot be reached: exit 1 within --timeout", async () => {
    // ghost is online, but announces a listen port nobody listens on and ignores ConnectToPeer.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const ghost = await RawClient.login(server.port, 'ghost');
    try {
      ghost.send({ name: 'SetListenPort', listeningPort: deadPort });
      await ghost.sync();
      const result = await slsk(['browse', 'ghost', '--timeout', '1']);
      assertExit(result, 1);
      assert.match(result.stderr, /^slsk browse: .*ghost/);
      const info = await slsk(['info', 'ghost', '--timeout', '1']);
      assertExit(info, 1);
      assert.match(info.stdout, /^status +online$/m, 'what the server knows is still shown');
      assert.match(info.stderr, /^slsk info: .*ghost/);
    } finally {
      await ghost.close();
    }
  });

  test('slsk info shows the server status and stats and the user info', async () => {
    const result = await slsk(['info', 'bob']);
    assertExit(result, 0);
    assert.match(result.stdout, /^user +bob$/m);
    assert.match(result.stdout, /^status +online$/m);
    assert.match(result.stdout, /^upload slots +3 \(one is free\)$/m);
    assert.match(result.stdout, /^queue +2$/m);
    // Upload permissions say who may send files TO the user, not who may download from them.
    assert.match(result.stdout, /^accepts uploads from +everyone$/m);
    assert.doesNotMatch(result.stdout, /downloads by/);
    assert.match(result.stdout, /^picture +2\.0 KiB$/m);
    assert.match(result.stdout, /^description +hello from bob\n +second line$/m);

    const json = await slsk(['info', 'bob', '--json']);
    assertExit(json, 0);
    assert.deepEqual(JSON.parse(json.stdout), {
      username: 'bob',
      status: 'online',
      privileged: false,
      country: null,
      stats: { avgSpeed: 0, uploads: 0, files: 0, folders: 0 },
      info: { description: 'hello from bob\nsecond line', uploadSlots: 3, slotsFree: true, queueLength: 2, uploadPermissions: 'everyone', pictureBytes: 2048 },
    });
  });

  test('slsk info of an offline user prints what the server knows and exits 1', async () => {
    const result = await slsk(['info', 'erin', '--json']);
    assertExit(result, 1);
    const info = JSON.parse(result.stdout) as { status: string; info: unknown };
    assert.equal(info.status, 'offline');
    assert.equal(info.info, null);
    assert.match(result.stderr, /erin is offline/);
  });

  test('slsk rooms lists rooms with their user counts', async () => {
    const frank = await peer('frank');
    const gus = await peer('gus');
    await frank.joinRoom('lounge');
    await gus.joinRoom('lounge');
    const result = await slsk(['rooms']);
    assertExit(result, 0);
    assert.match(result.stdout, /^users +room$/m);
    assert.match(result.stdout, /^ +2 +lounge$/m);
    const json = await slsk(['rooms', '--json']);
    assertExit(json, 0);
    const rooms = JSON.parse(json.stdout) as { name: string; users: number }[];
    assert.deepEqual(rooms.find((room) => room.name === 'lounge'), { name: 'lounge', users: 2 });
  });
});

describe('client commands: chat and private messages', { concurrency: true }, () => {
  test('slsk chat shows members and messages and sends the lines piped in; end of input leaves', async () => {
    const gina = await peer('gina');
    await gina.joinRoom('cafe');
    const user = cliUser();
    const joined = nextEvent(gina, 'userJoinedRoom', (event) => event.room === 'cafe' && event.member.username === user);
    const child = start(['chat', 'cafe'], { user });
    await joined;
    await child.waitFor(new RegExp(`^cafe: 2 members: ${user} \\(you\\), gina$`, 'm'));

    gina.sayInRoom('cafe', 'hello from gina');
    await child.waitFor(/^\[\d\d:\d\d:\d\d\] <gina> hello from gina$/m);

    const heard = nextEvent(gina, 'roomMessage', (message) => message.username === user);
    child.write('hi gina\n');
    assert.equal((await heard)[0].text, 'hi gina');
    await child.waitFor(new RegExp(`<${user}> hi gina$`, 'm'));

    const slash = nextEvent(gina, 'roomMessage', (message) => message.username === user);
    child.write('/members\n//shrug\n');
    assert.equal((await slash)[0].text, '/shrug');
    assert.equal(child.stdout.match(/^cafe: 2 members/gm)?.length, 2);

    gina.sendPrivateMessage(user, 'psst');
    await child.waitFor(/\*gina\* \(private\) psst$/m);

    const left = nextEvent(gina, 'userLeftRoom', (event) => event.username === user);
    child.endInput();
    const result = await child.exited;
    assertExit(result, 0);
    await left;
    assert.match(result.stdout, /\* you left cafe\n$/);
  });

  test('slsk chat --json prints events as JSON lines; /quit leaves', async () => {
    const hal = await peer('hal');
    await hal.joinRoom('cafe2');
    const user = cliUser();
    const child = start(['chat', 'cafe2', '--json'], { user });
    await child.waitFor(/"event":"members"/);
    const joined = nextEvent(hal, 'userLeftRoom', (event) => event.username === user);
    hal.sayInRoom('cafe2', 'json please');
    await child.waitFor(/json please/);
    child.write('/quit\nnot sent\n');
    const result = await child.exited;
    assertExit(result, 0);
    await joined;
    const events = jsonLines(result.stdout);
    assert.deepEqual(events[0], {
      event: 'members',
      room: 'cafe2',
      members: [
        { username: user, status: 'online', stats: { avgSpeed: 0, uploads: 0, files: 0, folders: 0 }, slotsFree: 0, country: '' },
        { username: 'hal', status: 'online', stats: { avgSpeed: 0, uploads: 0, files: 0, folders: 0 }, slotsFree: 0, country: '' },
      ],
    });
    const message = events.find((event) => event['event'] === 'message');
    assert.equal(message?.['user'], 'hal');
    assert.equal(message?.['text'], 'json please');
    assert.match(String(message?.['time']), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(events.at(-1), { event: 'left', room: 'cafe2' });
    assert.ok(!result.stdout.includes('not sent'));
  });

  test('slsk chat sees others join and leave; Ctrl-C leaves and exits 0', async () => {
    const user = cliUser();
    const child = start(['chat', 'cafe3', '--read-only'], { user });
    await child.waitFor(new RegExp(`^cafe3: 1 member: ${user} \\(you\\)$`, 'm'));
    const ivan = await peer('ivan');
    await ivan.joinRoom('cafe3');
    await child.waitFor(/\* ivan joined$/m);
    await ivan.leaveRoom('cafe3');
    await child.waitFor(/\* ivan left$/m);
    child.process.kill('SIGINT');
    const result = await child.exited;
    assertExit(result, 0);
    assert.match(result.stdout, /\* you left cafe3\n$/);
  });

  test('a room the server refuses exits 1 with its reason', async () => {
    const result = await slsk(['chat', 'a room name far too long for the server']);
    assertExit(result, 1);
    assert.match(result.stderr, /^slsk chat: the server refused room "a room name far too long for the server": .*at most 24 characters/);
  });

  test('slsk pm sends a private message', async () => {
    const hank = await peer('hank');
    const user = cliUser();
    const received = nextEvent(hank, 'privateMessage', (message) => message.from === user);
    const result = await slsk(['pm', 'hank', 'hello', 'there'], { user });
    assertExit(result, 0);
    assert.equal(result.stdout, 'sent to hank\n');
    assert.equal((await received)[0].text, 'hello there');
  });

  test('slsk pm --wait prints the answer; --json as JSON lines', async () => {
    const jill = await peer('jill');
    jill.on('privateMessage', (message) => jill.sendPrivateMessage(message.from, `pong: ${message.text}`));
    const text = await slsk(['pm', 'jill', 'ping', '--wait', '10']);
    assertExit(text, 0);
    assert.match(text.stdout, /^sent to jill\n\[\d\d:\d\d:\d\d\] <jill> pong: ping\n$/);
    const json = await slsk(['pm', 'jill', 'ping', 'again', '--wait', '10', '--json']);
    assertExit(json, 0);
    const [sent, reply] = jsonLines(json.stdout);
    assert.deepEqual(sent, { event: 'sent', to: 'jill', text: 'ping again', online: true });
    assert.equal(reply?.['event'], 'reply');
    assert.equal(reply?.['from'], 'jill');
    assert.equal(reply?.['text'], 'pong: ping again');
  });

  test('slsk pm to an offline user is kept for them; no answer within --wait exits 1; an unknown user exits 1', async () => {
    const offline = await slsk(['pm', 'erin', 'see you', '--wait', '0.3']);
    assertExit(offline, 1);
    assert.match(offline.stdout, /^sent to erin \(offline: the server keeps the message until erin logs in\)\n$/);
    assert.match(offline.stderr, /no answer from erin within 0\.3 s/);
    const unknown = await slsk(['pm', 'nobody-here', 'hello']);
    assertExit(unknown, 1);
    assert.match(unknown.stderr, /there is no user named "nobody-here"/);
  });
});
