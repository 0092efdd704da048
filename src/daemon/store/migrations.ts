// The daemon's own SQLite file (daemon.sqlite): searches with their responses, the wishlist, room
// and private-message history and the events log. Transfers and the buddy/ignore lists keep their
// own files (transfers.sqlite, user-lists.sqlite) so `slsk share` and `slsk buddy` read the same ones.
//
// Every paged query has an index that serves both its WHERE and its ORDER BY (test/daemon/
// store-chat.test.ts checks the plans): history grows for years and a full scan per page would not.

import type { Migration } from '../../storage/migrate.ts';
import { SEARCH_SCOPES, SEARCH_STATES } from './search-state.ts';

export const MAX_NAME_LENGTH = 100;
export const MAX_QUERY_LENGTH = 1000;

const list = (values: readonly string[]): string => values.map((value) => `'${value}'`).join(', ');

// Append only: a migration that has shipped is never edited.
export const DAEMON_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'searches, wishlist, chat history, events',
    up: `
      CREATE TABLE searches (
        seq         INTEGER PRIMARY KEY,
        id          TEXT    NOT NULL UNIQUE,
        query       TEXT    NOT NULL CHECK (length(query) BETWEEN 1 AND ${MAX_QUERY_LENGTH}),
        scope       TEXT    NOT NULL CHECK (scope IN (${list(SEARCH_SCOPES)})),
        target      TEXT    CHECK (target IS NULL OR length(target) <= ${MAX_NAME_LENGTH}),
        filter      TEXT    NOT NULL DEFAULT '' CHECK (length(filter) <= ${MAX_QUERY_LENGTH}),
        state       TEXT    NOT NULL CHECK (state IN (${list(SEARCH_STATES)})),
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        responses   INTEGER NOT NULL DEFAULT 0,
        files       INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      -- newest first, and the retention sweep by age
      CREATE INDEX searches_by_start ON searches (started_at, seq);

      -- A response's files as one JSON array: they are always read together with the response, and
      -- one row per response keeps a 50,000-file search at a few hundred rows.
      CREATE TABLE search_responses (
        seq          INTEGER PRIMARY KEY,
        search_seq   INTEGER NOT NULL REFERENCES searches (seq) ON DELETE CASCADE,
        username     TEXT    NOT NULL CHECK (length(username) BETWEEN 1 AND ${MAX_NAME_LENGTH}),
        free_slot    INTEGER NOT NULL CHECK (free_slot IN (0, 1)),
        upload_speed INTEGER NOT NULL CHECK (upload_speed >= 0),
        queue_length INTEGER NOT NULL CHECK (queue_length >= 0),
        file_count   INTEGER NOT NULL CHECK (file_count >= 0),
        files        TEXT    NOT NULL,
        received_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX search_responses_by_search ON search_responses (search_seq, seq);

      CREATE TABLE wishlist (
        id            TEXT    NOT NULL PRIMARY KEY,
        query         TEXT    NOT NULL CHECK (length(query) BETWEEN 1 AND ${MAX_QUERY_LENGTH}),
        filter        TEXT    NOT NULL DEFAULT '' CHECK (length(filter) <= ${MAX_QUERY_LENGTH}),
        enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        auto_download INTEGER NOT NULL CHECK (auto_download IN (0, 1)),
        last_run_at   INTEGER,
        added_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX wishlist_by_added ON wishlist (added_at, id);

      -- ids, not timestamps, order history: timestamps come from the server and peers and may go back.
      CREATE TABLE room_messages (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        room      TEXT    NOT NULL CHECK (length(room) BETWEEN 1 AND ${MAX_NAME_LENGTH}),
        username  TEXT    NOT NULL CHECK (length(username) <= ${MAX_NAME_LENGTH}),
        text      TEXT    NOT NULL,
        truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
        at        INTEGER NOT NULL,
        own       INTEGER NOT NULL CHECK (own IN (0, 1))
      ) STRICT;
      CREATE INDEX room_messages_by_room ON room_messages (room, id);
      CREATE INDEX room_messages_by_room_time ON room_messages (room, at);
      -- one row per room with history: the list of rooms and the per-room bound without a scan
      CREATE TABLE chat_rooms (
        room          TEXT    NOT NULL PRIMARY KEY,
        last_id       INTEGER NOT NULL,
        message_count INTEGER NOT NULL CHECK (message_count >= 0)
      ) STRICT;
      CREATE INDEX chat_rooms_by_last ON chat_rooms (last_id);

      CREATE TABLE private_messages (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        peer      TEXT    NOT NULL CHECK (length(peer) BETWEEN 1 AND ${MAX_NAME_LENGTH}),
        direction TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
        text      TEXT    NOT NULL,
        truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
        at        INTEGER NOT NULL,
        read      INTEGER NOT NULL CHECK (read IN (0, 1)),
        server_id INTEGER
      ) STRICT;
      CREATE INDEX private_messages_by_peer ON private_messages (peer, id);
      CREATE INDEX private_messages_unread ON private_messages (peer, id) WHERE read = 0;
      CREATE INDEX private_messages_by_peer_time ON private_messages (peer, at);
      -- the server delivers an offline message again until it is acknowledged: store it once
      CREATE UNIQUE INDEX private_messages_by_server_id ON private_messages (peer, server_id) WHERE server_id IS NOT NULL;
      CREATE TABLE conversations (
        peer          TEXT    NOT NULL PRIMARY KEY,
        last_id       INTEGER NOT NULL,
        message_count INTEGER NOT NULL CHECK (message_count >= 0),
        unread        INTEGER NOT NULL CHECK (unread >= 0)
      ) STRICT;
      CREATE INDEX conversations_by_last ON conversations (last_id);

      CREATE TABLE events (
        id   INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT    NOT NULL,
        at   INTEGER NOT NULL,
        data TEXT    NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'folder downloads',
    // A folder download's files keep the group together across restarts: the transfers themselves
    // are in transfers.sqlite, these rows say which of them make one folder and where each lands.
    up: `
      CREATE TABLE folder_downloads (
        id         TEXT    NOT NULL PRIMARY KEY,
        username   TEXT    NOT NULL CHECK (length(username) BETWEEN 1 AND ${MAX_NAME_LENGTH}),
        folder     TEXT    NOT NULL,
        layout     TEXT    NOT NULL,
        subfolder  TEXT    NOT NULL,
        source     TEXT    NOT NULL CHECK (source IN ('browse', 'folder-request')),
        refused    TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE folder_download_files (
        folder_id   TEXT    NOT NULL REFERENCES folder_downloads (id) ON DELETE CASCADE,
        remote_path TEXT    NOT NULL,
        size        INTEGER NOT NULL CHECK (size >= 0),
        destination TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('enqueued', 'already-present')),
        transfer_id TEXT,
        present_at  TEXT,
        PRIMARY KEY (folder_id, remote_path)
      ) STRICT;
      CREATE INDEX folder_download_files_by_transfer ON folder_download_files (transfer_id) WHERE transfer_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: 'our interests (liked and hated items)',
    up: `
      -- An item is in one list at most, as on the server; a few hundred rows, read whole.
      CREATE TABLE interests (
        item     TEXT    NOT NULL PRIMARY KEY CHECK (length(item) BETWEEN 1 AND 200),
        kind     TEXT    NOT NULL CHECK (kind IN ('liked', 'hated')),
        added_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'room messages that mention us; the rooms to join again at start',
    up: `
      -- whether a room message said our username (what mention notifications and webhooks look for)
      ALTER TABLE room_messages ADD COLUMN mention INTEGER NOT NULL DEFAULT 0 CHECK (mention IN (0, 1));
      -- the rooms we are in, so a restarted daemon joins them again (the client only rejoins after a reconnect)
      CREATE TABLE joined_rooms (
        room      TEXT    NOT NULL PRIMARY KEY CHECK (length(room) BETWEEN 1 AND ${MAX_NAME_LENGTH}),
        private   INTEGER NOT NULL CHECK (private IN (0, 1)),
        joined_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
