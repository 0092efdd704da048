// What feeds the hooks (webhooks and scripts): the daemon's parts tell the dispatcher about finished
// downloads, finished folder downloads, private messages, rooms mentioning us and watched users coming
// online. Each listener only builds the event and calls dispatch(), which never throws nor waits.

import { join } from 'node:path';
import type { Client } from '../client/index.ts';
import type { Transfer, TransferManager } from '../transfers/index.ts';
import type { FolderDownload, FolderDownloadSummary } from './downloads/index.ts';
import { mentionsUser } from './chat/mentions.ts';
import type { HookDispatcher, HookEvent, HookEventOf, HookEventType, HookLogger } from './hooks/index.ts';

export type HookSink = Pick<HookDispatcher, 'dispatch'>;
export type HookClient = Pick<Client, 'on' | 'username'>;

/**
 * Users whose status we remember, so "came online" means offline → online. The server only reports
 * users we watch (buddies and watched users), but the bound holds whatever it sends.
 */
export const MAX_TRACKED_STATUSES = 10_000;

const event = <K extends HookEventType>(type: K, data: HookEventOf<K>['data'], at = new Date()): HookEvent =>
  ({ type, at: at.toISOString(), data }) as HookEvent;

/** True when `text` says `name` as a word of its own (any case): "hi Alice!" mentions alice, "Alicea" does not. */
export const mentions = (text: string, name: string): boolean => mentionsUser(text, name);

/**
 * A user's presence as far as we know it: `offline → online` (not `away → online`, and not a first
 * report) is a user coming online. Statuses are forgotten when we lose the server: after logging in
 * again the server's AddUser replies tell them anew, without announcing everyone as "came online".
 */
export class PresenceTracker {
  readonly #known = new Map<string, 'offline' | 'away' | 'online'>();
  readonly #max: number;

  constructor(max = MAX_TRACKED_STATUSES) {
    this.#max = max;
  }

  /** Records the status; true when it is the user coming online. */
  update(username: string, status: 'offline' | 'away' | 'online'): boolean {
    const before = this.#known.get(username);
    this.#known.delete(username);
    this.#known.set(username, status);
    // Oldest first in a Map: drop the least recently reported user past the bound.
    if (this.#known.size > this.#max) this.#known.delete(this.#known.keys().next().value!);
    return status === 'online' && before === 'offline';
  }

  forget(): void {
    this.#known.clear();
  }

  get size(): number {
    return this.#known.size;
  }
}

const presenceOf = (status: number): 'offline' | 'away' | 'online' => (status === 2 ? 'online' : status === 1 ? 'away' : 'offline');

/** Private messages, room mentions of our name and watched users coming online. */
export function feedClientHooks(client: HookClient, hooks: HookSink, presence = new PresenceTracker()): void {
  client.on('privateMessage', (message) => {
    hooks.dispatch(event('privateMessage', { user: message.from, text: message.text }, message.time));
  });
  client.on('roomMessage', (message) => {
    const me = client.username;
    if (me === undefined || message.username === me || !mentions(message.text, me)) return;
    hooks.dispatch(event('mention', { room: message.room, user: message.username, text: message.text }));
  });
  client.on('serverMessage', (message) => {
    // Watching a user (buddies are watched at login) answers with its status: known, not news.
    if (message.name === 'AddUser' && message.exist && message.status !== undefined) presence.update(message.username, presenceOf(message.status));
  });
  client.on('userStatus', ({ username, status }) => {
    if (presence.update(username, status)) hooks.dispatch(event('userOnline', { user: username }));
  });
  client.on('disconnected', () => presence.forget());
}

/** A finished download, as the hook sees it. */
export function downloadCompleteEvent(transfer: Transfer): HookEvent | undefined {
  if (transfer.direction !== 'download' || transfer.state !== 'completed' || transfer.localPath === undefined) return undefined;
  return event('downloadComplete', {
    user: transfer.username,
    remotePath: transfer.filename,
    localPath: transfer.localPath,
    size: Number(transfer.size ?? transfer.bytes),
  });
}

export function feedTransferHooks(manager: Pick<TransferManager, 'on'>, hooks: HookSink): void {
  manager.on('transferState', (transfer) => {
    const done = downloadCompleteEvent(transfer);
    if (done !== undefined) hooks.dispatch(done);
  });
}

/** The deepest folder holding every destination (`/` separated, relative to the downloads folder). */
export function commonFolder(destinations: readonly string[]): string {
  let common: string[] | undefined;
  for (const destination of destinations) {
    const parts = destination.split('/').slice(0, -1);
    if (common === undefined) common = parts;
    else {
      let same = 0;
      while (same < common.length && same < parts.length && common[same] === parts[same]) same++;
      common = common.slice(0, same);
    }
  }
  return (common ?? []).join('/');
}

/** The folderComplete event of a finished folder download; undefined while some file is not final. */
export function folderCompleteEvent(group: FolderDownload, summary: FolderDownloadSummary, downloadsDir: string): HookEvent | undefined {
  if (!summary.finished) return undefined;
  const got = summary.files.filter((file) => file.state === 'completed' || file.state === 'already-present');
  return event('folderComplete', {
    user: group.username,
    folder: group.folder,
    files: got.length,
    localFolder: join(downloadsDir, commonFolder(group.files.map((file) => file.destination))),
  });
}

/** Hook problems as the daemon's notes: warnings and errors are worth a line; debug and info are not. */
export function hookLogger(warn: (message: string) => void): HookLogger {
  return {
    debug: () => {},
    info: () => {},
    warn: (_fields, message) => warn(message),
    error: (_fields, message) => warn(message),
  };
}
