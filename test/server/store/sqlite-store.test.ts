// Tests of the SQLite ServerStore on real files in a temporary folder: accounts and passwords,
// stats, offline private messages, durability (reopen and SIGKILL), migrations and input checks.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { AccountExistsError } from '../../../src/server/store/store.ts';
import {
  SqliteStore,
  StoreClosedError,
  UnknownAccountError,
  openSqliteStore,
} from '../../../src/server/store/sqlite-store.ts';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  NewerSchemaError,
  migrate,
  schemaVersion,
  type Migration,
} from '../../../src/server/store/migrations.ts';
import { hashPassword, validatePasswordCost, verifyPasswordHash } from '../../../src/server/store/passwords.ts';

const FAST = { passwordCost: 1024 };
const UINT32_MAX = 0xffff_ffff;

let dir: string;
let fileCounter = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slsk-store-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function freshPath(): string {
  return path.join(dir, `store-${++fileCounter}.sqlite`);
}

/** Opens a store on a new file, runs `body`, and closes it even when an assertion fails. */
async function withStore(body: (store: SqliteStore, file: string) => Promise<void>): Promise<void> {
  const file = freshPath();
  const store = await openSqliteStore(file, FAST);
  try {
    await body(store, file);
  } finally {
    await store.close();
  }
}

function rawRows(file: string, sql: string, ...params: (string | number)[]): Record<string, unknown>[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return plain(db.prepare(sql).all(...params));
  } finally {
    db.close();
  }
}

/** node:sqlite rows have a null prototype, which deepEqual tells apart from an object literal. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => ({ ...row }));
}

describe('accounts', () => {
  test('create and get', async () => {
    await withStore(async (store) => {
      const before = Date.now();
      const created = await store.createAccount('alice', 'secret');
      assert.equal(created.username, 'alice');
      assert.ok(created.createdAt >= before && created.createdAt <= Date.now());
      assert.equal(created.banned, false);
      assert.equal(created.admin, false);
      assert.equal(created.privilegedUntil, 0);
      assert.deepEqual(await store.getAccount('alice'), created);
      assert.equal(await store.getAccount('nobody'), undefined);
    });
  });

  test('usernames are case-sensitive', async () => {
    await withStore(async (store) => {
      await store.createAccount('Alice', 'upper');
      await store.createAccount('alice', 'lower');
      assert.equal(await store.verifyPassword('Alice', 'upper'), true);
      assert.equal(await store.verifyPassword('alice', 'upper'), false);
      assert.equal(await store.verifyPassword('alice', 'lower'), true);
      assert.equal(await store.getAccount('ALICE'), undefined);
    });
  });

  test('verifyPassword: right, wrong, unknown user', async () => {
    await withStore(async (store) => {
      await store.createAccount('bob', 'hunter2');
      assert.equal(await store.verifyPassword('bob', 'hunter2'), true);
      assert.equal(await store.verifyPassword('bob', 'hunter3'), false);
      assert.equal(await store.verifyPassword('bob', ''), false);
      assert.equal(await store.verifyPassword('carol', 'hunter2'), false);
    });
  });

  test('a taken name rejects with AccountExistsError and keeps the first password', async () => {
    await withStore(async (store) => {
      await store.createAccount('dave', 'first');
      await assert.rejects(store.createAccount('dave', 'second'), (error: unknown) => {
        assert.ok(error instanceof AccountExistsError);
        assert.equal(error.username, 'dave');
        return true;
      });
      // Two creations racing past the early check: the INSERT decides, exactly one wins.
      const results = await Promise.allSettled([store.createAccount('erin', 'a'), store.createAccount('erin', 'b')]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const failed = results.find((r) => r.status === 'rejected');
      assert.ok(failed?.status === 'rejected' && failed.reason instanceof AccountExistsError);
      assert.equal(await store.verifyPassword('dave', 'first'), true);
      assert.equal(await store.verifyPassword('dave', 'second'), false);
    });
  });

  test('setPassword', async () => {
    await withStore(async (store) => {
      await store.createAccount('frank', 'old');
      assert.equal(await store.setPassword('frank', 'new'), true);
      assert.equal(await store.verifyPassword('frank', 'old'), false);
      assert.equal(await store.verifyPassword('frank', 'new'), true);
      assert.equal(await store.setPassword('nobody', 'x'), false);
      assert.equal(await store.getAccount('nobody'), undefined);
    });
  });

  test('ban, admin and privileges', async () => {
    await withStore(async (store) => {
      await store.createAccount('gina', 'pw');
      const root = await store.createAccount('root', 'pw', { admin: true });
      assert.equal(root.admin, true);

      assert.equal(await store.setBanned('gina', true), true);
      assert.equal((await store.getAccount('gina'))?.banned, true);
      assert.equal(await store.setBanned('gina', false), true);
      assert.equal((await store.getAccount('gina'))?.banned, false);

      assert.equal(await store.setAdmin('gina', true), true);
      assert.equal((await store.getAccount('gina'))?.admin, true);
      assert.equal(await store.setAdmin('root', false), true);
      assert.equal((await store.getAccount('root'))?.admin, false);

      const until = Date.now() + 30 * 24 * 3600 * 1000;
      assert.equal(await store.setPrivilegedUntil('gina', until), true);
      assert.equal((await store.getAccount('gina'))?.privilegedUntil, until);
      assert.equal(await store.setPrivilegedUntil('gina', 0), true);
      assert.equal((await store.getAccount('gina'))?.privilegedUntil, 0);

      assert.equal(await store.setBanned('nobody', true), false);
      assert.equal(await store.setAdmin('nobody', true), false);
      assert.equal(await store.setPrivilegedUntil('nobody', until), false);
    });
  });

  test('listAccounts', async () => {
    await withStore(async (store) => {
      assert.deepEqual(await store.listAccounts(), []);
      await store.createAccount('zed', 'pw');
      await store.createAccount('amy', 'pw', { admin: true });
      await store.createAccount('Mia', 'pw');
      const list = await store.listAccounts();
      assert.deepEqual(
        list.map((a) => a.username),
        ['Mia', 'amy', 'zed'],
      );
      assert.deepEqual(list[1], await store.getAccount('amy'));
    });
  });

  test('deleteAccount removes its stats and the messages waiting for it, not those it sent', async () => {
    await withStore(async (store, file) => {
      await store.createAccount('hank', 'pw');
      await store.createAccount('ivy', 'pw');
      await store.recordUpload('hank', 1000);
      await store.setShared('hank', 10, 2);
      await store.storePrivateMessage({ timestamp: 1, from: 'ivy', to: 'hank', message: 'to hank' });
      const sent = await store.storePrivateMessage({ timestamp: 2, from: 'hank', to: 'ivy', message: 'from hank' });

      assert.equal(await store.deleteAccount('hank'), true);
      assert.equal(await store.deleteAccount('hank'), false);
      assert.equal(await store.getAccount('hank'), undefined);
      assert.deepEqual(await store.getStats('hank'), { avgSpeed: 0, uploads: 0, sharedFiles: 0, sharedFolders: 0 });
      assert.deepEqual(await store.pendingPrivateMessages('hank'), []);
      assert.deepEqual(await store.pendingPrivateMessages('ivy'), [sent]);
      assert.deepEqual(rawRows(file, "SELECT * FROM stats WHERE username = 'hank'"), []);
      assert.deepEqual(rawRows(file, "SELECT * FROM private_messages WHERE recipient = 'hank'"), []);

      // A new account under the old name starts clean.
      await store.createAccount('hank', 'pw2');
      assert.equal((await store.getStats('hank')).uploads, 0);
      assert.deepEqual(await store.pendingPrivateMessages('hank'), []);
    });
  });
});

describe('password storage', () => {
  test('the password is never in the database file in clear; the hash is scrypt$N$r$p$salt$hash', async () => {
    const file = freshPath();
    const password = 'Correct-Horse-Battery-Staple-8d1f';
    const store = await openSqliteStore(file, FAST);
    await store.createAccount('jill', password);
    await store.setPassword('kurt', password); // unknown user: stores nothing
    await store.createAccount('kurt', 'other');
    await store.setPassword('kurt', password);
    // Look while the data may still sit in the WAL, then again after close has checkpointed it.
    const search = (): void => {
      for (const name of [file, `${file}-wal`]) {
        if (!fs.existsSync(name)) continue;
        const bytes = fs.readFileSync(name);
        assert.equal(bytes.includes(Buffer.from(password, 'utf8')), false, `${name} holds the password`);
        assert.equal(bytes.includes(Buffer.from(password, 'utf16le')), false, `${name} holds the password`);
      }
    };
    search();
    await store.close();
    search();
    // The search itself works: the username is in the file.
    assert.ok(fs.readFileSync(file).includes(Buffer.from('jill')));

    const rows = rawRows(file, 'SELECT username, password_hash FROM accounts ORDER BY username');
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(String(row['password_hash']), /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    }
    // Random salts: one password, two different hashes.
    assert.notEqual(rows[0]?.['password_hash'], rows[1]?.['password_hash']);
  });

  test('the default cost is N = 16384, and hashes made at another cost still verify', async () => {
    const file = freshPath();
    let store = await openSqliteStore(file, FAST);
    await store.createAccount('lena', 'cheap');
    await store.close();

    store = await openSqliteStore(file);
    try {
      assert.equal(await store.verifyPassword('lena', 'cheap'), true);
      await store.createAccount('milo', 'dear');
      assert.equal(await store.verifyPassword('milo', 'dear'), true);
    } finally {
      await store.close();
    }
    const hashes = Object.fromEntries(
      rawRows(file, 'SELECT username, password_hash FROM accounts').map((r) => [r['username'], String(r['password_hash'])]),
    );
    assert.match(hashes['lena'] ?? '', /^scrypt\$1024\$8\$1\$/);
    assert.match(hashes['milo'] ?? '', /^scrypt\$16384\$8\$1\$/);
  });

  test('passwordCost is validated', async () => {
    for (const bad of [1000, 512, 0, -1024, 1024.5, Number.NaN, Infinity, 3 << 10, 1 << 21, '1024']) {
      await assert.rejects(
        openSqliteStore(freshPath(), { passwordCost: bad as number }),
        (error: unknown) => error instanceof RangeError && /passwordCost must be a power of two/.test(error.message),
        `passwordCost ${String(bad)}`,
      );
      assert.throws(() => validatePasswordCost(bad), RangeError);
    }
    assert.equal(validatePasswordCost(1024), 1024);
    assert.equal(validatePasswordCost(1 << 20), 1 << 20);
    await assert.rejects(hashPassword('x', 1000), RangeError);
  });

  test('a malformed stored hash verifies as false', async () => {
    const good = await hashPassword('pw', 1024);
    assert.equal(await verifyPasswordHash('pw', good), true);
    const parts = good.split('$');
    const variants = [
      '',
      'pw',
      'bcrypt$1024$8$1$aaaaaaaaaaaaaaaaaaaaaa==$aaaa',
      good.replace(/^scrypt/, 'Scrypt'),
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'),
      [...parts.slice(0, 1), String(1 << 30), ...parts.slice(2)].join('$'),
      [...parts.slice(0, 4), '!!!!', ...parts.slice(5)].join('$'),
      [...parts.slice(0, 5), 'AAAA'].join('$'),
      `${good}$extra`,
    ];
    for (const stored of variants) assert.equal(await verifyPasswordHash('pw', stored), false, stored);
  });
});

describe('stats', () => {
  test('recordUpload keeps the running mean of the speeds', async () => {
    await withStore(async (store) => {
      await store.createAccount('nina', 'pw');
      // Worked by hand: 700/3 = 233.3 → 233; 750/4 = 187.5 → 188 (halves round up); 804/5 = 160.8 → 161;
      // 805/6 = 134.2 → 134; 1000804/7 = 142972. Each step folds into the rounded mean, not the exact one.
      const speeds = [100, 200, 400, 51, 52, 0, 1_000_000];
      const means = [100, 150, 233, 188, 161, 134, 142_972];
      for (const [index, speed] of speeds.entries()) {
        const stats = await store.recordUpload('nina', speed);
        assert.deepEqual(stats, { avgSpeed: means[index], uploads: index + 1, sharedFiles: 0, sharedFolders: 0 });
      }
      assert.deepEqual(await store.getStats('nina'), { avgSpeed: 142_972, uploads: 7, sharedFiles: 0, sharedFolders: 0 });
    });
  });

  test('speeds and counts are clamped to uint32', async () => {
    await withStore(async (store) => {
      await store.createAccount('omar', 'pw');
      assert.equal((await store.recordUpload('omar', 2 ** 40)).avgSpeed, UINT32_MAX);
      assert.equal((await store.recordUpload('omar', 2 ** 40)).avgSpeed, UINT32_MAX);
      const shared = await store.setShared('omar', 2 ** 40, 2 ** 33);
      assert.deepEqual(shared, { avgSpeed: UINT32_MAX, uploads: 2, sharedFiles: UINT32_MAX, sharedFolders: UINT32_MAX });
    });
  });

  test('setShared stores the counts and leaves the upload figures alone', async () => {
    await withStore(async (store) => {
      await store.createAccount('pia', 'pw');
      assert.deepEqual(await store.setShared('pia', 1234, 56), { avgSpeed: 0, uploads: 0, sharedFiles: 1234, sharedFolders: 56 });
      await store.recordUpload('pia', 300);
      assert.deepEqual(await store.setShared('pia', 0, 0), { avgSpeed: 300, uploads: 1, sharedFiles: 0, sharedFolders: 0 });
      assert.deepEqual(await store.getStats('pia'), { avgSpeed: 300, uploads: 1, sharedFiles: 0, sharedFolders: 0 });
    });
  });

  test('an unknown user has zero stats, and stats cannot be written for one', async () => {
    await withStore(async (store, file) => {
      assert.deepEqual(await store.getStats('ghost'), { avgSpeed: 0, uploads: 0, sharedFiles: 0, sharedFolders: 0 });
      await assert.rejects(store.setShared('ghost', 1, 1), UnknownAccountError);
      await assert.rejects(store.recordUpload('ghost', 1), UnknownAccountError);
      assert.deepEqual(rawRows(file, 'SELECT * FROM stats'), []);
    });
  });
});

describe('private messages', () => {
  test('ids increase and are never reused, even after the newest is deleted', async () => {
    await withStore(async (store) => {
      await store.createAccount('quin', 'pw');
      await store.createAccount('rita', 'pw');
      const first = await store.storePrivateMessage({ timestamp: 1_700_000_000, from: 'rita', to: 'quin', message: 'one' });
      assert.deepEqual(first, { id: first.id, timestamp: 1_700_000_000, from: 'rita', to: 'quin', message: 'one' });
      const second = await store.storePrivateMessage({ timestamp: 1_700_000_001, from: 'rita', to: 'quin', message: 'two' });
      assert.ok(second.id > first.id);
      assert.equal(await store.acknowledgePrivateMessage('quin', second.id), true);
      assert.equal(await store.acknowledgePrivateMessage('quin', first.id), true);
      const third = await store.storePrivateMessage({ timestamp: 1_700_000_002, from: 'rita', to: 'quin', message: 'three' });
      assert.ok(third.id > second.id, `id ${third.id} reused after ${second.id} was deleted`);
    });
  });

  test('ids are not reused across a reopen either', async () => {
    const file = freshPath();
    let store = await openSqliteStore(file, FAST);
    await store.createAccount('sam', 'pw');
    const message = await store.storePrivateMessage({ timestamp: 5, from: 'x', to: 'sam', message: 'm' });
    await store.acknowledgePrivateMessage('sam', message.id);
    await store.close();
    store = await openSqliteStore(file, FAST);
    try {
      const next = await store.storePrivateMessage({ timestamp: 6, from: 'x', to: 'sam', message: 'm' });
      assert.ok(next.id > message.id);
    } finally {
      await store.close();
    }
  });

  test('pending messages come oldest first, per recipient', async () => {
    await withStore(async (store) => {
      await store.createAccount('tom', 'pw');
      await store.createAccount('uma', 'pw');
      const stored = [];
      for (let i = 0; i < 5; i++) {
        // Timestamps out of order on purpose: the order is that of arrival (id), not of the clock.
        stored.push(await store.storePrivateMessage({ timestamp: 100 - i, from: `sender${i}`, to: 'tom', message: `m${i} ✓ ünï` }));
        await store.storePrivateMessage({ timestamp: 1, from: 'tom', to: 'uma', message: 'elsewhere' });
      }
      assert.deepEqual(await store.pendingPrivateMessages('tom'), stored);
      assert.equal((await store.pendingPrivateMessages('uma')).length, 5);
      assert.deepEqual(await store.pendingPrivateMessages('Tom'), []);
      assert.deepEqual(await store.pendingPrivateMessages('nobody'), []);
    });
  });

  test('each recipient keeps a bounded inbox: past the quota the oldest unacknowledged messages go', async () => {
    const file = freshPath();
    const store = await openSqliteStore(file, { ...FAST, pendingMessagesPerRecipient: 3 });
    try {
      await store.createAccount('xena', 'pw');
      await store.createAccount('yuri', 'pw');
      const toXena = [];
      for (let i = 0; i < 5; i++) toXena.push(await store.storePrivateMessage({ timestamp: i, from: 'flooder', to: 'xena', message: `m${i}` }));
      const toYuri = await store.storePrivateMessage({ timestamp: 1, from: 'xena', to: 'yuri', message: 'untouched' });
      assert.deepEqual(await store.pendingPrivateMessages('xena'), toXena.slice(2));
      assert.deepEqual(await store.pendingPrivateMessages('yuri'), [toYuri]);
    } finally {
      await store.close();
    }
    await assert.rejects(openSqliteStore(freshPath(), { ...FAST, pendingMessagesPerRecipient: 0 }), RangeError);
  });

  test('only the recipient can acknowledge a message', async () => {
    await withStore(async (store) => {
      await store.createAccount('vic', 'pw');
      await store.createAccount('wes', 'pw');
      const message = await store.storePrivateMessage({ timestamp: 9, from: 'wes', to: 'vic', message: 'hi' });
      assert.equal(await store.acknowledgePrivateMessage('wes', message.id), false);
      assert.equal(await store.acknowledgePrivateMessage('Vic', message.id), false);
      assert.deepEqual(await store.pendingPrivateMessages('vic'), [message]);
      assert.equal(await store.acknowledgePrivateMessage('vic', message.id + 1), false);
      assert.equal(await store.acknowledgePrivateMessage('vic', message.id), true);
      assert.equal(await store.acknowledgePrivateMessage('vic', message.id), false);
      assert.deepEqual(await store.pendingPrivateMessages('vic'), []);
    });
  });

  test('a message to a name with no account is refused', async () => {
    await withStore(async (store, file) => {
      await assert.rejects(
        store.storePrivateMessage({ timestamp: 1, from: 'someone', to: 'ghost', message: 'hello?' }),
        UnknownAccountError,
      );
      assert.deepEqual(rawRows(file, 'SELECT * FROM private_messages'), []);
    });
  });
});

describe('input checks', () => {
  test('bad arguments reject and change nothing', async () => {
    await withStore(async (store, file) => {
      await store.createAccount('xena', 'pw');
      await store.setShared('xena', 3, 1);
      await store.storePrivateMessage({ timestamp: 1, from: 'a', to: 'xena', message: 'kept' });
      const snapshot = (): unknown => [
        rawRows(file, 'SELECT * FROM accounts'),
        rawRows(file, 'SELECT * FROM stats'),
        rawRows(file, 'SELECT * FROM private_messages'),
      ];
      const before = snapshot();
      const anyStore = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const calls: [string, unknown[], ErrorConstructor][] = [
        ['createAccount', ['', 'pw'], RangeError],
        ['createAccount', [42, 'pw'], TypeError],
        ['createAccount', ['yuri', undefined], TypeError],
        ['createAccount', ['yuri', 'pw', { admin: 'yes' }], TypeError],
        ['createAccount', ['yuri', 'pw', null], TypeError],
        ['createAccount', ['bad\ud800name', 'pw'], TypeError],
        ['getAccount', [null], TypeError],
        ['verifyPassword', ['xena', 1], TypeError],
        ['setPassword', ['xena', null], TypeError],
        ['setBanned', ['xena', 1], TypeError],
        ['setAdmin', ['xena', 'true'], TypeError],
        ['setPrivilegedUntil', ['xena', -1], RangeError],
        ['setPrivilegedUntil', ['xena', 1.5], RangeError],
        ['setPrivilegedUntil', ['xena', Number.NaN], RangeError],
        ['deleteAccount', [undefined], TypeError],
        ['setShared', ['xena', -1, 0], RangeError],
        ['setShared', ['xena', 1, 0.5], RangeError],
        ['setShared', ['xena', '1', 0], RangeError],
        ['recordUpload', ['xena', Number.NaN], RangeError],
        ['recordUpload', ['xena', -5], RangeError],
        ['recordUpload', ['xena', Infinity], RangeError],
        ['storePrivateMessage', [null], TypeError],
        ['storePrivateMessage', [{ timestamp: -1, from: 'a', to: 'xena', message: 'm' }], RangeError],
        ['storePrivateMessage', [{ timestamp: 2 ** 32, from: 'a', to: 'xena', message: 'm' }], RangeError],
        ['storePrivateMessage', [{ timestamp: 1, from: '', to: 'xena', message: 'm' }], RangeError],
        ['storePrivateMessage', [{ timestamp: 1, from: 'a', to: 'xena', message: 7 }], TypeError],
        ['pendingPrivateMessages', [7], TypeError],
        ['acknowledgePrivateMessage', ['xena', -1], RangeError],
        ['acknowledgePrivateMessage', ['xena', '1'], RangeError],
      ];
      for (const [method, args, kind] of calls) {
        const call = anyStore[method];
        assert.ok(call !== undefined);
        await assert.rejects(call.apply(store, args), kind, `${method}(${args.map(String).join(', ')})`);
      }
      assert.deepEqual(snapshot(), before);
    });
  });
});

describe('lifecycle and durability', () => {
  test('writes survive close and reopen', async () => {
    const file = freshPath();
    let store = await openSqliteStore(file, FAST);
    await store.createAccount('yves', 'pw', { admin: true });
    await store.setBanned('yves', true);
    await store.setPrivilegedUntil('yves', 123_456_789);
    await store.recordUpload('yves', 777);
    await store.setShared('yves', 10, 3);
    const message = await store.storePrivateMessage({ timestamp: 42, from: 'zoe', to: 'yves', message: 'still here' });
    const account = await store.getAccount('yves');
    await store.close();

    store = await openSqliteStore(file, FAST);
    try {
      assert.deepEqual(await store.getAccount('yves'), account);
      assert.equal(await store.verifyPassword('yves', 'pw'), true);
      assert.deepEqual(await store.getStats('yves'), { avgSpeed: 777, uploads: 1, sharedFiles: 10, sharedFolders: 3 });
      assert.deepEqual(await store.pendingPrivateMessages('yves'), [message]);
    } finally {
      await store.close();
    }
  });

  test('the database is in WAL mode', async () => {
    await withStore(async (_store, file) => {
      assert.deepEqual(rawRows(file, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
    });
  });

  test('close waits for calls in flight, then every call rejects', async () => {
    const file = freshPath();
    const store = await openSqliteStore(file, FAST);
    const creating = store.createAccount('late', 'pw'); // still hashing when close() is called
    const closing = store.close();
    assert.equal(store.close(), closing);
    await assert.rejects(store.getAccount('late'), StoreClosedError);
    await assert.rejects(store.createAccount('later', 'pw'), /the SQLite store is closed/);
    assert.equal((await creating).username, 'late');
    await closing;
    await assert.rejects(store.listAccounts(), StoreClosedError);
    await assert.rejects(store.verifyPassword('late', 'pw'), StoreClosedError);
    await store.close();

    const reopened = await openSqliteStore(file, FAST);
    try {
      assert.equal(await reopened.verifyPassword('late', 'pw'), true);
    } finally {
      await reopened.close();
    }
  });

  test('every write acknowledged before a SIGKILL is there after it', async (t) => {
    const file = freshPath();
    const script = fileURLToPath(new URL('./sigkill-writer.ts', import.meta.url));
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    const acknowledged: string[] = [];
    let stderr = '';
    const WANTED = 200;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${acknowledged.length} writes acknowledged in time; stderr: ${stderr}`)), 60_000);
      let partial = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        acknowledged.push(...lines);
        if (acknowledged.length >= WANTED) {
          clearTimeout(timer);
          // Killed while it is still writing: the kill lands in the middle of the loop.
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`writer exited early (code ${code}, signal ${signal}); stderr: ${stderr}`));
      });
    });
    assert.equal(await exited, 'SIGKILL');
    assert.ok(fs.existsSync(`${file}-wal`), 'the writes were still in the WAL when the process died');

    const accounts = acknowledged.filter((line) => line.startsWith('account ')).map((line) => line.slice('account '.length));
    const messages = acknowledged
      .filter((line) => line.startsWith('message '))
      .map((line) => {
        const [, id, from] = line.split(' ');
        return { id: Number(id), from };
      });
    assert.ok(accounts.length >= 50 && messages.length >= 50);

    const store = await openSqliteStore(file, FAST);
    try {
      for (const username of accounts) assert.ok(await store.getAccount(username), `account ${username} lost`);
      // The password hashes came through whole, not just the rows.
      assert.equal(await store.verifyPassword('user0', 'password0'), true);
      const last = accounts.at(-1) ?? '';
      assert.equal(await store.verifyPassword(last, `password${last.slice('user'.length)}`), true);
      const pending = new Map((await store.pendingPrivateMessages('inbox')).map((m) => [m.id, m]));
      for (const { id, from } of messages) {
        assert.equal(pending.get(id)?.from, from, `message ${id} lost`);
      }
    } finally {
      await store.close();
    }
  });
});

describe('migrations', () => {
  test('a fresh database gets the latest schema', async () => {
    await withStore(async (_store, file) => {
      assert.deepEqual(rawRows(file, 'PRAGMA user_version'), [{ user_version: LATEST_SCHEMA_VERSION }]);
    });
  });

  test('a version-1 database is upgraded by the store with its data intact', async () => {
    const file = freshPath();
    const first = MIGRATIONS[0];
    assert.ok(first !== undefined && typeof first.up === 'string');
    const hash = await hashPassword('v1-password', 1024);
    // Built by hand, as an older slsk-ts would have left it.
    const db = new DatabaseSync(file);
    db.exec(first.up);
    db.exec(`PRAGMA user_version = ${first.version}`);
    db.prepare('INSERT INTO accounts (username, password_hash, created_at, banned) VALUES (?, ?, ?, 1)').run('old', hash, 1000);
    db.prepare('INSERT INTO stats (username, avg_speed, uploads) VALUES (?, ?, ?)').run('old', 500, 4);
    db.prepare('INSERT INTO private_messages (timestamp, sender, recipient, message) VALUES (?, ?, ?, ?)').run(7, 's', 'old', 'kept');
    db.close();

    const store = await openSqliteStore(file, FAST);
    try {
      assert.deepEqual(await store.getAccount('old'), { username: 'old', createdAt: 1000, banned: true, admin: false, privilegedUntil: 0 });
      assert.equal(await store.verifyPassword('old', 'v1-password'), true);
      assert.deepEqual(await store.recordUpload('old', 1000), { avgSpeed: 600, uploads: 5, sharedFiles: 0, sharedFolders: 0 });
      const [message] = await store.pendingPrivateMessages('old');
      assert.equal(message?.message, 'kept');
    } finally {
      await store.close();
    }
    assert.deepEqual(rawRows(file, 'PRAGMA user_version'), [{ user_version: LATEST_SCHEMA_VERSION }]);
  });

  test('missing migrations are applied in order, one transaction each, keeping the data', () => {
    const file = freshPath();
    const db = new DatabaseSync(file);
    try {
      assert.equal(migrate(db, MIGRATIONS.slice(0, 1)), 1);
      db.prepare('INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, ?)').run('keep', 'h', 1);
      const next = LATEST_SCHEMA_VERSION + 1;
      const upgraded: Migration[] = [
        ...MIGRATIONS,
        { version: next, description: 'add a column', up: "ALTER TABLE accounts ADD COLUMN note TEXT NOT NULL DEFAULT 'n'" },
        {
          version: next + 1,
          description: 'a function migration',
          up: (target) => target.exec("UPDATE accounts SET note = note || '+'"),
        },
      ];
      assert.equal(migrate(db, upgraded), next + 1);
      assert.deepEqual(plain(db.prepare('SELECT username, note FROM accounts').all()), [{ username: 'keep', note: 'n+' }]);
      // Already current: running again changes nothing.
      assert.equal(migrate(db, upgraded), next + 1);
      assert.deepEqual(plain(db.prepare('SELECT note FROM accounts').all()), [{ note: 'n+' }]);

      // A failing migration leaves neither its changes nor its version behind.
      const broken: Migration[] = [
        ...upgraded,
        {
          version: next + 2,
          description: 'fails halfway',
          up: "CREATE TABLE half (x INTEGER) STRICT; INSERT INTO no_such_table VALUES (1);",
        },
      ];
      assert.throws(() => migrate(db, broken), /schema migration \d+ \(fails halfway\) failed/);
      assert.equal(schemaVersion(db), next + 1);
      assert.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half'").all(), []);
      assert.equal(db.isTransaction, false);

      assert.throws(() => migrate(db, [upgraded[1] as Migration]), /out of order/);
    } finally {
      db.close();
    }
  });

  test('a database from a newer slsk-ts is refused and left untouched', async () => {
    const file = freshPath();
    const newer = LATEST_SCHEMA_VERSION + 3;
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE future (x INTEGER); PRAGMA user_version = ${newer}`);
    db.close();
    const sizeBefore = fs.statSync(file).size;

    await assert.rejects(openSqliteStore(file, FAST), (error: unknown) => {
      assert.ok(error instanceof NewerSchemaError);
      assert.match(error.message, new RegExp(`this database was written by a newer slsk-ts \\(schema ${newer}\\); upgrade slsk-ts`));
      return true;
    });
    assert.deepEqual(rawRows(file, 'PRAGMA user_version'), [{ user_version: newer }]);
    assert.deepEqual(rawRows(file, 'PRAGMA journal_mode'), [{ journal_mode: 'delete' }]);
    assert.equal(fs.statSync(file).size, sizeBefore);
  });
});
