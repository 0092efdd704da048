// The social commands (interests, recommendations, similar, privileges, buddy, ignore, room,
// admin) as real child processes against a real server in this process, with peers made from the
// client library. Every wait ends on output, an event or an exit, with a time limit.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { UserLists } from '../../src/client/user-lists.ts';
import { HELP_TEXT } from '../../src/server/admin.ts';
import { grantPrivileges } from '../../src/server/handlers/privileges.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import type { ProcessResult } from './run-process.ts';
import { assertExit } from './run-process.ts';
import { cleanEnv, removeHomes, SlskChild } from './slsk-child.ts';

let server: TestServer;
const peers: Client[] = [];
const children: SlskChild[] = [];

async function peer(username: string): Promise<Client> {
  const client = await loggedIn(server.port, username, { distributed: false });
  peers.push(client);
  return client;
}

/** Registers an account by logging in once, and leaves it offline. */
async function offlineAccount(username: string): Promise<void> {
  const client = await loggedIn(server.port, username, { distributed: false });
  await client.close();
}

function connection(user: string): string[] {
  return ['--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'];
}

/** Runs slsk as `user` (false: no connection options) with stdin closed; resolves once it exited. */
function slsk(args: readonly string[], user: string | false, env: Record<string, string> = {}): Promise<ProcessResult> {
  const child = new SlskChild([...args, ...(user === false ? [] : connection(user))], cleanEnv(env));
  children.push(child);
  child.endInput();
  return child.exited;
}

/** The one JSON value a --json run printed. */
function json(result: ProcessResult): unknown {
  assertExit(result, 0);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout);
}

before(async () => {
  server = await startServer({ admins: ['root'] });
});

after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited.catch(() => {})));
  await Promise.all(peers.map((client) => client.close()));
  await server.close();
  removeHomes();
});

const NEW_COMMANDS = ['room', 'interests', 'recommendations', 'similar', 'privileges', 'buddy', 'ignore', 'admin'] as const;
const SERVER_COMMANDS = ['room', 'interests', 'recommendations', 'similar', 'privileges', 'admin'] as const;
const ROOM_SUBCOMMANDS = ['create', 'add', 'remove', 'op', 'deop', 'leave', 'disband', 'members', 'ticker', 'tickers', 'invites'] as const;

describe('social commands: help', { concurrency: true }, () => {
  test('slsk --help lists every new command with an example', async () => {
    const result = await slsk(['--help'], false);
    assertExit(result, 0);
    for (const command of NEW_COMMANDS) {
      assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'), `${command} is listed`);
      assert.match(result.stdout, new RegExp(`e\\.g\\. slsk ${command} `), `${command} has an example`);
    }
  });

  for (const command of NEW_COMMANDS) {
    test(`slsk ${command} --help shows usage, --json, exit codes and examples`, async () => {
      const result = await slsk([command, '--help'], false);
      assertExit(result, 0);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, new RegExp(`^Usage: slsk ${command}`, 'm'));
      assert.ok(result.stdout.includes('--json'), `${command} documents --json`);
      assert.match(result.stdout, /^Exit status:\n  0 .*\n  1 .*\n  2 /m);
      const examples = result.stdout.slice(result.stdout.indexOf('Examples:'));
      assert.match(examples, new RegExp(`^  slsk ${command}\\b`, 'm'), 'an example that runs the command');
      if ((SERVER_COMMANDS as readonly string[]).includes(command)) {
        for (const option of ['--server HOST:PORT', '--username', '--password', '--timeout SECONDS']) {
          assert.ok(result.stdout.includes(option), `${command} documents ${option}`);
        }
      } else {
        assert.match(result.stdout, /--data DIR .*\$SLSK_DATA/s, `${command} documents --data`);
      }
    });
  }
});

describe('slsk room: help for every subcommand', { concurrency: true }, () => {
  test('slsk room --help lists every subcommand with an example', async () => {
    const result = await slsk(['room', '--help'], false);
    assertExit(result, 0);
    const examples = result.stdout.slice(result.stdout.indexOf('Examples:'));
    for (const sub of ROOM_SUBCOMMANDS) {
      assert.match(result.stdout, new RegExp(`^  ${sub} \\S`, 'm'), `${sub} is listed`);
      assert.match(examples, new RegExp(`^  slsk room ${sub} `, 'm'), `${sub} has an example`);
    }
  });

  for (const sub of ROOM_SUBCOMMANDS) {
    test(`slsk room ${sub} --help shows that subcommand`, async () => {
      const result = await slsk(['room', sub, '--help'], false);
      assertExit(result, 0);
      assert.match(result.stdout, new RegExp(`^Usage: slsk room ${sub} `, 'm'));
      assert.match(result.stdout, /--json/);
      assert.match(result.stdout, new RegExp(`^Examples:\n  slsk room ${sub} `, 'm'));
    });
  }

  test('usage mistakes exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['room'], /missing SUBCOMMAND; the subcommands are: create, add, remove, op, deop, leave, disband, members, ticker, tickers, invites/],
      [['room', 'kick', 'x'], /unknown subcommand "kick"/],
      [['room', 'add', 'club'], /missing arguments: slsk room add NAME USER/],
      [['room', 'create', 'a', 'b'], /unexpected argument "b": slsk room create NAME/],
      [['room', 'ticker', 'club'], /missing TEXT: slsk room ticker NAME TEXT\.\.\. \(or --clear to remove yours\)/],
      [['room', 'ticker', 'club', 'hi', '--clear'], /give TEXT or --clear, not both/],
      [['room', 'members', 'club', '--clear'], /--clear goes with ticker/],
      [['room', 'invites', 'maybe'], /invites takes on or off, got "maybe"/],
    ];
    for (const [args, message] of cases) {
      const result = await slsk(args, 'nobody2');
      assertExit(result, 2);
      assert.match(result.stderr, message);
    }
  });
});

describe('interests, recommendations and similar users', () => {
  // The data set, with the server's scores worked out by hand (src/server/recommendations.ts):
  //   ann likes idm, ambient; hates country        bea likes idm, techno
  //   the CLI user fan likes idm (added with slsk interests) and hates polka
  // w(fan, ann) = 1 (idm), w(fan, bea) = 1 (idm).
  // fan's recommendations: ambient 1 (ann), techno 1 (bea); country −1 (ann hates it).
  // Global: idm 3; ambient 1, techno 1; country −1, polka −1.
  // Items listed with idm: ambient 1, techno 1; country −1 (ann), polka −1 (fan).
  // Users who like idm: ann, bea, fan.
  before(async () => {
    const ann = await peer('ann');
    ann.addInterest('idm');
    ann.addInterest('ambient');
    ann.addHatedInterest('country');
    const bea = await peer('bea');
    bea.addInterest('idm');
    bea.addInterest('techno');
    // Reading the lists back is the round trip after which the server has stored them.
    assert.deepEqual(await ann.userInterests('ann'), { username: 'ann', liked: ['idm', 'ambient'], hated: ['country'] });
    assert.deepEqual(await bea.userInterests('bea'), { username: 'bea', liked: ['idm', 'techno'], hated: [] });
  });

  test('slsk interests add, hate, show and remove, in text and --json', async () => {
    const empty = await slsk(['interests'], 'fan');
    assertExit(empty, 0);
    assert.equal(empty.stdout, 'You like nothing yet.\nYou hate nothing yet.\n');

    assert.deepEqual(json(await slsk(['interests', 'add', 'IDM', 'jazz', '--json'], 'fan')), { username: 'fan', liked: ['idm', 'jazz'], hated: [] });
    const hated = await slsk(['interests', 'hate', 'polka'], 'fan');
    assertExit(hated, 0);
    assert.equal(hated.stdout, 'You like:\n  idm\n  jazz\nYou hate:\n  polka\n');
    assert.deepEqual(json(await slsk(['interests', 'remove', 'jazz', '--json'], 'fan')), { username: 'fan', liked: ['idm'], hated: ['polka'] });

    const other = await slsk(['interests', 'show', 'ann'], 'fan');
    assertExit(other, 0);
    assert.equal(other.stdout, 'ann likes:\n  idm\n  ambient\nann hates:\n  country\n');
    assert.deepEqual(json(await slsk(['interests', 'show', 'bea', '--json'], 'fan')), { username: 'bea', liked: ['idm', 'techno'], hated: [] });
  });

  test('an item the server does not keep exits 1 and says so', async () => {
    const long = 'x'.repeat(65);
    const result = await slsk(['interests', 'add', long], 'fan2');
    assertExit(result, 1);
    assert.match(result.stderr, new RegExp(`^slsk interests: the server did not add "${long}"`));
  });

  test('slsk recommendations: personal, --global and --item, with the hand-computed scores', async () => {
    assert.deepEqual(json(await slsk(['recommendations', '--json'], 'fan')), {
      recommendations: [
        { item: 'ambient', score: 1 },
        { item: 'techno', score: 1 },
      ],
      unrecommendations: [{ item: 'country', score: -1 }],
    });
    const text = await slsk(['recommendations'], 'fan');
    assertExit(text, 0);
    assert.equal(text.stdout, 'score  recommended\n    1  ambient\n    1  techno\n\nscore  not recommended\n   -1  country\n');

    assert.deepEqual(json(await slsk(['recommendations', '--global', '--json'], 'fan')), {
      recommendations: [
        { item: 'idm', score: 3 },
        { item: 'ambient', score: 1 },
        { item: 'techno', score: 1 },
      ],
      unrecommendations: [
        { item: 'country', score: -1 },
        { item: 'polka', score: -1 },
      ],
    });
    assert.deepEqual(json(await slsk(['recommendations', '--item', 'idm', '--json'], 'fan')), {
      item: 'idm',
      recommendations: [
        { item: 'ambient', score: 1 },
        { item: 'techno', score: 1 },
      ],
      unrecommendations: [
        { item: 'country', score: -1 },
        { item: 'polka', score: -1 },
      ],
    });
    const none = await slsk(['recommendations'], 'nobody1');
    assertExit(none, 0);
    assert.equal(none.stdout, 'No recommendations yet: they come from your interests (slsk interests add ITEM...).\n');
  });

  test('slsk similar and similar --item', async () => {
    assert.deepEqual(json(await slsk(['similar', '--json'], 'fan')), [
      { username: 'ann', rating: 1 },
      { username: 'bea', rating: 1 },
    ]);
    const text = await slsk(['similar'], 'fan');
    assertExit(text, 0);
    assert.equal(text.stdout, 'rating  user\n     1  ann\n     1  bea\n');
    assert.deepEqual(json(await slsk(['similar', '--item', 'ambient', '--json'], 'fan')), [{ username: 'ann' }]);
    const item = await slsk(['similar', '--item', 'techno'], 'fan');
    assertExit(item, 0);
    assert.equal(item.stdout, 'Users who like techno:\n  bea\n');
  });

  test('usage mistakes exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['interests', 'like', 'x'], /unknown action "like"; the actions are: show, add, remove, hate, unhate/],
      [['interests', 'add'], /add needs at least one ITEM/],
      [['recommendations', '--global', '--item', 'x'], /--global and --item ask for different lists/],
      [['recommendations', 'idm'], /for one item's recommendations use --item "idm"/],
      [['similar', 'idm'], /for the users who like an item use --item "idm"/],
    ];
    for (const [args, message] of cases) {
      const result = await slsk(args, 'fan');
      assertExit(result, 2);
      assert.match(result.stderr, message);
    }
  });
});

describe('privileges', () => {
  const DAY = 86_400;

  before(async () => {
    await offlineAccount('giver');
    await offlineAccount('taker');
    await offlineAccount('pauper');
    assert.notEqual(await grantPrivileges(server.server.core, 'giver', 10, 'test'), undefined);
  });

  test('slsk privileges shows your time left, in text and --json', async () => {
    const own = json(await slsk(['privileges', '--json'], 'giver')) as { username: string; privileged: boolean; secondsLeft: number };
    assert.deepEqual(Object.keys(own), ['username', 'privileged', 'secondsLeft']);
    assert.equal(own.username, 'giver');
    assert.equal(own.privileged, true);
    assert.ok(own.secondsLeft > 10 * DAY - 60 && own.secondsLeft <= 10 * DAY, String(own.secondsLeft));
    const text = await slsk(['privileges'], 'giver');
    assertExit(text, 0);
    assert.match(text.stdout, /^You are privileged for 9 days 23 hours\.\n$/);
    const none = await slsk(['privileges'], 'pauper');
    assertExit(none, 0);
    assert.equal(none.stdout, 'You have no privileges.\n');
  });

  test('slsk privileges give moves days; USER shows whether a user is privileged', async () => {
    assert.deepEqual(json(await slsk(['privileges', 'taker', '--json'], 'pauper')), { username: 'taker', privileged: false });
    const gift = json(await slsk(['privileges', 'give', 'taker', '3', '--json'], 'giver')) as { to: string; days: number; secondsLeft: number };
    assert.equal(gift.to, 'taker');
    assert.equal(gift.days, 3);
    assert.ok(gift.secondsLeft > 7 * DAY - 120 && gift.secondsLeft <= 7 * DAY, String(gift.secondsLeft));
    assert.deepEqual(json(await slsk(['privileges', 'taker', '--json'], 'pauper')), { username: 'taker', privileged: true });
    const text = await slsk(['privileges', 'show', 'taker'], 'pauper');
    assertExit(text, 0);
    assert.equal(text.stdout, 'taker is privileged.\n');
    const more = await slsk(['privileges', 'give', 'taker', '1'], 'giver');
    assertExit(more, 0);
    assert.match(more.stdout, /^Gave 1 day of privileges to taker; you have 5 days 23 hours left\.\n$/);
  });

  test('a gift the server refuses exits 1 with its reason', async () => {
    const poor = await slsk(['privileges', 'give', 'taker', '1'], 'pauper');
    assertExit(poor, 1);
    assert.equal(poor.stdout, '');
    assert.equal(poor.stderr, 'slsk privileges: the server refused the gift of privileges to taker: You have no privileges to give.\n');
    const tooMany = await slsk(['privileges', 'give', 'taker', '100'], 'giver');
    assertExit(tooMany, 1);
    assert.match(tooMany.stderr, /^slsk privileges: the server refused the gift of privileges to taker: You have 5 days and 23 hours of privileges left, not enough to give 100 days\.\n$/);
    const unknown = await slsk(['privileges', 'give', 'nosuchuser', '1'], 'giver');
    assertExit(unknown, 1);
    assert.equal(unknown.stderr, `slsk privileges: there is no user named "nosuchuser" on 127.0.0.1:${server.port}\n`);
    const zero = await slsk(['privileges', 'give', 'taker', '0'], 'giver');
    assertExit(zero, 2);
    assert.match(zero.stderr, /DAYS must be a whole number of days from 1, got "0"/);
  });
});

describe('buddy and ignore lists', () => {
  let data: string;
  before(() => {
    data = tempDir('slsk-cli-data-');
  });

  test('slsk buddy add, list, note and remove persist in the data folder', async () => {
    const added = await slsk(['buddy', 'add', 'bob', '--note', 'great rips', '--data', data], false);
    assertExit(added, 0);
    assert.equal(added.stdout, 'Added bob to your buddies.\n');
    assert.deepEqual(json(await slsk(['buddy', 'add', 'carol', '--json'], false, { SLSK_DATA: data })), { user: 'carol', result: 'added' });
    assert.deepEqual(json(await slsk(['buddy', 'add', 'carol', '--json', '--data', data], false)), { user: 'carol', result: 'unchanged' });
    assert.deepEqual(json(await slsk(['buddy', 'add', 'carol', '--note', 'x', '--json', '--data', data], false)), { user: 'carol', result: 'updated' });

    const listed = json(await slsk(['buddy', 'list', '--json', '--data', data], false)) as { name: string; note: string; addedAt: string }[];
    assert.deepEqual(
      listed.map(({ name, note }) => ({ name, note })),
      [
        { name: 'bob', note: 'great rips' },
        { name: 'carol', note: 'x' },
      ],
    );
    for (const entry of listed) assert.match(entry.addedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const text = await slsk(['buddy', '--data', data], false);
    assertExit(text, 0);
    const today = listed[0]!.addedAt.slice(0, 10);
    assert.equal(text.stdout, `user   added       note\nbob    ${today}  great rips\ncarol  ${today}  x\n`);

    // The file is the library's own: what the CLI wrote, UserLists reads.
    const lists = UserLists.open(join(data, 'user-lists.sqlite'));
    try {
      assert.deepEqual(lists.buddyNames().sort(), ['bob', 'carol']);
    } finally {
      lists.close();
    }

    const removed = await slsk(['buddy', 'remove', 'bob', '--data', data], false);
    assertExit(removed, 0);
    assert.equal(removed.stdout, 'Removed bob from your buddies.\n');
    const missing = await slsk(['buddy', 'remove', 'bob', '--data', data], false);
    assertExit(missing, 1);
    assert.equal(missing.stderr, 'slsk buddy: bob is not on your buddy list (slsk buddy list shows it; names are case-sensitive)\n');
    assert.deepEqual(
      (json(await slsk(['buddy', 'list', '--json', '--data', data], false)) as { name: string }[]).map((b) => b.name),
      ['carol'],
    );
  });

  test('slsk ignore add, list and remove persist in the data folder', async () => {
    const added = await slsk(['ignore', 'add', 'spammer', '--data', data], false);
    assertExit(added, 0);
    assert.equal(added.stdout, 'Ignoring spammer.\n');
    assert.deepEqual(json(await slsk(['ignore', 'add', 'spammer', '--json', '--data', data], false)), { user: 'spammer', result: 'unchanged' });
    const listed = json(await slsk(['ignore', '--json', '--data', data], false)) as { name: string; addedAt: string }[];
    assert.deepEqual(
      listed.map((entry) => entry.name),
      ['spammer'],
    );
    const lists = UserLists.open(join(data, 'user-lists.sqlite'));
    try {
      assert.equal(lists.isIgnored('spammer'), true);
    } finally {
      lists.close();
    }
    assert.deepEqual(json(await slsk(['ignore', 'remove', 'spammer', '--json', '--data', data], false)), { user: 'spammer', result: 'removed' });
    const empty = await slsk(['ignore', 'list', '--data', data], false);
    assertExit(empty, 0);
    assert.equal(empty.stdout, 'You ignore nobody.\n');
    const missing = await slsk(['ignore', 'remove', 'spammer', '--data', data], false);
    assertExit(missing, 1);
    assert.equal(missing.stderr, 'slsk ignore: spammer is not on your ignore list (slsk ignore list shows it; names are case-sensitive)\n');
  });

  test('slsk share opens the same lists: buddies see --buddies folders, ignored users get nothing', async () => {
    const root = tempDir('slsk-cli-share-');
    const dataDir = join(root, 'data');
    mkdirSync(join(root, 'Public'));
    mkdirSync(join(root, 'Rare'));
    writeFileSync(join(root, 'Public', 'open.txt'), 'for everyone\n');
    writeFileSync(join(root, 'Rare', 'demo.txt'), 'for buddies\n');
    assertExit(await slsk(['buddy', 'add', 'pal', '--data', dataDir], false), 0);
    assertExit(await slsk(['ignore', 'add', 'troll', '--data', dataDir], false), 0);

    const sharer = new SlskChild(['share', join(root, 'Public'), '--buddies', join(root, 'Rare'), '--data', dataDir, ...connection('lender')], cleanEnv(), 60_000);
    children.push(sharer);
    sharer.endInput();
    await sharer.waitFor(/online as lender on \S+, sharing 1 file in 1 folder;/, 'stdout', 20_000);

    const names = (folders: readonly { name: string }[]): string[] => folders.map((folder) => folder.name).sort();
    const pal = await peer('pal');
    const asBuddy = await pal.browse('lender');
    assert.deepEqual([names(asBuddy.folders), names(asBuddy.lockedFolders)], [['Public', 'Rare'], []]);
    const stranger = await peer('stranger');
    const asStranger = await stranger.browse('lender');
    assert.deepEqual([names(asStranger.folders), names(asStranger.lockedFolders)], [['Public'], ['Rare']]);
    // An ignored user's browse gets no answer at all: it runs into its own time limit.
    const troll = await loggedIn(server.port, 'troll', { distributed: false, timeouts: { peerReplyMs: 1500 } });
    peers.push(troll);
    await assert.rejects(troll.browse('lender'));

    sharer.process.kill('SIGINT');
    assertExit(await sharer.exited, 0);
  });

  test('bad names and arguments exit 2 without touching the data folder', async () => {
    const fresh = join(tempDir('slsk-cli-data-'), 'unused');
    const cases: [string[], RegExp][] = [
      [['buddy', 'add', 'server'], /"server" cannot be a Soulseek username: "server" is the server itself, not a user/],
      [['buddy', 'add', 'x'.repeat(31)], /cannot be a Soulseek username: the name is longer than 30 characters/],
      [['buddy', 'add'], /add needs a USER: slsk buddy add USER/],
      [['buddy', 'remove', 'bob', '--note', 'x'], /--note goes with add/],
      [['ignore', 'block', 'bob'], /unknown action "block"; the actions are: add, remove, list/],
      [['ignore', 'list', 'bob'], /slsk ignore list takes no USER/],
    ];
    for (const [args, message] of cases) {
      const result = await slsk([...args, '--data', fresh], false);
      assertExit(result, 2);
      assert.match(result.stderr, message);
    }
    assert.equal(existsSync(fresh), false);
  });
});

describe('private rooms and tickers', () => {
  let rita: Client;

  before(async () => {
    rita = await peer('rita');
    await peer('sam');
    const tom = await peer('tom');
    assert.equal(await tom.setRoomInvitations(false), false);
  });

  test('create, add, op, members, ticker, deop, remove, rooms and disband', async () => {
    assert.deepEqual(json(await slsk(['room', 'create', 'club', '--json'], 'olive')), { room: 'club', owner: 'olive', created: true });
    const again = await slsk(['room', 'create', 'club'], 'olive');
    assertExit(again, 0);
    assert.equal(again.stdout, 'You own private room club already.\n');

    const added = await slsk(['room', 'add', 'club', 'rita'], 'olive');
    assertExit(added, 0);
    assert.equal(added.stdout, 'Added rita to private room club.\n');
    assert.deepEqual(json(await slsk(['room', 'add', 'club', 'sam', '--json'], 'olive')), { room: 'club', user: 'sam', action: 'add' });
    const op = await slsk(['room', 'op', 'club', 'rita'], 'olive');
    assertExit(op, 0);
    assert.equal(op.stdout, 'rita is now an operator of club.\n');

    assert.deepEqual(json(await slsk(['room', 'members', 'club', '--json'], 'olive')), {
      room: 'club',
      owner: 'olive',
      operators: ['rita'],
      members: ['rita', 'sam'],
    });
    const text = await slsk(['room', 'members', 'club'], 'olive');
    assertExit(text, 0);
    assert.equal(text.stdout, 'Private room club\nowner      olive\noperators  rita\nmembers    rita, sam\n');

    const ticker = await slsk(['room', 'ticker', 'club', 'hello', 'there'], 'olive');
    assertExit(ticker, 0);
    assert.equal(ticker.stdout, 'Set your ticker in club.\n');
    assert.deepEqual(json(await slsk(['room', 'tickers', 'club', '--json'], 'olive')), [{ username: 'olive', ticker: 'hello there' }]);
    const tickers = await slsk(['room', 'tickers', 'club'], 'olive');
    assertExit(tickers, 0);
    assert.equal(tickers.stdout, 'user   ticker\nolive  hello there\n');
    assert.deepEqual(json(await slsk(['room', 'ticker', 'club', '--clear', '--json'], 'olive')), { room: 'club', ticker: null });
    const none = await slsk(['room', 'tickers', 'club'], 'olive');
    assertExit(none, 0);
    assert.equal(none.stdout, 'No tickers in club.\n');

    const deop = await slsk(['room', 'deop', 'club', 'rita'], 'olive');
    assertExit(deop, 0);
    assert.equal(deop.stdout, 'rita is no longer an operator of club.\n');
    const removed = await slsk(['room', 'remove', 'club', 'sam'], 'olive');
    assertExit(removed, 0);
    assert.equal(removed.stdout, 'Removed sam from private room club.\n');

    const rooms = json(await slsk(['rooms', '--json'], 'olive')) as { name: string }[];
    assert.deepEqual(
      rooms.find((room) => room.name === 'club'),
      { name: 'club', users: 0, private: 'owned', operator: false },
    );
    const roomsText = await slsk(['rooms'], 'olive');
    assertExit(roomsText, 0);
    assert.match(roomsText.stdout, /^users  room +kind\n/);
    assert.match(roomsText.stdout, /^    0  club +private, owner$/m);

    // A member: leaves the room it was added to (rita's library client goes offline first, so
    // the CLI's login does not log it out).
    await rita.close();
    assert.deepEqual(json(await slsk(['room', 'members', 'club', '--json'], 'rita')), { room: 'club', owner: 'olive', operators: [], members: ['rita'] });
    const left = await slsk(['room', 'leave', 'club'], 'rita');
    assertExit(left, 0);
    assert.equal(left.stdout, 'You are no longer a member of club.\n');

    assert.deepEqual(json(await slsk(['room', 'disband', 'club', '--json'], 'olive')), { room: 'club', action: 'disband' });
    const gone = await slsk(['room', 'members', 'club'], 'olive');
    assertExit(gone, 1);
    assert.equal(gone.stdout, '');
    assert.equal(gone.stderr, 'slsk room: you are not a member of a private room named club (slsk rooms lists yours; slsk chat club shows who is in a public room)\n');
  });

  test('refusals exit 1 with the server\'s words', async () => {
    assert.deepEqual(json(await slsk(['room', 'create', 'den', '--json'], 'owen')), { room: 'den', owner: 'owen', created: true });
    const invites = await slsk(['room', 'add', 'den', 'tom'], 'owen');
    assertExit(invites, 1);
    assert.equal(invites.stdout, '');
    assert.equal(
      invites.stderr,
      'slsk room: the server refused adding tom to room den: User tom does not accept private room invitations. Ask them to enable them before adding them again.\n',
    );
    const notOwner = await slsk(['room', 'disband', 'den'], 'pete');
    assertExit(notOwner, 1);
    assert.equal(notOwner.stderr, 'slsk room: the server refused disbanding room den: You do not own room den.\n');
    const taken = await slsk(['room', 'create', 'den'], 'pete');
    assertExit(taken, 1);
    assert.match(taken.stderr, /^slsk room: the server refused room "den": /);
  });

  test('slsk room invites on and off', async () => {
    assert.deepEqual(json(await slsk(['room', 'invites', 'off', '--json'], 'quinn')), { invitations: false });
    const on = await slsk(['room', 'invites', 'on'], 'quinn');
    assertExit(on, 0);
    assert.equal(on.stdout, 'Others may add you to their private rooms.\n');
  });
});

describe('slsk admin', () => {
  test('an administrator gets the server\'s help and replies; anyone else the refusal', async () => {
    const help = await slsk(['admin', 'help'], 'root');
    assertExit(help, 0);
    assert.equal(help.stdout, `${HELP_TEXT}\n`);
    assert.deepEqual(json(await slsk(['admin', 'unban', 'nosuchaccount', '--json'], 'root')), {
      command: 'unban nosuchaccount',
      reply: 'No account named "nosuchaccount".',
    });
    const refused = await slsk(['admin', 'help'], 'pete');
    assertExit(refused, 1);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, 'slsk admin: You are not an administrator of this server.\n');
    const missing = await slsk(['admin'], 'root');
    assertExit(missing, 2);
    assert.match(missing.stderr, /missing COMMAND: slsk admin COMMAND\.\.\. \(slsk admin help lists them\)/);
  });
});
