// The chat state migration 3 added to the store: the mention flag of room messages, the rooms to join
// again at start, and one conversation's summary; a database left at version 2 by an older daemon
// upgrades in place with its history intact. Also the mention rule itself.

import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrate, schemaVersion } from '../../src/storage/migrate.ts';
import { DAEMON_MIGRATIONS } from '../../src/daemon/store/migrations.ts';
import { DAEMON_DATABASE_FILE, DaemonStore } from '../../src/daemon/store/index.ts';
import { mentionsUser } from '../../src/daemon/chat/mentions.ts';
import { openTestStore } from './store-support.ts';

test('mentions: the name as a word of its own, any case; never inside another word or for an empty name', () => {
  const yes: [string, string][] = [
    ['hey al!', 'al'],
    ['AL: look', 'al'],
    ['@al', 'al'],
    ['ask DJ Kool', 'dj kool'],
    ['ping -x-.', '-x-'],
    ['thanks ünal', 'Ünal'],
    ['al', 'al'],
  ];
  const no: [string, string | undefined][] = [
    ['always', 'al'],
    ['normal', 'al'],
    ['al2 is here', 'al'],
    ['hello', ''],
    ['hello', undefined],
    ['bob_al says hi', 'al'],
  ];
  for (const [text, name] of yes) assert.equal(mentionsUser(text, name), true, `${JSON.stringify(text)} mentions ${name}`);
  for (const [text, name] of no) assert.equal(mentionsUser(text, name), false, `${JSON.stringify(text)} does not mention ${String(name)}`);
});

test('room messages keep their mention flag; joined rooms are remembered in join order; a conversation summary', (t) => {
  const handle = openTestStore();
  t.after(() => handle.dispose());
  const chat = handle.store.chat;
  chat.addRoomMessage({ room: 'jazz', username: 'bob', text: 'hi me', mention: true });
  chat.addRoomMessage({ room: 'jazz', username: 'me', text: 'hi bob', own: true });
  chat.rememberJoined('jazz', false);
  chat.rememberJoined('den', true);
  chat.rememberJoined('jazz', false);
  chat.addPrivateMessage({ peer: 'bob', direction: 'in', text: 'psst', serverId: 7 });
  chat.addPrivateMessage({ peer: 'bob', direction: 'out', text: 'what' });

  const chatAgain = handle.reopen().chat;
  assert.deepEqual(chatAgain.roomMessages('jazz').map((m) => [m.text, m.mention, m.own]), [['hi bob', false, true], ['hi me', true, false]]);
  assert.deepEqual(chatAgain.joinedRooms().map((r) => [r.room, r.private]), [['jazz', false], ['den', true]]);
  assert.equal(chatAgain.forgetJoined('jazz'), true);
  assert.equal(chatAgain.forgetJoined('jazz'), false);
  assert.deepEqual(chatAgain.joinedRooms().map((r) => r.room), ['den']);
  const bob = chatAgain.conversation('bob');
  assert.deepEqual([bob?.unread, bob?.messageCount, bob?.last.text], [1, 2, 'what']);
  assert.equal(chatAgain.conversation('nobody'), undefined);
  assert.throws(() => chatAgain.rememberJoined('', false), /room is empty/);
});

test('a version 2 database upgrades to the latest version with its room history, unmentioned', (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'slsk-daemon-store-v1-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  // A database at version 2, as an older daemon left it, with one room message.
  const old = new DatabaseSync(join(dataDir, DAEMON_DATABASE_FILE));
  migrate(old, DAEMON_MIGRATIONS.slice(0, 2));
  old.prepare("INSERT INTO room_messages (room, username, text, truncated, at, own) VALUES ('jazz', 'bob', 'old times', 0, 1, 0)").run();
  old.prepare("INSERT INTO chat_rooms (room, last_id, message_count) VALUES ('jazz', 1, 1)").run();
  assert.equal(schemaVersion(old), 2);
  old.close();

  const store = DaemonStore.open(dataDir);
  t.after(() => store.close());
  assert.deepEqual(store.chat.roomMessages('jazz').map((m) => [m.text, m.mention]), [['old times', false]]);
  assert.deepEqual(store.chat.joinedRooms(), []);
  store.chat.addRoomMessage({ room: 'jazz', username: 'bob', text: 'new times', mention: true });
  assert.deepEqual(store.chat.roomMessages('jazz').map((m) => m.mention), [true, false]);
});
